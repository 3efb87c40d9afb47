export * from "./services/marketplaceService";
export { SellerBalanceCard, type SellerBalanceCardProps } from "./components/SellerBalanceCard";
export { SellerOnboardingButton, type SellerOnboardingButtonProps } from "./components/SellerOnboardingButton";
export { SellerDashboardView, type SellerDashboardViewProps } from "./components/SellerDashboardView";
export { SellerPayoutHistory, type SellerPayoutHistoryProps } from "./components/SellerPayoutHistory";
export { strings, formatMoney, formatTime, type Locale, type Strings } from "./i18n/strings";
