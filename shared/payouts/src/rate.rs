//! Per-seller request budgets for the routes that call Stripe on a seller's behalf (onboard,
//! callback): a token bucket of `burst` requests refilled at `per_minute`, kept as one number,
//! the *theoretical arrival time* of GCRA (the generic cell rate algorithm, which admits exactly
//! what that token bucket admits). One number per seller means one conditional write per
//! request, and no clock on the store: the caller passes `now`.

use crate::ports::{RateBuckets, StoreError};

/// Compare-and-set attempts before a request is refused as contended: every failed attempt
/// means another request of the same seller was admitted, so a burst of `burst` concurrent
/// requests needs at most `burst + 1` attempts each.
const MAX_ATTEMPTS: u32 = 10;

/// A seller's budget: `burst` requests at once, refilled at `per_minute` requests a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_minute: u32,
    pub burst: u32,
}

/// What one request gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Admitted; `tat_ms` is the bucket's new state, to store.
    Allowed { tat_ms: i64 },
    /// Refused; a request is admitted again in `retry_after_secs` (rounded up, at least 1).
    Limited { retry_after_secs: u32 },
}

impl RateLimit {
    /// Milliseconds one request costs: the bucket refills one token per interval.
    fn interval_ms(self) -> i64 {
        60_000 / i64::from(self.per_minute.max(1))
    }

    /// One request at `now_ms`, the bucket at `tat_ms` (None: never used, or long refilled).
    pub fn admit(self, tat_ms: Option<i64>, now_ms: i64) -> Admission {
        let interval = self.interval_ms();
        let capacity = interval.saturating_mul(i64::from(self.burst.max(1)));
        let next = tat_ms
            .unwrap_or(now_ms)
            .max(now_ms)
            .saturating_add(interval);
        let over = next.saturating_sub(now_ms).saturating_sub(capacity);
        if over <= 0 {
            return Admission::Allowed { tat_ms: next };
        }
        let secs = (over + 999) / 1000;
        Admission::Limited {
            retry_after_secs: u32::try_from(secs).unwrap_or(u32::MAX).max(1),
        }
    }

    /// When a stored bucket is full again and can be forgotten (a TTL for the store), in unix
    /// seconds.
    pub fn forget_after_secs(tat_ms: i64) -> i64 {
        tat_ms.div_euclid(1000) + 1
    }
}

/// Spends one request of `key`'s budget: reads the bucket, decides, and stores the new state only
/// if no other request moved it meanwhile (else decides again on what it did). `now_ms` is read
/// after each read of the bucket, so it is never earlier than the time of the request that wrote
/// what was read: a request that took its time before a concurrent one was admitted would see that
/// one's state as in its future and be refused too early.
pub async fn spend(
    buckets: &dyn RateBuckets,
    key: &str,
    limit: RateLimit,
    now_ms: impl Fn() -> i64,
) -> Result<Admission, StoreError> {
    for _ in 0..MAX_ATTEMPTS {
        let stored = buckets.get(key).await?;
        match limit.admit(stored, now_ms()) {
            limited @ Admission::Limited { .. } => return Ok(limited),
            allowed @ Admission::Allowed { tat_ms } => {
                if buckets.put(key, stored, tat_ms).await? {
                    return Ok(allowed);
                }
            }
        }
    }
    Ok(Admission::Limited {
        retry_after_secs: 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN_A_MINUTE: RateLimit = RateLimit {
        per_minute: 10,
        burst: 3,
    };

    /// Admits `n` requests at `now`, threading the state; returns the admissions.
    fn burst(limit: RateLimit, mut tat: Option<i64>, now: i64, n: usize) -> Vec<Admission> {
        (0..n)
            .map(|_| {
                let a = limit.admit(tat, now);
                if let Admission::Allowed { tat_ms } = a {
                    tat = Some(tat_ms);
                }
                a
            })
            .collect()
    }

    #[test]
    fn a_fresh_bucket_admits_exactly_the_burst() {
        let got = burst(TEN_A_MINUTE, None, 1_000_000, 5);
        assert_eq!(
            got,
            [
                Admission::Allowed { tat_ms: 1_006_000 },
                Admission::Allowed { tat_ms: 1_012_000 },
                Admission::Allowed { tat_ms: 1_018_000 },
                Admission::Limited {
                    retry_after_secs: 6
                },
                Admission::Limited {
                    retry_after_secs: 6
                },
            ]
        );
    }

    #[test]
    fn tokens_come_back_at_the_rate() {
        let full_until = 1_018_000; // after three requests at 1_000_000
        // 5.999 s later: still empty, 1 ms to wait (rounded up to a second).
        assert_eq!(
            TEN_A_MINUTE.admit(Some(full_until), 1_005_999),
            Admission::Limited {
                retry_after_secs: 1
            }
        );
        // 6 s later: exactly one token.
        let one = burst(TEN_A_MINUTE, Some(full_until), 1_006_000, 2);
        assert_eq!(
            one,
            [
                Admission::Allowed { tat_ms: 1_024_000 },
                Admission::Limited {
                    retry_after_secs: 6
                }
            ]
        );
        // Long after: the bucket is full again, never fuller than the burst.
        assert_eq!(burst(TEN_A_MINUTE, Some(full_until), 9_000_000, 4)[3], {
            Admission::Limited {
                retry_after_secs: 6,
            }
        });
    }

    #[test]
    fn a_clock_going_backwards_does_not_mint_tokens() {
        let tat = Some(1_018_000);
        assert_eq!(
            TEN_A_MINUTE.admit(tat, 900_000),
            Admission::Limited {
                retry_after_secs: 106
            }
        );
    }

    #[test]
    fn degenerate_limits_still_admit_one_and_never_overflow() {
        let zero = RateLimit {
            per_minute: 0,
            burst: 0,
        };
        assert!(matches!(zero.admit(None, 0), Admission::Allowed { .. }));
        let fast = RateLimit {
            per_minute: 600,
            burst: 1,
        };
        assert_eq!(fast.admit(None, 0), Admission::Allowed { tat_ms: 100 });
        assert_eq!(
            fast.admit(Some(100), 0),
            Admission::Limited {
                retry_after_secs: 1
            }
        );
        assert_eq!(
            TEN_A_MINUTE.admit(Some(i64::MAX), 0),
            Admission::Limited {
                retry_after_secs: u32::MAX
            }
        );
        assert!(matches!(
            TEN_A_MINUTE.admit(None, i64::MAX),
            Admission::Allowed { .. }
        ));
    }

    #[test]
    fn a_bucket_is_forgettable_once_full() {
        assert_eq!(RateLimit::forget_after_secs(1_018_000), 1_019);
        assert_eq!(RateLimit::forget_after_secs(1_018_999), 1_019);
    }
}
