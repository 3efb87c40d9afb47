//! Refunds: proportional reversals that sum exactly to the nets, a refused reversal kept for
//! attention and retried under a new key round, a failed refund repaid once, refunds naming their
//! sellers. Slow twins: `functions/webhook/tests/refunds.rs`, `failed_refunds.rs`.

use crate::support;

use payouts::ShareState;
use support::{EUR, Flows};

#[tokio::test]
async fn partial_refunds_then_the_rest_reverse_exactly_the_nets_in_proportion() {
    let flows = Flows::new();
    let (alice, bob, paid) = flows.paid_order("ord_ref").await;
    // Cumulative claims floor(net × refunded / received), 2625 and 6125 the nets:
    // 2500 → 656 / 1531; 5500 → 1443 / 3368; 10000 → 2625 / 6125.
    let mut events = Vec::new();
    for (amount, alice_claim, bob_claim) in [
        (Some(2500), 656, 1531),
        (Some(3000), 1443, 3368),
        (None, 2625, 6125),
    ] {
        let refund = flows.stripe.refund(&paid.charge, amount, &[]);
        flows.delivered(&refund.charge_refunded).await;
        assert_eq!(
            flows.share("ord_ref", "usr_alice").await.refunded,
            alice_claim
        );
        assert_eq!(flows.share("ord_ref", "usr_bob").await.refunded, bob_claim);
        events.extend([refund.charge_refunded, refund.refund_created]);
    }
    // Every event again, the older ones after the full refund included: nothing moves.
    for event in &events {
        flows.delivered(event).await;
    }
    for (account, net) in [(&alice, 2625), (&bob, 6125)] {
        let transfer = flows
            .stripe
            .transfers("ord_ref")
            .into_iter()
            .find(|t| &t.destination == account);
        let transfer = transfer.expect("a transfer");
        assert_eq!(
            (
                transfer.amount,
                transfer.reversed,
                transfer.reversal_keys.len()
            ),
            (net, net, 3)
        );
        assert_eq!(flows.stripe.received(account, EUR), 0);
    }
    assert_eq!(flows.payment("ord_ref").await.refunded_applied, 10_000);
    assert_eq!(flows.metric("ReversedAmount", &[("Currency", EUR)]), 8750.0);
}

