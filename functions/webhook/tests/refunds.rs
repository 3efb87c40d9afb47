//! `charge.refunded`: proportional reversals that sum exactly to the nets, refunds before the
//! payment event, held shares reduced instead of reversed, refused reversals kept for attention.

use crate::common;

use common::{EUR, Stack};
use payouts::ShareState;
use serde_json::{Value, json};

fn reversed(transfers: &[Value], destination: &str) -> (i64, i64, usize) {
    let t = transfers
        .iter()
        .find(|t| t["destination"] == json!(destination))
        .expect("transfer");
    let reversals = t["reversals"]["data"].as_array().map_or(0, Vec::len);
    (
        t["amount"].as_i64().unwrap_or(0),
        t["amount_reversed"].as_i64().unwrap_or(0),
        reversals,
    )
}

#[tokio::test]
async fn two_partial_refunds_then_a_full_one_reverse_exactly_the_nets() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;
    // 12.5 %: 3000 → net 2625, 7000 → net 6125.
    let paid = stack
        .control
        .pay(
            "ord_ref",
            EUR,
            10_000,
            &[("usr_alice", 3000), ("usr_bob", 7000)],
            true,
        )
        .await;
    stack.control.wait_delivered(&paid.event).await;

    // Cumulative claims floor(net × refunded / received):
    // 2500 → 656 / 1531; 5500 → 1443 / 3368; 10000 → 2625 / 6125.
    let mut events = Vec::new();
    for (amount, alice_claim, bob_claim) in [
        (Some(2500), 656, 1531),
        (Some(3000), 1443, 3368),
        (None, 2625, 6125),
    ] {
        let event = stack.control.refund(&paid.charge, amount, true).await;
        stack.control.wait_delivered(&event).await;
        assert_eq!(
            stack.share("ord_ref", "usr_alice").await.refunded,
            alice_claim
        );
        assert_eq!(stack.share("ord_ref", "usr_bob").await.refunded, bob_claim);
        events.push(event);
    }
    // Redeliveries, including the older events after the full refund, change nothing.
    for event in &events {
        assert_eq!(
            stack.control.deliver(event, 2, 2).await,
            vec![Some(200), Some(200)]
        );
    }
    let transfers = stack.control.transfers("ord_ref").await;
    assert_eq!(reversed(&transfers, &alice), (2625, 2625, 3));
    assert_eq!(reversed(&transfers, &bob), (6125, 6125, 3));
    assert_eq!(stack.control.received(&alice, EUR).await, 0);
    assert_eq!(stack.control.received(&bob, EUR).await, 0);
    assert_eq!(stack.payment("ord_ref").await.refunded_applied, 10_000);
    assert_eq!(stack.metric("ReversalsCreated", &[("Currency", EUR)]), 6.0);
    assert_eq!(stack.metric("ReversedAmount", &[("Currency", EUR)]), 8750.0);
    assert_eq!(stack.metric("Refunds", &[("Currency", EUR)]), 3.0);
    assert_eq!(
        stack.metric("RefundedAmount", &[("Currency", EUR)]),
        10_000.0
    );
}

#[tokio::test]
async fn a_refund_delivered_before_its_payment_runs_the_payment_first() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    // The payment event is recorded but not delivered yet; the refund event arrives first.
    let paid = stack
        .control
        .pay("ord_first", EUR, 4000, &[("usr_alice", 4000)], false)
        .await;
    let refund = stack.control.refund(&paid.charge, Some(1000), true).await;
    stack.control.wait_delivered(&refund).await;
    // Net 3500 transferred, then a quarter of it (875) reversed.
    let transfers = stack.control.transfers("ord_first").await;
    assert_eq!(reversed(&transfers, &alice), (3500, 875, 1));
    // The late payment event finds everything done.
    assert_eq!(
        stack.control.deliver(&paid.event, 1, 1).await,
        vec![Some(200)]
    );
    assert_eq!(stack.control.all_transfers().await.len(), 1);
    let share = stack.share("ord_first", "usr_alice").await;
    assert_eq!(
        (share.state, share.transferred, share.refunded),
        (ShareState::Transferred, 3500, 875)
    );
    assert_eq!(stack.control.received(&alice, EUR).await, 2625);
}

