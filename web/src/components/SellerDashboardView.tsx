import { useMemo, useState } from "react";
import { strings, type Locale } from "../i18n/strings";
import { parseLanding, type MarketplaceService } from "../services/marketplaceService";
import { SellerBalanceCard } from "./SellerBalanceCard";
import { SellerOnboardingButton } from "./SellerOnboardingButton";
import { SellerPayoutHistory } from "./SellerPayoutHistory";

export interface SellerDashboardViewProps {
  service: MarketplaceService;
  locale?: Locale;
  /** The page's query string (default: window.location.search): the callback's landing state. */
  search?: string;
  navigate?: (url: string) => void;
}

/** The seller's payouts page: the landing message after Stripe, the balance and the button, then
 * the seller's sales (what each paid them, what refunds and disputes took back). */
export function SellerDashboardView({ service, locale = "en", search, navigate }: SellerDashboardViewProps) {
  const t = strings[locale];
  const landing = useMemo(() => parseLanding(search ?? (typeof window === "undefined" ? "" : window.location.search)), [search]);
  const [requirementsDue, setRequirementsDue] = useState<number | undefined>(undefined);

  return (
    <main className="veza-dashboard" lang={locale}>
      <h1>{t.dashboardTitle}</h1>
      {landing && landing.outcome !== "error" ? (
        <p role="status" className={`veza-landing veza-landing-${landing.outcome}`}>
          {t.landing[landing.outcome]}
        </p>
      ) : null}
      {landing && landing.outcome === "error" ? (
        <p role="alert" className="veza-landing veza-landing-error" data-code={landing.code}>
          {t.landingError[landing.code]}
        </p>
      ) : null}
      <SellerBalanceCard
        service={service}
        locale={locale}
        requirementsDue={requirementsDue}
        renderAction={(status) => (
          <SellerOnboardingButton
            service={service}
            locale={locale}
            status={status}
            navigate={navigate}
            onStatus={(s) => setRequirementsDue(s.requirements_due.length)}
          />
        )}
      />
      <SellerPayoutHistory service={service} locale={locale} />
    </main>
  );
}
