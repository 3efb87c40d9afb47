//! Catch-up and drift against the real parts: moto DynamoDB, the local Stripe server, and the
//! webhook (deliveries over HTTP) from the webhook's own test stack. The webhook misses events;
//! one reconcile run makes up for them exactly once, and a second run does nothing.

use crate::common;
use crate::support;

use common::{EUR, Stack};
use payouts::ShareState;
use support::{metric, reconciler, run};

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

    // A budget of 4 events per run: the 7 events (5 payments, the refund's `refund.created` and
    // `charge.refunded`) take two runs of the scan.
    let (deps, sink) = reconciler(&stack, 4, 100);
    let first = run(&deps).await;
    assert!(!first.catch_up.complete);
    let second = run(&deps).await;
    assert!(second.catch_up.complete);
    assert_eq!(first.catch_up.caught_up + second.catch_up.caught_up, 7);

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
    assert_eq!(stack.control.received(&alice, EUR).await, 5 * 3500 - 1750);
    assert_eq!(stack.control.received(&bob, EUR).await, 5 * 5250 - 2625);
    assert_eq!(metric(&sink, "EventsCaughtUp", &[]), 7.0);

    // Nothing left: a third run lists the tail again (overlap) and moves nothing.
    let third = run(&deps).await;
    assert_eq!(third.catch_up.caught_up, 0);
    assert_eq!(third.drift, 0);
    assert_eq!(stack.control.all_transfers().await.len(), 10);
    assert!(third.redrive.stuck.is_empty(), "{third:?}");
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
    let balance = stack.control.received(&alice, EUR).await;

    // The payment event is listed again (overlap): its order is checked.
    let report = run(&deps).await;
    assert_eq!(report.drift, 1, "{report:?}");
    assert_eq!(
        metric(&sink, "DriftDetected", &[("Reason", "unknown_transfer")]),
        1.0
    );
    assert_eq!(stack.control.transfers("ord_drift").await.len(), 2);
    assert_eq!(stack.control.received(&alice, EUR).await, balance);
}
