//! `GET /api/v1/sell/payouts` against moto DynamoDB: the token's own shares, newest first, in
//! cursor pages; a bad limit or cursor is a 400 and another seller's order cannot be probed.
//! Every answer is validated against docs/openapi.yaml (`harness::contract`).

use crate::world;

use harness::apigw::{assert_problem, body_json};
use harness::jwt::seller_token;
use interceptors::{Body, Response};
use payouts::plan::{PayoutPlan, Share};
use payouts::ports::Ledger;
use payouts::{Currency, LedgerShare, ShareDecision};
use serde_json::{Value, json};
use world::*;

/// `seller`'s share of `order` (gross 3000, fee 375), created at `at`, paid at `at + 1`.
async fn paid(w: &World, order: &str, seller: &str, at: i64) -> LedgerShare {
    let plan = PayoutPlan {
        order_id: order.into(),
        payment_intent_id: format!("pi_{order}"),
        charge_id: format!("ch_{order}"),
        currency: Currency::parse("eur").unwrap(),
        amount_received: 3000,
        shares: vec![Share {
            seller: seller.into(),
            gross: 3000,
            fee: 375,
            net: 2625,
        }],
    };
    let to = ShareDecision::Transfer {
        destination: "acct_1".into(),
    };
    let share = LedgerShare::new_from_plan(&plan, &plan.shares[0], &to, at);
    assert!(w.ledger.insert_share(&share).await.unwrap());
    let transferred = share
        .mark_transferred(&format!("tr_{order}"), 2625, "acct_1", at + 1)
        .unwrap()
        .chronicled(&share);
    assert!(w.ledger.replace_share(&transferred).await.unwrap());
    transferred
}

async fn get(w: &World, user: &str, query: &str) -> Response<Body> {
    let req = harness::apigw::request("payouts.json", Some(&seller_token(user)), query, "");
    harness::contract::call(req, |req| balance::handle(&w.deps, req)).await
}

async fn page(w: &World, user: &str, query: &str) -> Value {
    let resp = get(w, user, query).await;
    let body = body_json(&resp);
    assert_eq!(resp.status().as_u16(), 200, "{body}");
    body
}

fn orders(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["order_id"].as_str().expect("order_id"))
        .collect()
}

#[tokio::test]
async fn the_history_is_the_sellers_own_newest_first_in_pages() {
    let w = world().await;
    assert_eq!(
        page(&w, "usr_new", "").await,
        json!({"data": [], "has_more": false})
    );
    for (order, at) in [("ord_a", 1_000), ("ord_b", 3_000), ("ord_c", 2_000)] {
        paid(&w, order, "usr_hist", at).await;
    }
    paid(&w, "ord_other", "usr_else", 4_000).await;

    let all = page(&w, "usr_hist", "").await;
    assert_eq!(orders(&all), ["ord_b", "ord_c", "ord_a"]);
    assert_eq!(all["has_more"], false);
    assert_eq!(
        all["data"][0],
        json!({
            "order_id": "ord_b", "created_at": 3_000, "currency": "eur",
            "gross": 3000, "fee": 375, "net": 2625, "state": "paid",
            "transferred": 2625, "reversed": 0, "transfer_id": "tr_ord_b",
            "events": [{"at": 3_001, "kind": "paid", "amount": 2625}],
        })
    );

    let first = page(&w, "usr_hist", "limit=2").await;
    assert_eq!(orders(&first), ["ord_b", "ord_c"]);
    assert_eq!(first["has_more"], true);
    let next = page(&w, "usr_hist", "limit=2&starting_after=ord_c").await;
    assert_eq!(orders(&next), ["ord_a"]);
    assert_eq!(next["has_more"], false);
    assert_eq!(orders(&page(&w, "usr_else", "").await), ["ord_other"]);
}

#[tokio::test]
async fn a_bad_limit_or_a_cursor_that_is_not_the_sellers_is_a_400() {
    let w = world().await;
    paid(&w, "ord_mine", "usr_me", 1_000).await;
    paid(&w, "ord_theirs", "usr_them", 2_000).await;
    for query in ["limit=0", "limit=101", "limit=ten", "limit=-1"] {
        let resp = get(&w, "usr_me", query).await;
        assert_problem(&resp, 400, "limit_invalid");
        assert_eq!(body_json(&resp)["param"], "limit", "{query}");
    }
    // Another seller's order and an unknown one answer alike: nothing to learn.
    let long = "o".repeat(3000);
    for cursor in ["ord_theirs", "ord_nowhere", "ord%20one", long.as_str()] {
        let resp = get(&w, "usr_me", &format!("starting_after={cursor}")).await;
        assert_problem(&resp, 400, "cursor_invalid");
        assert_eq!(body_json(&resp)["param"], "starting_after");
    }
    assert_eq!(orders(&page(&w, "usr_me", "limit=100").await), ["ord_mine"]);
}

#[tokio::test]
async fn only_get_is_served_and_only_to_sellers() {
    let w = world().await;
    let post = harness::apigw::Event::from_file("payouts.json")
        .bearer(Some(&seller_token("usr_me")))
        .json_body("{}");
    let mut event = post.json().clone();
    event["requestContext"]["http"]["method"] = json!("POST");
    event["routeKey"] = json!("POST /api/v1/sell/payouts");
    let req = lambda_http::request::from_str(&event.to_string()).expect("event");
    let resp = balance::handle(&w.deps, req).await;
    assert_problem(&resp, 405, "method_not_allowed");
    assert_eq!(resp.headers()["allow"], "GET");

    let req = harness::apigw::request("payouts.json", None, "", "");
    let resp = harness::contract::call(req, |req| balance::handle(&w.deps, req)).await;
    assert_problem(&resp, 401, "token_missing");
}
