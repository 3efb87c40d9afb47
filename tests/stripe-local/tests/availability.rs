//! Pending until available, as Stripe documents it for separate charges and transfers: a charge's
//! funds are pending until its `available_on`, and a transfer funded from it (`source_transaction`)
//! lands pending on the destination until the same time. Read with async-stripe's own types.

use crate::common;

use common::{Local, start};
use reqwest::Method;
use serde_json::{Value, json};
use stripe_core::charge::RetrieveCharge;

const TWO_DAYS: i64 = 2 * 86_400;

/// `(available, pending)` in euros of `account` (`None`: the platform).
async fn eur(local: &Local, account: Option<&str>) -> (i64, i64) {
    let headers: Vec<(&str, &str)> = account.map(|a| ("Stripe-Account", a)).into_iter().collect();
    let b = local.get_api("/v1/balance", &headers).await.body;
    let sum = |side: &str| -> i64 {
        b[side]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|m| m["currency"] == "eur")
            .filter_map(|m| m["amount"].as_i64())
            .sum()
    };
    (sum("available"), sum("pending"))
}

async fn transfer(local: &Local, dest: &str, amount: i64, charge: &str) -> Value {
    let form = format!(
        "amount={amount}&currency=eur&destination={dest}&source_transaction={charge}&transfer_group=ord"
    );
    let r = local.post_form("/v1/transfers", &form, &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

async fn reverse(local: &Local, transfer: &Value, amount: i64) -> common::Resp {
    let path = format!(
        "/v1/transfers/{}/reversals",
        transfer["id"].as_str().unwrap()
    );
    local
        .post_form(&path, &format!("amount={amount}"), &[])
        .await
}

fn charge_of(paid: &Value) -> String {
    paid["charge"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_transfer_from_a_pending_charge_is_pending_until_the_charge_is_available() {
    let local = start().await;
    let seller = local.onboarded_account().await;
    let charge = charge_of(&local.pay("ord", 10_000, "eur").await);
    assert_eq!(
        eur(&local, None).await,
        (0, 10_000),
        "the charge is pending"
    );

    let txn = RetrieveCharge::new(charge.as_str())
        .expand(vec!["balance_transaction".to_owned()])
        .send(&local.stripe())
        .await
        .expect("charge")
        .balance_transaction
        .and_then(|t| t.into_object())
        .expect("expanded");
    assert_eq!(txn.status, "pending");
    assert_eq!(txn.available_on - txn.created, TWO_DAYS);

    // Stripe lets the transfer through at once; the seller's money waits for the charge.
    transfer(&local, &seller, 7_000, &charge).await;
    assert_eq!(eur(&local, Some(&seller)).await, (0, 7_000));
    assert_eq!(eur(&local, None).await, (0, 3_000));

    // One second before the charge's `available_on`, nothing moved; at it, everything did.
    local
        .control("clock", json!({ "advance_seconds": TWO_DAYS - 1 }))
        .await;
    assert_eq!(eur(&local, Some(&seller)).await, (0, 7_000));
    local
        .control("clock", json!({ "advance_seconds": 1 }))
        .await;
    assert_eq!(eur(&local, Some(&seller)).await, (7_000, 0));
    assert_eq!(eur(&local, None).await, (3_000, 0));

    // Once the charge is available, money funded from it lands available.
    let other = local.onboarded_account().await;
    transfer(&local, &other, 1_000, &charge).await;
    assert_eq!(eur(&local, Some(&other)).await, (1_000, 0));
    assert_eq!(eur(&local, None).await, (2_000, 0));
}

#[tokio::test]
async fn a_reversal_takes_what_is_still_pending_first_and_then_needs_available_funds() {
    let local = start().await;
    let seller = local.onboarded_account().await;
    let charge = charge_of(&local.pay("ord", 10_000, "eur").await);
    let tr = transfer(&local, &seller, 6_000, &charge).await;
    let set_available = |amount: i64| {
        let path = format!("accounts/{seller}/balance");
        let local = &local;
        async move {
            local
                .control(&path, json!({ "currency": "eur", "available": amount }))
                .await
        }
    };
    // Money the seller holds from elsewhere is untouched while the transfer is still pending.
    set_available(500).await;
    let r = reverse(&local, &tr, 2_000).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(eur(&local, Some(&seller)).await, (500, 4_000));
    assert_eq!(
        eur(&local, None).await,
        (0, 6_000),
        "back into the charge's pending"
    );

    // Once available (and mostly paid out), a reversal needs the available balance.
    local
        .control(&format!("charges/{charge}/available"), json!({}))
        .await;
    assert_eq!(eur(&local, Some(&seller)).await, (4_500, 0));
    assert_eq!(eur(&local, None).await, (6_000, 0));
    set_available(1_000).await;
    let too_much = reverse(&local, &tr, 1_001).await;
    assert_eq!(too_much.status, 400, "{}", too_much.body);
    assert_eq!(too_much.body["error"]["code"], "balance_insufficient");
    let r = reverse(&local, &tr, 1_000).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(eur(&local, Some(&seller)).await, (0, 0));
    assert_eq!(eur(&local, None).await, (7_000, 0));
}

#[tokio::test]
async fn a_charge_made_available_early_releases_every_transfer_funded_from_it() {
    let local = start().await;
    let (a, b) = (
        local.onboarded_account().await,
        local.onboarded_account().await,
    );
    let first = charge_of(&local.pay("ord-1", 5_000, "eur").await);
    let second = charge_of(&local.pay("ord-2", 5_000, "eur").await);
    transfer(&local, &a, 3_000, &first).await;
    transfer(&local, &b, 2_000, &first).await;
    transfer(&local, &a, 1_000, &second).await;
    let answer = local
        .control(&format!("charges/{first}/available"), json!({}))
        .await;
    assert_eq!(answer["charge"], json!(first));
    assert_eq!(eur(&local, Some(&a)).await, (3_000, 1_000));
    assert_eq!(eur(&local, Some(&b)).await, (2_000, 0));

    let missing = local
        .control_raw(Method::POST, "charges/ch_missing/available", None)
        .await;
    assert_eq!(missing.status, 404, "{}", missing.body);
}

#[tokio::test]
async fn the_delay_is_configurable_and_zero_means_available_at_once() {
    let local = start().await;
    assert_eq!(
        local.control_get("availability").await["delay_seconds"],
        json!(TWO_DAYS)
    );
    let set = local
        .control("availability", json!({ "delay_seconds": 0 }))
        .await;
    assert_eq!(set["delay_seconds"], json!(0));
    let seller = local.onboarded_account().await;
    let charge = charge_of(&local.pay("ord", 1_000, "eur").await);
    transfer(&local, &seller, 800, &charge).await;
    assert_eq!(eur(&local, Some(&seller)).await, (800, 0));

    let bad = local
        .control_raw(
            Method::POST,
            "availability",
            Some(json!({ "delay_seconds": -1 })),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.body);
    local.control("reset", json!({})).await;
    assert_eq!(
        local.control_get("availability").await["delay_seconds"],
        json!(TWO_DAYS),
        "a reset restores the default"
    );
}
