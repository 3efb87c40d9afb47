//! `GET /api/v1/sell/connect/callback` against moto DynamoDB and the local Stripe server, driven
//! the way a seller's browser drives it: `onboard` answers the link, the browser opens it on the
//! local Stripe's hosted page, Stripe redirects to our return/refresh URL.

use crate::support;

use std::sync::Arc;

use harness::apigw::{assert_problem, body_json, header};
use harness::jwt::seller_token;
use harness::stripe::browser;
use interceptors::metrics::MemorySink;
use interceptors::{Body, Response, names};
use onboarding::StateSigner;
use onboarding::state::STATE_LIFETIME_SECS;
use payouts::ports::SellerAccounts;
use serde_json::json;
use store::DynamoSellerAccounts;
use support::Stripe;

struct World {
    stripe: Stripe,
    accounts: Arc<DynamoSellerAccounts>,
    onboard: onboard::Deps,
    callback: callback::Deps,
    metrics: Arc<MemorySink>,
}

async fn world() -> World {
    let stripe = Stripe::start().await;
    let (client, tables) = support::tables().await;
    let used_states = Arc::new(store::DynamoEventLog::new(
        client.clone(),
        &tables.webhook_events,
    ));
    let accounts = Arc::new(DynamoSellerAccounts::new(client, &tables.seller_accounts));
    let (onboard_interceptors, _) = support::interceptors(onboard::FUNCTION, true).await;
    let (interceptors, metrics) = support::interceptors(callback::FUNCTION, false).await;
    let connect = Arc::new(stripe.adapter());
    World {
        onboard: onboard::Deps {
            accounts: accounts.clone(),
            connect: connect.clone(),
            budgets: used_states.clone(),
            onboarding: support::onboarding(),
            interceptors: onboard_interceptors,
        },
        callback: callback::Deps {
            accounts: accounts.clone(),
            connect,
            used_states: used_states.clone(),
            budgets: used_states,
            onboarding: support::onboarding(),
            interceptors,
        },
        stripe,
        accounts,
        metrics,
    }
}

impl World {
    /// Starts onboarding for `user`: (account id, onboarding URL).
    async fn start(&self, user: &str) -> (String, String) {
        let req = harness::apigw::request("onboard.json", Some(&seller_token(user)), "", "");
        let resp = harness::contract::call(req, |req| onboard::handle(&self.onboard, req)).await;
        let body = body_json(&resp);
        let id = body["stripe_account_id"]
            .as_str()
            .expect("account")
            .to_owned();
        (id, body["onboarding_url"].as_str().expect("url").to_owned())
    }

    /// Calls the callback with the query of `url` (a return/refresh URL Stripe redirected to).
    async fn follow(&self, url: &str) -> Response<Body> {
        assert!(url.starts_with(support::PUBLIC_API_URL), "{url}");
        self.call(&harness::apigw::query_of(url)).await
    }

    async fn call(&self, query: &str) -> Response<Body> {
        let req = harness::apigw::request("callback-return.json", None, query, "");
        harness::contract::call(req, |req| callback::handle(&self.callback, req)).await
    }

    async fn stripe_calls(&self) -> u64 {
        self.stripe.calls("GET /v1/accounts/{id}").await
            + self.stripe.calls("POST /v1/account_links").await
    }
}

fn location(resp: &Response<Body>) -> &str {
    assert_eq!(resp.status().as_u16(), 302, "{:?}", resp.body());
    header(resp, "location").expect("Location")
}

fn frontend(status: &str) -> String {
    format!("{}?onboarding={status}", support::FRONTEND_URL)
}

/// The seller page with the failure's stable code: a browser never lands on JSON.
fn error_page(code: &str) -> String {
    format!("{}?onboarding=error&code={code}", support::FRONTEND_URL)
}

#[track_caller]
fn assert_error_page(resp: &Response<Body>, code: &str) {
    assert_eq!(location(resp), error_page(code));
}

#[tokio::test]
async fn return_after_completing_on_stripe_stores_the_flags_and_goes_to_the_page() {
    let w = world().await;
    let (account, url) = w.start("seller-1").await;
    let return_url = browser::completes(&url).await;
    assert!(return_url.contains("mode=return"), "{return_url}");

    let resp = w.follow(&return_url).await;
    assert_eq!(location(&resp), frontend("complete"));
    let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
    assert_eq!(stored.stripe_account_id, account);
    assert!(stored.onboarding_completed);
    assert!(stored.flags.payouts_enabled && stored.flags.transfers_active);
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
        1
    );

    // A second landing (reload) re-checks Stripe but counts the completion once.
    assert_eq!(location(&w.follow(&return_url).await), frontend("complete"));
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
        1
    );
}

