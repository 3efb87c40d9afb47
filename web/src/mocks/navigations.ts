/** Where a story's button sent the browser (stories never leave the page). */
export const navigations: string[] = [];
