//! Transfers, their look-up, reversals and payment re-reads against the local Stripe server.

use crate::common;

use common::env;
use payouts::ports::{
    Balances, GroupTransfer, StripeError, TransferRef, TransferRequest, Transfers,
};
use payouts::{Currency, Money};
use serde_json::json;

fn request(
    order: &str,
    seller: &str,
    destination: &str,
    charge: &str,
    amount: i64,
) -> TransferRequest {
    TransferRequest {
        amount: Money::new(amount, Currency::parse("usd").unwrap()),
        destination: destination.into(),
        source_transaction: charge.into(),
        transfer_group: order.into(),
        order_id: order.into(),
        seller: seller.into(),
    }
}

fn refused_code(err: StripeError) -> String {
    match err {
        StripeError::Refused { code, .. } => code,
        other => panic!("expected Refused, got {other:?}"),
    }
}

#[tokio::test]
async fn transfers_from_the_charge_once_per_key() {
    let env = env().await;
    let acct = env.seller("usr_a").await;
    let (_, charge) = env.pay("ord_1", 10_000, json!({})).await;
    let req = request("ord_1", "usr_a", &acct, &charge, 5_400);
    let key = payouts::keys::transfer_key("ord_1", "usr_a", 0);
    let t = env.stripe.create_transfer(&req, &key).await.unwrap();
    assert_eq!(t.amount, 5_400);
    assert!(t.id.starts_with("tr_"));
    assert_eq!(env.stripe.create_transfer(&req, &key).await.unwrap(), t);
    assert_eq!(env.objects("transfers").await, 1);

    let raw = env.api_get(&format!("transfers/{}", t.id), None).await;
    assert_eq!(raw["destination"], acct.as_str());
    assert_eq!(raw["source_transaction"], charge.as_str());
    assert_eq!(raw["transfer_group"], "ord_1");
    assert_eq!(raw["currency"], "usd");
    assert_eq!(
        raw["metadata"],
        json!({"order_id": "ord_1", "seller": "usr_a"})
    );

    // Pending on the seller's account until the charge's funds are available, as Stripe does.
    let usd = |amount| vec![Money::new(amount, Currency::parse("usd").unwrap())];
    let balance = env.stripe.retrieve_balance(&acct).await.unwrap();
    assert_eq!((balance.available, balance.pending), (usd(0), usd(5_400)));
}

#[tokio::test]
async fn the_same_key_with_other_parameters_is_refused() {
    let env = env().await;
    let acct = env.seller("usr_a").await;
    let (_, charge) = env.pay("ord_1", 10_000, json!({})).await;
    env.stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, &charge, 100), "k")
        .await
        .unwrap();
    let err = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, &charge, 200), "k")
        .await
        .unwrap_err();
    assert_eq!(refused_code(err), "idempotency_error");
    assert_eq!(env.objects("transfers").await, 1);
}

#[tokio::test]
async fn insufficient_platform_funds_without_a_source_is_refused() {
    let env = env().await;
    let acct = env.seller("usr_a").await;
    env.set_balance("platform", "usd", 100, 0).await;
    let err = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, "", 5_000), "k")
        .await
        .unwrap_err();
    assert_eq!(refused_code(err), "insufficient_funds");
    assert_eq!(env.objects("transfers").await, 0);
    // Covered by the balance, the same transfer without a source goes through.
    env.set_balance("platform", "usd", 5_000, 0).await;
    let t = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, "", 5_000), "k2")
        .await
        .unwrap();
    assert_eq!(
        env.api_get(&format!("transfers/{}", t.id), None).await["source_transaction"],
        json!(null)
    );
}

#[tokio::test]
async fn more_than_the_charge_or_to_an_unready_account_is_refused() {
    let env = env().await;
    let acct = env.seller("usr_a").await;
    let (_, charge) = env.pay("ord_1", 1_000, json!({})).await;
    let err = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, &charge, 1_001), "k1")
        .await
        .unwrap_err();
    assert_eq!(refused_code(err), "amount_too_large");
    env.onboarding(&acct, json!({"transfers": "inactive"}))
        .await;
    let err = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, &charge, 10), "k2")
        .await
        .unwrap_err();
    assert_eq!(refused_code(err), "insufficient_capabilities_for_transfer");
}

