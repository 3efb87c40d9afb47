//! The queued design (`payouts::queue`): the webhook sends a payment to the transfer queue and
//! makes no Stripe call for it; the worker ([`Flows::work`], as the transfer function runs it)
//! pays it out exactly once, whatever the queue repeats or fails. Slow twin, on SQS and the
//! local Stripe server: `functions/transfer/tests/`.

use crate::support;

use std::sync::Arc;

use async_trait::async_trait;
use payout_flows::{Handled, Outcome};
use payouts::ShareState;
use payouts::memory::stripe::{Fault, Op};
use payouts::ports::Ledger as _;
use payouts::queue::{Job, QueueError, TransferQueue};
use support::{EUR, Flows};

#[tokio::test]
async fn the_delivery_sends_the_payment_and_the_worker_pays_it_out() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let bob = flows.seller("usr_bob", true).await;
    let shares = [("usr_alice", 3000), ("usr_bob", 7000)];
    let paid = flows.stripe.pay("ord_q", EUR, 10_000, &shares);
    assert_eq!(
        flows.delivered(&paid.event).await,
        Handled::Now(Outcome::Processed)
    );
    // Sent, not paid: the delivery asked Stripe nothing (so its rate limit cannot fail it).
    assert_eq!(flows.stripe.calls(Op::ChargeSettlement), 0);
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 0);
    assert_eq!(flows.queue.len(), 1);
    assert!(flows.ledger.payment("ord_q").await.unwrap().is_none());

    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.received(&alice, EUR), 2625);
    assert_eq!(flows.stripe.received(&bob, EUR), 6125);
    assert_eq!(flows.metric("OrdersPaid", &[("Currency", EUR)]), 1.0);
    assert_eq!(flows.metric("TransfersCreated", &[("Currency", EUR)]), 2.0);
    // A redelivery is a duplicate: nothing is sent again.
    assert_eq!(flows.delivered(&paid.event).await, Handled::Duplicate);
    assert!(flows.queue.is_empty());
}

#[tokio::test]
async fn a_job_run_many_times_pays_once() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_dup", EUR, 2000, &[("usr_alice", 2000)]);
    flows.delivered(&paid.event).await;
    let job = flows.queue.take(1);
    // At-least-once delivery: the same message many times, some after it was run.
    flows
        .queue
        .send(&[job.clone(), job.clone()].concat())
        .await
        .unwrap();
    assert_eq!(flows.work().await, 0);
    flows.queue.send(&job).await.unwrap();
    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.transfers("ord_dup").len(), 1);
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 1);
    assert_eq!(flows.stripe.received(&alice, EUR), 1750);
}

#[tokio::test]
async fn a_failed_job_goes_back_to_the_queue_and_pays_once() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_429", EUR, 2000, &[("usr_alice", 2000)]);
    flows.delivered(&paid.event).await;
    flows
        .stripe
        .fail_next(Op::ChargeSettlement, Fault::RateLimited, 1);
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::AnswerLost, 1);
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::RateLimited, 1);
    for fault in [
        "the settlement's 429",
        "the lost answer",
        "the transfer's 429",
    ] {
        assert_eq!(flows.work().await, 1, "{fault}");
    }
    assert_eq!(flows.work().await, 0);
    let share = flows.share("ord_429", "usr_alice").await;
    assert_eq!(
        (share.state, share.transfer_attempts),
        (ShareState::Transferred, 3)
    );
    assert_eq!(flows.stripe.transfers("ord_429").len(), 1);
    assert_eq!(flows.stripe.received(&alice, EUR), 1750);
    // The key Stripe still held answered the retries: no look-up.
    assert_eq!(flows.stripe.calls(Op::FindTransfer), 0);
}

#[tokio::test]
async fn held_shares_released_by_account_updated_are_sent_as_jobs() {
    let flows = Flows::queued();
    let carol = flows.seller("usr_carol", false).await;
    for order in ["ord_h1", "ord_h2"] {
        let paid = flows.stripe.pay(order, EUR, 2000, &[("usr_carol", 2000)]);
        flows.delivered(&paid.event).await;
    }
    assert_eq!(flows.work().await, 0);
    assert_eq!(
        flows.share("ord_h1", "usr_carol").await.state,
        ShareState::Held
    );
    let completed = flows.stripe.complete_onboarding(&carol);
    flows.delivered(&completed).await;
    // Released (Pending) and sent, not paid inside the delivery.
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 0);
    let jobs = flows.queue.take(10);
    assert!(
        jobs.iter().all(|j| matches!(j, Job::Share(_))) && jobs.len() == 2,
        "{jobs:?}"
    );
    flows.queue.put_back(jobs);
    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.received(&carol, EUR), 2 * 1750);
    assert_eq!(flows.metric("SharesReleased", &[("Currency", EUR)]), 2.0);
}

#[tokio::test]
async fn a_refund_before_the_queued_payment_ran_pays_out_first_and_the_job_finds_it_done() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_early", EUR, 8000, &[("usr_alice", 8000)]);
    flows.delivered(&paid.event).await;
    let refund = flows.stripe.refund(&paid.charge, Some(4000), &[]);
    flows.delivered(&refund.charge_refunded).await;
    // Net 7000, half refunded: paid, then half reversed, inside the refund's delivery.
    assert_eq!(flows.stripe.received(&alice, EUR), 3500);
    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.transfers("ord_early").len(), 1);
    assert_eq!(flows.stripe.received(&alice, EUR), 3500);
}

#[tokio::test]
async fn what_is_ignored_or_rejected_is_decided_by_the_delivery_never_queued() {
    let flows = Flows::queued();
    let other = flows
        .stripe
        .pay_with_metadata(EUR, 1000, &[("subscription", "sub_1")]);
    assert_eq!(
        flows.delivered(&other.event).await,
        Handled::Now(Outcome::Ignored("not_marketplace"))
    );
    let bad = flows
        .stripe
        .pay_with_metadata(EUR, 1000, &[("veza_order_id", "ord_bad")]);
    assert_eq!(
        flows.delivered(&bad.event).await,
        Handled::Now(Outcome::Rejected)
    );
    assert!(flows.queue.is_empty());
}

/// A queue that is down.
struct Down;

#[async_trait]
impl TransferQueue for Down {
    async fn send(&self, _: &[Job]) -> Result<(), QueueError> {
        Err(QueueError::Unavailable("throttled".into()))
    }
}

#[tokio::test]
async fn a_queue_that_is_down_fails_the_delivery_and_the_redelivery_sends_the_payment() {
    let working = Flows::queued();
    working.seller("usr_alice", true).await;
    let paid = working
        .stripe
        .pay("ord_down", EUR, 2000, &[("usr_alice", 2000)]);
    let down = Arc::new(Flows::sharing(&working, Arc::new(Down)));
    let failure = down.deliver(&paid.event).await.unwrap_err();
    assert!(
        failure.to_string().contains("queue unavailable"),
        "{failure}"
    );
    // Not marked processed: the redelivery sends it.
    assert_eq!(
        working.delivered(&paid.event).await,
        Handled::Now(Outcome::Processed)
    );
    assert_eq!(working.work().await, 0);
    assert_eq!(working.stripe.transfers("ord_down").len(), 1);
}