#[tokio::test]
async fn a_refused_reversal_is_kept_for_attention_and_retried_by_the_next_refund() {
    let flows = Flows::new();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_low", EUR, 2000, &[("usr_alice", 2000)]);
    flows.delivered(&paid.event).await;
    // The charge's funds became available and Alice paid her balance out.
    flows.stripe.make_available(&paid.charge);
    flows.stripe.set_available(&alice, EUR, 0);
    let half = flows.stripe.refund(&paid.charge, Some(1000), &[]);
    flows.delivered(&half.charge_refunded).await;
    let share = flows.share("ord_low", "usr_alice").await;
    assert_eq!(share.refunded, 0);
    let note = share.attention.expect("attention");
    assert!(
        note.starts_with("reversal_refused:balance_insufficient"),
        "{note}"
    );
    let reason = [("Reason", "balance_insufficient")];
    assert_eq!(flows.metric("ReversalsFailed", &reason), 1.0);
    assert_eq!(flows.payment("ord_low").await.refunded_applied, 1000);

    // Money comes back; the full refund reverses everything still owed, in one reversal, from
    // the same base in the refusal's new key round.
    flows.stripe.set_available(&alice, EUR, 1750);
    let rest = flows.stripe.refund(&paid.charge, None, &[]);
    flows.delivered(&rest.charge_refunded).await;
    let transfer = &flows.stripe.transfers("ord_low")[0];
    assert_eq!((transfer.amount, transfer.reversed), (1750, 1750));
    assert_eq!(transfer.reversal_keys, ["veza-trr:ord_low:usr_alice:0:r1"]);
    let share = flows.share("ord_low", "usr_alice").await;
    assert_eq!((share.refunded, share.attention), (1750, None));
    assert_eq!(flows.stripe.available(&alice, EUR), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failed_refund_is_repaid_once_and_a_later_refund_reversed_again() {
    let flows = Flows::new();
    let (alice, bob, paid) = flows.paid_order("ord_fail").await;
    // Refund 4000: floor(2625 × 0.4) = 1050, floor(6125 × 0.4) = 2450 reversed.
    let refund = flows.stripe.refund(&paid.charge, Some(4000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    let held = |flows: &Flows| {
        (
            flows.stripe.net_paid("ord_fail", &alice),
            flows.stripe.net_paid("ord_fail", &bob),
        )
    };
    assert_eq!(held(&flows), (1575, 3675));

    // It fails: the money is back on the platform, each seller is repaid by a new transfer.
    let failed = flows.stripe.fail_refund(&refund.id);
    for event in &failed {
        flows.delivered(event).await;
    }
    assert_eq!(held(&flows), (2625, 6125));
    assert_eq!(
        flows.stripe.transfers("ord_fail").len(),
        4,
        "one repayment per seller"
    );
    assert_eq!(flows.payment("ord_fail").await.refunded_applied, 0);
    // Every event of the refund again, three at once: nothing moves.
    for event in failed
        .iter()
        .chain([&refund.charge_refunded, &refund.refund_created])
    {
        flows.deliver_at_once(event, 3).await;
        flows.delivered(event).await;
    }
    assert_eq!(flows.stripe.transfers("ord_fail").len(), 4);

    // A new refund of the same amount is reversed again.
    let again = flows.stripe.refund(&paid.charge, Some(4000), &[]);
    flows.delivered(&again.charge_refunded).await;
    assert_eq!(held(&flows), (1575, 3675));
    let share = flows.share("ord_fail", "usr_bob").await;
    assert_eq!(
        (share.refunded, share.repaid, share.taken()),
        (4900, 2450, 2450)
    );
    assert_eq!(flows.metric("RepaidAmount", &[("Currency", EUR)]), 3500.0);
}

#[tokio::test]
async fn a_refund_naming_a_seller_takes_back_only_theirs_and_a_platform_refund_nothing() {
    let flows = Flows::new();
    let (alice, bob, paid) = flows.paid_order("ord_named").await;
    // Alice's item, gross 1500: floor(2625 × 1500 / 3000) = 1312.
    let named = [("veza_refund_shares", "usr_alice:1500")];
    let refund = flows.stripe.refund(&paid.charge, Some(1500), &named);
    flows.delivered(&refund.refund_created).await;
    let shipping = flows.stripe.refund(
        &paid.charge,
        Some(500),
        &[("veza_refund_scope", "platform")],
    );
    flows.delivered(&shipping.refund_created).await;
    assert_eq!(flows.stripe.net_paid("ord_named", &alice), 2625 - 1312);
    assert_eq!(flows.stripe.net_paid("ord_named", &bob), 6125);
    assert_eq!(flows.payment("ord_named").await.refunded_applied, 2000);
}

#[tokio::test]
async fn a_held_share_is_reduced_instead_of_reversed() {
    let flows = Flows::new();
    let paid = flows.stripe.pay(
        "ord_hold",
        EUR,
        8000,
        &[("usr_carol", 4000), ("usr_dave", 4000)],
    );
    flows.delivered(&paid.event).await;
    // Half refunded while both are held: 3500 × 4000 / 8000 = 1750 withheld from each.
    let refund = flows.stripe.refund(&paid.charge, Some(4000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    for seller in ["usr_carol", "usr_dave"] {
        let share = flows.share("ord_hold", seller).await;
        assert_eq!((share.state, share.refunded), (ShareState::Held, 1750));
    }
    // Carol onboards: only the remaining 1750 is transferred.
    let carol = flows.seller("usr_carol", true).await;
    assert_eq!(flows.stripe.net_paid("ord_hold", &carol), 1750);
    let rest = flows.stripe.refund(&paid.charge, None, &[]);
    flows.delivered(&rest.charge_refunded).await;
    assert_eq!(flows.stripe.net_paid("ord_hold", &carol), 0);
    let dave = flows.share("ord_hold", "usr_dave").await;
    assert_eq!((dave.state, dave.refunded), (ShareState::Void, 3500));
}
