//! Wire protocol: API-key auth (401 shape), Stripe-Account, form decoding over HTTP, unknown
//! parameters and URLs.

use crate::common;

use common::{start, stripe_code};
use stripe_connect::account::RetrieveAccount;

#[tokio::test]
async fn missing_or_wrong_key_gets_stripes_401() {
    let local = start().await;
    let none = local
        .http
        .get(format!("{}v1/balance", local.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let body: serde_json::Value = none.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("API key")
    );

    let wrong = local
        .http
        .get(format!("{}v1/balance", local.base()))
        .bearer_auth("sk_test_wrong_key_1234")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert!(
        !body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sk_test_wrong_key_1234"),
        "key echoed"
    );

    // The real client surfaces it as a Stripe 401.
    let client = stripe::ClientBuilder::new("sk_test_nope")
        .url(local.base())
        .build()
        .unwrap();
    let err = RetrieveAccount::new("acct_x")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(stripe_code(&err).1, 401);
    assert_eq!(local.count("GET /v1/balance").await, 2);
}

#[tokio::test]
async fn unknown_connected_account_is_refused() {
    let local = start().await;
    let r = local
        .get_api("/v1/balance", &[("Stripe-Account", "acct_nope")])
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r.body["error"]["code"], "account_invalid");
}

#[tokio::test]
async fn nested_and_percent_encoded_forms_are_decoded() {
    let local = start().await;
    let form = "type=express&country=fr&email=a%2Bb%40example.com&metadata%5Buser_id%5D=u+1&capabilities[transfers][requested]=true&expand[0]=capabilities";
    let r = local.post_form("/v1/accounts", form, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["email"], "a+b@example.com");
    assert_eq!(r.body["metadata"]["user_id"], "u 1");
    assert_eq!(r.body["country"], "FR");
    assert_eq!(r.body["default_currency"], "eur");
    assert_eq!(r.body["capabilities"]["transfers"], "inactive");
    assert!(r.headers.contains_key("request-id"));
}

#[tokio::test]
async fn malformed_bodies_and_bad_params_are_400() {
    let local = start().await;
    for body in [
        "type=express&metadata[a=1",
        "type=%zz",
        "type=express&metadata=1&metadata[a]=2",
    ] {
        let r = local.post_form("/v1/accounts", body, &[]).await;
        assert_eq!(r.status, 400, "{body}");
        assert_eq!(r.body["error"]["type"], "invalid_request_error");
    }
    let unknown = local
        .post_form("/v1/accounts", "type=express&colour=red", &[])
        .await;
    assert_eq!(
        (unknown.status, unknown.body["error"]["param"].as_str()),
        (400, Some("colour"))
    );
    let bad_bool = local
        .post_form(
            "/v1/accounts",
            "type=express&capabilities[transfers][requested]=yes",
            &[],
        )
        .await;
    assert_eq!(
        bad_bool.body["error"]["param"],
        "capabilities[transfers][requested]"
    );
    let bad_amount = local
        .post_form(
            "/v1/transfers",
            "amount=-5&currency=eur&destination=acct_x",
            &[],
        )
        .await;
    assert_eq!(bad_amount.body["error"]["param"], "amount");
    let url = local.get_api("/v1/nothing_here", &[]).await;
    assert_eq!(url.status, 404);
    assert!(
        url.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Unrecognized request URL")
    );
}