#[tokio::test]
async fn return_without_finishing_is_pending_and_never_trusted() {
    let w = world().await;
    let (_, url) = w.start("seller-1").await;
    let return_url = browser::leaves(&url).await;
    let resp = w.follow(&return_url).await;
    assert_eq!(location(&resp), frontend("pending"));
    // The account was re-read from Stripe, not assumed complete from the redirect.
    assert_eq!(w.stripe.calls("GET /v1/accounts/{id}").await, 1);
    let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
    assert!(!stored.onboarding_completed);
    assert!(
        !stored.flags.requirements_due.is_empty(),
        "{:?}",
        stored.flags
    );
    assert_eq!(
        support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
        0
    );
}

#[tokio::test]
async fn return_with_details_submitted_but_payouts_disabled_is_restricted() {
    let w = world().await;
    let (account, url) = w.start("seller-1").await;
    let update = json!({
        "details_submitted": true, "payouts_enabled": false,
        "currently_due": ["external_account"], "past_due": ["individual.id_number"],
        "disabled_reason": "requirements.past_due",
    });
    w.stripe.onboarding(&account, update).await;
    let resp = w.follow(&browser::leaves(&url).await).await;
    assert_eq!(location(&resp), frontend("restricted"));
    let flags = w
        .accounts
        .find_by_user("seller-1")
        .await
        .unwrap()
        .unwrap()
        .flags;
    assert!(flags.details_submitted && !flags.payouts_enabled);
    assert_eq!(
        flags.requirements_due,
        ["external_account", "individual.id_number"]
    );
    assert_eq!(
        flags.disabled_reason.as_deref(),
        Some("requirements.past_due")
    );
}

#[tokio::test]
async fn refresh_mints_a_new_link_and_redirects_to_it() {
    let w = world().await;
    let (_, url) = w.start("seller-1").await;
    let _ = browser::leaves(&url).await; // the link is now used
    let refresh_url = browser::revisits(&url).await;
    assert!(refresh_url.contains("mode=refresh"), "{refresh_url}");

    let resp = w.follow(&refresh_url).await;
    let new_link = location(&resp).to_owned();
    assert!(
        new_link.starts_with(&w.stripe.server.base_url),
        "{new_link}"
    );
    assert_ne!(new_link, url);
    assert_eq!(w.stripe.objects("account_links").await, 2);
    assert_eq!(w.stripe.objects("accounts").await, 1);
    // The new link works: it can be completed and returns to us again.
    let return_url = browser::completes(&new_link).await;
    assert_eq!(location(&w.follow(&return_url).await), frontend("complete"));
}

#[tokio::test]
async fn refresh_for_a_complete_seller_goes_back_to_the_page() {
    let w = world().await;
    let (_, url) = w.start("seller-1").await;
    let return_url = browser::completes(&url).await;
    w.follow(&return_url).await;
    let refresh_url = browser::revisits(&url).await;
    assert_eq!(
        location(&w.follow(&refresh_url).await),
        frontend("complete")
    );
    assert_eq!(w.stripe.objects("account_links").await, 1);
}

#[tokio::test]
async fn bad_states_are_refused_before_anything_is_read_or_stored() {
    let w = world().await;
    let (_, _) = w.start("seller-1").await;
    let calls = w.stripe_calls().await;
    let now = payouts::clock::unix_now();
    let ours = StateSigner::new(support::STATE_SECRET.as_bytes());
    let forger = StateSigner::new(b"an-attackers-own-secret-0123456789abcdef");

    let forged = forger.issue("seller-1", now).unwrap();
    let forged_resp = w.call(&format!("mode=return&state={forged}")).await;
    assert_error_page(&forged_resp, "state_invalid");
    let expired = ours
        .issue("seller-1", now - STATE_LIFETIME_SECS - 60)
        .unwrap();
    assert_error_page(
        &w.call(&format!("mode=refresh&state={expired}")).await,
        "state_expired",
    );
    let valid = ours.issue("seller-1", now).unwrap();
    let (head, _) = valid.rsplit_once('.').unwrap();
    let tampered = format!("{head}.AAAA");
    assert_error_page(
        &w.call(&format!("mode=refresh&state={tampered}")).await,
        "state_invalid",
    );
    assert_error_page(&w.call("mode=return").await, "state_invalid");
    assert_error_page(&w.call("mode=return&state=acct_123").await, "state_invalid");
    let twice = format!("mode=return&state={valid}&state={valid}");
    assert_error_page(&w.call(&twice).await, "state_invalid");
    for mode in ["", "mode=", "mode=finish", "mode=return&mode=refresh"] {
        assert_error_page(
            &w.call(&format!("{mode}&state={valid}")).await,
            "mode_invalid",
        );
    }

    assert_eq!(w.stripe_calls().await, calls);
    let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
    assert_eq!(stored.created_at, stored.updated_at, "nothing was written");
}

