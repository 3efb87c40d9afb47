//! Re-drive against the real parts: every share a delivery left unfinished (a failed or lost
//! transfer, a held share of a seller who can now be paid, a refused reversal, a seller whose
//! onboarding finished unseen) is finished by one reconcile run, exactly once.

use crate::common;
use crate::support;

use common::{EUR, Options, Stack};
use harness::stripe::Fault;
use payouts::ShareState;
use serde_json::json;
use support::{metric, reconciler, run};

/// A release whose transfer failed, with Stripe's redeliveries exhausted (webhooks paused after
/// the failure), and a held share of a seller whose payouts Stripe re-enabled while the Connect
/// endpoint was down (onboarded long ago, then restricted): the reconciler settles the first, and
/// re-reads the second's seller from Stripe because of the held share.
#[tokio::test]
async fn stranded_pending_and_held_shares_are_finished() {
    let stack = Stack::with(Options::faults()).await;
    let carol = stack.seller("usr_carol", false).await;
    let dave = stack.seller("usr_dave", true).await;
    let restricted = stack
        .control
        .onboarding(&dave, json!({ "payouts_enabled": false }))
        .await;
    stack.control.wait_delivered(&restricted).await;
    let paid = stack
        .control
        .pay(
            "ord_strand",
            EUR,
            6000,
            &[("usr_carol", 3000), ("usr_dave", 3000)],
            true,
        )
        .await;
    stack.control.wait_delivered(&paid.event).await;

    // Carol's release fails at Stripe and is never redelivered.
    stack
        .control
        .fault(Fault::new("POST", "/v1/transfers", "status_500"))
        .await;
    stack.control.pause_webhooks().await;
    let carol_done = stack
        .control
        .onboarding(&carol, json!({ "complete": true }))
        .await;
    stack.control.resume_webhooks().await;
    assert_eq!(
        stack.control.deliver(&carol_done, 1, 1).await,
        vec![Some(503)]
    );
    stack.control.pause_webhooks().await;
    assert_eq!(
        stack.share("ord_strand", "usr_carol").await.state,
        ShareState::Pending
    );
    // Stripe re-enables Dave's payouts; the event is never delivered.
    stack
        .control
        .onboarding(&dave, json!({ "payouts_enabled": true }))
        .await;
    assert_eq!(
        stack.share("ord_strand", "usr_dave").await.state,
        ShareState::Held
    );

    let (deps, sink) = reconciler(&stack, 100, 100);
    let report = run(&deps).await;
    assert_eq!(
        report.redrive.outcomes.get("settled"),
        Some(&1),
        "{report:?}"
    );
    assert_eq!(
        report.redrive.outcomes.get("released"),
        Some(&1),
        "{report:?}"
    );
    assert_eq!(
        report.onboarding_synced, 0,
        "both completed onboarding once"
    );
    for (seller, account) in [("usr_carol", &carol), ("usr_dave", &dave)] {
        assert_eq!(
            stack.share("ord_strand", seller).await.state,
            ShareState::Transferred
        );
        assert_eq!(stack.control.received(account, EUR).await, 2625);
    }
    assert_eq!(stack.control.transfers("ord_strand").await.len(), 2);
    assert_eq!(metric(&sink, "StuckShares", &[]), 0.0);

    let again = run(&deps).await;
    assert!(again.redrive.outcomes.is_empty(), "{again:?}");
    assert_eq!(stack.control.transfers("ord_strand").await.len(), 2);
}

