//! A payment on the in-memory adapters and the Stripe double: one transfer per payable share with
//! the documented fee and rounding, held shares for sellers who cannot be paid yet, rejected
//! payments, and 20 concurrent deliveries that still pay once. The webhook's slow suites
//! (`functions/webhook/tests/payment.rs`, `duplicates.rs`) prove the same on DynamoDB and the
//! local Stripe server.

use crate::support;

use payout_flows::{Handled, Outcome};
use payouts::memory::stripe::Op;
use payouts::{PaymentStatus, ShareState};
use support::{EUR, Flows};

#[tokio::test]
async fn each_payable_seller_gets_one_transfer_of_their_net_and_the_others_are_held() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    let bob = flows.seller("usr_bob", true).await;
    // Carol has no account yet: her share waits.
    let shares = [("usr_alice", 3333), ("usr_bob", 6667), ("usr_carol", 500)];
    let paid = flows.stripe.pay("ord_two", EUR, 11_000, &shares);
    assert_eq!(
        flows.delivered(&paid.event).await,
        Handled::Now(Outcome::Processed)
    );

    // 12.5 %, half up: 3333 → fee 417 (416.625), net 2916; 6667 → fee 833 (833.375), net 5834.
    let transfers = flows.stripe.transfers("ord_two");
    let made: Vec<(&str, i64)> = transfers
        .iter()
        .map(|t| (t.destination.as_str(), t.amount))
        .collect();
    assert_eq!(made, [(alice.as_str(), 2916), (bob.as_str(), 5834)]);
    for t in &transfers {
        assert_eq!(
            (t.source_transaction.as_str(), t.currency.as_str()),
            (paid.charge.as_str(), EUR)
        );
    }
    for (seller, gross, fee, net) in [("usr_alice", 3333, 417, 2916), ("usr_bob", 6667, 833, 5834)]
    {
        let share = flows.share("ord_two", seller).await;
        assert_eq!((share.gross, share.fee, share.net), (gross, fee, net));
        assert_eq!(
            (share.state, share.transferred),
            (ShareState::Transferred, net)
        );
        assert_eq!(
            share.transfer_id.as_deref(),
            transfers
                .iter()
                .find(|t| t.amount == net)
                .map(|t| t.id.as_str())
        );
    }
    let carol = flows.share("ord_two", "usr_carol").await;
    assert_eq!((carol.state, carol.transfer_id), (ShareState::Held, None));
    assert_eq!(
        flows.payment("ord_two").await.status,
        PaymentStatus::Accepted
    );
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 2);
    assert_eq!(
        flows.stripe.calls(Op::ChargeSettlement),
        1,
        "read once per order"
    );
    assert_eq!(flows.metric("TransfersCreated", &[("Currency", EUR)]), 2.0);
    assert_eq!(flows.metric("SharesHeld", &[("Currency", EUR)]), 1.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_payment_event_20_times_at_once_and_in_a_row_pays_once() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    let bob = flows.seller("usr_bob", true).await;
    let shares = [("usr_alice", 4000), ("usr_bob", 6000)];
    let paid = flows.stripe.pay("ord_dup", EUR, 10_000, &shares);

    let answers = flows.deliver_at_once(&paid.event, 20).await;
    // Handled, or retried later by Stripe after losing too many races (a 503).
    assert!(answers.iter().any(Result::is_ok), "{answers:?}");
    for _ in 0..20 {
        flows.delivered(&paid.event).await;
    }
    // 12.5 %: 4000 → 3500, 6000 → 5250.
    let transfers = flows.stripe.all_transfers();
    assert_eq!(transfers.len(), 2, "{transfers:?}");
    assert_eq!(flows.stripe.net_paid("ord_dup", &alice), 3500);
    assert_eq!(flows.stripe.net_paid("ord_dup", &bob), 5250);
    assert_eq!(flows.stripe.received(&alice, EUR), 3500);
    for seller in ["usr_alice", "usr_bob"] {
        assert_eq!(
            flows.share("ord_dup", seller).await.state,
            ShareState::Transferred
        );
    }
    let duplicates = [
        ("EventType", "payment_intent.succeeded"),
        ("Outcome", "duplicate"),
    ];
    assert!(flows.metric("WebhookEvents", &duplicates) >= 20.0);
}

