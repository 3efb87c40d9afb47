// Every story rendered as a seller sees it (composeStories), with the MSW handlers it declares;
// each has an expectation below (a story without one fails), and axe finds no violation.
import { composeStories } from "@storybook/react";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import axe from "axe-core";
import type { RequestHandler } from "msw";
import { describe, expect, it } from "vitest";
import * as balanceStories from "../src/stories/SellerBalanceCard.stories";
import * as dashboardStories from "../src/stories/SellerDashboardView.stories";
import * as buttonStories from "../src/stories/SellerOnboardingButton.stories";
import * as historyStories from "../src/stories/SellerPayoutHistory.stories";
import { navigations } from "../src/mocks/navigations";
import { server } from "./setup";

type Check = () => Promise<void>;
const text = (t: string | RegExp) => screen.findByText(t);

const balance: Record<keyof typeof balanceStories extends infer K ? Exclude<K, "default"> & string : never, Check> = {
  NotStarted: async () => void (await text("Set up payouts to get paid for your sales.")),
  Pending: async () => {
    await text("Your payout setup is not finished.");
    await text("3 details left to provide");
  },
  Restricted: async () => {
    await text("Stripe needs more information before paying you.");
    await text("1 detail left to provide");
  },
  Complete: async () => {
    const amounts = await screen.findAllByRole("definition");
    // 123456 eur, 999 usd available; 5400 eur pending: each currency with its minor units.
    expect(amounts.map((a) => a.textContent)).toEqual(["€1,234.56", "$9.99", "€54.00"]);
    await text("As of Nov 26, 2025, 2:30 PM");
  },
  CompleteFrench: async () => {
    const amounts = await screen.findAllByRole("definition");
    expect(amounts.map((a) => a.textContent?.replace(/\s/g, " "))).toEqual(["1 234,56 €", "9,99 $US", "54,00 €"]);
    await text("Votre solde");
  },
  Stale: async () => {
    // as_of 1764160200 is 7230 s before the mocks' clock: its age is shown.
    await text("Stripe is not answering: balance as of Nov 26, 2025, 12:30 PM (2 h ago).");
  },
  RateLimited: async () => {
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The payment service is busy. Try again in 7 s.");
    within(alert).getByRole("button", { name: "Try again" });
  },
  Unavailable: async () => {
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in 7 s.");
  },
  GatewayThrottled: async () => {
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The payment service is unavailable. Try again in a moment.");
    within(alert).getByRole("button", { name: "Try again" });
  },
  InternalError: async () => {
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent(/Something went wrong \(reference [0-9a-f-]+\)\./);
    expect(within(alert).queryByRole("button")).toBeNull();
  },
  TokenRefreshed: async () => void (await text("€1,234.56")),
};

async function clickAndExpect(name: string, expected: string) {
  navigations.length = 0;
  await userEvent.click(screen.getByRole("button", { name }));
  await waitFor(() => expect(navigations).toEqual([expected]));
}

