//! Settlement currency: a charge in a currency the platform does not settle in is converted, its
//! balance transaction says so (read with async-stripe's own types), and a transfer from it must
//! be in the settlement currency, as Stripe requires.

use crate::common;

use common::start;
use serde_json::json;
use stripe_connect::transfer::CreateTransfer;
use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_core::charge::RetrieveCharge;
use stripe_types::Currency;

async fn eur_platform(local: &common::Local) {
    local
        .control(
            "settlement",
            json!({ "currency": "eur", "rates": { "usd": 0.9173, "jpy": 0.006137 } }),
        )
        .await;
}

fn charge_of(paid: &serde_json::Value) -> String {
    paid["charge"]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_usd_charge_on_a_eur_platform_settles_in_eur_at_the_configured_rate() {
    let local = start().await;
    eur_platform(&local).await;
    let charge_id = charge_of(&local.pay("order-fx", 10_000, "usd").await);
    let charge = RetrieveCharge::new(charge_id.as_str())
        .expand(vec!["balance_transaction".to_owned()])
        .send(&local.stripe())
        .await
        .expect("charge with its balance transaction");
    assert_eq!(charge.currency, Currency::USD);
    let txn = charge
        .balance_transaction
        .and_then(|t| t.into_object())
        .expect("expanded balance transaction");
    assert_eq!(txn.currency, Currency::EUR);
    assert_eq!(txn.amount, 9173);
    assert_eq!(txn.exchange_rate, Some(0.9173));

    // The platform's balance holds euros, not dollars (pending until the charge is available).
    let balance = RetrieveForMyAccountBalance::new()
        .send(&local.stripe())
        .await
        .expect("balance");
    let eur: i64 = balance
        .pending
        .iter()
        .filter(|m| m.currency == Currency::EUR)
        .map(|m| m.amount)
        .sum();
    assert_eq!(eur, 9173);
    assert!(
        balance
            .available
            .iter()
            .chain(&balance.pending)
            .all(|m| m.currency != Currency::USD || m.amount == 0)
    );

    // A zero-decimal charge converts by major units.
    let yen = charge_of(&local.pay("order-yen", 10_000, "jpy").await);
    let txn = RetrieveCharge::new(yen.as_str())
        .expand(vec!["balance_transaction".to_owned()])
        .send(&local.stripe())
        .await
        .unwrap()
        .balance_transaction
        .and_then(|t| t.into_object())
        .unwrap();
    assert_eq!((txn.currency, txn.amount), (Currency::EUR, 6137));
}

#[tokio::test]
async fn a_transfer_in_the_presentment_currency_is_refused_and_one_in_the_settlement_currency_passes()
 {
    let local = start().await;
    eur_platform(&local).await;
    let acct = local.onboarded_account().await;
    let charge_id = charge_of(&local.pay("order-fx", 10_000, "usd").await);

    let in_usd = local
        .post_form(
            "/v1/transfers",
            &format!("amount=2000&currency=usd&destination={acct}&source_transaction={charge_id}"),
            &[],
        )
        .await;
    assert_eq!(in_usd.status, 400, "{}", in_usd.body);
    assert_eq!(in_usd.body["error"]["type"], "invalid_request_error");
    assert_eq!(in_usd.body["error"]["param"], "source_transaction");
    assert_eq!(
        in_usd.body["error"]["message"],
        "The currency of source_transaction's balance transaction (eur) must be the same as the transfer currency (usd)."
    );

    // In euros, up to the settled amount and not a cent more.
    let client = local.stripe();
    let transfer = CreateTransfer::new(Currency::EUR, acct.as_str())
        .amount(9000)
        .source_transaction(charge_id.as_str())
        .send(&client)
        .await
        .expect("transfer in the settlement currency");
    assert_eq!((transfer.currency, transfer.amount), (Currency::EUR, 9000));
    let too_much = CreateTransfer::new(Currency::EUR, acct.as_str())
        .amount(174)
        .source_transaction(charge_id.as_str())
        .send(&client)
        .await
        .expect_err("over the settled amount");
    assert_eq!(
        common::stripe_code(&too_much),
        (Some("amount_too_large".into()), 400)
    );
}

#[tokio::test]
async fn a_payment_without_a_rate_to_the_settlement_currency_is_refused_with_the_fix() {
    let local = start().await;
    eur_platform(&local).await;
    let refused = local
        .control_raw(
            reqwest::Method::POST,
            "payments",
            Some(json!({ "order_id": "order-gbp", "currency": "gbp", "amount": 1000 })),
        )
        .await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    let message = refused.body["error"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("rates.gbp"), "{}", refused.body);
}
