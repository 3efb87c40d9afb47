//! A flash sale at Stripe's rate limit, scaled down (issue 15): 30 orders of 3 sellers paid at
//! once while the local Stripe server enforces a rate limit of 20 requests per second. The
//! webhook calls Stripe inline, so the spike turns into 429s: the deliveries that hit them answer
//! 503 and Stripe delivers them again (the local server's retries, with backoff) until every
//! share is paid. Exactly once: one transfer per share, the right amount, whatever was refused on
//! the way. (The full-size simulation, 10,000 orders against the real limit, is `make bench`'s.)

use crate::common;

use std::time::Duration;

use common::{EUR, Options, Stack};
use futures::future::join_all;
use serde_json::json;
use stripe_local::DeliveryPolicy;

const ORDERS: usize = 30;
const SELLERS: [&str; 3] = ["usr_flash_a", "usr_flash_b", "usr_flash_c"];

#[tokio::test]
async fn every_share_is_paid_once_through_the_429s_of_a_spike() {
    let stack = Stack::with(Options {
        // As Stripe does, a refused delivery is delivered again later (here within seconds).
        delivery: DeliveryPolicy {
            max_attempts: 40,
            backoff: Duration::from_millis(100),
            timeout: Duration::from_secs(30),
        },
        ..Options::default()
    })
    .await;
    let mut accounts = Vec::new();
    for seller in SELLERS {
        accounts.push(stack.seller(seller, true).await);
    }
    stack
        .control
        .post("rate_limit", json!({ "per_second": 20.0, "burst": 20.0 }))
        .await;

    // Every order at once: 30 deliveries, each needing 4 Stripe calls (the charge's settlement,
    // three transfers), 120 calls against 20 per second.
    let shares: Vec<(&str, i64)> = SELLERS.iter().map(|s| (*s, 1000)).collect();
    let paid = join_all((0..ORDERS).map(|i| {
        let shares = &shares;
        let stack = &stack;
        async move {
            let order = format!("ord_flash_{i}");
            let paid = stack.control.pay(&order, EUR, 3000, shares, true).await;
            (order, paid.event)
        }
    }))
    .await;
    for (_, event) in &paid {
        stack.control.wait_delivered(event).await;
    }

    // The limit was hit, and nothing was lost or doubled (read without the limit).
    stack.control.post("rate_limit", json!({})).await;
    let limited = stack
        .control
        .requests("POST /v1/transfers")
        .await
        .iter()
        .chain(stack.control.requests("GET /v1/charges/{id}").await.iter())
        .filter(|r| r["status"] == 429)
        .count();
    assert!(
        limited > 0,
        "the spike never reached the rate limit: not a test of it"
    );
    for (order, _) in &paid {
        let transfers = stack.control.transfers(order).await;
        let mut to: Vec<String> = transfers
            .iter()
            .map(|t| t["destination"].as_str().unwrap_or_default().to_owned())
            .collect();
        to.sort();
        let mut want = accounts.clone();
        want.sort();
        assert_eq!(to, want, "{order}: one transfer per share");
        // 1000 gross at 12.5 %: 875 each.
        assert!(
            transfers.iter().all(|t| t["amount"] == 875),
            "{order}: {transfers:?}"
        );
    }
}
