//! Nothing is trusted before the signature: every bad case is a 400 problem and changes nothing;
//! a secret roll (two `v1` values) is accepted; events of the other mode are refused.

use crate::common;

use common::{CONNECT_SECRET, EUR, Options, PLATFORM_SECRET, Stack, sign};
use serde_json::{Value, json};
use webhook::{CONNECT_ROUTE, PLATFORM_ROUTE};

const OLD: &str = "whsec_rolled_old_secret";
const NEW: &str = "whsec_rolled_new_secret";

#[tokio::test]
async fn every_bad_signature_is_a_400_and_changes_nothing() {
    let stack = Stack::start().await;
    let paid = stack
        .control
        .pay("ord_sig", EUR, 1000, &[("usr_x", 1000)], false)
        .await;
    let body = stack.control.event(&paid.event).await.to_string();
    let now = payouts::clock::unix_now();
    let good = sign(&body, PLATFORM_SECRET, now);
    let tampered = body.replace("\"amount\":1000", "\"amount\":999999");
    assert_ne!(tampered, body);
    let v1_only = good
        .split_once(",v1=")
        .map(|(_, v)| v.to_owned())
        .unwrap_or_default();
    let unreadable = r#"{"id":"evt_bad","type":"payment_intent.succeeded","data":{"object":{}}}"#;
    let cases: Vec<(&str, Option<String>, Vec<u8>, &str)> = vec![
        (
            PLATFORM_ROUTE.template,
            None,
            body.clone().into_bytes(),
            "signature_missing",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(String::new()),
            body.clone().into_bytes(),
            "signature_missing",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(sign(&body, "whsec_forged", now)),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        // The Connect endpoint's secret does not sign platform events (and vice versa).
        (
            PLATFORM_ROUTE.template,
            Some(sign(&body, CONNECT_SECRET, now)),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        (
            CONNECT_ROUTE.template,
            Some(good.clone()),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(good.clone()),
            tampered.into_bytes(),
            "signature_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(format!("t={now},v0={v1_only}")),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(format!("v1={v1_only}")),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some("t=abc,v1=00".into()),
            body.clone().into_bytes(),
            "signature_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(good.clone()),
            b"\xff\xfe not utf-8".to_vec(),
            "signature_invalid",
        ),
        // Replays: a genuine signature, but too old (or from the future).
        (
            PLATFORM_ROUTE.template,
            Some(sign(&body, PLATFORM_SECRET, now - 301)),
            body.clone().into_bytes(),
            "signature_expired",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(sign(&body, PLATFORM_SECRET, now + 400)),
            body.clone().into_bytes(),
            "signature_expired",
        ),
        // Authentic but unreadable.
        (
            PLATFORM_ROUTE.template,
            Some(sign("{not json", PLATFORM_SECRET, now)),
            b"{not json".to_vec(),
            "payload_invalid",
        ),
        (
            PLATFORM_ROUTE.template,
            Some(sign(unreadable, PLATFORM_SECRET, now)),
            unreadable.as_bytes().to_vec(),
            "payload_invalid",
        ),
    ];
    for (route, signature, bytes, code) in cases {
        let (status, reply) = stack.post(route, signature.as_deref(), bytes).await;
        assert_eq!(
            (status, &reply["code"]),
            (400, &json!(code)),
            "{route} {signature:?}: {reply}"
        );
        assert_eq!(reply["status"], json!(400));
    }
    // Untouched: no table item, no Stripe call, no webhook event counted.
    assert_eq!(
        common::ledger::item_counts(&stack.dynamo.client, &stack.tables).await,
        [0, 0, 0]
    );
    assert_eq!(stack.control.calls("POST /v1/transfers").await, 0);
    assert_eq!(stack.metric("WebhookEvents", &[]), 0.0);
    assert_eq!(stack.metric("ClientErrors", &[]), 14.0);
    // The genuine delivery still works afterwards.
    let (status, reply) = stack
        .post(PLATFORM_ROUTE.template, Some(&good), body.into_bytes())
        .await;
    assert_eq!((status, reply), (200, json!({ "received": true })));
}

#[tokio::test]
async fn a_secret_roll_with_two_v1_values_is_accepted() {
    // (what the webhook knows, what Stripe signs with): mid-roll on either side.
    let setups: [(Vec<&'static str>, Vec<&'static str>); 3] = [
        (vec![OLD], vec![NEW, OLD]),
        (vec![NEW], vec![NEW, OLD]),
        (vec![NEW, OLD], vec![OLD]),
    ];
    for (knows, signs) in setups {
        let stack = Stack::with(Options {
            platform_secrets: knows.clone(),
            stripe_platform_secrets: signs.clone(),
            ..Options::default()
        })
        .await;
        let alice = stack.seller("usr_alice", true).await;
        let paid = stack
            .control
            .pay("ord_roll", EUR, 1000, &[("usr_alice", 1000)], false)
            .await;
        assert_eq!(
            stack.control.deliver(&paid.event, 1, 1).await,
            vec![Some(200)],
            "{knows:?} / {signs:?}"
        );
        let delivered: Vec<Value> = stack.control.deliveries(&paid.event).await;
        assert_eq!(delivered.len(), 1);
        assert_eq!(
            stack.control.transfers("ord_roll").await.len(),
            1,
            "{knows:?} / {signs:?}"
        );
        assert_eq!(stack.control.received(&alice, EUR).await, 875);
    }
}

#[tokio::test]
async fn events_of_the_other_mode_are_refused() {
    let stack = Stack::with(Options {
        livemode: true,
        ..Options::default()
    })
    .await;
    let paid = stack
        .control
        .pay("ord_mode", EUR, 1000, &[("usr_x", 1000)], false)
        .await;
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(400)]
    );
    let body = stack.control.event(&paid.event).await.to_string();
    let (status, reply) = stack
        .post(
            PLATFORM_ROUTE.template,
            Some(&sign(&body, PLATFORM_SECRET, payouts::clock::unix_now())),
            body.into_bytes(),
        )
        .await;
    assert_eq!((status, &reply["code"]), (400, &json!("livemode_mismatch")));
    assert_eq!(
        common::ledger::item_counts(&stack.dynamo.client, &stack.tables).await,
        [0, 0, 0]
    );
    assert_eq!(stack.control.calls("POST /v1/transfers").await, 0);
}
