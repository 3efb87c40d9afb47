//! `GET /api/v1/sell/balance` against moto DynamoDB and the local Stripe server. Stripe calls are
//! counted on the server's request log (`GET /v1/balance`).

use crate::support;
use crate::world;

use std::time::Duration;

use harness::apigw::{assert_problem, assert_retryable_after, body_json};
use interceptors::names;
use payouts::clock::Clock;
use payouts::ports::{Balance, BalanceCache, CachedBalance, SellerAccounts};
use payouts::{Currency, Money};
use serde_json::{Value, json};
use stripe_adapter::{RetryPolicy, StripeAdapter};
use support::Stripe;
use world::*;

#[tokio::test]
async fn no_account_and_incomplete_onboarding_are_documented_non_errors() {
    let w = world().await;
    let body = w.ok("nobody").await;
    assert_eq!(
        body,
        json!({"status": "not_started", "available": [], "pending": []})
    );

    w.seller("pending-seller", false).await;
    let body = w.ok("pending-seller").await;
    assert_eq!(
        body,
        json!({"status": "pending", "available": [], "pending": []})
    );

    let id = w.seller("restricted-seller", false).await;
    w.stripe
        .onboarding(&id, json!({"details_submitted": true}))
        .await;
    let account = w
        .accounts
        .find_by_user("restricted-seller")
        .await
        .unwrap()
        .unwrap();
    onboarding::refresh_flags(w.accounts.as_ref(), &w.adapter, &account, w.clock.as_ref())
        .await
        .unwrap();
    assert_eq!(w.ok("restricted-seller").await["status"], "restricted");
    assert_eq!(w.stripe.calls(BALANCE).await, 0);
}

#[tokio::test]
async fn every_currency_is_returned_in_minor_units_as_the_connected_account() {
    let w = world().await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "eur", 1234, 50).await;
    w.stripe.set_balance(&id, "usd", 999, 0).await;
    w.stripe.set_balance(&id, "gbp", 0, 777).await;

    let before = payouts::clock::unix_now();
    let body = w.ok("seller-1").await;
    assert_eq!(body["status"], "complete");
    assert_eq!(
        sorted(&body, "available"),
        money(&[(1234, "eur"), (0, "gbp"), (999, "usd")])
    );
    assert_eq!(
        sorted(&body, "pending"),
        money(&[(50, "eur"), (777, "gbp"), (0, "usd")])
    );
    assert!(body["as_of"].as_i64().unwrap() >= before);
    assert_eq!(body["stale"], false);

    let calls = w.stripe.requests(BALANCE).await;
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["stripe_account"], id.as_str());
    assert_eq!(
        support::metric_count(&w.metrics, names::BALANCE_CACHE_MISSES),
        1
    );
    assert!(
        w.cache.get("seller-1").await.unwrap().is_some(),
        "cached in DynamoDB"
    );
}

#[tokio::test]
async fn a_cache_hit_costs_no_stripe_call() {
    let w = world().await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "eur", 100, 0).await;
    let first = w.ok("seller-1").await;
    w.stripe.set_balance(&id, "eur", 555, 0).await;
    for _ in 0..3 {
        assert_eq!(w.ok("seller-1").await, first);
    }
    assert_eq!(w.stripe.calls(BALANCE).await, 1);
    assert_eq!(
        support::metric_count(&w.metrics, names::BALANCE_CACHE_HITS),
        3
    );
}

#[tokio::test]
async fn an_expired_value_costs_exactly_one_new_call() {
    let w = world_with(policy(1, Duration::from_secs(30)), Stripe::adapter).await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "usd", 100, 0).await;
    let first = w.ok("seller-1").await;
    w.stripe.set_balance(&id, "usd", 250, 0).await;
    w.expire(first["as_of"].as_i64().unwrap(), 1);

    let second = w.ok("seller-1").await;
    assert_eq!(second["available"], money(&[(250, "usd")]));
    assert_eq!(second["stale"], false);
    assert_eq!(w.stripe.calls(BALANCE).await, 2);
}

#[tokio::test]
async fn concurrent_misses_make_one_stripe_call() {
    let w = world().await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "eur", 42, 7).await;
    let answers = futures::future::join_all((0..10).map(|_| w.get("seller-1", ""))).await;
    for resp in &answers {
        let body = body_json(resp);
        assert_eq!(resp.status().as_u16(), 200, "{body}");
        assert_eq!(body["available"], money(&[(42, "eur")]));
    }
    assert_eq!(w.stripe.calls(BALANCE).await, 1);
}

