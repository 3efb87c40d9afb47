//! The contract of [`RateBuckets`] (compare-and-set of one number per key) and of
//! [`rate::spend`] on it: a burst of concurrent requests from one seller is admitted exactly
//! `burst` times, and another seller's budget is untouched.

use std::sync::Arc;

use super::{cases, race, the_one_winner};
use crate::ports::RateBuckets;
use crate::rate::{self, Admission, RateLimit};

/// Every rule of [`RateBuckets`], each case on a store made by `fresh`.
pub async fn rate_buckets_contract<B: RateBuckets + 'static>(fresh: impl AsyncFn() -> B) {
    cases!("rate buckets", fresh, dyn RateBuckets;
        buckets_are_compare_and_set,
        racing_requests_move_a_bucket_once,
        a_concurrent_burst_is_admitted_exactly_burst_times,
    );
}

async fn buckets_are_compare_and_set(buckets: Arc<dyn RateBuckets>) {
    assert_eq!(buckets.get("seller-a").await.unwrap(), None);
    assert!(
        !buckets.put("seller-a", Some(5), 10).await.unwrap(),
        "nothing stored yet"
    );
    assert!(buckets.put("seller-a", None, 10).await.unwrap());
    assert!(
        !buckets.put("seller-a", None, 20).await.unwrap(),
        "already stored"
    );
    assert!(
        !buckets.put("seller-a", Some(9), 20).await.unwrap(),
        "stale"
    );
    assert!(buckets.put("seller-a", Some(10), 20).await.unwrap());
    assert_eq!(buckets.get("seller-a").await.unwrap(), Some(20));
    assert_eq!(
        buckets.get("seller-b").await.unwrap(),
        None,
        "keys never meet"
    );
}

async fn racing_requests_move_a_bucket_once(buckets: Arc<dyn RateBuckets>) {
    assert!(buckets.put("seller-r", None, 1).await.unwrap());
    let written = the_one_winner(
        |i| 100 + i64::try_from(i).unwrap(),
        |tat| {
            let buckets = buckets.clone();
            async move { buckets.put("seller-r", Some(1), tat).await.unwrap() }
        },
    )
    .await;
    assert_eq!(buckets.get("seller-r").await.unwrap(), Some(written));
}

async fn a_concurrent_burst_is_admitted_exactly_burst_times(buckets: Arc<dyn RateBuckets>) {
    let limit = RateLimit {
        per_minute: 6,
        burst: 4,
    };
    let now = 1_000_000_000;
    let answers = race(10, |_| {
        let buckets = buckets.clone();
        async move {
            rate::spend(buckets.as_ref(), "seller-hot", limit, || now)
                .await
                .unwrap()
        }
    })
    .await;
    let admitted = answers
        .iter()
        .filter(|a| matches!(a, Admission::Allowed { .. }))
        .count();
    assert_eq!(admitted, 4, "{answers:?}");
    assert!(answers.iter().all(|a| matches!(
        a,
        Admission::Allowed { .. }
            | Admission::Limited {
                retry_after_secs: 10
            }
    )));
    let other = rate::spend(buckets.as_ref(), "seller-calm", limit, || now).await;
    assert!(
        matches!(other.unwrap(), Admission::Allowed { .. }),
        "another seller is unaffected"
    );
    // Ten seconds later one token is back, and one only.
    let later = now + 10_000;
    let next = rate::spend(buckets.as_ref(), "seller-hot", limit, || later)
        .await
        .unwrap();
    assert!(matches!(next, Admission::Allowed { .. }));
    let after = rate::spend(buckets.as_ref(), "seller-hot", limit, || later)
        .await
        .unwrap();
    assert_eq!(
        after,
        Admission::Limited {
            retry_after_secs: 10
        }
    );
}