const button: Record<Exclude<keyof typeof buttonStories, "default">, Check> = {
  SetUp: () => clickAndExpect("Set up payouts", "https://connect.stripe.com/setup/e/acct_1QfT8sK2eZvKYlo2/Yb5rDqLm0Q2s"),
  Continue: () => clickAndExpect("Continue setup", "https://connect.stripe.com/setup/e/acct_1QfT8sK2eZvKYlo2/Yb5rDqLm0Q2s"),
  OpenDashboard: () => clickAndExpect("Open Stripe dashboard", "https://connect.stripe.com/express/acct_1QfT8sK2eZvKYlo2/Xq2LpYz8Wc0a"),
  French: () => clickAndExpect("Configurer les paiements", "https://connect.stripe.com/setup/e/acct_1QfT8sK2eZvKYlo2/Yb5rDqLm0Q2s"),
  AccountTaken: async () => {
    await userEvent.click(screen.getByRole("button", { name: "Set up payouts" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Something went wrong (reference");
  },
  RateLimited: async () => {
    await userEvent.click(screen.getByRole("button", { name: "Continue setup" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in 7 s.");
  },
  Unavailable: async () => {
    await userEvent.click(screen.getByRole("button", { name: "Continue setup" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Try again in 7 s.");
  },
};

const dashboard: Record<Exclude<keyof typeof dashboardStories, "default">, Check> = {
  FirstVisit: async () => {
    await screen.findByRole("button", { name: "Set up payouts" });
    await text("No sales yet.");
    expect(screen.queryByRole("alert")).toBeNull();
  },
  LandedComplete: async () => {
    await text("Your payouts are set up. Welcome aboard!");
    await screen.findByRole("button", { name: "Open Stripe dashboard" });
    // The seller's sales under the balance: what each paid them.
    expect(await screen.findByRole("heading", { name: "Your sales" })).toBeTruthy();
    expect(await rows()).toHaveLength(4);
  },
  LandedPending: async () => {
    await text("Stripe is still reviewing your details.");
    await screen.findByRole("button", { name: "Continue setup" });
  },
  LandedRestricted: async () => void (await text("Stripe needs more information: continue your setup.")),
  LandedError: async () => {
    expect(await screen.findByRole("alert")).toHaveTextContent("This setup link was already used.");
    await screen.findByRole("button", { name: "Set up payouts" });
  },
  LandedErrorFrench: async () => {
    expect(await screen.findByRole("alert")).toHaveTextContent("Ce lien de configuration a expiré.");
    await screen.findByRole("button", { name: "Reprendre la configuration" });
  },
};

/** The rows' cells, as the seller reads them. */
async function rows(): Promise<string[][]> {
  const table = await screen.findByRole("table");
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((row) =>
      [within(row).getByRole("rowheader"), ...within(row).getAllByRole("cell")].map((c) => c.textContent?.replace(/\s/g, " ") ?? ""),
    );
}

const history: Record<Exclude<keyof typeof historyStories, "default">, Check> = {
  History: async () => {
    // The contract's example: received = transferred − reversed, in each item's currency, or in
    // its settlement currency (the dollar sale settled and was paid in euros).
    expect((await rows()).map((r) => [r[0], r[2], r[3], r[4]])).toEqual([
      ["ord_2026_000131", "Disputed by the buyer", "€26.25", "€5.25"],
      ["ord_2026_000124", "On hold until payouts are set up", "€35.00", "€0.00"],
      ["ord_2026_000123", "Partly refunded", "€52.50", "€42.00"],
      ["ord_2026_000120", "Paid", "$17.49", "€16.04"],
    ]);
    // has_more: the next page (empty here) is asked after the last order; the button goes.
    await userEvent.click(screen.getByRole("button", { name: "Show more" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Show more" })).toBeNull());
    expect(await rows()).toHaveLength(4);
  },
  HistoryFrench: async () => {
    const [first] = await rows();
    expect([first![2], first![3]]).toEqual(["Contesté par l’acheteur", "26,25 €"]);
    await text("Vos ventes");
  },
  Empty: async () => void (await text("No sales yet.")),
  Unavailable: async () => {
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Try again in 7 s.");
    within(alert).getByRole("button", { name: "Try again" });
  },
};

const suites = [
  ["SellerBalanceCard", composeStories(balanceStories), balance],
  ["SellerOnboardingButton", composeStories(buttonStories), button],
  ["SellerDashboardView", composeStories(dashboardStories), dashboard],
  ["SellerPayoutHistory", composeStories(historyStories), history],
] as const;

for (const [name, stories, checks] of suites) {
  describe(name, () => {
    for (const [storyName, Story] of Object.entries(stories)) {
      it(`${storyName}: what the seller sees, and no accessibility violation`, async () => {
        const check = (checks as Record<string, Check>)[storyName];
        expect(check, `no expectation for the story ${storyName}`).toBeDefined();
        const msw = (Story.parameters as { msw?: { handlers: RequestHandler[] } }).msw;
        server.use(...(msw?.handlers ?? []));
        const { container } = render(<Story />);
        await check!();
        const results = await axe.run(container, { rules: { "color-contrast": { enabled: false } } });
        expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      });
    }
  });
}
