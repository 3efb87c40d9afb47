//! The reconciler against the real parts: moto DynamoDB, the local Stripe server, and the
//! webhook (deliveries over HTTP) from the webhook's own test stack. Each test leaves money in a
//! state a delivery could not finish, runs the reconciler, and checks every share is paid (or
//! reversed) exactly once — and that a second run does nothing.

#[path = "../../webhook/tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{EUR, Options, Stack};
use harness::stripe::Fault;
use interceptors::Metrics;
use interceptors::metrics::MemorySink;
use payout_flows::FlowDeps;
use payouts::ShareState;
use reconcile::{Deps, Report};
use serde_json::json;
use settings::ReconcileSettings;
use stripe_adapter::StripeAdapter;

/// The reconciler wired to the stack's tables and Stripe, with no grace period (tests do not
/// wait ten minutes) and the given budget per run.
fn reconciler(stack: &Stack, max_events: usize, max_shares: usize) -> (Deps, Arc<MemorySink>) {
    let adapter = Arc::new(
        StripeAdapter::new(
            &stack.stripe.base_url,
            stack.stripe.api_key(),
            Duration::from_secs(5),
        )
        .expect("adapter"),
    );
    let events = Arc::new(store::DynamoEventLog::new(
        stack.dynamo.client.clone(),
        &stack.tables.webhook_events,
    ));
    let sink = MemorySink::new();
    let flows = &stack.deps.flows;
    let deps = Deps {
        flows: FlowDeps::new(
            flows.accounts.clone(),
            flows.ledger.clone(),
            events.clone(),
            adapter.clone(),
            flows.fee_bps,
        ),
        events: adapter,
        checkpoints: events,
        settings: ReconcileSettings {
            grace: Duration::ZERO,
            max_events,
            max_shares,
        },
        metrics: Metrics::new(reconcile::FUNCTION, sink.clone()),
    };
    (deps, sink)
}

async fn run(deps: &Deps) -> Report {
    // One second ahead, so that shares written this very second count as older than the grace.
    let report = reconcile::run(deps, payouts::clock::unix_now() + 1).await;
    assert!(report.errors.is_empty(), "{report:?}");
    report
}

fn metric(sink: &MemorySink, name: &str, dims: &[(&str, &str)]) -> f64 {
    sink.records()
        .iter()
        .filter(|r| dims.iter().all(|(k, v)| r[*k] == json!(v)))
        .filter_map(|r| r[name].as_f64())
        .sum()
}

/// The webhook endpoint is down for four days: payments and a refund happen, nothing is
/// delivered. One reconcile run pays everything exactly once (in pages smaller than the
/// backlog, so the scan resumes from its checkpoint); the next run does nothing.
#[tokio::test]
async fn a_webhook_outage_of_four_days_loses_nothing() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    let bob = stack.seller("usr_bob", true).await;
    stack.control.pause_webhooks().await;
    let mut charges = vec![];
    for i in 0..5 {
        let paid = stack
            .control
            .pay(
                &format!("ord_out{i}"),
                EUR,
                10_000,
                &[("usr_alice", 4000), ("usr_bob", 6000)],
                true,
            )
            .await;
        charges.push(paid.charge);
    }
    let refunded = stack.control.refund(&charges[0], Some(5000), true).await;
    stack.control.advance_clock(4 * 24 * 3600).await;
    assert!(stack.control.all_transfers().await.is_empty());
    assert!(stack.control.deliveries(&refunded).await.is_empty());

    // A budget of 4 events per run: the 6 events take two runs of the scan.
    let (deps, sink) = reconciler(&stack, 4, 100);
    let first = run(&deps).await;
    assert!(!first.catch_up.complete);
    let second = run(&deps).await;
    assert!(second.catch_up.complete);
    assert_eq!(first.catch_up.caught_up + second.catch_up.caught_up, 6);

    let transfers = stack.control.all_transfers().await;
    assert_eq!(transfers.len(), 10, "one transfer per share");
    for i in 0..5 {
        let order = format!("ord_out{i}");
        for seller in ["usr_alice", "usr_bob"] {
            assert_eq!(
                stack.share(&order, seller).await.state,
                ShareState::Transferred
            );
        }
    }
    // The refund of half of order 0 was taken back from both sellers, in proportion.
    assert_eq!(stack.share("ord_out0", "usr_alice").await.refunded, 1750);
    assert_eq!(stack.share("ord_out0", "usr_bob").await.refunded, 2625);
    assert_eq!(stack.control.available(&alice, EUR).await, 5 * 3500 - 1750);
    assert_eq!(stack.control.available(&bob, EUR).await, 5 * 5250 - 2625);
    assert_eq!(metric(&sink, "EventsCaughtUp", &[]), 6.0);

    // Nothing left: a third run lists the tail again (overlap) and moves nothing.
    let third = run(&deps).await;
    assert_eq!(third.catch_up.caught_up, 0);
    assert_eq!(third.drift, 0);
    assert_eq!(stack.control.all_transfers().await.len(), 10);
    assert!(third.redrive.stuck.is_empty(), "{third:?}");
}

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
        assert_eq!(stack.control.available(account, EUR).await, 2625);
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
    assert_eq!(stack.control.available(&erin, EUR).await, 3 * 1750);
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
    stack.control.set_available(&alice, EUR, 0).await;
    let refund = stack.control.refund(&paid.charge, Some(1000), true).await;
    stack.control.wait_delivered(&refund).await;
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

