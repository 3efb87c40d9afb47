//! The payout flows: what a Stripe event does to the ledger and to money, whoever brings it: the
//! webhook (a signed delivery) or the reconciler (an event listed from Stripe, a share re-driven).
//! Both run exactly this code with the same idempotency keys, so they can run at once and never
//! both pay.
//!
//! An event: de-dup on its id → its flow ([`payment`], [`charge`] for refunds and disputes,
//! [`account`]; transfers in [`settle`], reversals in [`refund`], repayments in [`repay`]) → mark processed. Every ledger change goes through one compare-and-set step
//! ([`step`]); every Stripe write carries a deterministic key; so a flow interrupted anywhere is
//! finished by running it again, and correctness never depends on the de-dup, which only saves
//! work.

pub mod account;
pub mod charge;
mod failure;
pub mod metrics;
pub mod payment;
pub mod refund;
pub mod repay;
pub mod settle;
pub mod step;
pub mod worker;

use std::sync::Arc;

use payouts::claims::DisputePolicy;
use payouts::clock::{Clock, SystemClock};
use payouts::ports::{
    ConnectAccounts, EventFacts, EventLog, Ledger, SellerAccounts, StripeEvent, Transfers,
};
use payouts::queue::TransferQueue;
use settings::PayoutSettings;

pub use failure::Failure;
pub use metrics::{BusinessMetrics, Outcome};

/// The platform endpoint's event types (events on the platform's own account) the flows act on.
pub const PLATFORM_EVENTS: [&str; 11] = [
    "payment_intent.succeeded",
    "charge.refunded",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.refund.updated",
    "charge.dispute.created",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
    "charge.dispute.closed",
    "charge.dispute.updated",
];
/// The Connect endpoint's (events on the connected accounts).
pub const CONNECT_EVENTS: [&str; 1] = ["account.updated"];

/// Whether the flows act on events of this type (subscribe the endpoints to these only).
pub fn handles(kind: &str) -> bool {
    PLATFORM_EVENTS.contains(&kind) || CONNECT_EVENTS.contains(&kind)
}

/// What the flows run with; built once per cold start (tests build it by hand).
#[derive(Clone)]
pub struct FlowDeps {
    pub accounts: Arc<dyn SellerAccounts>,
    pub ledger: Arc<dyn Ledger>,
    pub events: Arc<dyn EventLog>,
    pub connect: Arc<dyn ConnectAccounts>,
    pub transfers: Arc<dyn Transfers>,
    /// The platform fee in basis points (see `payouts::plan`).
    pub fee_bps: u32,
    /// `DISPUTE_POLICY`: who carries a dispute's withdrawn funds (see `payouts::claims`).
    pub dispute_policy: DisputePolicy,
    /// When an event starts and when Stripe answered a read (tests pass a `ManualClock`).
    pub clock: Arc<dyn Clock>,
    /// Where payouts go to be run by the transfer worker (`payouts::queue`); `None`: the flows
    /// pay out themselves, inside the delivery. The worker's own flows have none.
    pub queue: Option<Arc<dyn TransferQueue>>,
}

impl FlowDeps {
    /// The flows over the three stores and one Stripe client serving both Stripe ports, under the
    /// payout settings (what a function's `main.rs` wires).
    pub fn new<S>(
        accounts: Arc<dyn SellerAccounts>,
        ledger: Arc<dyn Ledger>,
        events: Arc<dyn EventLog>,
        stripe: Arc<S>,
        payout: &PayoutSettings,
    ) -> Self
    where
        S: ConnectAccounts + Transfers + 'static,
    {
        FlowDeps {
            accounts,
            ledger,
            events,
            connect: stripe.clone(),
            transfers: stripe,
            fee_bps: u32::from(payout.platform_fee_bps),
            dispute_policy: if payout.absorb_disputes {
                DisputePolicy::Absorb
            } else {
                DisputePolicy::Reverse
            },
            clock: Arc::new(SystemClock),
            queue: None,
        }
    }

    /// The same flows, sending payouts to `queue` instead of running them inline.
    pub fn with_queue(self, queue: Arc<dyn TransferQueue>) -> Self {
        FlowDeps {
            queue: Some(queue),
            ..self
        }
    }
}

/// One event's (or one re-drive's) working context: dependencies, business metrics, and the time
/// it started (unix seconds; tests pass any time).
pub struct FlowContext<'a> {
    pub deps: &'a FlowDeps,
    pub metrics: &'a BusinessMetrics,
    pub now: i64,
}

/// Whether the event was already processed (the de-dup said so) or has just been handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handled {
    Duplicate,
    Now(Outcome),
}

/// De-dup, the event's flow, then mark processed. `Err` means "not finished, run it again":
/// the webhook answers 5xx (Stripe redelivers), the reconciler retries on its next run.
pub async fn handle_event(cx: &FlowContext<'_>, event: &StripeEvent) -> Result<Handled, Failure> {
    let events = &cx.deps.events;
    if events.is_processed(&event.id).await? {
        return Ok(Handled::Duplicate);
    }
    let outcome = dispatch(cx, &event.facts).await?;
    // Only now: a crash before this line means the event is handled again, which is safe.
    // Ignored events are not remembered: a resend after the cause is fixed (e.g. an account
    // mapping healed) is processed then.
    if !matches!(outcome, Outcome::Ignored(_))
        && let Err(err) = events.mark_processed(&event.id, &event.kind, cx.now).await
    {
        // Everything is done and idempotent: handling it again would only repeat no-ops.
        tracing::warn!(error = %err, "event handled but not marked processed");
    }
    Ok(Handled::Now(outcome))
}

/// Routes an event's facts to its flow.
pub async fn dispatch(cx: &FlowContext<'_>, facts: &EventFacts) -> Result<Outcome, Failure> {
    match facts {
        EventFacts::Payment(payment) => payment::on_payment(cx, payment).await,
        EventFacts::Refund(refund) => charge::on_refund(cx, refund).await,
        EventFacts::Dispute(dispute) => charge::on_dispute(cx, dispute).await,
        EventFacts::AccountUpdated { stripe_account_id } => {
            account::on_account_updated(cx, stripe_account_id).await
        }
        EventFacts::Unhandled => Ok(Outcome::Ignored("unhandled_event")),
    }
}
