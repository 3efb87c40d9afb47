//! `POST /api/v1/sell/connect/onboard` against moto DynamoDB and the local Stripe server.

mod support;

use std::sync::Arc;

use harness::apigw::{
    assert_problem, assert_rate_limited, assert_retryable, assert_retryable_after, body_json,
};
use harness::jwt::seller_token;
use interceptors::metrics::MemorySink;
use interceptors::{Body, Response, names};
use payouts::ports::SellerAccounts;
use serde_json::{Value, json};
use store::DynamoSellerAccounts;
use support::Stripe;

struct World {
    stripe: Stripe,
    accounts: Arc<DynamoSellerAccounts>,
    deps: onboard::Deps,
    metrics: Arc<MemorySink>,
}

async fn world() -> World {
    let stripe = Stripe::start().await;
    let (client, tables) = support::tables().await;
    let budgets = Arc::new(store::DynamoEventLog::new(
        client.clone(),
        &tables.webhook_events,
    ));
    let accounts = Arc::new(DynamoSellerAccounts::new(client, &tables.seller_accounts));
    let (interceptors, metrics) = support::interceptors(onboard::FUNCTION, true).await;
    let deps = onboard::Deps {
        accounts: accounts.clone(),
        connect: Arc::new(stripe.adapter()),
        budgets,
        onboarding: support::onboarding(),
        interceptors,
    };
    World {
        stripe,
        accounts,
        deps,
        metrics,
    }
}

impl World {
    async fn onboard_with(&self, token: Option<&str>, body: &str) -> Response<Body> {
        let req = harness::apigw::request("onboard.json", token, "", body);
        harness::contract::call(req, |req| onboard::handle(&self.deps, req)).await
    }

    async fn onboard(&self, user: &str) -> Response<Body> {
        self.onboard_with(Some(&seller_token(user)), "").await
    }

    /// Onboards and returns the 200 body.
    async fn onboard_ok(&self, user: &str) -> Value {
        let resp = self.onboard(user).await;
        let body = body_json(&resp);
        assert_eq!(resp.status().as_u16(), 200, "{body}");
        body
    }

    /// The connected account as Stripe holds it (read over the API like any client).
    async fn stripe_account(&self, id: &str) -> Value {
        self.stripe.api_get(&format!("accounts/{id}"), None).await
    }
}

#[tokio::test]
async fn first_onboarding_stores_the_account_then_answers_a_link() {
    let w = world().await;
    let before = payouts::clock::unix_now();
    let body = w.onboard_ok("seller-1").await;

    assert_eq!(body["status"], "pending");
    let account = body["stripe_account_id"].as_str().expect("account id");
    assert!(account.starts_with("acct_"));
    let url = body["onboarding_url"].as_str().expect("onboarding_url");
    assert!(url.starts_with(&w.stripe.server.base_url), "{url}");
    assert!(body["expires_at"].as_i64().expect("expires_at") > before);
    assert!(body.get("dashboard_url").is_none());

    let stored = w
        .accounts
        .find_by_user("seller-1")
        .await
        .unwrap()
        .expect("mapping stored");
    assert_eq!(stored.stripe_account_id, account);
    assert!(!stored.onboarding_completed);

    // One account, created with the deterministic key; no flag refresh for a brand-new account.
    let creates = w.stripe.requests("POST /v1/accounts").await;
    assert_eq!(creates.len(), 1);
    assert_eq!(
        creates[0]["idempotency_key"],
        payouts::keys::account_key("seller-1")
    );
    assert_eq!(w.stripe.calls("GET /v1/accounts/{id}").await, 0);
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_STARTED),
        1
    );

    // Express, transfers requested, user id in metadata, prefilled from the token.
    let acct = w.stripe_account(account).await;
    assert_eq!(acct["type"], "express");
    assert_eq!(acct["metadata"]["user_id"], "seller-1");
    assert_eq!(acct["email"], "seller-1@example.com");
    assert_eq!(acct["country"], "FR");
    assert!(
        acct["capabilities"]["transfers"].is_string(),
        "{}",
        acct["capabilities"]
    );
}

