import { defineConfig } from "vitest/config";

// The browser test (e2e/): Node drives Debian's chromium (playwright-core) against scripts/dev.sh.
export default defineConfig({
  test: {
    environment: "node",
    include: ["e2e/**/*.test.ts"],
    // The first start may compile the functions.
    testTimeout: 20 * 60_000,
    hookTimeout: 20 * 60_000,
  },
});