#[tokio::test]
async fn malformed_or_second_payments_are_recorded_as_rejected_and_never_paid() {
    let flows = Flows::new();
    flows.seller("usr_alice", true).await;
    let cases = [
        (
            "ord_noshares",
            vec![("veza_order_id", "ord_noshares")],
            "missing_shares",
        ),
        (
            "ord_over",
            vec![
                ("veza_order_id", "ord_over"),
                ("veza_shares", "usr_alice:1001"),
            ],
            "amount_exceeds_received",
        ),
        (
            "ord_bad",
            vec![("veza_order_id", "ord_bad"), ("veza_shares", "usr_alice")],
            "malformed_share",
        ),
    ];
    for (order, metadata, reason) in cases {
        let paid = flows.stripe.pay_with_metadata(EUR, 1000, &metadata);
        assert_eq!(
            flows.delivered(&paid.event).await,
            Handled::Now(Outcome::Rejected)
        );
        let status = flows.payment(order).await.status;
        assert!(
            matches!(&status, PaymentStatus::Rejected { reason: r, .. } if r == reason),
            "{order}: {status:?}"
        );
        assert_eq!(flows.metric("PaymentsRejected", &[("Reason", reason)]), 1.0);
    }
    // Not a marketplace payment at all: ignored, nothing stored.
    let other = flows
        .stripe
        .pay_with_metadata(EUR, 1000, &[("subscription", "sub_1")]);
    let ignored = flows.delivered(&other.event).await;
    assert_eq!(ignored, Handled::Now(Outcome::Ignored("not_marketplace")));

    let first = flows
        .stripe
        .pay("ord_twice", EUR, 1000, &[("usr_alice", 1000)]);
    flows.delivered(&first.event).await;
    let second = flows
        .stripe
        .pay("ord_twice", EUR, 1000, &[("usr_alice", 1000)]);
    assert_eq!(
        flows.delivered(&second.event).await,
        Handled::Now(Outcome::Rejected)
    );
    assert_eq!(
        flows.payment("ord_twice").await.payment_intent_id,
        first.payment_intent
    );
    assert_eq!(flows.stripe.all_transfers().len(), 1);
    assert_eq!(
        flows.metric("PaymentsRejected", &[("Reason", "duplicate_order")]),
        1.0
    );
}

#[tokio::test]
async fn a_refund_delivered_before_its_payment_runs_the_payment_first() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_first", EUR, 4000, &[("usr_alice", 4000)]);
    let refund = flows.stripe.refund(&paid.charge, Some(1000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    assert_eq!(flows.stripe.calls(Op::RetrievePayment), 1);
    // Net 3500 transferred, then a quarter of it (875) reversed.
    let transfers = flows.stripe.transfers("ord_first");
    assert_eq!(
        (transfers.len(), transfers[0].amount, transfers[0].reversed),
        (1, 3500, 875)
    );
    // The late payment event finds everything done.
    flows.delivered(&paid.event).await;
    assert_eq!(flows.stripe.all_transfers().len(), 1);
    let share = flows.share("ord_first", "usr_alice").await;
    assert_eq!(
        (share.state, share.transferred, share.refunded),
        (ShareState::Transferred, 3500, 875)
    );
    assert_eq!(flows.stripe.received(&alice, EUR), 2625);
}

#[tokio::test]
async fn a_charge_settled_in_another_currency_pays_out_in_it() {
    let flows = Flows::new();
    let (alice, bob) = (
        flows.seller("usr_alice", true).await,
        flows.seller("usr_bob", true).await,
    );
    flows.stripe.settle_in(EUR, &[("usd", 0.9173)]);
    let paid = flows
        .stripe
        .pay("ord_fx", "usd", 10_000, &support::WORKED_EXAMPLE);
    flows.delivered(&paid.event).await;
    // floor(2625 × 9173 / 10000) = 2407, floor(6125 × 9173 / 10000) = 5618, in euros.
    let transfers = flows.stripe.transfers("ord_fx");
    let made: Vec<(&str, i64, &str)> = transfers
        .iter()
        .map(|t| (t.destination.as_str(), t.amount, t.currency.as_str()))
        .collect();
    assert_eq!(
        made,
        [(alice.as_str(), 2407, EUR), (bob.as_str(), 5618, EUR)]
    );
    // A fifth refunded takes a fifth of each converted net.
    let refund = flows.stripe.refund(&paid.charge, Some(2000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    assert_eq!(flows.stripe.net_paid("ord_fx", &alice), 2407 - 481);
    assert_eq!(flows.stripe.net_paid("ord_fx", &bob), 5618 - 1123);
}
