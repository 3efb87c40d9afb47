//! `EventSource::list_events` against the local Stripe server: type and `created` filters,
//! paging with `starting_after`, the facts of each kind, faults and refusals.

use crate::common;

use common::{Env, env};
use harness::stripe::Fault;
use payouts::claims::RefundStatus;
use payouts::ports::{
    EventFacts, EventSource, RefundFacts, RefundItem, StripeError, StripeEvent, Transfers,
};
use serde_json::json;

const PAID: &str = "payment_intent.succeeded";
const REFUNDED: &str = "charge.refunded";
const ACCOUNT: &str = "account.updated";

/// Ids of a list of events.
fn ids(events: &[StripeEvent]) -> Vec<&str> {
    events.iter().map(|e| e.id.as_str()).collect()
}

/// A payment's `payment_intent.succeeded` event id.
async fn paid(env: &Env, order: &str) -> String {
    env.payment(json!({ "order_id": order, "currency": "usd", "amount": 1_000, "deliver": false }))
        .await
        .event
}

#[tokio::test]
async fn lists_the_asked_types_newest_first_with_their_facts() {
    let env = env().await;
    let seller = env.seller("usr_a").await;
    let metadata = json!({ "veza_order_id": "ord_1", "veza_shares": "usr_a:6000" });
    let payment = env.pay_with_metadata("usd", 10_000, metadata, false).await;
    let refund = env.refund(&payment.charge, Some(300), false).await;
    // The platform's own account changed: a platform event, unlike the seller's Connect ones.
    let platform = json!({ "id": "acct_platform", "object": "account" });
    let updated = env.emit_event(ACCOUNT, None, platform, false).await;
    let garbled = json!({ "id": "pi_garbled", "object": "payment_intent", "amount": "x" });
    let unreadable = env.emit_event(PAID, None, garbled, false).await;
    let customer = json!({ "id": "cus_1", "object": "customer" });
    let other = env
        .emit_event("customer.created", None, customer, false)
        .await;

    let page = env
        .stripe
        .list_events(&[PAID, REFUNDED, ACCOUNT], 0, None, 100)
        .await
        .unwrap();
    assert!(!page.has_more);
    assert_eq!(
        ids(&page.events),
        [&unreadable, &updated, &refund, &payment.event],
        "the seller's Connect account.updated is not the platform's"
    );
    let facts: Vec<&EventFacts> = page.events.iter().map(|e| &e.facts).collect();
    let payment_facts = env.stripe.retrieve_payment(&payment.payment_intent).await;
    assert_eq!(
        facts,
        [
            &EventFacts::Unhandled,
            &EventFacts::AccountUpdated {
                stripe_account_id: "acct_platform".into()
            },
            &EventFacts::Refund(RefundFacts {
                charge_id: payment.charge.clone(),
                payment_intent_id: Some(payment.payment_intent.clone()),
                refunds: match facts[2] {
                    EventFacts::Refund(r) => vec![RefundItem {
                        amount: 300,
                        status: RefundStatus::Succeeded,
                        metadata: Default::default(),
                        id: r.refunds[0].id.clone(),
                    }],
                    other => panic!("not a refund: {other:?}"),
                },
            }),
            &EventFacts::Payment(payment_facts.unwrap()),
        ]
    );
    let kinds: Vec<&str> = page.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, [PAID, ACCOUNT, REFUNDED, PAID]);
    assert!(page.events.iter().all(|e| e.account.is_none()));
    let now = env.now().await;
    assert!(
        page.events
            .iter()
            .all(|e| (now - 60..=now).contains(&e.created))
    );

    let everything = env.stripe.list_events(&[], 0, None, 100).await.unwrap();
    assert_eq!(everything.events.len(), 6, "refund.created too");
    assert_eq!(everything.events[0].id, other);
    assert_eq!(everything.events[0].facts, EventFacts::Unhandled);
    let account_events: Vec<&StripeEvent> = everything
        .events
        .iter()
        .filter(|e| e.kind == ACCOUNT)
        .collect();
    assert_eq!(account_events.len(), 1, "not {seller}'s Connect events");
}