#[tokio::test]
async fn second_call_reuses_the_account_and_mints_a_new_link() {
    let w = world().await;
    let first = w.onboard_ok("seller-1").await;
    let second = w.onboard_ok("seller-1").await;
    assert_eq!(first["stripe_account_id"], second["stripe_account_id"]);
    assert_ne!(first["onboarding_url"], second["onboarding_url"]);
    assert_eq!(w.stripe.objects("accounts").await, 1);
    assert_eq!(w.stripe.calls("POST /v1/accounts").await, 1);
    assert_eq!(w.stripe.objects("account_links").await, 2);
    // The second call re-read the flags from Stripe (the seller may have progressed).
    assert_eq!(w.stripe.calls("GET /v1/accounts/{id}").await, 1);
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_STARTED),
        2
    );
}

#[tokio::test]
async fn concurrent_first_calls_create_exactly_one_account() {
    let w = world().await;
    let token = seller_token("seller-1");
    let calls = (0..10).map(|_| w.onboard_with(Some(&token), ""));
    let answers = futures::future::join_all(calls).await;
    let mut ids: Vec<Value> = answers
        .iter()
        .map(|r| {
            let body = body_json(r);
            assert_eq!(r.status().as_u16(), 200, "{body}");
            body["stripe_account_id"].clone()
        })
        .collect();
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(w.stripe.objects("accounts").await, 1);
    let stored = w
        .accounts
        .find_by_user("seller-1")
        .await
        .unwrap()
        .expect("mapping");
    assert_eq!(json!(stored.stripe_account_id), ids[0]);
    // Every POST /v1/accounts carried the same key: concurrent ones were replays or 409s.
    let creates = w.stripe.requests("POST /v1/accounts").await;
    for r in &creates {
        assert_eq!(r["idempotency_key"], payouts::keys::account_key("seller-1"));
    }
    let executed = creates
        .iter()
        .filter(|r| r["status"] == 200 && r["replayed"] == false);
    assert_eq!(executed.count(), 1, "{creates:?}");
}

#[tokio::test]
async fn a_complete_seller_gets_the_status_and_a_dashboard_link() {
    let w = world().await;
    let first = w.onboard_ok("seller-1").await;
    let account = first["stripe_account_id"].as_str().unwrap().to_owned();
    w.stripe.complete_onboarding(&account).await;

    let body = w.onboard_ok("seller-1").await;
    assert_eq!(body["status"], "complete");
    assert_eq!(body["payouts_enabled"], true);
    assert_eq!(body["requirements_due"], json!([]));
    assert!(
        body["dashboard_url"]
            .as_str()
            .unwrap()
            .starts_with(&w.stripe.server.base_url)
    );
    assert!(body.get("onboarding_url").is_none());
    let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
    assert!(stored.onboarding_completed);
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
        1
    );
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_STARTED),
        1
    );

    // Complete per the stored flags: no further account read, no new onboarding link.
    let reads = w.stripe.calls("GET /v1/accounts/{id}").await;
    let again = w.onboard_ok("seller-1").await;
    assert_eq!(again["status"], "complete");
    assert_eq!(w.stripe.calls("GET /v1/accounts/{id}").await, reads);
    assert_eq!(w.stripe.objects("account_links").await, 1);
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
        1
    );
}

/// A subject the payout path cannot carry (the checkout's `veza_shares`, the ledger's keys and
/// Stripe's idempotency keys take `[A-Za-z0-9_-]{1,64}`) is refused before anything exists: it
/// could onboard, but every order naming it would be rejected and the seller never paid.
#[tokio::test]
async fn a_subject_the_payout_path_cannot_carry_is_refused_before_anything_exists() {
    let w = world().await;
    let long = "a".repeat(65);
    for sub in ["auth0|abc", "user@example.com", "a:b", long.as_str()] {
        let resp = w.onboard(sub).await;
        assert_problem(&resp, 403, "seller_id_unsupported");
        assert!(
            w.accounts.find_by_user(sub).await.unwrap().is_none(),
            "{sub}"
        );
    }
    assert_eq!(w.stripe.objects("accounts").await, 0);
    // The same characters the checkout and the ledger accept do onboard.
    assert_eq!(w.onboard_ok("auth0_abc-1").await["status"], "pending");
}

#[tokio::test]
async fn tokens_are_required_and_must_be_a_sellers() {
    let w = world().await;
    let resp = w.onboard_with(None, "").await;
    assert_problem(&resp, 401, "token_missing");
    let buyer = harness::jwt::token(json!({"sub": "buyer-1", "roles": ["buyer"]}));
    assert_problem(&w.onboard_with(Some(&buyer), "").await, 403, "not_a_seller");
    let expired =
        harness::jwt::token(json!({"sub": "seller-1", "roles": ["seller"], "exp": 1_000}));
    assert_problem(
        &w.onboard_with(Some(&expired), "").await,
        401,
        "token_expired",
    );
    assert_eq!(w.stripe.objects("accounts").await, 0);
    assert!(w.accounts.find_by_user("buyer-1").await.unwrap().is_none());
}

