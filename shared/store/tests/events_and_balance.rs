//! Webhook event de-duplication and the balance cache against a real moto server.

use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use payouts::Currency;
use payouts::Money;
use payouts::ports::{Balance, BalanceCache, CachedBalance, EventLog};
use store::{DynamoBalanceCache, DynamoEventLog, EVENT_RETENTION_SECS};
use tokio::task::JoinSet;

async fn number(db: &harness::Dynamo, table: &str, pk: &str, attr: &str) -> Option<i64> {
    let out = db
        .client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(pk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    match out.item?.get(attr)? {
        AttributeValue::N(n) => Some(n.parse().unwrap()),
        other => panic!("{attr} is {other:?}"),
    }
}

/// Runs `racers` copies of `f` at once and counts the `true`s.
async fn winners<F, Fut>(racers: usize, f: F) -> usize
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool> + Send + 'static,
{
    let mut set = JoinSet::new();
    for _ in 0..racers {
        set.spawn(f());
    }
    set.join_all().await.into_iter().filter(|won| *won).count()
}

#[tokio::test]
async fn events_are_marked_once_and_expire_after_retention() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let log = DynamoEventLog::new(db.client.clone(), &t.webhook_events);
    assert!(!log.is_processed("evt_1").await.unwrap());
    assert!(
        log.mark_processed("evt_1", "charge.refunded", 1_000)
            .await
            .unwrap()
    );
    assert!(log.is_processed("evt_1").await.unwrap());
    assert!(
        !log.mark_processed("evt_1", "charge.refunded", 2_000)
            .await
            .unwrap()
    );
    assert!(!log.is_processed("evt_2").await.unwrap());
    let expires = number(&db, &t.webhook_events, "evt_1", "expires_at").await;
    assert_eq!(expires, Some(1_000 + EVENT_RETENTION_SECS));
    assert_eq!(EVENT_RETENTION_SECS, 30 * 86_400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_deliveries_of_one_event_mark_it_once() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let log = Arc::new(DynamoEventLog::new(db.client.clone(), &t.webhook_events));
    let won = winners(10, || {
        let log = log.clone();
        async move {
            log.mark_processed("evt_dup", "payment_intent.succeeded", 5)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(won, 1);
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

#[tokio::test]
async fn balance_cache_round_trip_and_claims() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let cache = DynamoBalanceCache::new(db.client.clone(), &t.balance_cache);
    assert_eq!(cache.get("u1").await.unwrap(), None);

    // A claim on an empty cache: no balance yet, and a second claim must wait for it to lapse.
    assert!(cache.try_claim_refresh("u1", 100, 110).await.unwrap());
    assert_eq!(cache.get("u1").await.unwrap(), None);
    assert!(!cache.try_claim_refresh("u1", 105, 115).await.unwrap());
    assert!(
        !cache.try_claim_refresh("u1", 110, 120).await.unwrap(),
        "claim holds until `until`"
    );
    assert!(
        cache.try_claim_refresh("u1", 111, 121).await.unwrap(),
        "lapsed claim can be taken"
    );

    // Storing the refreshed balance releases the claim.
    cache.put("u1", &cached(1_234, 112), 172).await.unwrap();
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(1_234, 112)));
    assert_eq!(
        number(&db, &t.balance_cache, "u1", "expires_at").await,
        Some(172)
    );
    assert!(cache.try_claim_refresh("u1", 113, 123).await.unwrap());
    assert_eq!(
        cache.get("u1").await.unwrap(),
        Some(cached(1_234, 112)),
        "claim keeps the balance"
    );
    cache.put("u1", &cached(99, 124), 184).await.unwrap();
    assert_eq!(cache.get("u1").await.unwrap(), Some(cached(99, 124)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_misses_make_exactly_one_claim() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let cache = Arc::new(DynamoBalanceCache::new(db.client.clone(), &t.balance_cache));
    cache.put("u1", &cached(1, 0), 60).await.unwrap();
    let won = winners(10, || {
        let cache = cache.clone();
        async move { cache.try_claim_refresh("u1", 1_000, 1_005).await.unwrap() }
    })
    .await;
    assert_eq!(won, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn checkpoints_are_compare_and_set_and_never_expire() {
    use payouts::ports::{Checkpoint, Checkpoints};
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let log = std::sync::Arc::new(store::DynamoEventLog::new(
        db.client.clone(),
        &t.webhook_events,
    ));
    assert_eq!(
        Checkpoints::get(log.as_ref(), "events").await.unwrap(),
        None
    );
    let first = Checkpoint {
        since: 100,
        version: 1,
        ..Checkpoint::default()
    };
    // Ten runs create the first checkpoint at once: one wins.
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let (log, first) = (log.clone(), first.clone());
        set.spawn(async move { log.put("events", &first).await.unwrap() });
    }
    assert_eq!(set.join_all().await.iter().filter(|w| **w).count(), 1);
    let next = Checkpoint {
        since: 200,
        resume_after: Some("evt_9".into()),
        version: 2,
        ..first.clone()
    };
    assert!(log.put("events", &next).await.unwrap());
    assert!(!log.put("events", &next).await.unwrap(), "stale version");
    assert_eq!(
        Checkpoints::get(log.as_ref(), "events").await.unwrap(),
        Some(next)
    );
    // Other names are other checkpoints; none is mistaken for a processed event.
    assert_eq!(Checkpoints::get(log.as_ref(), "other").await.unwrap(), None);
    assert!(!log.is_processed("events").await.unwrap());
    let item = db
        .client
        .get_item()
        .table_name(&t.webhook_events)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S("CHECKPOINT#events".into()),
        )
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(!item.contains_key("expires_at"));
}
