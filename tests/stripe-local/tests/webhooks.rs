//! Webhook delivery: signatures verified by async-stripe-webhook (two `v1` during a secret
//! roll), events parsed into the right variants, Connect events on their own endpoint and
//! secret, retries with backoff, waits through the control API, on-demand redelivery.

use crate::common;

use common::{Local, Receiver, WAIT, receiver, start_with};
use serde_json::json;
use std::time::Duration;
use stripe_local::{Config, DeliveryPolicy, WebhookTarget};
use stripe_webhook::{EventObject, Webhook};

const OLD: &str = "whsec_old_secret";
const NEW: &str = "whsec_new_secret";
const CONNECT: &str = "whsec_connect_secret";

async fn setup() -> (Local, Receiver, Receiver) {
    let (platform, connect) = (receiver().await, receiver().await);
    let mut config = Config::with_key(common::KEY);
    config.platform_webhook = Some(WebhookTarget {
        url: platform.url.clone(),
        secrets: vec![OLD.into(), NEW.into()],
    });
    config.connect_webhook = Some(WebhookTarget {
        url: connect.url.clone(),
        secrets: vec![CONNECT.into()],
    });
    config.delivery = DeliveryPolicy {
        max_attempts: 4,
        backoff: Duration::from_millis(20),
        timeout: Duration::from_secs(5),
    };
    (start_with(config).await, platform, connect)
}

#[tokio::test]
async fn payment_succeeded_is_signed_with_every_secret_of_a_roll() {
    let (local, platform, connect) = setup().await;
    let paid = local.pay("order-9", 1500, "eur").await;
    let event_id = paid["event_id"].as_str().unwrap();
    let got = platform.wait_for(event_id, 1).await;
    let d = &got[0];
    assert!(d.content_type.starts_with("application/json"));
    assert_eq!(d.signature.matches("v1=").count(), 2);
    for secret in [OLD, NEW] {
        let event =
            Webhook::construct_event(&d.body, &d.signature, secret).expect("signature verifies");
        assert_eq!(event.id.as_str(), event_id);
        assert!(event.account.is_none());
        assert!(!event.livemode);
        assert_eq!(event.api_version, Some(stripe_shared::version::VERSION));
        let EventObject::PaymentIntentSucceeded(pi) = event.data.object else {
            panic!("wrong variant")
        };
        assert_eq!(pi.amount_received, 1500);
        assert_eq!(pi.metadata["order_id"], "order-9");
        assert!(pi.latest_charge.is_some());
    }
    assert!(Webhook::construct_event(&d.body, &d.signature, CONNECT).is_err());
    assert!(local.handle.wait_delivered(event_id, WAIT).await);
    assert!(
        connect.deliveries().is_empty(),
        "platform events stay on the platform endpoint"
    );
}

#[tokio::test]
async fn refunds_emit_charge_refunded_with_cumulative_amounts() {
    let (local, platform, _connect) = setup().await;
    let paid = local.pay("order-r", 1000, "usd").await;
    let charge = paid["charge"]["id"].as_str().unwrap();
    let first = local
        .control(
            &format!("charges/{charge}/refunds"),
            json!({ "amount": 300 }),
        )
        .await;
    let second = local
        .control(
            &format!("charges/{charge}/refunds"),
            json!({ "amount": 200 }),
        )
        .await;
    assert_eq!(second["charge"]["amount_refunded"], 500);
    let d = &platform
        .wait_for(second["event_id"].as_str().unwrap(), 1)
        .await[0];
    let event = Webhook::construct_event(&d.body, &d.signature, NEW).expect("verifies");
    let EventObject::ChargeRefunded(ch) = event.data.object else {
        panic!("wrong variant")
    };
    assert_eq!((ch.amount_refunded, ch.refunded), (500, false));
    assert_eq!(ch.refunds.as_ref().unwrap().data.len(), 2);
    assert_eq!(first["refund"]["amount"], 300);
    let over = local
        .control_raw(
            reqwest::Method::POST,
            &format!("charges/{charge}/refunds"),
            Some(json!({ "amount": 501 })),
        )
        .await;
    assert_eq!(over.status, 400);
    let rest = local
        .control(&format!("charges/{charge}/refunds"), json!({}))
        .await;
    assert_eq!(
        (
            rest["refund"]["amount"].as_i64(),
            rest["charge"]["refunded"].as_bool()
        ),
        (Some(500), Some(true))
    );
    // Refunds debit the platform's available balance (negative while the charge is pending, as
    // Stripe allows); the charge's funds are still pending.
    let bal = local.get_api("/v1/balance", &[]).await;
    assert_eq!(bal.body["available"][0]["amount"], -1000);
    assert_eq!(bal.body["pending"][0]["amount"], 1000);
}

