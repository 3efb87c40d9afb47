//! Disputes and failed refunds: each control call changes the money as Stripe does and emits
//! Stripe's events, whose objects parse with async-stripe-webhook's own types (what the webhook
//! function runs on).

use crate::common;

use common::start;
use serde_json::{Value, json};
use stripe_webhook::{EventObject, Webhook};

/// Parses a stored event exactly as the webhook function would.
async fn parsed(local: &common::Local, id: &str) -> EventObject {
    let body = local.control_get(&format!("events/{id}")).await;
    Webhook::insecure(&body.to_string())
        .unwrap_or_else(|e| panic!("event {id} does not parse: {e:?}"))
        .data
        .object
}

fn ids(v: &Value) -> Vec<String> {
    v["event_ids"]
        .as_array()
        .expect("event ids")
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect()
}

async fn platform_available(local: &common::Local) -> i64 {
    let b = local.get_api("/v1/balance", &[]).await;
    b.body["available"][0]["amount"].as_i64().unwrap()
}

#[tokio::test]
async fn a_dispute_withdraws_then_a_win_reinstates_with_stripes_events_and_shapes() {
    let local = start().await;
    let paid = local.pay("order-d", 5000, "eur").await;
    let charge = paid["charge"]["id"].as_str().unwrap().to_owned();
    let before = platform_available(&local).await;

    let opened = local
        .control(
            &format!("charges/{charge}/disputes"),
            json!({ "amount": 4000, "deliver": false }),
        )
        .await;
    let dispute = opened["dispute"]["id"].as_str().unwrap().to_owned();
    assert_eq!(platform_available(&local).await, before - 4000 - 1500);
    let [created, withdrawn] = ids(&opened).try_into().unwrap();
    match parsed(&local, &created).await {
        EventObject::ChargeDisputeCreated(d) => {
            assert_eq!((d.amount, d.balance_transactions.len()), (4000, 0));
            assert_eq!(d.charge.id().as_str(), charge);
        }
        other => panic!("not a dispute creation: {other:?}"),
    }
    match parsed(&local, &withdrawn).await {
        EventObject::ChargeDisputeFundsWithdrawn(d) => {
            assert_eq!(d.balance_transactions[0].amount, -4000);
            assert_eq!(d.balance_transactions[0].fee, 1500);
        }
        other => panic!("not a withdrawal: {other:?}"),
    }
    // A disputed charge cannot be refunded.
    let refused = local
        .control_raw(
            reqwest::Method::POST,
            &format!("charges/{charge}/refunds"),
            Some(json!({})),
        )
        .await;
    assert_eq!(refused.body["error"]["code"], "charge_disputed");

    let won = local
        .control(
            &format!("disputes/{dispute}/close"),
            json!({ "outcome": "won", "deliver": false }),
        )
        .await;
    let [reinstated, closed] = ids(&won).try_into().unwrap();
    assert!(matches!(
        parsed(&local, &reinstated).await,
        EventObject::ChargeDisputeFundsReinstated(d) if d.balance_transactions.len() == 2
    ));
    match parsed(&local, &closed).await {
        EventObject::ChargeDisputeClosed(d) => assert_eq!(d.status.as_str(), "won"),
        other => panic!("not a closing: {other:?}"),
    }
    // The fee stays with Stripe; the amount is back.
    assert_eq!(platform_available(&local).await, before - 1500);
    let read = local.get_api(&format!("/v1/disputes/{dispute}"), &[]).await;
    assert_eq!(read.body["status"], "won");
    assert_eq!(local.objects().await["disputes"], 1);
}

#[tokio::test]
async fn a_lost_dispute_only_closes() {
    let local = start().await;
    let paid = local.pay("order-l", 3000, "eur").await;
    let charge = paid["charge"]["id"].as_str().unwrap().to_owned();
    let opened = local
        .control(
            &format!("charges/{charge}/disputes"),
            json!({ "deliver": false }),
        )
        .await;
    assert_eq!(opened["dispute"]["amount"], 3000);
    let dispute = opened["dispute"]["id"].as_str().unwrap();
    let lost = local
        .control(
            &format!("disputes/{dispute}/close"),
            json!({ "outcome": "lost", "deliver": false }),
        )
        .await;
    let [closed] = ids(&lost).try_into().unwrap();
    assert!(matches!(
        parsed(&local, &closed).await,
        EventObject::ChargeDisputeClosed(d) if d.status.as_str() == "lost"
    ));
}

#[tokio::test]
async fn a_refund_fails_with_stripes_events_and_carries_its_metadata() {
    let local = start().await;
    let paid = local.pay("order-r", 5000, "eur").await;
    let charge = paid["charge"]["id"].as_str().unwrap().to_owned();
    let refunded = local
        .control(
            &format!("charges/{charge}/refunds"),
            json!({ "amount": 2000, "deliver": false, "metadata": { "veza_refund_shares": "usr_a:2000" } }),
        )
        .await;
    let refund = refunded["refund"]["id"].as_str().unwrap().to_owned();
    match parsed(&local, refunded["refund_event_id"].as_str().unwrap()).await {
        EventObject::RefundCreated(r) => {
            assert_eq!(r.metadata.unwrap()["veza_refund_shares"], "usr_a:2000");
            assert_eq!(r.status.as_deref(), Some("succeeded"));
        }
        other => panic!("not a refund creation: {other:?}"),
    }
    let before = platform_available(&local).await;
    let failed = local
        .control(
            &format!("refunds/{refund}/fail"),
            json!({ "deliver": false }),
        )
        .await;
    let [failed_event, updated] = ids(&failed).try_into().unwrap();
    for id in [failed_event, updated] {
        match parsed(&local, &id).await {
            EventObject::RefundFailed(r) | EventObject::ChargeRefundUpdated(r) => {
                assert_eq!(r.status.as_deref(), Some("failed"));
                assert_eq!(r.amount, 2000);
            }
            other => panic!("not a failed refund: {other:?}"),
        }
    }
    assert_eq!(platform_available(&local).await, before + 2000);
    let charge_now = local.get_api(&format!("/v1/charges/{charge}"), &[]).await;
    assert_eq!(charge_now.body["amount_refunded"], 0);
    // Failing it twice is refused.
    let again = local
        .control_raw(
            reqwest::Method::POST,
            &format!("refunds/{refund}/fail"),
            Some(json!({})),
        )
        .await;
    assert_eq!(again.status, 400);
}
