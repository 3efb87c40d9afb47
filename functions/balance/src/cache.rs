//! The balance read path: DynamoDB cache first, Stripe on a miss, one refresher per seller.
//!
//! - Fresh (`age < ttl`): served from the cache entry read with the seller's account (one
//!   DynamoDB round trip for both), no Stripe call.
//! - Miss or expired: the caller that wins `try_claim_refresh` re-reads the cache once (a
//!   refresher may have just stored a value, which also releases its claim), then calls Stripe
//!   once and stores the result. Concurrent callers serve the previous (stale) value if there is one, else poll the
//!   cache for the refresher's result (bounded by `wait`) before calling Stripe themselves.
//! - Stripe unavailable (429/5xx/timeout): the last value is served with `stale: true` (if at
//!   most `keep_stale` old), else the error goes out as a retryable 503 (429 for Stripe's 429).
//!
//! The cache is an optimisation: if DynamoDB fails, the balance still comes from Stripe.

use std::time::Duration;

use interceptors::{ApiError, Metrics, names};
use payouts::clock::Clock;
use payouts::ports::{BalanceCache, Balances, CachedBalance, StripeError};

/// How long values stay fresh, and how refreshers coordinate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    /// `BALANCE_CACHE_TTL_SECONDS`: a value younger than this is served without asking Stripe.
    pub ttl: Duration,
    /// How long a refresh claim holds: longer than one Stripe fetch with its retries, so
    /// concurrent misses do not stampede; short enough that a crashed refresher is soon replaced.
    pub claim: Duration,
    /// How long a caller with nothing cached waits for another caller's refresh.
    pub wait: Duration,
    /// Cache polling interval while waiting.
    pub poll: Duration,
    /// Oldest value served when Stripe is unavailable (also the item's DynamoDB TTL).
    pub keep_stale: Duration,
}

impl CachePolicy {
    /// The policy for a TTL and the Stripe client's worst-case fetch time (all attempts).
    pub fn new(ttl: Duration, stripe_fetch_budget: Duration) -> CachePolicy {
        let claim = stripe_fetch_budget + Duration::from_secs(1);
        CachePolicy {
            ttl,
            claim,
            wait: claim.min(Duration::from_secs(5)),
            poll: Duration::from_millis(100),
            keep_stale: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// A balance as served: the cached record and whether it is older than the TTL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub cached: CachedBalance,
    pub stale: bool,
}

pub struct Reader<'a> {
    pub cache: &'a dyn BalanceCache,
    pub balances: &'a dyn Balances,
    pub policy: CachePolicy,
    pub clock: &'a dyn Clock,
    pub metrics: &'a Metrics,
}

impl Reader<'_> {
    /// The balance of `stripe_account_id` (owned by `user_id`, the cache key), given what the
    /// cache held when the seller was read (`SellerView`: one round trip for both).
    pub async fn read(
        &self,
        user_id: &str,
        stripe_account_id: &str,
        cached: Option<CachedBalance>,
    ) -> Result<Served, ApiError> {
        let now = self.clock.now();
        if let Some(c) = cached.as_ref().filter(|c| self.is_fresh(c, now)) {
            return Ok(self.hit(c.clone(), false));
        }
        let fallback = cached.filter(|c| age(c, now) <= secs(self.policy.keep_stale));
        let until = now + secs(self.policy.claim);
        let claimed = self
            .cache
            .try_claim_refresh(user_id, now, until)
            .await
            .unwrap_or_else(|e| {
                tracing::warn!(error = %e, "balance refresh claim failed; refreshing anyway");
                true
            });
        if claimed {
            // A refresher that stored its value between our read and our claim released the
            // claim with its write: re-read once (a DynamoDB read) rather than call Stripe again.
            if let Ok(Some(c)) = self.cache.get(user_id).await
                && self.is_fresh(&c, self.clock.now())
            {
                return Ok(self.hit(c, false));
            }
        } else {
            if let Some(stale) = fallback {
                return Ok(self.hit(stale, true));
            }
            if let Some(filled) = self.wait_for_refresh(user_id).await {
                return Ok(self.hit(filled, false));
            }
            tracing::info!("balance refresher did not deliver in time; asking Stripe");
        }
        self.fetch(user_id, stripe_account_id, fallback).await
    }

    async fn fetch(
        &self,
        user_id: &str,
        stripe_account_id: &str,
        fallback: Option<CachedBalance>,
    ) -> Result<Served, ApiError> {
        self.count(names::BALANCE_CACHE_MISSES);
        match self.balances.retrieve_balance(stripe_account_id).await {
            Ok(balance) => {
                let fetched = CachedBalance {
                    balance,
                    fetched_at: self.clock.now(),
                };
                let expires_at = fetched.fetched_at + secs(self.policy.keep_stale);
                if let Err(e) = self.cache.put(user_id, &fetched, expires_at).await {
                    tracing::warn!(error = %e, "balance cache write failed");
                }
                Ok(Served {
                    cached: fetched,
                    stale: false,
                })
            }
            Err(err @ StripeError::Unavailable { .. }) => match fallback {
                Some(stale) => {
                    tracing::warn!(error = %err, age = age(&stale, self.clock.now()),
                        "stripe unavailable; serving the cached balance as stale");
                    Ok(Served {
                        cached: stale,
                        stale: true,
                    })
                }
                None => Err(interceptors::error::ports::stripe(err)),
            },
            Err(err) => Err(interceptors::error::ports::stripe(err)),
        }
    }

    /// Polls the cache until another caller's refresh lands (a fresh value) or `wait` passes.
    async fn wait_for_refresh(&self, user_id: &str) -> Option<CachedBalance> {
        let deadline = tokio::time::Instant::now() + self.policy.wait;
        while tokio::time::Instant::now() < deadline {
            tokio::time::sleep(self.policy.poll).await;
            match self.cache.get(user_id).await {
                Ok(Some(c)) if self.is_fresh(&c, self.clock.now()) => return Some(c),
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "balance cache read failed while waiting");
                    return None;
                }
            }
        }
        None
    }

    fn is_fresh(&self, c: &CachedBalance, now: i64) -> bool {
        age(c, now) < secs(self.policy.ttl)
    }

    fn hit(&self, cached: CachedBalance, stale: bool) -> Served {
        self.count(names::BALANCE_CACHE_HITS);
        Served { cached, stale }
    }

    fn count(&self, metric: &str) {
        self.metrics.emit(&self.metrics.record().count(metric, 1.0));
    }
}

fn age(c: &CachedBalance, now: i64) -> i64 {
    now.saturating_sub(c.fetched_at)
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