/// The reconciler and a storm of duplicate deliveries of the same payment at the same time:
/// still one transfer per share.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_reconciler_and_a_delivery_storm_never_both_pay() {
    let stack = Stack::start().await;
    stack.seller("usr_alice", true).await;
    stack.seller("usr_bob", true).await;
    stack.control.pause_webhooks().await;
    let paid = stack
        .control
        .pay(
            "ord_storm",
            EUR,
            9000,
            &[("usr_alice", 3000), ("usr_bob", 6000)],
            true,
        )
        .await;
    stack.control.resume_webhooks().await;
    let (deps, _) = reconciler(&stack, 100, 100);
    let (statuses, a, b) = tokio::join!(
        stack.control.deliver(&paid.event, 20, 20),
        reconcile::run(&deps, payouts::clock::unix_now() + 1),
        reconcile::run(&deps, payouts::clock::unix_now() + 1),
    );
    assert!(
        statuses.iter().all(|s| matches!(s, Some(200 | 503))),
        "{statuses:?}"
    );
    // Whatever lost a race above is finished by one more run.
    let _ = (a, b);
    run(&deps).await;
    let transfers = stack.control.transfers("ord_storm").await;
    assert_eq!(common::by_destination(&transfers).len(), 2);
    assert_eq!(transfers.len(), 2);
    for seller in ["usr_alice", "usr_bob"] {
        assert_eq!(
            stack.share("ord_storm", seller).await.state,
            ShareState::Transferred
        );
    }
}

/// A transfer made at Stripe behind the ledger's back (a manual dashboard transfer with the
/// order's group) is reported as drift; nothing is moved to "fix" it.
#[tokio::test]
async fn drift_is_reported_and_nothing_is_moved() {
    let stack = Stack::start().await;
    let alice = stack.seller("usr_alice", true).await;
    stack.control.pause_webhooks().await;
    let paid = stack
        .control
        .pay("ord_drift", EUR, 2000, &[("usr_alice", 2000)], true)
        .await;
    let (deps, sink) = reconciler(&stack, 100, 100);
    run(&deps).await;
    assert_eq!(stack.control.transfers("ord_drift").await.len(), 1);

    let res = reqwest::Client::new()
        .post(format!("{}v1/transfers", stack.stripe.base_url))
        .bearer_auth(stack.stripe.api_key())
        .form(&[
            ("amount", "100"),
            ("currency", EUR),
            ("destination", alice.as_str()),
            ("transfer_group", "ord_drift"),
            ("source_transaction", paid.charge.as_str()),
        ])
        .send()
        .await
        .expect("manual transfer");
    assert!(res.status().is_success(), "{}", res.status());
    let balance = stack.control.available(&alice, EUR).await;

    // The payment event is listed again (overlap): its order is checked.
    let report = run(&deps).await;
    assert_eq!(report.drift, 1, "{report:?}");
    assert_eq!(
        metric(&sink, "DriftDetected", &[("Reason", "unknown_transfer")]),
        1.0
    );
    assert_eq!(stack.control.transfers("ord_drift").await.len(), 2);
    assert_eq!(stack.control.available(&alice, EUR).await, balance);
}
