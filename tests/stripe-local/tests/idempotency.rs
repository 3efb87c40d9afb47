//! Idempotency-Key semantics: replay, replayed 500, conflict, in-flight 409, concurrency,
//! validation errors not saved, 24 h expiry on the controllable clock.

use crate::common;

use common::{Local, start};
use serde_json::json;

const ACCOUNT_FORM: &str =
    "type=express&country=FR&metadata[user_id]=u1&capabilities[transfers][requested]=true";

#[tokio::test]
async fn same_key_same_params_replays_the_first_response() {
    let local = start().await;
    let first = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "k1")])
        .await;
    assert_eq!(first.status, 200);
    assert!(first.headers.get("idempotent-replayed").is_none());
    // Same parameters in another order are the same request.
    let reordered =
        "capabilities[transfers][requested]=true&metadata[user_id]=u1&country=FR&type=express";
    let second = local
        .post_form("/v1/accounts", reordered, &[("Idempotency-Key", "k1")])
        .await;
    assert_eq!(second.status, 200);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(second.body, first.body);
    assert_eq!(local.objects().await["accounts"], 1);
}

#[tokio::test]
async fn same_key_other_params_is_an_idempotency_error() {
    let local = start().await;
    local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "k2")])
        .await;
    let other = local
        .post_form(
            "/v1/accounts",
            "type=express&country=DE",
            &[("Idempotency-Key", "k2")],
        )
        .await;
    assert_eq!(other.status, 400);
    assert_eq!(other.body["error"]["type"], "idempotency_error");
    // Another endpoint with the same key is a different request too.
    let link = local
        .post_form(
            "/v1/account_links",
            "account=acct_x",
            &[("Idempotency-Key", "k2")],
        )
        .await;
    assert_eq!(link.body["error"]["type"], "idempotency_error");
    // Keys are scoped per account: the same key as a connected account is a fresh request.
    let acct = local.account().await;
    let scoped = local
        .post_form(
            "/v1/accounts",
            "type=express&country=DE",
            &[("Idempotency-Key", "k2"), ("Stripe-Account", &acct)],
        )
        .await;
    assert_eq!(scoped.status, 200, "{}", scoped.body);
}

#[tokio::test]
async fn a_saved_500_is_replayed_and_nothing_was_created() {
    let local = start().await;
    local
        .control(
            "faults",
            json!({ "method": "POST", "path": "/v1/accounts", "kind": "status_500", "stage": "handler" }),
        )
        .await;
    let first = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "k500")])
        .await;
    assert_eq!(first.status, 500);
    assert_eq!(first.body["error"]["type"], "api_error");
    let replay = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "k500")])
        .await;
    assert_eq!(replay.status, 500);
    assert_eq!(replay.headers["idempotent-replayed"], "true");
    assert_eq!(replay.body, first.body);
    assert_eq!(local.objects().await["accounts"], 0);
    // A new key executes.
    let fresh = local
        .post_form(
            "/v1/accounts",
            ACCOUNT_FORM,
            &[("Idempotency-Key", "k500b")],
        )
        .await;
    assert_eq!(fresh.status, 200);
}

#[tokio::test]
async fn validation_errors_are_not_saved() {
    let local = start().await;
    let bad = local
        .post_form("/v1/accounts", "country=FR", &[("Idempotency-Key", "kv")])
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["param"], "type");
    let fixed = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kv")])
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.body);
}

/// Polls the request log (with a deadline) until a call with this key is executing.
async fn wait_in_flight(local: &Local, key: &str) {
    let deadline = tokio::time::Instant::now() + common::WAIT;
    loop {
        let log = local
            .control_get(&format!("requests?idempotency_key={key}"))
            .await;
        if log["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["status"].is_null())
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "request never started"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await; // poll interval
    }
}

#[tokio::test]
async fn in_flight_same_key_gets_409_then_replays() {
    let local = start().await;
    local
        .control(
            "faults",
            json!({ "path": "/v1/accounts", "kind": "hang_after", "hang_ms": 3000, "stage": "handler" }),
        )
        .await;
    let l2 = &local;
    let first = async move {
        l2.post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kc")])
            .await
    };
    let second = async {
        wait_in_flight(&local, "kc").await;
        local
            .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kc")])
            .await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.status, 200);
    assert_eq!(second.status, 409);
    assert_eq!(second.body["error"]["type"], "idempotency_error");
    assert_eq!(second.body["error"]["code"], "idempotency_key_in_use");
    let third = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kc")])
        .await;
    assert_eq!(third.headers["idempotent-replayed"], "true");
    assert_eq!(third.body["id"], first.body["id"]);
}

#[tokio::test]
async fn concurrent_same_key_creates_exactly_one_object() {
    let local = start().await;
    let calls = (0..20).map(|_| {
        local.post_form(
            "/v1/accounts",
            ACCOUNT_FORM,
            &[("Idempotency-Key", "burst")],
        )
    });
    let results = futures::future::join_all(calls).await;
    let ok: Vec<_> = results.iter().filter(|r| r.status == 200).collect();
    assert!(results.iter().all(|r| r.status == 200 || r.status == 409));
    assert!(!ok.is_empty());
    assert!(ok.iter().all(|r| r.body["id"] == ok[0].body["id"]));
    assert_eq!(local.objects().await["accounts"], 1);
    assert_eq!(local.count("POST /v1/accounts").await, 20);
}

#[tokio::test]
async fn keys_expire_after_24h_of_server_clock() {
    let local = start().await;
    let first = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kt")])
        .await;
    local
        .control("clock", json!({ "advance_seconds": 86_399 }))
        .await;
    let replay = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kt")])
        .await;
    assert_eq!(replay.body["id"], first.body["id"]);
    local
        .control("clock", json!({ "advance_seconds": 2 }))
        .await;
    let fresh = local
        .post_form("/v1/accounts", ACCOUNT_FORM, &[("Idempotency-Key", "kt")])
        .await;
    assert!(fresh.headers.get("idempotent-replayed").is_none());
    assert_ne!(fresh.body["id"], first.body["id"]);
    assert!(
        fresh.body["created"].as_i64().unwrap() >= first.body["created"].as_i64().unwrap() + 86_401
    );
}
