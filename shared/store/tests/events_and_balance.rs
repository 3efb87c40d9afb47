//! The event log and the balance cache on moto, what is DynamoDB's own: the TTL attributes
//! (`expires_at`) and the checkpoints' place in the events table. The ports' rules (marked once,
//! compare-and-set, the refresh claim, the races) are the contract suites' (`payouts::contract`,
//! run on DynamoDB in `contracts.rs`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use payouts::ports::{Balance, BalanceCache, CachedBalance, Checkpoint, Checkpoints, EventLog};
use store::{DynamoBalanceCache, DynamoEventLog, EVENT_RETENTION_SECS};

/// The item `pk` of `table`, read consistently.
async fn item(db: &harness::Dynamo, table: &str, pk: &str) -> HashMap<String, AttributeValue> {
    let out = db
        .client
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(pk.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    out.item.unwrap_or_else(|| panic!("no item {pk}"))
}

/// The number attribute `attr` of the item `pk` (`None` if absent).
async fn number(db: &harness::Dynamo, table: &str, pk: &str, attr: &str) -> Option<i64> {
    match item(db, table, pk).await.get(attr)? {
        AttributeValue::N(n) => Some(n.parse().unwrap()),
        other => panic!("{attr} is {other:?}"),
    }
}

#[tokio::test]
async fn processed_events_expire_after_the_retention() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let log = DynamoEventLog::new(db.client.clone(), &t.webhook_events);
    assert!(
        log.mark_processed("evt_1", "charge.refunded", 1_000)
            .await
            .unwrap()
    );
    let expires = number(&db, &t.webhook_events, "evt_1", "expires_at").await;
    assert_eq!(expires, Some(1_000 + EVENT_RETENTION_SECS));
    assert_eq!(EVENT_RETENTION_SECS, 30 * 86_400);
}

/// Checkpoints share the events table under `CHECKPOINT#<name>`, never expire, and are never
/// taken for a processed event.
#[tokio::test]
async fn checkpoints_live_in_the_events_table_and_never_expire() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let log = DynamoEventLog::new(db.client.clone(), &t.webhook_events);
    let first = Checkpoint {
        since: 100,
        version: 1,
        ..Checkpoint::default()
    };
    assert!(log.put("events", &first).await.unwrap());
    let stored = item(&db, &t.webhook_events, "CHECKPOINT#events").await;
    assert!(!stored.contains_key("expires_at"), "{stored:?}");
    assert!(!log.is_processed("events").await.unwrap());
}

/// `expires_at` is the TTL: what `put` says, and for a claim on an empty cache its `until`
/// (so that an abandoned claim does not linger); a claim never moves it.
#[tokio::test]
async fn balance_items_carry_their_expiry() {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let cache = DynamoBalanceCache::new(db.client.clone(), &t.balance_cache);
    let expires = async |user| number(&db, &t.balance_cache, user, "expires_at").await;

    assert!(cache.try_claim_refresh("u1", 100, 110).await.unwrap());
    assert_eq!(expires("u1").await, Some(110));
    let cached = CachedBalance {
        balance: Balance::default(),
        fetched_at: 112,
    };
    cache.put("u1", &cached, 172).await.unwrap();
    assert_eq!(expires("u1").await, Some(172));
    assert!(cache.try_claim_refresh("u1", 113, 123).await.unwrap());
    assert_eq!(expires("u1").await, Some(172));
}