/// A seller's release interrupted at every step at once: one transfer fails at Stripe, the
/// ledger write after another transfer is lost (the process died), and Stripe never redelivers
/// (the endpoint went down after the first attempt). One reconcile run finishes every share,
/// adopting the transfer whose write was lost instead of making a second one.
#[tokio::test]
async fn a_release_interrupted_at_every_step_ends_with_one_transfer_per_share() {
    let stack = Stack::with(Options::faults()).await;
    let erin = stack.seller("usr_erin", false).await;
    for i in 0..3 {
        let paid = stack
            .control
            .pay(
                &format!("ord_cut{i}"),
                EUR,
                2000,
                &[("usr_erin", 2000)],
                true,
            )
            .await;
        stack.control.wait_delivered(&paid.event).await;
    }
    stack
        .control
        .fault(Fault::new("POST", "/v1/transfers", "status_500"))
        .await;
    stack.ledger.fail_next_transferred(1);
    stack.control.pause_webhooks().await;
    let done = stack
        .control
        .onboarding(&erin, json!({ "complete": true }))
        .await;
    stack.control.resume_webhooks().await;
    assert_eq!(stack.control.deliver(&done, 1, 1).await, vec![Some(503)]);
    stack.control.pause_webhooks().await;
    let states = share_states(&stack).await;
    assert_eq!(
        states.iter().filter(|s| **s == ShareState::Pending).count(),
        2,
        "{states:?}"
    );
    assert_eq!(
        stack.control.all_transfers().await.len(),
        2,
        "one made, its write lost"
    );

    let (deps, _) = reconciler(&stack, 100, 100);
    let report = run(&deps).await;
    assert_eq!(
        report.redrive.outcomes.get("settled"),
        Some(&2),
        "{report:?}"
    );
    assert!(
        share_states(&stack)
            .await
            .iter()
            .all(|s| *s == ShareState::Transferred)
    );
    assert_eq!(stack.control.all_transfers().await.len(), 3);
    assert_eq!(stack.control.received(&erin, EUR).await, 3 * 1750);
}

async fn share_states(stack: &Stack) -> Vec<ShareState> {
    let mut states = vec![];
    for i in 0..3 {
        states.push(stack.share(&format!("ord_cut{i}"), "usr_erin").await.state);
    }
    states
}

/// A seller finishes onboarding while the Connect endpoint is down and has nothing held: the
/// reconciler still re-reads the account, so the stored status (what the balance page shows and
/// what the next payment decides on) is complete, and the next payment is paid at once.
#[tokio::test]
async fn a_seller_who_finished_onboarding_unseen_is_synced() {
    let stack = Stack::start().await;
    let fay = stack.seller("usr_fay", false).await;
    stack.control.pause_webhooks().await;
    stack
        .control
        .onboarding(&fay, json!({ "complete": true }))
        .await;
    let stored = |stack: &Stack| {
        let accounts = stack.deps.flows.accounts.clone();
        async move { accounts.find_by_user("usr_fay").await.unwrap().unwrap() }
    };
    assert!(!stored(&stack).await.flags.can_receive_transfers());

    let (deps, _) = reconciler(&stack, 100, 100);
    let report = run(&deps).await;
    assert_eq!(report.onboarding_synced, 1, "{report:?}");
    let fay_now = stored(&stack).await;
    assert!(fay_now.onboarding_completed && fay_now.flags.can_receive_transfers());
    assert_eq!(
        run(&deps).await.onboarding_synced,
        0,
        "complete: no longer re-read"
    );

    stack.control.resume_webhooks().await;
    let paid = stack
        .control
        .pay("ord_fay", EUR, 2000, &[("usr_fay", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    assert_eq!(
        stack.share("ord_fay", "usr_fay").await.state,
        ShareState::Transferred
    );
}

/// A reversal Stripe refused (the seller's balance was empty) is retried by the reconciler with
/// the whole missing amount once the balance is back, without waiting for another refund.
#[tokio::test]
async fn a_refused_reversal_is_retried_by_the_reconciler() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let paid = stack
        .control
        .pay("ord_rev", EUR, 2000, &[("usr_alice", 2000)], true)
        .await;
    stack.control.wait_delivered(&paid.event).await;
    // The charge's funds became available and Alice paid them out.
    stack.control.make_available(&paid.charge).await;
    stack.control.set_available(&alice, EUR, 0).await;
    let refund = stack
        .control
        .refund_with(&paid.charge, Some(1000), json!({}), true)
        .await;
    stack.control.wait_delivered(&refund.event).await;
    // Stripe sends `refund.created` too: refused the same way, so the catch-up has nothing new.
    stack.control.deliver(&refund.refund_event, 1, 1).await;
    assert!(
        stack
            .share("ord_rev", "usr_alice")
            .await
            .attention
            .is_some()
    );

    stack.control.set_available(&alice, EUR, 1750).await;
    let (deps, _) = reconciler(&stack, 100, 100);
    let report = run(&deps).await;
    assert_eq!(
        report.redrive.outcomes.get("reversed"),
        Some(&1),
        "{report:?}"
    );
    let share = stack.share("ord_rev", "usr_alice").await;
    assert_eq!((share.refunded, share.attention), (875, None));
    assert_eq!(
        stack.control.transfers("ord_rev").await[0]["amount_reversed"],
        json!(875)
    );
    run(&deps).await;
    assert_eq!(
        stack.control.transfers("ord_rev").await[0]["amount_reversed"],
        json!(875)
    );
}
