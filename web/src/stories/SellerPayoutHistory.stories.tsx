import type { Meta, StoryObj } from "@storybook/react";
import { SellerPayoutHistory } from "../components/SellerPayoutHistory";
import { payoutsHandlers } from "../mocks/handlers";
import { mockService } from "../mocks/service";

// One story per state, with msw-storybook-addon's `parameters.msw.handlers` (see the balance card's).
const meta = {
  title: "Seller/SellerPayoutHistory",
  component: SellerPayoutHistory,
  args: { locale: "en", service: mockService() },
} satisfies Meta<typeof SellerPayoutHistory>;
export default meta;
type Story = StoryObj<typeof meta>;

const state = (handler: (typeof payoutsHandlers)[keyof typeof payoutsHandlers], extra: Partial<Story> = {}): Story => ({
  parameters: { msw: { handlers: [handler] } },
  ...extra,
});

export const History = state(payoutsHandlers.history);
export const HistoryFrench = state(payoutsHandlers.history, { args: { locale: "fr" } });
export const Empty = state(payoutsHandlers.empty);
export const Unavailable = state(payoutsHandlers.unavailable);
