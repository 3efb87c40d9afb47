//! Stripe's rate limit, for the flash-sale simulation (issue 15): a token bucket over every API
//! request (Stripe limits per mode; this server has one), refilled at `per_second` up to `burst`.
//! A request over it gets Stripe's 429 (`rate_limit`) before anything else runs: no idempotency
//! key is spent, nothing is created. Off by default; `/_control/rate_limit` sets it, and reads
//! how many requests the limit admitted and refused since it was set (the flash sale's 429s).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::state::Shared;

/// `{"per_second": 100, "burst": 100}` (Stripe's documented live-mode default is 100 operations
/// per second), and optionally `"latency_ms"`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    pub per_second: f64,
    pub burst: f64,
    /// How long an admitted request takes before it runs: Stripe's own time to answer, which
    /// this server otherwise lacks. With it, how many calls a design keeps in flight decides
    /// whether it can use the whole limit (a refused request is answered at once).
    #[serde(default)]
    pub latency_ms: u64,
}

#[derive(Debug, Default)]
pub struct RateLimiter {
    bucket: Mutex<Option<Bucket>>,
    admitted: AtomicU64,
    refused: AtomicU64,
}

/// What the limit did since it was set: requests let through and requests answered 429.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub admitted: u64,
    pub refused: u64,
}

#[derive(Debug)]
struct Bucket {
    limit: Limit,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// Sets (`Some`) or removes (`None`) the limit; a new limit starts with a full bucket and
    /// new counts.
    pub fn set(&self, limit: Option<Limit>) {
        let mut guard = self.lock();
        self.admitted.store(0, Ordering::Relaxed);
        self.refused.store(0, Ordering::Relaxed);
        *guard = limit.map(|limit| Bucket {
            limit,
            tokens: limit.burst,
            last: Instant::now(),
        });
    }

    pub fn limit(&self) -> Option<Limit> {
        self.lock().as_ref().map(|b| b.limit)
    }

    fn latency(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.limit().map_or(0, |l| l.latency_ms))
    }

    /// Requests admitted and refused under the current limit (zero without one).
    pub fn counts(&self) -> Counts {
        Counts {
            admitted: self.admitted.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
        }
    }

    /// Takes one token at `now`; `false` when the bucket is empty.
    pub fn admit(&self, now: Instant) -> bool {
        let mut guard = self.lock();
        let Some(bucket) = guard.as_mut() else {
            return true;
        };
        let refill =
            now.saturating_duration_since(bucket.last).as_secs_f64() * bucket.limit.per_second;
        bucket.tokens = (bucket.tokens + refill).min(bucket.limit.burst);
        bucket.last = now;
        if bucket.tokens < 1.0 {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        bucket.tokens -= 1.0;
        self.admitted.fetch_add(1, Ordering::Relaxed);
        true
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Bucket>> {
        self.bucket.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The API's rate limit, in front of the faults and the idempotency layer.
pub async fn layer(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if state.rate_limit.admit(Instant::now()) {
        tokio::time::sleep(state.rate_limit.latency()).await;
        next.run(req).await
    } else {
        ApiError::rate_limited().into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_then_the_refill_rate() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert!(
            (0..1000).all(|_| limiter.admit(t0)),
            "no limit: everything passes"
        );
        limiter.set(Some(Limit {
            per_second: 10.0,
            burst: 3.0,
            latency_ms: 0,
        }));
        let admitted = (0..5).filter(|_| limiter.admit(t0)).count();
        assert_eq!(admitted, 3, "the burst");
        assert_eq!(
            limiter.counts(),
            Counts {
                admitted: 3,
                refused: 2
            }
        );
        // 10 per second: one more token every 100 ms, never more than the burst.
        assert!(limiter.admit(t0 + Duration::from_millis(100)));
        assert!(!limiter.admit(t0 + Duration::from_millis(150)));
        let later = t0 + Duration::from_secs(60);
        assert_eq!((0..5).filter(|_| limiter.admit(later)).count(), 3);
        limiter.set(None);
        assert!(limiter.admit(later));
        assert_eq!(
            limiter.counts(),
            Counts::default(),
            "no limit, nothing counted"
        );
    }
}
