import { useCallback, useEffect, useId, useState, type ReactNode } from "react";
import { formatMoney, formatTime, strings, type Locale } from "../i18n/strings";
import type { MarketplaceService, Money, SellerBalance, ServiceError, Status, BalanceErrorCode } from "../services/marketplaceService";
import { ServiceErrorMessage } from "./ServiceErrorMessage";

type State = { kind: "loading" } | { kind: "loaded"; value: SellerBalance } | { kind: "failed"; error: ServiceError<BalanceErrorCode> };

export interface SellerBalanceCardProps {
  service: MarketplaceService;
  locale?: Locale;
  /** Stripe's outstanding requirements, when the page knows them (from onboarding). */
  requirementsDue?: number;
  /** What to offer for a status (e.g. the onboarding button). */
  renderAction?: (status: Status) => ReactNode;
}

/** The seller's balance per currency, or what to do before there is one. */
export function SellerBalanceCard({ service, locale = "en", requirementsDue, renderAction }: SellerBalanceCardProps) {
  const t = strings[locale];
  const titleId = useId();
  const [state, setState] = useState<State>({ kind: "loading" });
  const load = useCallback(() => {
    setState({ kind: "loading" });
    void service.getSellerBalance().then((r) => setState(r.ok ? { kind: "loaded", value: r.data } : { kind: "failed", error: r.error }));
  }, [service]);
  useEffect(load, [load]);

  return (
    <section aria-labelledby={titleId} className="veza-card veza-balance" data-state={state.kind === "loaded" ? state.value.balance.status : state.kind}>
      <h2 id={titleId}>{t.balanceTitle}</h2>
      <div role="status" aria-live="polite">
        {state.kind === "loading" ? <p>{t.loading}</p> : null}
        {state.kind === "loaded" && state.value.balance.status === "complete" && state.value.balance.stale ? (
          <p className="veza-stale">
            {t.staleAsOf(formatTime(state.value.balance.as_of, locale), t.age(state.value.ageSeconds ?? 0))}
          </p>
        ) : null}
      </div>
      {state.kind === "failed" ? <ServiceErrorMessage error={state.error} t={t} onRetry={load} /> : null}
      {state.kind === "loaded" ? <Body value={state.value} locale={locale} requirementsDue={requirementsDue} renderAction={renderAction} /> : null}
    </section>
  );
}

function Body({ value, locale, requirementsDue, renderAction }: { value: SellerBalance; locale: Locale; requirementsDue?: number; renderAction?: (status: Status) => ReactNode }) {
  const t = strings[locale];
  const { balance } = value;
  if (balance.status !== "complete") {
    const text = balance.status === "not_started" ? t.notStarted : balance.status === "pending" ? t.pendingStatus : t.restrictedStatus;
    return (
      <>
        <p>{text}</p>
        {balance.status !== "not_started" && requirementsDue ? <p>{t.requirements(requirementsDue)}</p> : null}
        {renderAction?.(balance.status)}
      </>
    );
  }
  return (
    <>
      <dl className="veza-amounts">
        <dt>{t.available}</dt>
        <Amounts side="available" list={balance.available} locale={locale} empty={t.nothing} />
        <dt>{t.pending}</dt>
        <Amounts side="pending" list={balance.pending} locale={locale} empty={t.nothing} />
      </dl>
      {balance.stale ? null : <p className="veza-as-of">{t.asOf(formatTime(balance.as_of, locale))}</p>}
      {renderAction?.(balance.status)}
    </>
  );
}

/** One side of the balance; `data-side` lets pages and tests tell available from pending. */
function Amounts({ side, list, locale, empty }: { side: "available" | "pending"; list: Money[]; locale: Locale; empty: string }) {
  if (list.length === 0) return <dd data-side={side}>{empty}</dd>;
  return (
    <>
      {list.map((m) => (
        <dd key={m.currency} data-side={side} data-currency={m.currency}>
          {formatMoney(m.amount, m.currency, locale)}
        </dd>
      ))}
    </>
  );
}
