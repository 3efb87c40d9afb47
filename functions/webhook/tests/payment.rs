//! `payment_intent.succeeded` delivered by the local Stripe server: transfers with the right
//! amounts, fee and rounding; malformed payments recorded as rejected; unknown events ignored.

use crate::common;

use common::{EUR, Stack, by_destination, sign};
use payouts::{PaymentStatus, ShareState};
use serde_json::json;

#[tokio::test]
async fn two_sellers_are_paid_their_nets_with_the_documented_rounding() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;

    // 10 500 received: 10 000 of items, 500 of shipping that stays with the platform.
    let paid = stack
        .control
        .pay(
            "ord_two",
            EUR,
            10_500,
            &[("usr_alice", 3333), ("usr_bob", 6667)],
            true,
        )
        .await;
    stack.control.wait_delivered(&paid.event).await;

    // 12.5 %, half up: 3333 → fee 417 (416.625), net 2916; 6667 → fee 833 (833.375), net 5834.
    let transfers = stack.control.transfers("ord_two").await;
    assert_eq!(by_destination(&transfers), {
        let mut v = vec![(alice.clone(), 2916), (bob.clone(), 5834)];
        v.sort();
        v
    });
    for t in &transfers {
        assert_eq!(t["source_transaction"], json!(paid.charge));
        assert_eq!(t["transfer_group"], json!("ord_two"));
        assert_eq!(t["currency"], json!(EUR));
    }
    assert_eq!(stack.control.received(&alice, EUR).await, 2916);
    assert_eq!(stack.control.received(&bob, EUR).await, 5834);

    for (seller, gross, fee, net) in [("usr_alice", 3333, 417, 2916), ("usr_bob", 6667, 833, 5834)]
    {
        let share = stack.share("ord_two", seller).await;
        assert_eq!((share.gross, share.fee, share.net), (gross, fee, net));
        assert_eq!(share.state, ShareState::Transferred);
        assert_eq!(share.transferred, net);
        assert_eq!(share.transfer_attempts, 1);
        let id = share.transfer_id.expect("transfer id");
        assert!(transfers.iter().any(|t| t["id"] == json!(id)));
    }
    let payment = stack.payment("ord_two").await;
    assert_eq!(payment.status, PaymentStatus::Accepted);
    assert_eq!(
        (payment.amount_received, payment.charge_id.as_deref()),
        (10_500, Some(paid.charge.as_str()))
    );

    assert_eq!(stack.metric("OrdersPaid", &[("Currency", EUR)]), 1.0);
    assert_eq!(stack.metric("TransfersCreated", &[("Currency", EUR)]), 2.0);
    assert_eq!(
        stack.metric("TransferredAmount", &[("Currency", EUR)]),
        8750.0
    );
    let processed = [
        ("EventType", "payment_intent.succeeded"),
        ("Outcome", "processed"),
    ];
    assert_eq!(stack.metric("WebhookEvents", &processed), 1.0);
}