#[tokio::test]
async fn finds_the_transfer_of_a_share_after_the_fact() {
    let env = env().await;
    let (a, b) = (env.seller("usr_a").await, env.seller("usr_b").await);
    let (_, ch1) = env.pay("ord_1", 10_000, json!({})).await;
    let (_, ch2) = env.pay("ord_2", 10_000, json!({})).await;
    let ta = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &a, &ch1, 5_400), "k1")
        .await
        .unwrap();
    let tb = env
        .stripe
        .create_transfer(&request("ord_1", "usr_b", &b, &ch1, 3_600), "k2")
        .await
        .unwrap();
    let other = env
        .stripe
        .create_transfer(&request("ord_2", "usr_a", &a, &ch2, 100), "k3")
        .await
        .unwrap();

    assert_eq!(
        env.stripe.find_transfer("ord_1", &a).await.unwrap(),
        Some(ta)
    );
    assert_eq!(
        env.stripe.find_transfer("ord_1", &b).await.unwrap(),
        Some(tb)
    );
    assert_eq!(
        env.stripe.find_transfer("ord_2", &a).await.unwrap(),
        Some(other)
    );
    assert_eq!(env.stripe.find_transfer("ord_2", &b).await.unwrap(), None);
    assert_eq!(env.stripe.find_transfer("ord_3", &a).await.unwrap(), None);
}

