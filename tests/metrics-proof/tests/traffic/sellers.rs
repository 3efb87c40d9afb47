//! Seller traffic: onboarding (onboard + callback, the seller's browser on the local Stripe's
//! hosted page) and the balance page.

use harness::apigw::{Event, body_json, query_of};
use harness::stripe::browser;
use serde_json::{Value, json};

use super::Stack;
use super::support::{location, token};

pub const SELLER_A: &str = "usr_metrics_a";
pub const SELLER_B: &str = "usr_metrics_b";
/// A seller who never onboards.
pub const SELLER_C: &str = "usr_metrics_c";
/// A seller who comes back to onboarding after submitting details, and whose completion only the
/// reconciler sees (reconciler.rs).
pub const SELLER_D: &str = "usr_metrics_d";

/// The sellers' Stripe accounts.
pub struct Sellers {
    pub a: String,
    pub b: String,
    pub d: String,
}

const ONBOARD: &str = "/api/v1/sell/connect/onboard";
const CALLBACK: &str = "/api/v1/sell/connect/callback";
const BALANCE: &str = "/api/v1/sell/balance";
const PAYOUTS: &str = "/api/v1/sell/payouts";

async fn onboard(stack: &Stack, seller: &str) -> Value {
    let token = token(seller, &["seller"]);
    let req = Event::new("POST", ONBOARD).bearer(Some(&token)).request();
    let resp = stack.onboard(req).await;
    let body = body_json(&resp);
    assert_eq!(resp.status().as_u16(), 200, "onboard {seller}: {body}");
    body
}

async fn callback(stack: &Stack, query: &str) -> interceptors::Response<interceptors::Body> {
    let req = Event::new("GET", CALLBACK)
        .header("accept", "text/html")
        .query(query)
        .request();
    stack.callback(req).await
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .to_owned()
}

/// A and B start onboarding; A finishes on Stripe and comes back (`mode=return`), B's used link
/// sends B to `mode=refresh`; a forged state is refused; A, complete, gets a dashboard link; D
/// submits details on Stripe and comes back (its flags are refreshed, onboarding not finished).
pub async fn onboarding(stack: &Stack) -> Sellers {
    let a = onboard(stack, SELLER_A).await;
    let b = onboard(stack, SELLER_B).await;
    // A's browser leaves Stripe's page at once (the return URL); B's comes back to the used link
    // (Stripe sends it to the refresh URL).
    let a_return = browser::leaves(&text(&a, "onboarding_url")).await;
    let b_link = text(&b, "onboarding_url");
    browser::leaves(&b_link).await;
    let b_refresh = browser::revisits(&b_link).await;
    let d = onboard(stack, SELLER_D).await;
    let sellers = Sellers {
        a: text(&a, "stripe_account_id"),
        b: text(&b, "stripe_account_id"),
        d: text(&d, "stripe_account_id"),
    };

    // A completes onboarding on Stripe (its account.updated is not delivered: the callback's
    // re-fetch is what records the completion here).
    stack.control.complete_onboarding(&sellers.a).await;
    let back = callback(stack, &query_of(&a_return)).await;
    assert!(
        location(&back).ends_with("onboarding=complete"),
        "{}",
        location(&back)
    );

    let refreshed = callback(stack, &query_of(&b_refresh)).await;
    let to = location(&refreshed);
    assert!(to.contains("/connect/onboarding/"), "refresh went to {to}");

    // A forged state: back to the seller page with the code (a browser never lands on JSON).
    let forged = callback(stack, "mode=return&state=forged.c3RhdGU.c2ln").await;
    assert!(
        location(&forged).ends_with("onboarding=error&code=state_invalid"),
        "{}",
        location(&forged)
    );

    let again = onboard(stack, SELLER_A).await;
    assert_eq!(again["status"], json!("complete"), "{again}");
    assert!(again["dashboard_url"].is_string(), "{again}");

    let submitted = json!({ "details_submitted": true });
    stack.control.onboarding(&sellers.d, submitted).await;
    let back = onboard(stack, SELLER_D).await;
    assert_eq!(back["details_submitted"], json!(true), "{back}");
    assert!(back["onboarding_url"].is_string(), "{back}");
    sellers
}

/// The balance page: a seller who never onboarded, A (complete, with money) twice (Stripe, then
/// the cache), no token (401) and a buyer's token (403).
pub async fn balance(stack: &Stack) {
    let get = |token: Option<String>| async move {
        let req = Event::new("GET", BALANCE)
            .bearer(token.as_deref())
            .request();
        let resp = stack.balance(req).await;
        (resp.status().as_u16(), body_json(&resp))
    };
    let (status, body) = get(Some(token(SELLER_C, &["seller"]))).await;
    assert_eq!(
        (status, &body["status"]),
        (200, &json!("not_started")),
        "{body}"
    );

    for _ in 0..2 {
        let (status, body) = get(Some(token(SELLER_A, &["seller"]))).await;
        assert_eq!(
            (status, &body["status"]),
            (200, &json!("complete")),
            "{body}"
        );
        let money: i64 = body["available"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| m["amount"].as_i64())
            .sum();
        assert!(money > 0, "seller A should hold money: {body}");
    }

    let (status, body) = get(None).await;
    assert_eq!(status, 401, "{body}");
    let (status, body) = get(Some(token(SELLER_A, &["buyer"]))).await;
    assert_eq!(status, 403, "{body}");
}

/// Seller B's payout history (the balance function's second route), in pages of one: the cursor
/// is read (GetItem) and each page is one index Query; a bad limit is a 400.
pub async fn payouts(stack: &Stack) {
    let get = |query: String| async move {
        let req = Event::new("GET", PAYOUTS)
            .bearer(Some(&token(SELLER_B, &["seller"])))
            .query(&query)
            .request();
        let resp = stack.balance(req).await;
        (resp.status().as_u16(), body_json(&resp))
    };
    let (status, first) = get("limit=1".into()).await;
    assert_eq!((status, &first["has_more"]), (200, &json!(true)), "{first}");
    let last = text(&first["data"][0], "order_id");
    let (status, next) = get(format!("limit=1&starting_after={last}")).await;
    assert_eq!(status, 200, "{next}");
    assert_ne!(text(&next["data"][0], "order_id"), last, "{next}");
    let (status, bad) = get("limit=0".into()).await;
    assert_eq!(
        (status, &bad["code"]),
        (400, &json!("limit_invalid")),
        "{bad}"
    );
}
