//! Our own bounded retry loop. async-stripe sends an `Idempotent(key)` request exactly once, so
//! retries of writes happen here, always with the same key: Stripe replays the first result (or
//! answers 409 while the first attempt is still in flight), so a retry can never create twice.

use std::future::Future;
use std::time::Duration;

use payouts::ports::StripeError;
use rand::Rng;
use stripe::StripeError as StripeClientError;

use crate::error::classify;

/// How many times a retryable failure (429, 5xx, 409, timeout, connection) is retried in-process
/// before the caller sees `Unavailable`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, including the first (at least 1).
    pub attempts: u32,
    /// Delay before the second attempt; doubles for each next one, capped at `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts within about half a second: enough to ride out a blip, short enough for a
    /// Lambda to answer 5xx well inside Stripe's webhook timeout and let Stripe retry later.
    fn default() -> Self {
        RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(400),
        }
    }
}

impl RetryPolicy {
    /// A single attempt (tests that assert on one request's outcome).
    pub fn none() -> Self {
        RetryPolicy {
            attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The delay after failed attempt number `attempt` (1-based): exponential, capped, with jitter
    /// in `[d/2, d]` so concurrent retries of one idempotency key don't land together.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let full = exp.min(self.max_delay);
        let half = full / 2;
        let jitter_ms = u64::try_from(half.as_millis()).unwrap_or(u64::MAX);
        half + Duration::from_millis(rand::rng().random_range(0..=jitter_ms))
    }
}

/// Runs `call` until it succeeds, fails for good, or the attempts are spent.
pub(crate) async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    operation: &'static str,
    mut call: F,
) -> Result<T, StripeError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StripeClientError>>,
{
    let attempts = policy.attempts.max(1);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let err = match call().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        let failure = classify(&err);
        if failure.retryable && attempt < attempts {
            tracing::warn!(operation, attempt, error = %failure.error, "stripe call failed, retrying");
            tokio::time::sleep(policy.delay(attempt)).await;
            continue;
        }
        tracing::warn!(operation, attempt, error = %failure.error, "stripe call failed");
        return Err(failure.error);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn fast(attempts: u32) -> RetryPolicy {
        RetryPolicy {
            attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
        }
    }

    #[test]
    fn delay_is_capped_and_jittered_within_bounds() {
        let p = RetryPolicy::default();
        for attempt in 1..40 {
            let full = p
                .base_delay
                .saturating_mul(1 << (attempt - 1).min(16))
                .min(p.max_delay);
            let d = p.delay(attempt);
            assert!(d >= full / 2 && d <= full, "{attempt}: {d:?}");
        }
    }

    #[tokio::test]
    async fn retries_retryable_errors_up_to_the_limit() {
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = with_retry(&fast(3), "test", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StripeClientError::Timeout)
        })
        .await;
        assert!(matches!(out, Err(StripeError::Unavailable { .. })));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn stops_at_the_first_success() {
        let calls = AtomicU32::new(0);
        let out = with_retry(&fast(5), "test", || async {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if n < 2 {
                Err(StripeClientError::Timeout)
            } else {
                Ok(n)
            }
        })
        .await;
        assert_eq!(out.ok(), Some(2));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn does_not_retry_final_errors() {
        let calls = AtomicU32::new(0);
        let out: Result<(), _> = with_retry(&fast(5), "test", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StripeClientError::JSONDeserialize("x".into()))
        })
        .await;
        assert!(out.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn zero_attempts_still_tries_once() {
        let calls = AtomicU32::new(0);
        let _ = with_retry(&fast(0), "test", || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(StripeClientError::Timeout)
        })
        .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
