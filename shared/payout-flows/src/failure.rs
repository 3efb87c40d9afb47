//! Why an event could not be fully handled now. Every variant answers 5xx: Stripe redelivers,
//! and the redelivery resumes from what the ledger already recorded.

use interceptors::{ApiError, Category};
use payouts::ports::{StoreError, StripeError};
use payouts::queue::QueueError;

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Stripe was unreachable, slow, throttling or answered 5xx; or its answer is unknown.
    #[error("stripe unavailable: {0}")]
    Stripe(String),
    /// DynamoDB failed.
    #[error("store: {0}")]
    Store(#[from] StoreError),
    /// The transfer queue did not take the shares (they are recorded; a redelivery sends them).
    #[error("{0}")]
    Queue(#[from] QueueError),
    /// Concurrent deliveries kept winning the same ledger item; the next delivery finishes.
    #[error("ledger contention on {0}")]
    Contention(String),
    /// An invariant of the ledger does not hold (a bug or a manual edit): needs a human.
    #[error("ledger invariant: {0}")]
    Invariant(String),
}

impl Failure {
    /// A Stripe error that is not a final answer about the request (retry later).
    pub fn stripe(err: &StripeError) -> Failure {
        Failure::Stripe(err.to_string())
    }
}

/// Seconds Stripe is told to wait; it applies its own backoff anyway.
const RETRY_AFTER_SECS: u32 = 30;

impl From<Failure> for ApiError {
    fn from(failure: Failure) -> ApiError {
        let retry_later = || ApiError::upstream_unavailable(RETRY_AFTER_SECS);
        match failure {
            f @ Failure::Stripe(_) => retry_later().with_source(f),
            Failure::Store(StoreError::Unavailable(cause)) => {
                retry_later().with_source(format!("store unavailable: {cause}"))
            }
            f @ Failure::Queue(QueueError::Unavailable(_)) => retry_later().with_source(f),
            f @ Failure::Contention(_) => ApiError::new(
                http::StatusCode::SERVICE_UNAVAILABLE,
                "ledger_contention",
                Category::Upstream,
                "Concurrent deliveries are settling this event; retry later.",
            )
            .with_retryable(true)
            .with_retry_after(RETRY_AFTER_SECS)
            .with_source(f),
            // Refused (access denied, a missing table...), Conflict, Corrupt: no redelivery fixes
            // them, a human must. 500 `internal`: counted by `Errors`, alarmed as ours.
            f @ (Failure::Store(_) | Failure::Queue(_) | Failure::Invariant(_)) => {
                ApiError::internal(f)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(f: Failure) -> (u16, &'static str, Category, bool, Option<u32>) {
        let e = ApiError::from(f);
        (
            e.status().as_u16(),
            e.code(),
            e.category(),
            e.retryable(),
            e.retry_after(),
        )
    }

    #[test]
    fn only_a_store_outage_is_retryable_upstream() {
        assert_eq!(
            answer(Failure::Store(StoreError::Unavailable("throttled".into()))),
            (
                503,
                "upstream_unavailable",
                Category::Upstream,
                true,
                Some(RETRY_AFTER_SECS)
            )
        );
        for e in [
            StoreError::Refused("dynamodb GetItem on t: ResourceNotFoundException".into()),
            StoreError::Corrupt("x".into()),
        ] {
            assert_eq!(
                answer(Failure::Store(e)),
                (500, "internal_error", Category::Internal, false, None)
            );
        }
    }
}
