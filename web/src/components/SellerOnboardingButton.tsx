import { useState } from "react";
import { strings, type Locale } from "../i18n/strings";
import type { MarketplaceService, OnboardErrorCode, OnboardingStatus, ServiceError, Status } from "../services/marketplaceService";
import { ServiceErrorMessage } from "./ServiceErrorMessage";

export interface SellerOnboardingButtonProps {
  service: MarketplaceService;
  locale?: Locale;
  /** The seller's status when known (from the balance): decides the label. */
  status?: Status;
  /** Sends the browser away (default: window.location.assign). */
  navigate?: (url: string) => void;
  /** Told the onboarding answer before navigating (e.g. to show the requirements). */
  onStatus?: (status: OnboardingStatus) => void;
}

/** "Set up payouts": asks the API for a fresh Stripe link and sends the browser there. */
export function SellerOnboardingButton({ service, locale = "en", status, navigate, onStatus }: SellerOnboardingButtonProps) {
  const t = strings[locale];
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ServiceError<OnboardErrorCode> | null>(null);
  const label = status === "complete" ? t.openDashboard : status === "pending" || status === "restricted" ? t.continueSetup : t.setUpPayouts;

  async function go() {
    setBusy(true);
    setError(null);
    const result = await service.connectOnboard();
    if (!result.ok) {
      setBusy(false);
      setError(result.error);
      return;
    }
    onStatus?.(result.data);
    const url = result.data.status === "complete" ? result.data.dashboard_url : result.data.onboarding_url;
    (navigate ?? ((u: string) => window.location.assign(u)))(url);
  }

  return (
    <div className="veza-onboarding">
      <button type="button" onClick={() => void go()} disabled={busy} aria-busy={busy}>
        {label}
      </button>
      <div role="status" aria-live="polite">
        {busy ? <p>{t.redirecting}</p> : null}
      </div>
      {error ? <ServiceErrorMessage error={error} t={t} onRetry={() => void go()} /> : null}
    </div>
  );
}
