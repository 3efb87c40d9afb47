//! Each seller's onboarding budget (a token bucket in DynamoDB, shared by onboard and callback,
//! which both call Stripe for the seller): a burst from one seller meets 429 `rate_limited`
//! with `Retry-After` (the callback: the error page, a browser never lands on JSON) and costs
//! Stripe nothing, while another seller is unaffected.

use crate::support;

use std::sync::Arc;

use harness::apigw::{assert_problem, body_json, header};
use harness::jwt::seller_token;
use harness::stripe::browser;
use interceptors::{Body, Response};
use payouts::rate::RateLimit;
use support::Stripe;

/// 3 at once, then one every 10 s.
const BUDGET: RateLimit = RateLimit {
    per_minute: 6,
    burst: 3,
};

struct World {
    stripe: Stripe,
    onboard: onboard::Deps,
    callback: callback::Deps,
}

async fn world() -> World {
    let stripe = Stripe::start().await;
    let (client, tables) = support::tables().await;
    let events = Arc::new(store::DynamoEventLog::new(
        client.clone(),
        &tables.webhook_events,
    ));
    let accounts = Arc::new(store::DynamoSellerAccounts::new(
        client,
        &tables.seller_accounts,
    ));
    let connect = Arc::new(stripe.adapter());
    let onboarding = onboarding::Onboarding {
        seller_rate: BUDGET,
        ..support::onboarding()
    };
    World {
        onboard: onboard::Deps {
            accounts: accounts.clone(),
            connect: connect.clone(),
            budgets: events.clone(),
            onboarding: onboarding.clone(),
            interceptors: support::interceptors(onboard::FUNCTION, true).await.0,
        },
        callback: callback::Deps {
            accounts,
            connect,
            used_states: events.clone(),
            budgets: events,
            onboarding,
            interceptors: support::interceptors(callback::FUNCTION, false).await.0,
        },
        stripe,
    }
}

impl World {
    async fn onboard(&self, user: &str) -> Response<Body> {
        let req = harness::apigw::request("onboard.json", Some(&seller_token(user)), "", "");
        onboard::handle(&self.onboard, req).await
    }

    /// The seller leaves Stripe's page for `onboarding_url` and lands on our return URL.
    async fn come_back(&self, onboarding_url: &str) -> Response<Body> {
        let return_url = browser::leaves(onboarding_url).await;
        let query = harness::apigw::query_of(&return_url);
        let req = harness::apigw::request("callback-return.json", None, &query, "");
        callback::handle(&self.callback, req).await
    }

    async fn stripe_calls(&self) -> u64 {
        self.stripe.calls("POST /v1/accounts").await
            + self.stripe.calls("GET /v1/accounts/{id}").await
            + self.stripe.calls("POST /v1/account_links").await
    }
}

fn onboarding_url(resp: &Response<Body>) -> String {
    let body = body_json(resp);
    assert_eq!(resp.status().as_u16(), 200, "{body}");
    body["onboarding_url"].as_str().expect("link").to_owned()
}

#[tokio::test]
async fn a_burst_from_one_seller_is_limited_and_another_seller_is_not() {
    let w = world().await;
    let mut links = Vec::new();
    for _ in 0..BUDGET.burst {
        links.push(onboarding_url(&w.onboard("seller-hot").await));
    }
    let before = w.stripe_calls().await;
    let limited = w.onboard("seller-hot").await;
    assert_problem(&limited, 429, "rate_limited");
    let wait: u32 = header(&limited, "retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=10).contains(&wait), "{wait}");
    // The callback spends the same budget: the seller's page with the code, no Stripe call.
    let back = w.come_back(&links[0]).await;
    assert_eq!(back.status().as_u16(), 302);
    assert_eq!(
        header(&back, "location"),
        Some(
            format!(
                "{}?onboarding=error&code=rate_limited",
                support::FRONTEND_URL
            )
            .as_str()
        )
    );
    assert_eq!(
        w.stripe_calls().await,
        before,
        "a limited request costs Stripe nothing"
    );

    let calm = onboarding_url(&w.onboard("seller-calm").await);
    let back = w.come_back(&calm).await;
    assert_eq!(
        header(&back, "location"),
        Some(format!("{}?onboarding=pending", support::FRONTEND_URL).as_str())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_concurrent_burst_is_admitted_exactly_burst_times() {
    let w = Arc::new(world().await);
    let mut racers = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let w = w.clone();
        racers.spawn(async move { w.onboard("seller-burst").await.status().as_u16() });
    }
    let answers = racers.join_all().await;
    let admitted = answers.iter().filter(|s| **s == 200).count();
    let limited = answers.iter().filter(|s| **s == 429).count();
    assert_eq!((admitted, limited), (3, 7), "{answers:?}");
}
