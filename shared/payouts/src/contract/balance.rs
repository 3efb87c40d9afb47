//! The contract of [`BalanceCache`]: what is stored is read back, and the refresh claim is held
//! by one caller at a time until it lapses or a balance is stored.

use std::sync::Arc;

use super::{cases, race, winners};
use crate::ports::{Balance, BalanceCache, CachedBalance};
use crate::{Currency, Money};

type Cache = Arc<dyn BalanceCache>;

/// Every rule of [`BalanceCache`], each case on a store made by `fresh`.
pub async fn balance_cache_contract<B: BalanceCache + 'static>(fresh: impl AsyncFn() -> B) {
    cases!("balance cache", fresh, dyn BalanceCache;
        balances_round_trip_and_claims_hold_until_they_lapse,
        concurrent_misses_make_exactly_one_claim,
    );
}

fn cached(amount: i64, fetched_at: i64) -> CachedBalance {
    let usd = Currency::parse("usd").unwrap();
    CachedBalance {
        balance: Balance {
            available: vec![
                Money::new(amount, usd.clone()),
                Money::new(7, Currency::parse("eur").unwrap()),
            ],
            pending: vec![Money::new(-3, usd)],
        },
        fetched_at,
    }
}

async fn balances_round_trip_and_claims_hold_until_they_lapse(cache: Cache) {
    assert_eq!(cache.get("u1").await.unwrap(), None);

    // A claim on an empty cache: no balance yet, and a second claim must wait for it to lapse.
    assert!(cache.try_claim_refresh("u1", 100, 110).await.unwrap());
    assert_eq!(cache.get("u1").await.unwrap(), None);
    assert!(!cache.try_claim_refresh("u1", 105, 115).await.unwrap());
    let at_until = cache.try_claim_refresh("u1", 110, 120).await;
    assert!(
        !at_until.unwrap(),
        "a claim holds until its `until`, included"
    );
    let lapsed = cache.try_claim_refresh("u1", 111, 121).await;
    assert!(lapsed.unwrap(), "a lapsed claim can be taken");
    assert!(
        cache.try_claim_refresh("u2", 111, 121).await.unwrap(),
        "per seller"
    );

    // Storing the refreshed balance releases the claim.
    cache.put("u1", &cached(1_234, 112), 172).await.unwrap();
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(1_234, 112)));
    assert!(cache.try_claim_refresh("u1", 113, 123).await.unwrap());
    assert_eq!(
        cache.get("u1").await.unwrap(),
        Some(cached(1_234, 112)),
        "a claim keeps the balance"
    );
    assert!(!cache.try_claim_refresh("u1", 114, 124).await.unwrap());
    cache.put("u1", &cached(99, 124), 184).await.unwrap();
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(99, 124)));
    // A balance stored without a claim (or over another's) is stored all the same.
    cache.put("u1", &cached(5, 130), 190).await.unwrap();
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(5, 130)));
    assert_eq!(cache.get("u2").await.unwrap(), None);
}

/// Ten requests miss at once, on a stale cached balance and on an empty cache: one refreshes.
async fn concurrent_misses_make_exactly_one_claim(cache: Cache) {
    cache.put("u1", &cached(1, 0), 60).await.unwrap();
    for user in ["u1", "u2"] {
        let won = race(10, |_| {
            let cache = cache.clone();
            async move { cache.try_claim_refresh(user, 1_000, 1_005).await.unwrap() }
        })
        .await;
        assert_eq!(winners(&won), 1, "{user}: {won:?}");
    }
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(1, 0)));
}
