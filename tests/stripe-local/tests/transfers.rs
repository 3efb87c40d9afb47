//! Transfer listing as the payout code uses it after the 24 h idempotency window: find an
//! existing transfer by `transfer_group` (and `destination`) instead of creating a second one.

use crate::common;

use common::start;
use serde_json::json;
use stripe_connect::transfer::ListTransfer;

#[tokio::test]
async fn list_filters_and_paginates_newest_first() {
    let local = start().await;
    let (a, b) = (
        local.onboarded_account().await,
        local.onboarded_account().await,
    );
    local
        .control(
            "accounts/platform/balance",
            json!({ "currency": "eur", "available": 10_000 }),
        )
        .await;
    let mut ids = Vec::new();
    for (i, dest) in [&a, &b, &a, &a].iter().enumerate() {
        let form = format!(
            "amount={}&currency=eur&destination={dest}&transfer_group=order-{}",
            100 + i,
            i % 2
        );
        let r = local.post_form("/v1/transfers", &form, &[]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let client = local.stripe();
    let group0 = ListTransfer::new()
        .transfer_group("order-0")
        .send(&client)
        .await
        .unwrap();
    let got: Vec<String> = group0.data.iter().map(|t| t.id.to_string()).collect();
    assert_eq!(got, vec![ids[2].clone(), ids[0].clone()], "newest first");
    let to_b = ListTransfer::new()
        .transfer_group("order-1")
        .destination(b.as_str())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(to_b.data.len(), 1);
    assert_eq!(to_b.data[0].id.as_str(), ids[1]);

    let page1 = ListTransfer::new().limit(2).send(&client).await.unwrap();
    assert!(page1.has_more);
    let last = page1.data[1].id.to_string();
    let page2 = ListTransfer::new()
        .limit(2)
        .starting_after(last)
        .send(&client)
        .await
        .unwrap();
    assert!(!page2.has_more);
    let all: Vec<String> = page1
        .data
        .iter()
        .chain(page2.data.iter())
        .map(|t| t.id.to_string())
        .collect();
    let mut expected = ids.clone();
    expected.reverse();
    assert_eq!(all, expected);

    let bad = local.get_api("/v1/transfers?limit=0", &[]).await;
    assert_eq!(bad.body["error"]["param"], "limit");
    let future = local
        .get_api("/v1/transfers?created[gt]=99999999999", &[])
        .await;
    assert_eq!(future.body["data"], json!([]));
}

#[tokio::test]
async fn after_24h_the_same_key_creates_again_so_look_up_by_group_first() {
    let local = start().await;
    let acct = local.onboarded_account().await;
    let paid = local.pay("order-late", 1000, "eur").await;
    let charge = paid["charge"]["id"].as_str().unwrap();
    let form = format!(
        "amount=400&currency=eur&destination={acct}&source_transaction={charge}&transfer_group=order-late"
    );
    let first = local
        .post_form(
            "/v1/transfers",
            &form,
            &[("Idempotency-Key", "order-late:u1")],
        )
        .await;
    local
        .control("clock", json!({ "advance_seconds": 86_400 }))
        .await;
    let listed = local
        .get_api("/v1/transfers?transfer_group=order-late", &[])
        .await;
    assert_eq!(listed.body["data"][0]["id"], first.body["id"]);
    let again = local
        .post_form(
            "/v1/transfers",
            &form,
            &[("Idempotency-Key", "order-late:u1")],
        )
        .await;
    assert_ne!(
        again.body["id"], first.body["id"],
        "keys expire after 24 h, as on Stripe"
    );
    assert_eq!(local.objects().await["transfers"], 2);
    assert_eq!(first.headers["stripe-version"], "2026-09-30.endive");
}
