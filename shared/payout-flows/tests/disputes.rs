//! Disputes: with `reverse` each seller gives back their part of the disputed amount (never more
//! than refunds left them), a won dispute repays it by a new transfer, a lost one keeps it; with
//! `absorb` nothing moves. Slow twin: `functions/webhook/tests/disputes.rs`.

use crate::support;

use payouts::claims::{DisputePolicy, DisputeStage};
use support::{EUR, Flows};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dispute_after_a_partial_refund_takes_back_the_rest_and_a_win_repays_it() {
    let flows = Flows::new();
    let (alice, bob, paid) = flows.paid_order("ord_disp").await;
    let refund = flows.stripe.refund(&paid.charge, Some(2000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    // The buyer disputes the other 8000: floor(2625 × 0.8) = 2100, floor(6125 × 0.8) = 4900.
    let dispute = flows.stripe.dispute(&paid.charge, None);
    for event in &dispute.events {
        flows.delivered(event).await;
    }
    assert_eq!(
        (
            flows.stripe.net_paid("ord_disp", &alice),
            flows.stripe.net_paid("ord_disp", &bob)
        ),
        (0, 0)
    );
    let share = flows.share("ord_disp", "usr_alice").await;
    assert_eq!(
        (share.refunded, share.dispute),
        (2625, Some(DisputeStage::Withdrawn))
    );

    // Won: what the dispute took is paid again by a new transfer; the refund's part stays taken.
    let won = flows.stripe.close_dispute(&dispute.id, true);
    for event in &won {
        flows.delivered(event).await;
    }
    assert_eq!(flows.stripe.net_paid("ord_disp", &alice), 2100);
    assert_eq!(flows.stripe.net_paid("ord_disp", &bob), 4900);
    assert_eq!(
        flows.stripe.transfers("ord_disp").len(),
        4,
        "one repayment per seller"
    );
    // Every event again, twice at once: nothing more moves.
    for event in dispute
        .events
        .iter()
        .chain(&won)
        .chain([&refund.charge_refunded])
    {
        flows.deliver_at_once(event, 2).await;
    }
    assert_eq!(flows.stripe.transfers("ord_disp").len(), 4);
    let share = flows.share("ord_disp", "usr_bob").await;
    assert_eq!(
        (share.refunded, share.repaid, share.taken()),
        (6125, 4900, 1225)
    );
    assert_eq!(share.dispute, Some(DisputeStage::Reinstated));
    assert_eq!(flows.metric("RepaidAmount", &[("Currency", EUR)]), 7000.0);
}

#[tokio::test]
async fn a_lost_dispute_keeps_what_it_took() {
    let flows = Flows::new();
    let (alice, _, paid) = flows.paid_order("ord_lost").await;
    let dispute = flows.stripe.dispute(&paid.charge, Some(4000));
    for event in dispute
        .events
        .iter()
        .chain(&flows.stripe.close_dispute(&dispute.id, false))
    {
        flows.delivered(event).await;
    }
    // floor(2625 × 4000 / 10000) = 1050 taken, nothing repaid.
    assert_eq!(flows.stripe.net_paid("ord_lost", &alice), 1575);
    assert_eq!(flows.stripe.transfers("ord_lost").len(), 2);
    let share = flows.share("ord_lost", "usr_alice").await;
    assert_eq!(
        (share.dispute, share.taken()),
        (Some(DisputeStage::Lost), 1050)
    );
}

#[tokio::test]
async fn absorb_takes_nothing_from_sellers() {
    let flows = Flows::with(DisputePolicy::Absorb);
    let (alice, bob, paid) = flows.paid_order("ord_absorb").await;
    for event in flows.stripe.dispute(&paid.charge, None).events {
        flows.delivered(&event).await;
    }
    assert_eq!(flows.stripe.net_paid("ord_absorb", &alice), 2625);
    assert_eq!(flows.stripe.net_paid("ord_absorb", &bob), 6125);
    let payment = flows.payment("ord_absorb").await;
    let recorded = payment.events.disputes.values().next().expect("a dispute");
    assert_eq!(recorded.policy, DisputePolicy::Absorb);
}
