//! The transfer queue (SQS in production): the webhook records an order's shares and sends each
//! one here instead of paying it inside the delivery; the transfer worker takes them off and
//! settles them, paced by its bounded concurrency, as long as Stripe's rate limit takes.
//!
//! Why: a delivery may hold its work for at most the Lambda timeout, but a flash sale queues
//! minutes of Stripe work behind the rate limit. Inline, most of it was finished by redelivery
//! waves with the limit idle between them (docs/BENCHMARKS.md §5); queued, work outlives the
//! delivery that recorded it.
//!
//! A message is only a reference: the ledger holds the share, and settling is exactly once
//! whatever the queue does. A share sent twice (a redelivery, at-least-once delivery) is settled
//! once and found settled the next time.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// One share to settle, as a message carries it.
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

/// Where recorded shares wait for their transfer.
#[async_trait]
pub trait TransferQueue: Send + Sync {
    /// Sends every share, in as few requests as the queue allows. `Ok` only when each was
    /// accepted; on `Err` the caller fails and is run again, sending them again (harmless).
    async fn send(&self, shares: &[ShareRef]) -> Result<(), QueueError>;
}