#[tokio::test]
async fn concurrent_misses_after_expiry_serve_the_old_value_while_one_refreshes() {
    let w = world().await;
    let id = w.seller("seller-1", true).await;
    w.stripe.set_balance(&id, "eur", 2, 0).await;
    // A value cached a minute ago: expired for the 30 s TTL.
    let old = CachedBalance {
        balance: Balance {
            available: vec![eur(1)],
            pending: vec![eur(0)],
        },
        fetched_at: w.clock.now() - 60,
    };
    w.cache
        .put("seller-1", &old, old.fetched_at + 3600)
        .await
        .unwrap();

    let answers = futures::future::join_all((0..10).map(|_| w.get("seller-1", ""))).await;
    assert_eq!(
        w.stripe.calls(BALANCE).await,
        1,
        "one refresh for ten callers"
    );
    let mut fresh = 0;
    for b in answers.iter().map(body_json) {
        if b["stale"] == true {
            assert_eq!(
                (&b["available"], &b["as_of"]),
                (&money(&[(1, "eur")]), &json!(old.fetched_at))
            );
        } else {
            assert_eq!(b["available"], money(&[(2, "eur")]), "{b}");
            fresh += 1;
        }
    }
    assert!(fresh >= 1, "the refresher answers with the new value");
}

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::parse("eur").unwrap())
}

async fn fail_balance(w: &World, kind: &str) {
    w.stripe
        .fail("GET", "/v1/balance", kind, RetryPolicy::default().attempts)
        .await;
}

/// A short client timeout so a `hang` fault (3 s) times out quickly.
fn impatient(stripe: &Stripe) -> StripeAdapter {
    stripe.adapter_with(Duration::from_millis(300), RetryPolicy::default())
}

#[tokio::test]
async fn stripe_failures_without_a_cached_value_are_retryable_errors() {
    for kind in ["status_500", "status_429", "hang"] {
        // Waiting 1 s for another refresher keeps the retry below quick.
        let w = world_with(policy(30, Duration::from_secs(1)), impatient).await;
        let id = w.seller("seller-1", true).await;
        w.stripe.set_balance(&id, "eur", 10, 0).await;
        fail_balance(&w, kind).await;
        assert_retryable_after(&w.get("seller-1", "").await, kind);
        assert!(w.cache.get("seller-1").await.unwrap().is_none(), "{kind}");

        let body = w.ok("seller-1").await;
        assert_eq!(body["available"], money(&[(10, "eur")]), "{kind}");
        assert_eq!(body["stale"], false);
    }
}

#[tokio::test]
async fn stripe_failures_with_a_cached_value_serve_it_as_stale() {
    for kind in ["status_500", "status_429", "hang"] {
        let w = world_with(policy(1, Duration::from_secs(1)), impatient).await;
        let id = w.seller("seller-1", true).await;
        w.stripe.set_balance(&id, "eur", 10, 5).await;
        let first = w.ok("seller-1").await;
        w.stripe.set_balance(&id, "eur", 20, 5).await;
        w.expire(first["as_of"].as_i64().unwrap(), 1);
        fail_balance(&w, kind).await;

        let body = w.ok("seller-1").await;
        let attempts = u64::from(RetryPolicy::default().attempts);
        assert_eq!(
            w.stripe.calls(BALANCE).await,
            1 + attempts,
            "{kind}: Stripe was tried"
        );
        assert_eq!(body["stale"], true, "{kind}: {body}");
        assert_eq!(body["as_of"], first["as_of"]);
        assert_eq!(body["available"], money(&[(10, "eur")]));
    }
}

#[tokio::test]
async fn a_token_only_ever_reaches_its_own_sellers_account() {
    let w = world().await;
    let a = w.seller("seller-a", true).await;
    let b = w.seller("seller-b", true).await;
    w.stripe.set_balance(&a, "eur", 111, 0).await;
    w.stripe.set_balance(&b, "eur", 999, 0).await;

    // Query parameters naming someone else are ignored: the seller is the token's sub.
    let sneaky = format!("user_id=seller-b&stripe_account={b}&seller=seller-b");
    for query in ["", sneaky.as_str()] {
        let body = body_json(&w.get("seller-a", query).await);
        assert_eq!(body["available"], money(&[(111, "eur")]), "{query}");
    }
    assert_eq!(w.ok("seller-b").await["available"], money(&[(999, "eur")]));
    let owners: Vec<Value> = w
        .stripe
        .requests(BALANCE)
        .await
        .iter()
        .map(|r| r["stripe_account"].clone())
        .collect();
    assert_eq!(owners, [json!(a), json!(b)]);
}

#[tokio::test]
async fn tokens_are_required_and_must_be_a_sellers() {
    let w = world().await;
    let req = harness::apigw::request("balance.json", None, "", "");
    let resp = harness::contract::call(req, |req| balance::handle(&w.deps, req)).await;
    assert_problem(&resp, 401, "token_missing");
    let buyer = harness::jwt::token(json!({"sub": "seller-1", "roles": ["buyer"]}));
    let req = harness::apigw::request("balance.json", Some(&buyer), "", "");
    let resp = harness::contract::call(req, |req| balance::handle(&w.deps, req)).await;
    assert_problem(&resp, 403, "not_a_seller");
}
