import type { Meta, StoryObj } from "@storybook/react";
import { SellerDashboardView } from "../components/SellerDashboardView";
import { balanceHandlers, onboardHandlers, payoutsHandlers } from "../mocks/handlers";
import { mockService } from "../mocks/service";

const meta = {
  title: "Seller/SellerDashboardView",
  component: SellerDashboardView,
  args: { locale: "en", search: "", service: mockService(), navigate: () => undefined },
} satisfies Meta<typeof SellerDashboardView>;
export default meta;
type Story = StoryObj<typeof meta>;

const landing = (
  search: string,
  handler = balanceHandlers.complete,
  locale: "en" | "fr" = "en",
  history = payoutsHandlers.history,
): Story => ({
  args: { search, locale },
  parameters: { msw: { handlers: [handler, onboardHandlers.pending, history] } },
});

export const FirstVisit = landing("", balanceHandlers.notStarted, "en", payoutsHandlers.empty);
export const LandedComplete = landing("?onboarding=complete");
export const LandedPending = landing("?onboarding=pending", balanceHandlers.pending);
export const LandedRestricted = landing("?onboarding=restricted", balanceHandlers.restricted);
export const LandedError = landing("?onboarding=error&code=state_used", balanceHandlers.notStarted);
export const LandedErrorFrench = landing("?onboarding=error&code=state_expired", balanceHandlers.pending, "fr");
