// The seller's flow in a real browser (Debian's chromium through playwright-core) against the
// `make dev` stack (scripts/dev.sh: the functions, the local Stripe server, the seller page):
// sign in → "Set up payouts" → Stripe's onboarding page → the callback → back on the dashboard,
// complete; a buyer pays → the card shows the seller's net and the sale is in the history; an
// expired token is refreshed once;
// a Stripe outage shows the stale balance and the retry state, and the retry succeeds.
// Screenshots of every step go to web/test-results/browser/. Any console error or page error on
// the seller page fails the test, except the one failed request a step expects (the 401 before
// the refresh, the 503 of the outage), announced by that step. The local Stripe server's pages
// stand in for Stripe's (their own favicon 404 is not the kit's).
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStack, type Stack } from "./stack";

const SCREENSHOTS = resolve(import.meta.dirname, "../test-results/browser");
const STEP_TIMEOUT = 30_000;

let stack: Stack;
let browser: Browser;
let page: Page;
const problems: string[] = [];
let expectedFailures: { path: string; status: number }[] = [];
let shot = 0;

beforeAll(async () => {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startStack(resolve(SCREENSHOTS, "stack"), 15 * 60_000);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium", headless: true });
  page = await browser.newPage({ locale: "en-US", timezoneId: "UTC" });
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (msg) => {
    if (msg.type() !== "error" || !page.url().startsWith(new URL(stack.page).origin)) return;
    const status = Number(/status of (\d{3})/.exec(msg.text())?.[1]);
    const url = msg.location().url;
    const expected = expectedFailures.some((f) => url.includes(f.path) && f.status === status);
    if (!expected) problems.push(`console error: ${msg.text()} (${url})`);
  });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function snap(name: string) {
  shot += 1;
  await page.screenshot({ path: resolve(SCREENSHOTS, `${String(shot).padStart(2, "0")}-${name}.png`), fullPage: true });
}

async function control(path: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(`${stack.stripe}/_control/${path}`, { headers: { "content-type": "application/json" }, ...init });
  expect(res.ok, `${path}: ${res.status}`).toBe(true);
  return (await res.json()) as Record<string, unknown>;
}

/** Reloads the page until `ready` holds (each round waits for the card to finish loading). */
async function reloadUntil(ready: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + STEP_TIMEOUT;
  for (;;) {
    await page.reload();
    await page.locator(".veza-balance:not([data-state=loading])").waitFor();
    if (await ready()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

it("a seller onboards through Stripe, sees the net of a sale, survives an expired token and a Stripe outage", async () => {
  const seller = `usr_web_${randomBytes(4).toString("hex")}`;
  const card = page.locator(".veza-balance");

  // Sign in: no Stripe account yet.
  await page.goto(stack.page);
  await page.getByLabel("Seller id").fill(seller);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Set up payouts to get paid for your sales.").waitFor();
  await snap("signed-in-not-started");

  // "Set up payouts" → the local Stripe server's hosted onboarding page.
  await page.getByRole("button", { name: "Set up payouts" }).click();
  await page.waitForURL(`${stack.stripe}/connect/onboarding/**`);
  await snap("stripe-onboarding-page");

  // Complete it: Stripe → the callback (return) → the seller page, complete.
  await page.getByRole("button", { name: "Complete onboarding" }).click();
  await page.waitForURL(`${stack.page}?onboarding=complete`);
  await page.getByText("Your payouts are set up. Welcome aboard!").waitFor();
  await expect.poll(() => card.getAttribute("data-state"), { timeout: STEP_TIMEOUT }).toBe("complete");
  await page.getByRole("button", { name: "Open Stripe dashboard" }).waitFor();
  await snap("back-from-stripe-complete");

  // A buyer pays 100.00 EUR, 60.00 of it the seller's share: the card shows the net.
  const net = 6000 - Math.floor((6000 * stack.feeBps + 5000) / 10000);
  expect(net).toBe(5400);
  const order = `ord_web_${randomBytes(4).toString("hex")}`;
  const paid = await control("payments", {
    method: "POST",
    body: JSON.stringify({ order_id: order, currency: "eur", amount: 10000, metadata: { veza_order_id: order, veza_shares: `${seller}:6000` } }),
  });
  await control(`deliveries?event_id=${paid.event_id as string}&delivered=true&timeout_ms=30000`);
  // Pending first: Stripe makes money funded from a charge available when the charge's funds are.
  const side = (name: string) => card.locator(`dd[data-side=${name}][data-currency=eur]`);
  await reloadUntil(async () => (await side("pending").allTextContents()).includes("€54.00"), "the net, pending, on the card");
  await expect(side("available").allTextContents()).resolves.toEqual(["€0.00"]);
  // The sale in the seller's history (under the card): paid, 54.00 received.
  const sale = page.locator(".veza-history tr", { hasText: order });
  await reloadUntil(async () => (await sale.count()) > 0, "the sale in the history");
  await expect(sale.locator("td").allTextContents()).resolves.toContain("€54.00");
  await snap("paid-order-net-pending-on-card");
  // The charge's funds become available (the local Stripe server's control call; days later at
  // Stripe): so does the seller's net.
  await control(`charges/${(paid.charge as { id: string }).id}/available`, { method: "POST", body: "{}" });
  await reloadUntil(async () => (await side("available").allTextContents()).includes("€54.00"), "the net, available, on the card");
  await expect(side("pending").allTextContents()).resolves.toEqual(["€0.00"]);
  await snap("paid-order-net-available-on-card");

  // An expired token: the kit refreshes it once and retries; the balance shows.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByLabel("Seller id").fill(seller);
  await page.getByLabel(/expired token/).check();
  // Both the balance and the sales history ask with the expired token; one refresh serves both.
  expectedFailures = [
    { path: "/api/v1/sell/balance", status: 401 },
    { path: "/api/v1/sell/payouts", status: 401 },
  ];
  await page.getByRole("button", { name: "Sign in" }).click();
  await card.getByText("€54.00").first().waitFor();
  await expect(page.getByTestId("refreshes").textContent()).resolves.toBe("Token refreshed 1 time(s)");
  expectedFailures = [];
  await snap("expired-token-refreshed-once");

  // Stripe is down: the balance is served stale with its age...
  await control("faults", { method: "POST", body: JSON.stringify({ method: "GET", path: "/v1/balance", kind: "status_500", count: 1000 }) });
  await reloadUntil(async () => (await card.getByText("Stripe is not answering").count()) > 0, "the stale balance");
  await snap("stripe-outage-stale-balance");

  // ...and the dashboard link cannot be made: the retry state, with Retry-After.
  await control("faults", { method: "POST", body: JSON.stringify({ method: "POST", path: "/v1/accounts", kind: "status_500", count: 1000 }) });
  expectedFailures = [{ path: "/api/v1/sell/connect/onboard", status: 503 }];
  await page.getByRole("button", { name: "Open Stripe dashboard" }).click();
  const alert = page.getByRole("alert");
  await expect.poll(() => alert.textContent(), { timeout: STEP_TIMEOUT }).toMatch(/The payment service is busy\. Try again in \d+ s\./);
  await snap("stripe-outage-retry-state");

  // Stripe is back: "Try again" opens the Express dashboard.
  await control("faults", { method: "DELETE" });
  await alert.getByRole("button", { name: "Try again" }).click();
  await page.waitForURL(`${stack.stripe}/connect/express/**`);
  expectedFailures = [];
  await snap("retry-opens-stripe-dashboard");

  expect(problems).toEqual([]);
});
