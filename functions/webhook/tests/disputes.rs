//! `charge.dispute.*`: the README's worked examples. With `reverse` (the default) each seller
//! gives back their share of the disputed amount (never more than refunds left them), a won
//! dispute repays it by a new transfer, a lost one keeps it; with `absorb` nothing moves.

use crate::common;

use common::{EUR, Options, Stack, delivered, net_paid, paid_order};
use payouts::ShareState;
use payouts::claims::{DisputePolicy, DisputeStage};

#[tokio::test]
async fn a_dispute_after_a_partial_refund_takes_back_the_rest_and_a_win_repays_it() {
    let stack = Stack::start().await;
    let (alice, bob, paid) = paid_order(&stack, "ord_disp").await;
    // Refund 2000: 525 / 1225 reversed.
    let refund = stack.control.refund(&paid.charge, Some(2000), true).await;
    stack.control.wait_delivered(&refund).await;
    // The buyer disputes the other 8000: floor(2625 × 8000 / 10000) = 2100, 6125 → 4900.
    let dispute = stack.control.dispute(&paid.charge, None, true).await;
    delivered(&stack, &dispute.events).await;
    let transfers = stack.control.transfers("ord_disp").await;
    assert_eq!(net_paid(&transfers, &alice), 0);
    assert_eq!(net_paid(&transfers, &bob), 0);
    let share = stack.share("ord_disp", "usr_alice").await;
    assert_eq!((share.refunded, share.repaid), (2625, 0));
    assert_eq!(share.dispute, Some(DisputeStage::Withdrawn));

    // Won: what the dispute took is paid again by a new transfer; the refund's part stays.
    let won = stack.control.close_dispute(&dispute.id, "won", true).await;
    delivered(&stack, &won).await;
    let transfers = stack.control.transfers("ord_disp").await;
    assert_eq!(net_paid(&transfers, &alice), 2100);
    assert_eq!(net_paid(&transfers, &bob), 4900);
    assert_eq!(transfers.len(), 4, "one repayment per seller");
    let share = stack.share("ord_disp", "usr_bob").await;
    assert_eq!(
        (share.refunded, share.repaid, share.taken()),
        (6125, 4900, 1225)
    );
    assert_eq!(share.dispute, Some(DisputeStage::Reinstated));
    assert!(share.attention.is_none());

    // Every event again, twice at once: nothing more moves.
    for e in dispute.events.iter().chain(&won).chain([&refund]) {
        let statuses = stack.control.deliver(e, 2, 2).await;
        assert_eq!(statuses, vec![Some(200), Some(200)]);
    }
    assert_eq!(stack.control.transfers("ord_disp").await.len(), 4);
    assert_eq!(stack.metric("RepaysCreated", &[("Currency", EUR)]), 2.0);
    assert_eq!(stack.metric("RepaidAmount", &[("Currency", EUR)]), 7000.0);
    assert_eq!(
        stack.metric("Disputes", &[("Stage", "withdrawn")]),
        1.0,
        "counted once"
    );
    assert_eq!(stack.metric("Disputes", &[("Stage", "reinstated")]), 1.0);
}

#[tokio::test]
async fn a_lost_dispute_keeps_what_it_took_and_the_share_says_so() {
    let stack = Stack::start().await;
    let (alice, _, paid) = paid_order(&stack, "ord_lost").await;
    let dispute = stack.control.dispute(&paid.charge, Some(4000), true).await;
    delivered(&stack, &dispute.events).await;
    // floor(2625 × 4000 / 10000) = 1050.
    assert_eq!(
        net_paid(&stack.control.transfers("ord_lost").await, &alice),
        1575
    );
    let lost = stack.control.close_dispute(&dispute.id, "lost", true).await;
    delivered(&stack, &lost).await;
    let transfers = stack.control.transfers("ord_lost").await;
    assert_eq!(net_paid(&transfers, &alice), 1575);
    assert_eq!(transfers.len(), 2, "no repayment");
    let share = stack.share("ord_lost", "usr_alice").await;
    assert_eq!(share.dispute, Some(DisputeStage::Lost));
    assert_eq!(share.taken(), 1050);
}

#[tokio::test]
async fn absorb_takes_nothing_from_sellers() {
    let stack = Stack::with(Options {
        dispute_policy: DisputePolicy::Absorb,
        ..Options::default()
    })
    .await;
    let (alice, bob, paid) = paid_order(&stack, "ord_absorb").await;
    let dispute = stack.control.dispute(&paid.charge, None, true).await;
    delivered(&stack, &dispute.events).await;
    let transfers = stack.control.transfers("ord_absorb").await;
    assert_eq!(net_paid(&transfers, &alice), 2625);
    assert_eq!(net_paid(&transfers, &bob), 6125);
    let payment = stack.payment("ord_absorb").await;
    let recorded = payment.events.disputes.values().next().expect("dispute");
    assert_eq!(recorded.policy, DisputePolicy::Absorb);
    assert_eq!(
        stack.share("ord_absorb", "usr_bob").await.dispute,
        Some(DisputeStage::Withdrawn)
    );
}

#[tokio::test]
async fn a_held_share_is_reduced_by_a_dispute_and_restored_when_it_is_won() {
    let stack = Stack::start().await;
    // usr_carol has no account: her share is held.
    let paid = stack
        .control
        .pay("ord_held", EUR, 4000, &[("usr_carol", 4000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    let dispute = stack.control.dispute(&paid.charge, None, true).await;
    delivered(&stack, &dispute.events).await;
    let share = stack.share("ord_held", "usr_carol").await;
    assert_eq!((share.state, share.refunded), (ShareState::Void, 3500));
    let won = stack.control.close_dispute(&dispute.id, "won", true).await;
    delivered(&stack, &won).await;
    let share = stack.share("ord_held", "usr_carol").await;
    assert_eq!((share.state, share.refunded), (ShareState::Held, 0));
    assert!(stack.control.transfers("ord_held").await.is_empty());
}
