//! The onboarding pages Account Links point at (single use, expiry → refresh_url) and the
//! control API's housekeeping (reset, clock, request counts).

use crate::common;

use common::{Local, start};
use serde_json::json;

async fn link(local: &Local, acct: &str) -> String {
    let form = format!(
        "account={acct}&type=account_onboarding&refresh_url=https://app.example/refresh&return_url=https://app.example/return"
    );
    let r = local.post_form("/v1/account_links", &form, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_link_is_single_use_and_completing_redirects_to_return_url() {
    let local = start().await;
    let acct = local.account().await;
    let url = link(&local, &acct).await;
    let page = local.http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let action = html
        .split("action=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .replace("&amp;", "&");
    // Revisiting a used link sends the seller to refresh_url.
    let again = local.http.get(&url).send().await.unwrap();
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "https://app.example/refresh");
    let done = local
        .http
        .post(format!(
            "{}{}",
            local.base(),
            action.trim_start_matches('/')
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "https://app.example/return");
    let account = local.get_api(&format!("/v1/accounts/{acct}"), &[]).await;
    assert_eq!(account.body["details_submitted"], true);
    assert_eq!(
        local.control_get("events").await["events"][0]["type"],
        "account.updated"
    );
}

#[tokio::test]
async fn an_expired_link_redirects_to_refresh_url() {
    let local = start().await;
    let acct = local.account().await;
    let url = link(&local, &acct).await;
    local
        .control("clock", json!({ "advance_seconds": 301 }))
        .await;
    let r = local.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "https://app.example/refresh");
    let forged = local
        .http
        .get(format!(
            "{}connect/onboarding/{acct}?link=link_forged",
            local.base()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);
}

#[tokio::test]
async fn link_parameters_are_validated() {
    let local = start().await;
    let acct = local.account().await;
    let bad_url = local
        .post_form(
            "/v1/account_links",
            &format!(
                "account={acct}&type=account_onboarding&refresh_url=nope&return_url=https://x"
            ),
            &[],
        )
        .await;
    assert_eq!(bad_url.body["error"]["param"], "refresh_url");
    let missing = local
        .post_form(
            "/v1/account_links",
            "account=acct_missing&type=account_onboarding&refresh_url=https://x&return_url=https://x",
            &[],
        )
        .await;
    assert_eq!(
        (missing.status, missing.body["error"]["code"].as_str()),
        (404, Some("resource_missing"))
    );
    let update = local
        .post_form(
            "/v1/account_links",
            &format!(
                "account={acct}&type=account_update&refresh_url=https://x&return_url=https://x"
            ),
            &[],
        )
        .await;
    assert_eq!(update.status, 400);
}

#[tokio::test]
async fn reset_clock_and_counts() {
    let local = start().await;
    let acct = local.account().await;
    local.get_api(&format!("/v1/accounts/{acct}"), &[]).await;
    local.get_api(&format!("/v1/accounts/{acct}"), &[]).await;
    let counts = local.control_get("requests").await["counts"].clone();
    assert_eq!(counts["POST /v1/accounts"], 1);
    assert_eq!(counts["GET /v1/accounts/{id}"], 2);
    let clock = local
        .control("clock", json!({ "advance_seconds": 3600 }))
        .await;
    assert_eq!(clock["offset_seconds"], 3600);
    let back = local
        .control_raw(
            reqwest::Method::POST,
            "clock",
            Some(json!({ "advance_seconds": -1 })),
        )
        .await;
    assert_eq!(back.status, 400);
    local.control("reset", json!({})).await;
    assert_eq!(local.objects().await["accounts"], 0);
    assert_eq!(local.control_get("requests").await["requests"], json!([]));
    assert_eq!(local.control_get("clock").await["offset_seconds"], 0);
    let unknown = local
        .control_raw(
            reqwest::Method::POST,
            "accounts/acct_nope/onboarding",
            Some(json!({ "complete": true })),
        )
        .await;
    assert_eq!(unknown.status, 404);
    let typo = local
        .control_raw(
            reqwest::Method::POST,
            &format!("accounts/{acct}/onboarding"),
            Some(json!({ "compelte": true })),
        )
        .await;
    assert_eq!(typo.status, 400);
}
