//! Fault injection: 500 and 429 (edge: not saved, a retry with the same key succeeds), hang
//! past the client's timeout (the work still happens; the retry replays it), the final refusals
//! (403, 400), path matching.

use crate::common;

use common::{WAIT, start, stripe_code};
use serde_json::json;
use std::time::Duration;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_connect::account::{CreateAccount, CreateAccountType, RetrieveAccount};

const FORM: &str = "type=express&country=FR";

#[tokio::test]
async fn edge_500_then_retry_with_same_key_succeeds() {
    let local = start().await;
    local
        .control(
            "faults",
            json!({ "method": "POST", "path": "/v1/accounts", "count": 2, "kind": "status_500" }),
        )
        .await;
    for _ in 0..2 {
        let r = local
            .post_form("/v1/accounts", FORM, &[("Idempotency-Key", "k")])
            .await;
        assert_eq!(r.status, 500);
        assert_eq!(r.body["error"]["type"], "api_error");
        assert_eq!(r.headers["stripe-should-retry"], "true");
    }
    let ok = local
        .post_form("/v1/accounts", FORM, &[("Idempotency-Key", "k")])
        .await;
    assert_eq!(ok.status, 200);
    assert!(ok.headers.get("idempotent-replayed").is_none());
    assert_eq!(local.objects().await["accounts"], 1);
    let log = local.control_get("requests").await;
    let faults: Vec<_> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["fault"].is_null())
        .collect();
    assert_eq!(faults.len(), 2);
}

#[tokio::test]
async fn rate_limited_429() {
    let local = start().await;
    local
        .control(
            "faults",
            json!({ "path": "/v1/accounts", "kind": "status_429" }),
        )
        .await;
    let client = local.stripe();
    let err = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(stripe_code(&err), (Some("rate_limit".into()), 429));
    // Only one call was affected.
    let ok = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .send(&client)
        .await;
    assert!(ok.is_ok());
    local
        .control(
            "faults",
            json!({ "path": "/v1/accounts", "kind": "status_429" }),
        )
        .await;
    let raw = local.post_form("/v1/accounts", FORM, &[]).await;
    assert_eq!(raw.status, 429);
    assert!(raw.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn hang_past_client_timeout_then_retry_replays() {
    let local = start().await;
    local
        .control(
            "faults",
            json!({ "method": "POST", "path": "/v1/accounts", "kind": "hang", "hang_ms": 800 }),
        )
        .await;
    let client = local.stripe_with_timeout(Duration::from_millis(200));
    let key = || RequestStrategy::Idempotent(IdempotencyKey::new("hang-key").unwrap());
    let err = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .customize()
        .request_strategy(key())
        .send(&client)
        .await
        .unwrap_err();
    assert!(matches!(err, stripe::StripeError::Timeout), "{err:?}");
    // The server finishes the hung request although the client left.
    let deadline = tokio::time::Instant::now() + WAIT;
    while local.objects().await["accounts"] != 1 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "hung request never completed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await; // poll interval
    }
    let retry = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .customize()
        .request_strategy(key())
        .send(&client)
        .await
        .expect("retry");
    assert!(retry.id.as_str().starts_with("acct_"));
    assert_eq!(local.objects().await["accounts"], 1);
    let log = local.control_get("requests?idempotency_key=hang-key").await;
    let replayed = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["replayed"] == true)
        .count();
    assert_eq!(replayed, 1);
}

#[tokio::test]
async fn path_matching_and_listing() {
    let local = start().await;
    let acct = local.account().await;
    local
        .control(
            "faults",
            json!({ "method": "GET", "path": "/v1/accounts/{id}", "exact": true, "kind": "status_500", "count": 3 }),
        )
        .await;
    let listed = local.control_get("faults").await;
    assert_eq!(listed["faults"][0]["count"], 3);
    // Prefix does not match the shorter POST path, the GET does.
    assert_eq!(local.post_form("/v1/accounts", FORM, &[]).await.status, 200);
    assert_eq!(
        local
            .get_api(&format!("/v1/accounts/{acct}"), &[])
            .await
            .status,
        500
    );
    assert_eq!(local.control_get("faults").await["faults"][0]["count"], 2);
    let cleared = local
        .control_raw(reqwest::Method::DELETE, "faults", None)
        .await;
    assert_eq!(cleared.status, 200);
    assert_eq!(
        local
            .get_api(&format!("/v1/accounts/{acct}"), &[])
            .await
            .status,
        200
    );
    let bad = local
        .control_raw(
            reqwest::Method::POST,
            "faults",
            Some(json!({ "path": "/v1/x", "kind": "explode" })),
        )
        .await;
    assert_eq!(bad.status, 400);
}

/// The final refusals: 403 (the key may not see the object) and 400, in Stripe's error shape
/// (what async-stripe parses as an API error with that status, not a transport or decoding
/// error), without `Stripe-Should-Retry`, once each; the next call is served.
#[tokio::test]
async fn final_refusals_403_and_400_in_stripe_shape() {
    let local = start().await;
    let acct = local.account().await;
    let path = format!("/v1/accounts/{acct}");
    for (kind, status) in [("status_403", 403), ("status_400", 400)] {
        let fault =
            json!({ "method": "GET", "path": "/v1/accounts/{id}", "exact": true, "kind": kind });
        local.control("faults", fault.clone()).await;
        let raw = local.get_api(&path, &[]).await;
        assert_eq!(raw.status, status, "{kind}: {}", raw.body);
        assert_eq!(raw.body["error"]["type"], "invalid_request_error", "{kind}");
        assert!(raw.body["error"]["message"].is_string(), "{kind}");
        assert!(raw.body["error"].get("code").is_none(), "{kind}");
        assert!(raw.headers.get("stripe-should-retry").is_none(), "{kind}");

        local.control("faults", fault).await;
        let err = RetrieveAccount::new(acct.as_str())
            .send(&local.stripe())
            .await
            .unwrap_err();
        assert_eq!(stripe_code(&err), (None, status), "{kind}");
        assert_eq!(local.get_api(&path, &[]).await.status, 200, "{kind}");
    }
    let log = local.control_get("requests").await;
    let faults: Vec<&str> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["fault"].as_str())
        .collect();
    assert_eq!(faults, ["Status403", "Status403", "Status400", "Status400"]);
}
