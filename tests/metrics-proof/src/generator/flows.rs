//! The payout flows' records beyond payments and transfers (disputes, failed refunds), and one
//! reconcile run's.

use interceptors::metrics::names;

use super::business;

/// A disputed charge and a failed refund (payout_flows::metrics): stages, repayments, a refund
/// whose seller metadata was rejected.
pub(super) fn charge_events(ts: i64) -> Vec<String> {
    let order = [("order_id", "ord_125"), ("event_id", "evt_3")];
    let mut lines: Vec<String> = [
        ("open", 3_000.0),
        ("withdrawn", 3_000.0),
        ("reinstated", 3_000.0),
    ]
    .into_iter()
    .map(|(stage, amount)| {
        business(
            ts,
            "webhook",
            &[(names::CURRENCY, "eur"), (names::STAGE, stage)],
            &[
                (names::DISPUTES, "Count", 1.0),
                (names::DISPUTED_AMOUNT, "None", amount),
            ],
            &order,
        )
    })
    .collect();
    lines.extend([
        business(
            ts,
            "webhook",
            &[(names::CURRENCY, "eur")],
            &[
                (names::REFUNDS_FAILED, "Count", 1.0),
                (names::FAILED_REFUND_AMOUNT, "None", 1_000.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &[(names::CURRENCY, "eur")],
            &[
                (names::REPAYS_CREATED, "Count", 2.0),
                (names::REPAID_AMOUNT, "None", 3_600.0),
            ],
            &order,
        ),
        business(
            ts,
            "webhook",
            &[(names::REASON, "unknown_seller")],
            &[(names::REFUNDS_REJECTED, "Count", 1.0)],
            &order,
        ),
    ]);
    lines
}

/// One reconcile run's records (functions/reconcile/src/metrics.rs), and a refused read.
pub(super) fn reconciler(ts: i64) -> Vec<String> {
    let run = [("run", "reconcile-1")];
    let mut lines = vec![
        business(
            ts,
            "reconcile",
            &[],
            &[
                (names::EVENTS_CAUGHT_UP, "Count", 2.0),
                (names::OLDEST_HELD_SHARE_AGE, "Seconds", 5_400.0),
            ],
            &run,
        ),
        business(
            ts,
            "reconcile",
            &[(names::REASON, "unknown_transfer")],
            &[(names::DRIFT_DETECTED, "Count", 1.0)],
            &[("order_id", "ord_123")],
        ),
        business(
            ts,
            "webhook",
            &[(names::REASON, "invalid_request_error")],
            &[(names::STRIPE_REFUSALS, "Count", 1.0)],
            &[("event_id", "evt_2")],
        ),
    ];
    for (outcome, count) in [("settled", 1.0), ("released", 2.0), ("waiting", 1.0)] {
        lines.push(business(
            ts,
            "reconcile",
            &[(names::OUTCOME, outcome)],
            &[(names::SHARES_REDRIVEN, "Count", count)],
            &run,
        ));
    }
    for (state, count) in names::STATES.into_iter().zip([0.0, 1.0, 0.0]) {
        lines.push(business(
            ts,
            "reconcile",
            &[(names::STATE, state)],
            &[(names::STUCK_SHARES, "Count", count)],
            &run,
        ));
    }
    lines
}