#[tokio::test]
async fn account_updated_goes_to_the_connect_endpoint() {
    let (local, platform, connect) = setup().await;
    let acct = local.account().await;
    let res = local
        .control(
            &format!("accounts/{acct}/onboarding"),
            json!({ "details_submitted": true, "payouts_enabled": false, "currently_due": ["external_account"] }),
        )
        .await;
    assert_eq!(res["account"]["capabilities"]["transfers"], "inactive");
    let done = local
        .control(
            &format!("accounts/{acct}/onboarding"),
            json!({ "complete": true }),
        )
        .await;
    let got = connect
        .wait_for(done["event_id"].as_str().unwrap(), 1)
        .await;
    let d = &got[0];
    assert!(
        Webhook::construct_event(&d.body, &d.signature, OLD).is_err(),
        "connect secret only"
    );
    let event = Webhook::construct_event(&d.body, &d.signature, CONNECT).expect("verifies");
    assert_eq!(event.account.as_deref(), Some(acct.as_str()));
    let EventObject::AccountUpdated(a) = event.data.object else {
        panic!("wrong variant")
    };
    assert_eq!(
        (a.details_submitted, a.payouts_enabled),
        (Some(true), Some(true))
    );
    assert!(event.data.previous_attributes.is_some());
    connect.wait_for(res["event_id"].as_str().unwrap(), 1).await;
    assert!(platform.deliveries().is_empty());
    // Connect events are visible through /v1/events only with their Stripe-Account.
    let path = format!("/v1/events/{}", event.id.as_str());
    assert_eq!(local.get_api(&path, &[]).await.status, 404);
    assert_eq!(
        local
            .get_api(&path, &[("Stripe-Account", &acct)])
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn failed_deliveries_are_retried_and_observable() {
    let (local, platform, _connect) = setup().await;
    platform.script(&[500, 503]);
    let paid = local.pay("order-x", 100, "eur").await;
    let id = paid["event_id"].as_str().unwrap();
    let r = local
        .control_get(&format!(
            "deliveries?event_id={id}&delivered=true&timeout_ms=10000"
        ))
        .await;
    assert_eq!(r["satisfied"], true);
    let statuses: Vec<_> = r["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![500, 503, 200]);
    assert_eq!(platform.deliveries().len(), 3);
}

#[tokio::test]
async fn delivery_gives_up_after_max_attempts() {
    let (local, platform, _connect) = setup().await;
    platform.script(&[500, 500, 500, 500]);
    let paid = local.pay("order-y", 100, "eur").await;
    let id = paid["event_id"].as_str().unwrap();
    let r = local
        .control_get(&format!(
            "deliveries?event_id={id}&min_attempts=4&idle=true"
        ))
        .await;
    assert_eq!(r["deliveries"].as_array().unwrap().len(), 4);
    let waited = local
        .control_raw(
            reqwest::Method::GET,
            &format!("deliveries?event_id={id}&delivered=true&timeout_ms=100"),
            None,
        )
        .await;
    assert_eq!(waited.status, 408);
    assert_eq!(waited.body["satisfied"], false);
}

#[tokio::test]
async fn on_demand_redelivery_with_concurrency() {
    let (local, platform, _connect) = setup().await;
    let paid = local
        .control(
            "payments",
            json!({ "order_id": "o-late", "amount": 100, "currency": "eur", "deliver": false }),
        )
        .await;
    let id = paid["event_id"].as_str().unwrap();
    let r = local
        .control(
            &format!("events/{id}/deliver"),
            json!({ "times": 6, "concurrency": 3 }),
        )
        .await;
    assert_eq!(r["statuses"], json!([200, 200, 200, 200, 200, 200]));
    let got = platform.wait_for(id, 6).await;
    assert_eq!(got.len(), 6, "deliver:false sent nothing automatically");
    for d in &got {
        Webhook::construct_event(&d.body, &d.signature, OLD)
            .expect("each redelivery is freshly signed");
    }
    let missing = local
        .control_raw(reqwest::Method::POST, "events/evt_missing/deliver", None)
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn targets_can_be_set_at_runtime() {
    let local = start_with(Config::with_key(common::KEY)).await;
    let hook = receiver().await;
    let set = local
        .control(
            "webhooks",
            json!({ "platform": { "url": hook.url, "secrets": ["whsec_rt"] } }),
        )
        .await;
    assert_eq!(
        set["platform"]["secrets"], 1,
        "secrets are counted, never echoed"
    );
    let paid = local.pay("o-rt", 100, "eur").await;
    let d = &hook.wait_for(paid["event_id"].as_str().unwrap(), 1).await[0];
    Webhook::construct_event(&d.body, &d.signature, "whsec_rt").expect("verifies");
    let events = local.control_get("events").await;
    assert_eq!(events["events"][0]["type"], "payment_intent.succeeded");
}
