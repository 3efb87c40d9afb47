import type { Meta, StoryObj } from "@storybook/react";
import { SellerOnboardingButton } from "../components/SellerOnboardingButton";
import { onboardHandlers } from "../mocks/handlers";
import { navigations } from "../mocks/navigations";
import { mockService } from "../mocks/service";

const meta = {
  title: "Seller/SellerOnboardingButton",
  component: SellerOnboardingButton,
  args: { locale: "en", service: mockService(), navigate: (url: string) => void navigations.push(url) },
} satisfies Meta<typeof SellerOnboardingButton>;
export default meta;
type Story = StoryObj<typeof meta>;

const state = (handler: (typeof onboardHandlers)[keyof typeof onboardHandlers], extra: Partial<Story> = {}): Story => ({
  parameters: { msw: { handlers: [handler] } },
  ...extra,
});

export const SetUp = state(onboardHandlers.pending, { args: { status: "not_started" } });
export const Continue = state(onboardHandlers.restricted, { args: { status: "restricted" } });
export const OpenDashboard = state(onboardHandlers.complete, { args: { status: "complete" } });
export const French = state(onboardHandlers.pending, { args: { status: "not_started", locale: "fr" } });
export const AccountTaken = state(onboardHandlers.taken, { args: { status: "not_started" } });
export const RateLimited = state(onboardHandlers.rateLimited, { args: { status: "pending" } });
export const Unavailable = state(onboardHandlers.unavailable, { args: { status: "pending" } });