#[tokio::test]
async fn the_body_may_be_empty_or_an_empty_object_but_nothing_else() {
    let w = world().await;
    let token = seller_token("seller-1");
    assert_eq!(
        w.onboard_with(Some(&token), "{}").await.status().as_u16(),
        200
    );
    let doc = assert_problem(
        &w.onboard_with(Some(&token), r#"{"return_to":"x"}"#).await,
        400,
        "invalid_json",
    );
    assert_eq!(doc["status"], 400);
    assert_problem(
        &w.onboard_with(Some(&token), "[").await,
        400,
        "invalid_json",
    );
}

#[tokio::test]
async fn prefills_that_stripe_would_refuse_are_left_out() {
    let w = world().await;
    let token = harness::jwt::token(json!({
        "sub": "seller-1", "roles": "seller", "email": "not-an-email", "country": "France",
    }));
    let body = body_json(&w.onboard_with(Some(&token), "").await);
    let acct = w
        .stripe_account(body["stripe_account_id"].as_str().unwrap())
        .await;
    assert!(acct["email"].is_null(), "{}", acct["email"]);
    assert_eq!(acct["metadata"]["user_id"], "seller-1");
}

/// Exhausts the adapter's in-process retries so the failure reaches the handler.
async fn fail_every_attempt(w: &World, method: &str, path: &str, kind: &str) {
    let attempts = stripe_adapter::RetryPolicy::default().attempts;
    w.stripe.fail(method, path, kind, attempts).await;
}

#[tokio::test]
async fn account_creation_failures_are_retryable_and_store_nothing() {
    for kind in ["status_500", "status_429"] {
        let w = world().await;
        fail_every_attempt(&w, "POST", "/v1/accounts", kind).await;
        assert_retryable_after(&w.onboard("seller-1").await, kind);
        assert!(
            w.accounts.find_by_user("seller-1").await.unwrap().is_none(),
            "{kind}"
        );

        let body = w.onboard_ok("seller-1").await;
        assert_eq!(w.stripe.objects("accounts").await, 1, "{kind}");
        let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
        assert_eq!(json!(stored.stripe_account_id), body["stripe_account_id"]);
    }
}

#[tokio::test]
async fn a_failed_link_keeps_the_stored_account_for_the_retry() {
    for kind in ["status_500", "status_429"] {
        let w = world().await;
        fail_every_attempt(&w, "POST", "/v1/account_links", kind).await;
        assert_retryable_after(&w.onboard("seller-1").await, kind);
        let stored = w
            .accounts
            .find_by_user("seller-1")
            .await
            .unwrap()
            .expect("stored first");

        let body = w.onboard_ok("seller-1").await;
        assert_eq!(
            json!(stored.stripe_account_id),
            body["stripe_account_id"],
            "{kind}"
        );
        assert_eq!(w.stripe.calls("POST /v1/accounts").await, 1, "{kind}");
        assert_eq!(w.stripe.objects("accounts").await, 1);
        assert_eq!(
            support::metric_count(&w.metrics, names::ONBOARDINGS_STARTED),
            1
        );
    }
}

#[tokio::test]
async fn flag_refresh_and_dashboard_link_failures_are_retryable() {
    let w = world().await;
    let account = w.onboard_ok("seller-1").await["stripe_account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    fail_every_attempt(&w, "GET", "/v1/accounts/{id}", "status_500").await;
    assert_retryable(&w.onboard("seller-1").await);
    assert_eq!(
        w.onboard_ok("seller-1").await["stripe_account_id"],
        account.as_str()
    );

    w.stripe.complete_onboarding(&account).await;
    assert_eq!(w.onboard_ok("seller-1").await["status"], "complete");
    fail_every_attempt(&w, "POST", "/v1/accounts/{id}/login_links", "status_429").await;
    assert_rate_limited(&w.onboard("seller-1").await);
    let body = w.onboard_ok("seller-1").await;
    assert!(body["dashboard_url"].is_string());
    assert_eq!(w.stripe.objects("accounts").await, 1);
}