#[tokio::test]
async fn created_bound_and_paging_with_starting_after() {
    let env = env().await;
    let before = paid(&env, "ord_0").await;
    env.advance_clock(100).await;
    let since = env.now().await;
    let mut made = Vec::new();
    for i in 1..=5 {
        made.push(paid(&env, &format!("ord_{i}")).await);
    }
    made.reverse();

    let mut seen: Vec<String> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = env
            .stripe
            .list_events(&[PAID], since, cursor.as_deref(), 2)
            .await
            .unwrap();
        assert!(page.events.len() <= 2);
        seen.extend(page.events.iter().map(|e| e.id.clone()));
        cursor = page.events.last().map(|e| e.id.clone());
        if !page.has_more {
            break;
        }
    }
    assert_eq!(
        seen, made,
        "each event once, newest first, none before `since`"
    );
    assert!(!seen.contains(&before));
    let all = env.stripe.list_events(&[PAID], 0, None, 10).await.unwrap();
    assert_eq!(all.events.len(), 6);
}

#[tokio::test]
async fn faults_are_unavailable_and_bad_requests_refused() {
    let env = env().await;
    let event = paid(&env, "ord_1").await;
    for kind in ["status_500", "status_429"] {
        env.fault(Fault::new("GET", "/v1/events", kind).times(3))
            .await;
        match env.stripe.list_events(&[PAID], 0, None, 10).await {
            Err(StripeError::Unavailable { rate_limited, .. }) => {
                assert_eq!(rate_limited, kind == "status_429")
            }
            other => panic!("{kind}: {other:?}"),
        }
    }
    assert_eq!(env.calls("GET /v1/events").await, 6, "3 attempts each");
    // Fewer failures than attempts: the retry policy rides them out.
    env.fault(Fault::new("GET", "/v1/events", "status_500").times(2))
        .await;
    let page = env.stripe.list_events(&[PAID], 0, None, 10).await.unwrap();
    assert_eq!(ids(&page.events), [&event]);

    let refused = |r: Result<_, StripeError>| match r {
        Err(StripeError::Refused { code, .. }) => code,
        other => panic!("expected Refused, got {other:?}"),
    };
    let limit = env.stripe.list_events(&[PAID], 0, None, 0).await;
    assert_eq!(refused(limit), "parameter_invalid_integer");
    let names: Vec<String> = (0..21).map(|i| format!("t.{i}")).collect();
    let many: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        refused(env.stripe.list_events(&many, 0, None, 10).await),
        "parameter_invalid"
    );
    let unknown = env.stripe.list_events(&[], 0, Some("evt_gone"), 10).await;
    assert_eq!(refused(unknown), "resource_missing");
}

#[tokio::test]
async fn events_made_while_webhooks_are_paused_are_listed() {
    let env = env().await;
    // A target that nothing listens on: any delivery attempt would be recorded as failed.
    let target = json!({ "url": "http://127.0.0.1:9/hook", "secrets": ["whsec_x"] });
    env.post("webhooks", json!({ "platform": target })).await;
    env.pause_webhooks().await;
    assert_eq!(env.get("webhooks").await["paused"], true);
    let missed = env
        .payment(json!({ "order_id": "ord_1", "currency": "usd", "amount": 500, "deliver": true }))
        .await
        .event;
    env.resume_webhooks().await;
    let webhooks = env.get("webhooks").await;
    assert_eq!(webhooks["platform"]["url"], "http://127.0.0.1:9/hook");
    assert!(env.deliveries(&missed).await.is_empty());
    let page = env.stripe.list_events(&[PAID], 0, None, 10).await.unwrap();
    assert_eq!(ids(&page.events), [&missed]);
}