#[tokio::test]
async fn find_transfer_pages_through_and_returns_the_oldest() {
    let env = env().await;
    let a = env.seller("usr_a").await;
    let (_, ch) = env.pay("ord_1", 1_000, json!({})).await;
    // Duplicates can only come from a bug; they still must not hide the original past page one.
    let mut made = Vec::new();
    for i in 0..105 {
        made.push(
            env.stripe
                .create_transfer(&request("ord_1", "usr_a", &a, &ch, 1), &format!("k{i}"))
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        env.stripe
            .find_transfer("ord_1", &a)
            .await
            .unwrap()
            .as_ref(),
        made.first()
    );
    let pages = env.requests("GET /v1/transfers").await;
    assert_eq!(pages.len(), 2, "105 transfers = 2 pages of 100");
    // The group listing shares the paging: every one of them, newest first.
    let group = env.stripe.transfers_in_group("ord_1").await.unwrap();
    let listed: Vec<&str> = group.iter().map(|g| g.transfer.id.as_str()).collect();
    let newest_first: Vec<&str> = made.iter().rev().map(|t| t.id.as_str()).collect();
    assert_eq!(listed, newest_first);
    assert_eq!(env.requests("GET /v1/transfers").await.len(), 4);
}

#[tokio::test]
async fn transfers_in_group_lists_every_destination_with_its_reversals() {
    let env = env().await;
    let (a, b) = (env.seller("usr_a").await, env.seller("usr_b").await);
    let (_, ch1) = env.pay("ord_1", 10_000, json!({})).await;
    let (_, ch2) = env.pay("ord_2", 10_000, json!({})).await;
    let to_a = request("ord_1", "usr_a", &a, &ch1, 5_400);
    let ta = env.stripe.create_transfer(&to_a, "k1").await.unwrap();
    let to_b = request("ord_1", "usr_b", &b, &ch1, 3_600);
    let tb = env.stripe.create_transfer(&to_b, "k2").await.unwrap();
    let other = request("ord_2", "usr_a", &a, &ch2, 100);
    env.stripe.create_transfer(&other, "k3").await.unwrap();
    env.stripe.create_reversal(&ta.id, 400, "r1").await.unwrap();
    env.stripe.create_reversal(&ta.id, 100, "r2").await.unwrap();

    let group = env.stripe.transfers_in_group("ord_1").await.unwrap();
    let reversed_a = TransferRef {
        reversed: 500,
        ..ta
    };
    assert_eq!(
        group,
        vec![
            GroupTransfer {
                destination: b,
                transfer: tb
            },
            GroupTransfer {
                destination: a,
                transfer: reversed_a
            },
        ]
    );
    assert_eq!(env.stripe.transfers_in_group("ord_3").await.unwrap(), []);
}

#[tokio::test]
async fn reversals_once_per_key_and_refused_when_the_seller_balance_is_low() {
    let env = env().await;
    let acct = env.seller("usr_a").await;
    let (_, ch) = env.pay("ord_1", 10_000, json!({})).await;
    let t = env
        .stripe
        .create_transfer(&request("ord_1", "usr_a", &acct, &ch, 5_000), "k")
        .await
        .unwrap();

    let key = payouts::keys::reversal_key("ord_1", "usr_a", 0, 0);
    let r = env
        .stripe
        .create_reversal(&t.id, 1_000, &key)
        .await
        .unwrap();
    assert!(r.starts_with("trr_"), "{r}");
    assert_eq!(
        env.stripe
            .create_reversal(&t.id, 1_000, &key)
            .await
            .unwrap(),
        r
    );
    assert_eq!(env.objects("transfer_reversals").await, 1);
    let raw = env.api_get(&format!("transfers/{}", t.id), None).await;
    assert_eq!(raw["amount_reversed"], 1_000);
    assert_eq!(
        raw["reversals"]["data"][0]["metadata"]["reversal_key"],
        key.as_str()
    );
    let now = env.stripe.retrieve_transfer(&t.id).await.unwrap();
    assert_eq!(
        (now.id.as_str(), now.amount, now.reversed),
        (t.id.as_str(), 5_000, 1_000)
    );
    assert_eq!(t.reversed, 0, "a new transfer has nothing reversed");
    // Taken from what is still pending (the charge's funds are not available yet).
    let usd = |b: payouts::ports::Balance| b.pending[0].amount;
    assert_eq!(
        usd(env.stripe.retrieve_balance(&acct).await.unwrap()),
        4_000
    );

    // The seller paid out meanwhile: the reversal is refused, and nothing moved.
    env.set_balance(&acct, "usd", 10, 0).await;
    let err = env
        .stripe
        .create_reversal(&t.id, 2_000, "k-low")
        .await
        .unwrap_err();
    assert_eq!(refused_code(err), "balance_insufficient");
    assert_eq!(env.objects("transfer_reversals").await, 1);
}

#[tokio::test]
async fn reversal_of_an_unknown_transfer_is_not_found() {
    let env = env().await;
    let err = env
        .stripe
        .create_reversal("tr_nope", 10, "k")
        .await
        .unwrap_err();
    assert!(matches!(err, StripeError::NotFound), "{err:?}");
    let err = env.stripe.retrieve_transfer("tr_nope").await.unwrap_err();
    assert!(matches!(err, StripeError::NotFound), "{err:?}");
}

#[tokio::test]
async fn retrieves_the_payment_facts() {
    let env = env().await;
    let (pi, ch) = env
        .pay(
            "ord_7",
            12_345,
            json!({"veza_order_id": "ord_7", "veza_shares": "usr_a:6000,usr_b:4000"}),
        )
        .await;
    let facts = env.stripe.retrieve_payment(&pi).await.unwrap();
    assert_eq!(facts.payment_intent_id, pi);
    assert_eq!(facts.charge_id, Some(ch));
    assert_eq!(facts.amount_received, 12_345);
    assert_eq!(facts.currency, "usd");
    assert_eq!(
        facts.metadata.get("veza_order_id").map(String::as_str),
        Some("ord_7")
    );
    assert_eq!(
        facts.metadata.get("veza_shares").map(String::as_str),
        Some("usr_a:6000,usr_b:4000")
    );
    let plan = payouts::plan::plan_payout(&facts, 1000).unwrap();
    assert_eq!(plan.shares.len(), 2);
    assert!(matches!(
        env.stripe.retrieve_payment("pi_nope").await,
        Err(StripeError::NotFound)
    ));
}

/// The charge's settlement, read through the adapter (one call, the balance transaction
/// expanded): its own currency by default, the platform's settlement currency once set.
#[tokio::test]
async fn a_charges_settlement_is_its_balance_transaction() {
    let env = env().await;
    let (_, own) = env.pay("ord_own", 10_000, json!({})).await;
    let settled = env
        .stripe
        .charge_settlement(&own)
        .await
        .expect("settlement");
    assert_eq!((settled.currency.as_str(), settled.amount), ("usd", 10_000));

    env.post(
        "settlement",
        json!({ "currency": "eur", "rates": { "usd": 0.9173 } }),
    )
    .await;
    let (_, converted) = env.pay("ord_fx", 10_000, json!({})).await;
    let before = env.calls("GET /v1/charges/{id}").await;
    let settled = env
        .stripe
        .charge_settlement(&converted)
        .await
        .expect("settlement");
    assert_eq!((settled.currency.as_str(), settled.amount), ("eur", 9173));
    assert_eq!(env.calls("GET /v1/charges/{id}").await, before + 1);

    let missing = env.stripe.charge_settlement("ch_missing").await;
    assert!(matches!(missing, Err(StripeError::NotFound)), "{missing:?}");
}
