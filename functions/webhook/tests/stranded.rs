//! States from which money used to never move again (issue: payouts never get stuck). Each test
//! reproduces one of them through the real webhook, moto and the local Stripe server.

use crate::common;

use std::collections::BTreeSet;

use common::{EUR, Options, Stack};
use harness::stripe::Fault;
use payouts::{ShareState, keys};
use serde_json::{Value, json};

/// A release whose transfer fails leaves the share `Pending`; the redelivery of the same
/// `account.updated` must finish it (it used to look for held shares only, find none, answer
/// 200, and strand the share).
#[tokio::test]
async fn a_released_share_whose_transfer_failed_is_paid_by_the_redelivery() {
    let stack = Stack::with(Options::faults()).await;
    let carol = stack.seller("usr_carol", false).await;
    let paid = stack
        .control
        .pay("ord_rel", EUR, 3000, &[("usr_carol", 3000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    assert_eq!(
        stack.share("ord_rel", "usr_carol").await.state,
        ShareState::Held
    );

    stack
        .control
        .fault(Fault::new("POST", "/v1/transfers", "status_500"))
        .await;
    let completed = stack
        .control
        .onboarding(&carol, json!({ "complete": true }))
        .await;
    stack.control.wait_delivered(&completed).await;
    let attempts = stack.control.deliveries(&completed).await;
    assert!(
        attempts.first().is_some_and(|a| a["status"] == json!(503)),
        "the release's transfer failed first: {attempts:?}"
    );

    let share = stack.share("ord_rel", "usr_carol").await;
    assert_eq!(share.state, ShareState::Transferred);
    let transfers = stack.control.transfers("ord_rel").await;
    assert_eq!(transfers.len(), 1);
    assert_eq!(transfers[0]["destination"], json!(carol));
    assert_eq!(stack.control.received(&carol, EUR).await, 2625);
}

/// Two PaymentIntents for one order, delivered at once many times: the order is claimed by
/// one of them before any share is written, so the shares are exactly that payment's plan and
/// the other payment moves nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_payments_for_one_order_never_mix_their_plans() {
    let stack = Stack::start().await;
    stack.seller("usr_alice", true).await;
    stack.seller("usr_bob", true).await;
    stack.control.pause_webhooks().await;
    let first = stack
        .control
        .pay("ord_twice", EUR, 3000, &[("usr_alice", 3000)], false)
        .await;
    let second = stack
        .control
        .pay(
            "ord_twice",
            EUR,
            3000,
            &[("usr_alice", 1000), ("usr_bob", 2000)],
            false,
        )
        .await;
    stack.control.resume_webhooks().await;
    let (a, b) = tokio::join!(
        stack.control.deliver(&first.event, 10, 10),
        stack.control.deliver(&second.event, 10, 10)
    );
    assert!(a.iter().chain(&b).all(|s| *s == Some(200)), "{a:?} {b:?}");

    let payment = stack.payment("ord_twice").await;
    let sellers: BTreeSet<String> = stack
        .deps
        .flows
        .ledger
        .shares_of_order("ord_twice")
        .await
        .unwrap()
        .into_iter()
        .map(|s| format!("{}:{}", s.seller, s.gross))
        .collect();
    let (expected, other): (&[&str], &str) = if payment.payment_intent_id == first.payment_intent {
        (&["usr_alice:3000"], "duplicate_order")
    } else {
        (&["usr_alice:1000", "usr_bob:2000"], "duplicate_order")
    };
    assert_eq!(
        sellers,
        expected
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>(),
        "the shares are exactly the claiming payment's plan"
    );
    let transfers = stack.control.transfers("ord_twice").await;
    assert_eq!(transfers.len(), expected.len());
    assert!(stack.metric("PaymentsRejected", &[("Reason", other)]) >= 1.0);
}

/// A delivery that holds a copy of the share from before a refused reversal (key round 0) must
/// not pair that old round with Stripe's current reversed total: it claims the attempt on the
/// version it read, loses, re-reads and sends the current round's key.
#[tokio::test]
async fn a_stale_copy_of_a_share_never_sends_an_outdated_reversal_key() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let paid = stack
        .control
        .pay("ord_stale", EUR, 4000, &[("usr_alice", 4000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    let stale = stack.share("ord_stale", "usr_alice").await;
    assert_eq!((stale.state, stale.key_round), (ShareState::Transferred, 0));

    // A refused reversal (the funds became available and were paid out) starts round 1; a
    // later refund step reverses under it.
    stack.control.make_available(&paid.charge).await;
    stack.control.set_available(&alice, EUR, 0).await;
    let refused = stack.control.refund(&paid.charge, Some(1000), true).await;
    stack.control.wait_delivered(&refused).await;
    stack.control.set_available(&alice, EUR, 3500).await;
    let second = stack.control.refund(&paid.charge, Some(1000), true).await;
    stack.control.wait_delivered(&second).await;
    let now = stack.share("ord_stale", "usr_alice").await;
    assert_eq!((now.key_round, now.refunded), (1, 1750));

    // The stale delivery of a third refund (3000 of 4000 refunded → claim 2625).
    let mut payment = stack.payment("ord_stale").await;
    let third = payouts::claims::RefundEntry {
        amount: 1000,
        status: payouts::claims::RefundStatus::Succeeded,
        scope: payouts::claims::RefundScope::Proportional,
    };
    payment.events = payment.events.with_refund("re_third", third).unwrap();
    common::apply_claims(&stack, &payment, stale).await;

    let keys_sent: Vec<Value> = stack
        .control
        .requests("POST /v1/transfers/{id}/reversals")
        .await
        .iter()
        .map(|r| r["idempotency_key"].clone())
        .collect();
    assert_eq!(
        keys_sent.last(),
        Some(&json!(keys::reversal_key(
            "ord_stale",
            "usr_alice",
            1750,
            1
        ))),
        "{keys_sent:?}"
    );
    assert!(
        !keys_sent.contains(&json!(keys::reversal_key(
            "ord_stale",
            "usr_alice",
            1750,
            0
        ))),
        "{keys_sent:?}"
    );
    let share = stack.share("ord_stale", "usr_alice").await;
    assert_eq!(share.refunded, 2625);
    assert_eq!(share.attention, None, "the refused amount is reversed now");
    let transfers = stack.control.transfers("ord_stale").await;
    assert_eq!(transfers[0]["amount_reversed"], json!(2625));
}

/// A payment with no marketplace metadata at all (a platform subscription, a manual charge) is
/// not ours: ignored, not recorded, and not counted as a rejected payment (which pages someone).
/// Marketplace metadata that is malformed is still rejected.
#[tokio::test]
async fn a_payment_without_marketplace_metadata_is_ignored_not_rejected() {
    let stack = Stack::start().await;
    let plain = stack
        .control
        .pay_with_metadata(EUR, 1500, json!({ "subscription": "sub_1" }), true)
        .await;
    stack.control.wait_delivered(&plain.event).await;
    assert_eq!(
        stack.metric("WebhookEvents", &[("Outcome", "ignored")]),
        1.0
    );
    assert_eq!(stack.metric("PaymentsRejected", &[]), 0.0);
    assert!(
        stack
            .deps
            .flows
            .ledger
            .payment(&plain.payment_intent)
            .await
            .unwrap()
            .is_none()
    );

    let malformed = stack
        .control
        .pay_with_metadata(EUR, 1500, json!({ "veza_shares": "usr_a:1500" }), true)
        .await;
    stack.control.wait_delivered(&malformed.event).await;
    assert_eq!(
        stack.metric("PaymentsRejected", &[("Reason", "missing_order_id")]),
        1.0
    );
}

/// Stripe refuses for good (403: the platform may not see the account any more) to show a
/// seller's account when its `account.updated` is delivered. No retry can fix that, so the
/// delivery is answered 200 at once (a 503 would have Stripe redeliver it for 3 days), the
/// refusal is counted (`StripeRefusals`, alarmed), and nothing moves: the share stays held and
/// the seller's flags are not touched.
#[tokio::test]
async fn a_permanent_refusal_of_a_read_is_answered_and_counted() {
    let stack = Stack::start().await;
    let erin = stack.seller("usr_erin", false).await;
    let paid = stack
        .control
        .pay("ord_refused", EUR, 2000, &[("usr_erin", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    assert_eq!(
        stack.share("ord_refused", "usr_erin").await.state,
        ShareState::Held
    );

    stack
        .control
        .fault(Fault::new("GET", "/v1/accounts/{id}", "status_403"))
        .await;
    let completed = stack
        .control
        .onboarding(&erin, json!({ "complete": true }))
        .await;
    stack.control.wait_delivered(&completed).await;
    let statuses: Vec<Value> = stack
        .control
        .deliveries(&completed)
        .await
        .iter()
        .map(|d| d["status"].clone())
        .collect();
    assert_eq!(statuses, vec![json!(200)], "answered once, with a 200");
    assert_eq!(stack.control.calls("GET /v1/accounts/{id}").await, 1);
    assert_eq!(
        stack.metric("StripeRefusals", &[("Reason", "invalid_request_error")]),
        1.0
    );
    assert_eq!(
        stack.metric(
            "WebhookEvents",
            &[("EventType", "account.updated"), ("Outcome", "ignored")]
        ),
        1.0
    );

    assert_eq!(
        stack.share("ord_refused", "usr_erin").await.state,
        ShareState::Held
    );
    assert!(stack.control.transfers("ord_refused").await.is_empty());
    let seller = stack
        .deps
        .flows
        .accounts
        .find_by_user("usr_erin")
        .await
        .expect("read seller")
        .expect("seller");
    assert!(!seller.onboarding_completed);
    assert!(!seller.flags.can_receive_transfers());
}
