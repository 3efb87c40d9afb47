//! Catch-up of missed events: the platform's payment and refund events since the checkpoint,
//! listed from Stripe (which keeps events 30 days) and handled by the webhook's own code path.
//! Events the webhook already handled are duplicates (one read each).
//!
//! Stripe lists newest first, so a scan pages backwards in time with `starting_after`; a scan
//! longer than one run's budget is resumed from the checkpoint by the next run. When a scan
//! reaches its end, the next one starts a little before the newest event it saw (events created
//! in the same second may be listed later), or at the oldest event it could not handle.
//! Connect events (`account.updated`) live on the connected accounts, not on this list: the
//! re-drive re-syncs the sellers whose money waits on them instead.

use payout_flows::{Failure, FlowContext, Handled, Outcome, PLATFORM_EVENTS};
use payouts::ports::{Checkpoint, EventFacts, StripeEvent};
use serde::Serialize;

use crate::Deps;

/// The checkpoint's name.
pub const CHECKPOINT: &str = "stripe-events";
/// How far a new scan starts before the newest event the previous one saw.
pub const OVERLAP_SECS: i64 = 300;
/// Stripe keeps events 30 days; start no earlier than that (less an hour of margin).
pub const RETENTION_SECS: i64 = 30 * 24 * 3600 - 3600;
/// Stripe's largest page.
const PAGE: usize = 100;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CatchUp {
    /// Events listed from Stripe.
    pub listed: usize,
    /// Events this run handled that no delivery had (the ones a webhook outage lost).
    pub caught_up: usize,
    /// Events that failed (retried by the next scan).
    pub failed: usize,
    /// The scan reached the end of the list.
    pub complete: bool,
}

/// One run's share of the scan; returns what it did and the orders it touched.
pub async fn run(deps: &Deps, cx: &FlowContext<'_>) -> Result<(CatchUp, Vec<String>), Failure> {
    let stored = deps.checkpoints.get(CHECKPOINT).await?;
    let mut cp = stored.clone().unwrap_or(Checkpoint {
        since: cx.now - RETENTION_SECS,
        ..Checkpoint::default()
    });
    cp.since = cp.since.max(cx.now - RETENTION_SECS);
    let mut done = CatchUp::default();
    let mut orders = Vec::new();
    while done.listed < deps.settings.max_events {
        let limit = PAGE.min(deps.settings.max_events - done.listed);
        let page = deps
            .events
            .list_events(
                &PLATFORM_EVENTS,
                cp.since,
                cp.resume_after.as_deref(),
                u8::try_from(limit).unwrap_or(100),
            )
            .await
            .map_err(|e| Failure::stripe(&e))?;
        done.listed += page.events.len();
        // Oldest first within the page: the order deliveries would have had.
        for event in page.events.iter().rev() {
            cp.scan_top = cp.scan_top.max(event.created);
            if let Some(order) = order_of(cx, event).await? {
                orders.push(order);
            }
            match payout_flows::handle_event(cx, event).await {
                Ok(Handled::Now(outcome)) => {
                    if !matches!(outcome, Outcome::Ignored(_)) {
                        tracing::info!(event_id = %event.id, event_type = %event.kind, outcome = outcome.as_str(), "missed event caught up");
                        done.caught_up += 1;
                    }
                }
                Ok(Handled::Duplicate) => {}
                Err(failure) => {
                    tracing::warn!(event_id = %event.id, error = %failure, "event not caught up yet");
                    done.failed += 1;
                    cp.retry_from = Some(
                        cp.retry_from
                            .map_or(event.created, |t| t.min(event.created)),
                    );
                }
            }
        }
        match page.events.last() {
            Some(last) if page.has_more => cp.resume_after = Some(last.id.clone()),
            _ => {
                finish_scan(&mut cp);
                done.complete = true;
                break;
            }
        }
    }
    cp.version = stored.map_or(1, |s| s.version + 1);
    // `false`: a concurrent run moved the checkpoint; its scan is as good as ours.
    deps.checkpoints.put(CHECKPOINT, &cp).await?;
    Ok((done, orders))
}

/// The scan reached the end: the next one starts just before the newest event seen, or at the
/// oldest that failed.
fn finish_scan(cp: &mut Checkpoint) {
    let mut since = cp.since.max(cp.scan_top - OVERLAP_SECS);
    if let Some(failed) = cp.retry_from {
        since = since.min(failed);
    }
    *cp = Checkpoint {
        since,
        version: cp.version,
        ..Checkpoint::default()
    };
}

/// The order an event concerns, for the drift check.
async fn order_of(cx: &FlowContext<'_>, event: &StripeEvent) -> Result<Option<String>, Failure> {
    Ok(match &event.facts {
        EventFacts::Payment(p) => payouts::plan::order_id_of(&p.metadata).map(str::to_owned),
        EventFacts::Refund(payouts::ports::RefundFacts { charge_id, .. })
        | EventFacts::Dispute(payouts::ports::DisputeFacts { charge_id, .. }) => cx
            .deps
            .ledger
            .payment_by_charge(charge_id)
            .await?
            .map(|p| p.order_id),
        EventFacts::AccountUpdated { .. } | EventFacts::Unhandled => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_scan_restarts_just_before_its_newest_event_or_at_a_failure() {
        let mut cp = Checkpoint {
            since: 1_000,
            resume_after: Some("evt_1".into()),
            scan_top: 5_000,
            retry_from: None,
            version: 3,
        };
        finish_scan(&mut cp);
        assert_eq!(
            cp,
            Checkpoint {
                since: 5_000 - OVERLAP_SECS,
                version: 3,
                ..Checkpoint::default()
            }
        );
        let mut failed = Checkpoint {
            since: 1_000,
            scan_top: 5_000,
            retry_from: Some(2_000),
            ..Checkpoint::default()
        };
        finish_scan(&mut failed);
        assert_eq!(failed.since, 2_000);
        // An empty scan never moves the start backwards.
        let mut empty = Checkpoint {
            since: 9_000,
            ..Checkpoint::default()
        };
        finish_scan(&mut empty);
        assert_eq!(empty.since, 9_000);
    }
}