#[tokio::test]
async fn a_held_share_is_reduced_instead_of_reversed() {
    let stack = Stack::start().await;
    let paid = stack
        .control
        .pay(
            "ord_hold",
            EUR,
            8000,
            &[("usr_carol", 4000), ("usr_dave", 4000)],
            true,
        )
        .await;
    stack.control.wait_delivered(&paid.event).await;
    // Half refunded while both are held: 3500 × 4000 / 8000 = 1750 withheld from each.
    let refund = stack.control.refund(&paid.charge, Some(4000), true).await;
    stack.control.wait_delivered(&refund).await;
    for seller in ["usr_carol", "usr_dave"] {
        let share = stack.share("ord_hold", seller).await;
        assert_eq!((share.state, share.refunded), (ShareState::Held, 1750));
    }
    // Carol onboards: only the remaining 1750 is transferred.
    let carol = stack.seller("usr_carol", true).await;
    let transfers = stack.control.transfers("ord_hold").await;
    assert_eq!(reversed(&transfers, &carol), (1750, 0, 0));
    // The rest is refunded: carol's transfer is reversed, dave's held share is void.
    let rest = stack.control.refund(&paid.charge, None, true).await;
    stack.control.wait_delivered(&rest).await;
    let transfers = stack.control.transfers("ord_hold").await;
    assert_eq!(reversed(&transfers, &carol), (1750, 1750, 1));
    let dave = stack.share("ord_hold", "usr_dave").await;
    assert_eq!((dave.state, dave.refunded), (ShareState::Void, 3500));
    // Dave onboarding later releases nothing.
    let dave_account = stack.seller("usr_dave", true).await;
    assert_eq!(stack.control.received(&dave_account, EUR).await, 0);
    assert_eq!(stack.control.all_transfers().await.len(), 1);
}

#[tokio::test]
async fn a_refused_reversal_is_kept_for_attention_and_retried_by_the_next_refund() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let paid = stack
        .control
        .pay("ord_low", EUR, 2000, &[("usr_alice", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    // The charge's funds became available and Alice paid her balance out: a reversal cannot
    // take anything back.
    stack.control.make_available(&paid.charge).await;
    stack.control.set_available(&alice, EUR, 0).await;
    let half = stack.control.refund(&paid.charge, Some(1000), true).await;
    stack.control.wait_delivered(&half).await;
    let share = stack.share("ord_low", "usr_alice").await;
    assert_eq!(share.refunded, 0);
    let note = share.attention.expect("attention");
    assert!(
        note.starts_with("reversal_refused:balance_insufficient"),
        "{note}"
    );
    assert_eq!(
        stack.metric("ReversalsFailed", &[("Reason", "balance_insufficient")]),
        1.0
    );
    // Answered 200 at once: the refund was accounted for, and nothing is retried forever.
    assert!(
        stack
            .control
            .deliveries(&half)
            .await
            .iter()
            .all(|d| d["status"] == json!(200))
    );
    assert_eq!(stack.payment("ord_low").await.refunded_applied, 1000);

    // Money comes back; the full refund reverses everything still owed, in one reversal.
    stack.control.set_available(&alice, EUR, 1750).await;
    let rest = stack.control.refund(&paid.charge, None, true).await;
    stack.control.wait_delivered(&rest).await;
    let transfers = stack.control.transfers("ord_low").await;
    assert_eq!(reversed(&transfers, &alice), (1750, 1750, 1));
    let share = stack.share("ord_low", "usr_alice").await;
    assert_eq!(share.refunded, 1750);
    assert_eq!(stack.control.received(&alice, EUR).await, 0);
    // The retry starts from the same base in the refusal's new key round.
    let keys: Vec<Value> = stack
        .control
        .requests("POST /v1/transfers/{id}/reversals")
        .await
        .iter()
        .map(|r| r["idempotency_key"].clone())
        .collect();
    assert_eq!(
        keys,
        [
            "veza-trr:ord_low:usr_alice:0",
            "veza-trr:ord_low:usr_alice:0:r1"
        ]
    );
}