#[tokio::test]
async fn malformed_metadata_is_recorded_as_rejected_and_answered_200() {
    let stack = Stack::start().await;
    stack.seller("usr_alice", true).await;
    let cases = [
        (
            "ord_noshares",
            json!({ "veza_order_id": "ord_noshares" }),
            EUR,
            1000,
            "missing_shares",
        ),
        (
            "ord_over",
            json!({ "veza_order_id": "ord_over", "veza_shares": "usr_alice:1001" }),
            EUR,
            1000,
            "amount_exceeds_received",
        ),
        (
            "ord_xxx",
            json!({ "veza_order_id": "ord_xxx", "veza_shares": "usr_alice:100" }),
            "xxx",
            1000,
            "unknown_currency",
        ),
        (
            "ord_badshare",
            json!({ "veza_order_id": "ord_badshare", "veza_shares": "usr_alice" }),
            EUR,
            1000,
            "malformed_share",
        ),
    ];
    for (order, metadata, currency, amount, reason) in cases {
        let paid = stack
            .control
            .pay_with_metadata(currency, amount, metadata, true)
            .await;
        stack.control.wait_delivered(&paid.event).await;
        let payment = stack.payment(order).await;
        assert!(
            matches!(&payment.status, PaymentStatus::Rejected { reason: r, .. } if r == reason),
            "{order}: {:?}",
            payment.status
        );
        assert!(
            stack
                .deps
                .flows
                .ledger
                .shares_of_order(order)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            stack.metric("PaymentsRejected", &[("Reason", reason)]),
            1.0,
            "{reason}"
        );
    }
    // No order id at all: recorded under the PaymentIntent id.
    let paid = stack
        .control
        .pay_with_metadata(EUR, 500, json!({ "veza_shares": "usr_alice:100" }), true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    let payment = stack.payment(&paid.payment_intent).await;
    assert!(
        matches!(payment.status, PaymentStatus::Rejected { ref reason, .. } if reason == "missing_order_id")
    );

    assert!(stack.control.all_transfers().await.is_empty());
    assert_eq!(stack.control.calls("POST /v1/transfers").await, 0);
    let rejected = [
        ("EventType", "payment_intent.succeeded"),
        ("Outcome", "rejected"),
    ];
    assert_eq!(stack.metric("WebhookEvents", &rejected), 5.0);
    // Every delivery was answered 200 on the first attempt: Stripe does not retry these.
    for d in stack.control.deliveries(&paid.event).await {
        assert_eq!(d["status"], json!(200));
    }
}

#[tokio::test]
async fn a_second_payment_for_a_paid_order_is_not_paid_out_again() {
    let stack = Stack::start().await;
    stack.seller("usr_alice", true).await;
    let first = stack
        .control
        .pay("ord_twice", EUR, 1000, &[("usr_alice", 1000)], true)
        .await;
    stack.control.wait_delivered(&first.event).await;
    let second = stack
        .control
        .pay("ord_twice", EUR, 1000, &[("usr_alice", 1000)], true)
        .await;
    stack.control.wait_delivered(&second.event).await;
    assert_eq!(stack.control.transfers("ord_twice").await.len(), 1);
    assert_eq!(
        stack.payment("ord_twice").await.payment_intent_id,
        first.payment_intent
    );
    assert_eq!(
        stack.metric("PaymentsRejected", &[("Reason", "duplicate_order")]),
        1.0
    );
}

#[tokio::test]
async fn unknown_event_types_are_ignored_with_200_and_counted() {
    let stack = Stack::start().await;
    // One type async-stripe does not know, one it knows but we do not handle (with an object it
    // cannot read: still ignored, never a 400 that Stripe would retry for days).
    for (id, kind) in [
        ("evt_unknown_1", "v9.future.event"),
        ("evt_unknown_2", "customer.created"),
    ] {
        let body = json!({
            "id": id, "object": "event", "api_version": "2026-09-30.endive",
            "created": payouts::clock::unix_now(), "livemode": false, "pending_webhooks": 1,
            "request": { "id": null, "idempotency_key": null },
            "type": kind,
            "data": { "object": { "id": "x_1", "object": "thing" } }
        })
        .to_string();
        let sig = sign(&body, common::PLATFORM_SECRET, payouts::clock::unix_now());
        let (status, reply) = stack
            .post(
                webhook::PLATFORM_ROUTE.template,
                Some(&sig),
                body.into_bytes(),
            )
            .await;
        assert_eq!(
            (status, reply),
            (200, json!({ "received": true })),
            "{kind}"
        );
        let ignored = [("EventType", kind), ("Outcome", "ignored")];
        assert_eq!(stack.metric("WebhookEvents", &ignored), 1.0, "{kind}");
    }
    // Nothing stored, not even the de-dup marker (a later resend is looked at again).
    assert_eq!(
        common::ledger::item_counts(&stack.dynamo.client, &stack.tables).await,
        [0, 0, 0]
    );
}
