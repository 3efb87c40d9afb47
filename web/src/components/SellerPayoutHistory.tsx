import { useCallback, useEffect, useId, useState } from "react";
import { formatMoney, formatTime, strings, type Locale } from "../i18n/strings";
import type { MarketplaceService, PayoutItem, PayoutsErrorCode, ServiceError } from "../services/marketplaceService";
import { ServiceErrorMessage } from "./ServiceErrorMessage";

type State =
  | { kind: "loading"; items: PayoutItem[] }
  | { kind: "loaded"; items: PayoutItem[]; hasMore: boolean }
  | { kind: "failed"; items: PayoutItem[]; error: ServiceError<PayoutsErrorCode> };

export interface SellerPayoutHistoryProps {
  service: MarketplaceService;
  locale?: Locale;
  /** Items per page (1 to 100). */
  pageSize?: number;
}

/** The seller's sales, newest first: what each paid them, and what refunds or disputes took back. */
export function SellerPayoutHistory({ service, locale = "en", pageSize = 10 }: SellerPayoutHistoryProps) {
  const t = strings[locale];
  const titleId = useId();
  const [state, setState] = useState<State>({ kind: "loading", items: [] });
  const load = useCallback(
    (items: PayoutItem[]) => {
      setState({ kind: "loading", items });
      const startingAfter = items.at(-1)?.order_id;
      void service.listSellerPayouts({ limit: pageSize, startingAfter }).then((r) =>
        setState(
          r.ok
            ? { kind: "loaded", items: [...items, ...r.data.data], hasMore: r.data.has_more }
            : { kind: "failed", items, error: r.error },
        ),
      );
    },
    [service, pageSize],
  );
  useEffect(() => load([]), [load]);
  const { items } = state;

  return (
    <section aria-labelledby={titleId} className="veza-card veza-history" data-state={state.kind}>
      <h2 id={titleId}>{t.historyTitle}</h2>
      <div role="status" aria-live="polite">
        {state.kind === "loading" ? <p>{t.loadingHistory}</p> : null}
        {state.kind === "loaded" && items.length === 0 ? <p>{t.noSales}</p> : null}
      </div>
      {items.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.historyColumns.order}</th>
              <th scope="col">{t.historyColumns.date}</th>
              <th scope="col">{t.historyColumns.state}</th>
              <th scope="col">{t.historyColumns.net}</th>
              <th scope="col">{t.historyColumns.received}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.order_id} data-state={p.state}>
                <th scope="row">{p.order_id}</th>
                <td>{formatTime(p.created_at, locale)}</td>
                <td>{t.payoutState[p.state]}</td>
                <td>{formatMoney(p.net, p.currency, locale)}</td>
                {/* What moved is in the settlement currency when the charge settled in another one. */}
                <td>{formatMoney(p.transferred - p.reversed, p.settlement?.currency ?? p.currency, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {state.kind === "failed" ? <ServiceErrorMessage error={state.error} t={t} onRetry={() => load(items)} /> : null}
      {state.kind === "loaded" && state.hasMore ? (
        <button type="button" onClick={() => load(items)}>
          {t.showMore}
        </button>
      ) : null}
    </section>
  );
}
