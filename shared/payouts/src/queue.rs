//! The transfer queue (SQS in production): the webhook sends a succeeded payment here instead of
//! paying it out inside the delivery (it makes no Stripe call for it at all, so Stripe's rate
//! limit can never fail a delivery); the transfer worker takes the jobs off and runs them, paced
//! by its bounded concurrency and patient retries, as long as the rate limit takes.
//!
//! Why: a delivery may hold its work for at most the Lambda timeout, but a flash sale queues
//! minutes of Stripe work behind the rate limit. Inline, most of it was finished by redelivery
//! waves with the limit idle between them (docs/BENCHMARKS.md §5); queued, work outlives the
//! delivery that recorded it.
//!
//! Every job is idempotent (the payment flow's conditional writes and deterministic keys), so a
//! job run twice (a redelivery sending it again, at-least-once delivery) moves money once.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// What the transfer worker is asked to do: one message.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    /// Pay out a succeeded payment: the payment flow (its settlement, its shares, their
    /// transfers) as the webhook would have run it inline.
    Payment(crate::PaymentFacts),
    /// Settle one recorded share (a held share released by `account.updated`).
    Share(ShareRef),
}

/// One share to settle.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ShareRef {
    pub order_id: String,
    pub seller: String,
}

impl ShareRef {
    pub fn of(share: &crate::LedgerShare) -> ShareRef {
        ShareRef {
            order_id: share.order_id.clone(),
            seller: share.seller.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The queue could not be reached, throttled us, or did not accept every message: retryable.
    #[error("queue unavailable: {0}")]
    Unavailable(String),
    /// Refused for a reason no retry fixes (access denied, no such queue): a misconfiguration.
    #[error("queue refused the request: {0}")]
    Refused(String),
}

/// Where payouts wait for the transfer worker.
#[async_trait]
pub trait TransferQueue: Send + Sync {
    /// Sends every job, in as few requests as the queue allows. `Ok` only when each was
    /// accepted; on `Err` the caller fails and is run again, sending them again (harmless).
    async fn send(&self, jobs: &[Job]) -> Result<(), QueueError>;
}
