//! The balance when its store fails: an unreachable cache is only a cost, a store that refuses
//! for good is our misconfiguration (500), never an outage.

use crate::support;
use crate::world;

use std::sync::Arc;

use harness::apigw::assert_problem;
use interceptors::names;
use serde_json::{Value, json};
use store::DynamoBalanceCache;
use world::*;

#[tokio::test]
async fn an_unreachable_cache_does_not_stop_the_balance() {
    let mut w = world().await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "usd", 5, 0).await;
    let (client, _) = support::tables().await;
    w.deps.cache = Arc::new(DynamoBalanceCache::new(client, "no-such-table"));
    assert_eq!(w.ok("seller-1").await["available"], money(&[(5, "usd")]));
    assert_eq!(w.stripe.calls(BALANCE).await, 1);
}

/// A store that refuses for good (here the accounts table does not exist: a wrong table name in
/// the configuration) is our fault, not an outage: 500 `internal_error`, not retryable, no
/// `Retry-After`, and counted in `Errors` (the 5xx metric the alarms watch).
#[tokio::test]
async fn a_missing_table_is_an_internal_error_not_an_outage() {
    let mut w = world().await;
    let (client, _) = support::tables().await;
    w.deps.view = Arc::new(store::DynamoSellerView::new(
        client,
        "no-such-table",
        "no-such-table-either",
    ));
    let resp = w.get("seller-1", "").await;
    let doc = assert_problem(&resp, 500, "internal_error");
    assert_eq!(
        (&doc["category"], &doc["retryable"]),
        (&json!("internal"), &json!(false)),
        "{doc}"
    );
    assert!(resp.headers().get("retry-after").is_none());
    assert!(
        !doc.to_string().contains("no-such-table"),
        "the cause is logged, never rendered: {doc}"
    );
    let errors: Vec<(Value, Value)> = w
        .metrics
        .records()
        .iter()
        .filter(|r| r.get(names::ERRORS).is_some())
        .map(|r| (r[names::ERRORS].clone(), r[names::STATUS].clone()))
        .collect();
    assert_eq!(errors, [(json!(1.0), json!("500"))]);
    assert_eq!(w.stripe.calls(BALANCE).await, 0);
}