#[tokio::test]
async fn a_valid_state_for_a_seller_without_account_is_404() {
    let w = world().await;
    let state = StateSigner::new(support::STATE_SECRET.as_bytes())
        .issue("nobody", payouts::clock::unix_now())
        .unwrap();
    let resp = w.call(&format!("mode=return&state={state}")).await;
    assert_error_page(&resp, "seller_account_not_found");
}

/// A refresh URL mints a link once: replayed (a leaked or re-opened URL), it mints nothing and
/// sends the seller to the page, which continues through the authenticated onboard call.
#[tokio::test]
async fn a_replayed_refresh_url_mints_nothing() {
    let w = world().await;
    let (_, url) = w.start("seller-1").await;
    let _ = browser::leaves(&url).await;
    let refresh_url = browser::revisits(&url).await;
    let first = location(&w.follow(&refresh_url).await).to_owned();
    assert!(first.starts_with(&w.stripe.server.base_url), "{first}");
    assert_eq!(w.stripe.objects("account_links").await, 2);
    for _ in 0..3 {
        assert_error_page(&w.follow(&refresh_url).await, "state_used");
    }
    assert_eq!(w.stripe.objects("account_links").await, 2, "nothing minted");
}

/// A return mints nothing, so an authentic state works even expired (the seller took longer
/// than the state's lifetime on Stripe's forms) and replayed: the account is re-read and synced
/// each time, and no link is ever minted by it.
#[tokio::test]
async fn an_expired_or_replayed_return_still_syncs_and_mints_nothing() {
    let w = world().await;
    let (account, _) = w.start("seller-1").await;
    w.stripe
        .onboarding(&account, json!({ "complete": true }))
        .await;
    let old = StateSigner::new(support::STATE_SECRET.as_bytes())
        .issue(
            "seller-1",
            payouts::clock::unix_now() - STATE_LIFETIME_SECS - 60,
        )
        .unwrap();
    let links = w.stripe.objects("account_links").await;
    for _ in 0..2 {
        let resp = w.call(&format!("mode=return&state={old}")).await;
        assert_eq!(location(&resp), frontend("complete"));
    }
    let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
    assert!(stored.onboarding_completed);
    assert_eq!(w.stripe.objects("account_links").await, links);
}

#[tokio::test]
async fn stripe_failures_are_retryable_and_a_retry_succeeds() {
    let attempts = stripe_adapter::RetryPolicy::default().attempts;
    for (kind, code) in [
        ("status_500", "upstream_unavailable"),
        ("status_429", "rate_limited"),
    ] {
        let w = world().await;
        let (_, url) = w.start("seller-1").await;
        let _ = browser::leaves(&url).await;
        let refresh_url = browser::revisits(&url).await;

        // Refresh: minting the new link fails: the seller lands on the page with the code (the
        // state is spent; the page continues through onboard, which mints a fresh link).
        w.stripe
            .fail("POST", "/v1/account_links", kind, attempts)
            .await;
        assert_error_page(&w.follow(&refresh_url).await, code);
        assert_eq!(w.stripe.objects("account_links").await, 1, "{kind}");
        let (_, new_link) = w.start("seller-1").await;

        // A Stripe failure is a server-side failure, counted in the function's Errors; a rate
        // limit is not (it is a 429 everywhere else too).
        let errors: f64 = w
            .metrics
            .records()
            .iter()
            .filter_map(|r| r[names::ERRORS].as_f64())
            .sum();
        let expected = if kind == "status_500" { 1.0 } else { 0.0 };
        assert_eq!(errors, expected, "{kind}");
        // Return: re-reading the account fails (nothing stored), then the same URL works.
        let return_url = browser::completes(&new_link).await;
        w.stripe
            .fail("GET", "/v1/accounts/{id}", kind, attempts)
            .await;
        assert_error_page(&w.follow(&return_url).await, code);
        let stored = w.accounts.find_by_user("seller-1").await.unwrap().unwrap();
        assert!(
            !stored.onboarding_completed,
            "{kind}: nothing stored on failure"
        );
        assert_eq!(
            location(&w.follow(&return_url).await),
            frontend("complete"),
            "{kind}"
        );
        assert_eq!(w.stripe.objects("accounts").await, 1);
        assert_eq!(
            support::metric_count(&w.metrics, names::ONBOARDINGS_COMPLETED),
            1
        );
    }
}

#[tokio::test]
async fn only_get_is_served() {
    let w = world().await;
    let mut req = harness::apigw::request("callback-return.json", None, "mode=return", "");
    *req.method_mut() = http::Method::POST;
    let resp = harness::contract::call(req, |req| callback::handle(&w.callback, req)).await;
    assert_problem(&resp, 405, "method_not_allowed");
    assert_eq!(resp.headers()["allow"], "GET");
}
