import type { Meta, StoryObj } from "@storybook/react";
import { SellerBalanceCard } from "../components/SellerBalanceCard";
import { balanceHandlers } from "../mocks/handlers";
import { mockService } from "../mocks/service";

// One story per state; `parameters.msw.handlers` is msw-storybook-addon's convention (the
// Vitest suite installs the same handlers before rendering each story).
const meta = {
  title: "Seller/SellerBalanceCard",
  component: SellerBalanceCard,
  args: { locale: "en", service: mockService() },
} satisfies Meta<typeof SellerBalanceCard>;
export default meta;
type Story = StoryObj<typeof meta>;

const state = (handler: (typeof balanceHandlers)[keyof typeof balanceHandlers], extra: Partial<Story> = {}): Story => ({
  parameters: { msw: { handlers: [handler] } },
  ...extra,
});

export const NotStarted = state(balanceHandlers.notStarted);
export const Pending = state(balanceHandlers.pending, { args: { requirementsDue: 3 } });
export const Restricted = state(balanceHandlers.restricted, { args: { requirementsDue: 1 } });
export const Complete = state(balanceHandlers.complete);
export const CompleteFrench = state(balanceHandlers.complete, { args: { locale: "fr" } });
export const Stale = state(balanceHandlers.stale);
export const RateLimited = state(balanceHandlers.rateLimited);
export const Unavailable = state(balanceHandlers.unavailable);
export const GatewayThrottled = state(balanceHandlers.gatewayThrottled);
export const InternalError = state(balanceHandlers.internal);
export const TokenRefreshed = state(balanceHandlers.tokenExpiredOnce);
