//! The queued design (`payouts::queue`): the payment flow records the shares and sends them to
//! the transfer queue without calling Stripe for transfers; the worker ([`Flows::work`], as the
//! transfer function runs it) settles each exactly once, whatever the queue repeats or fails.
//! Slow twin, on SQS and the local Stripe server: `functions/transfer/tests/`.

mod support;

use async_trait::async_trait;
use payout_flows::{Handled, Outcome};
use payouts::ShareState;
use payouts::memory::stripe::{Fault, Op};
use payouts::queue::{QueueError, ShareRef, TransferQueue};
use std::sync::Arc;
use support::{EUR, Flows};

#[tokio::test]
async fn the_delivery_records_and_sends_the_shares_and_the_worker_pays_them() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let bob = flows.seller("usr_bob", true).await;
    let paid = flows.stripe.pay(
        "ord_q",
        EUR,
        10_000,
        &[("usr_alice", 3000), ("usr_bob", 7000)],
    );
    assert_eq!(
        flows.delivered(&paid.event).await,
        Handled::Now(Outcome::Processed)
    );
    // Recorded and sent, not paid: the delivery's only Stripe call read the settlement.
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 0);
    assert_eq!(flows.stripe.calls(Op::ChargeSettlement), 1);
    assert_eq!(flows.queue.len(), 2);
    for seller in ["usr_alice", "usr_bob"] {
        assert_eq!(
            flows.share("ord_q", seller).await.state,
            ShareState::Pending
        );
    }
    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.received(&alice, EUR), 2625);
    assert_eq!(flows.stripe.received(&bob, EUR), 6125);
    assert_eq!(flows.metric("TransfersCreated", &[("Currency", EUR)]), 2.0);
    // A redelivery is a duplicate: nothing is sent again.
    assert_eq!(flows.delivered(&paid.event).await, Handled::Duplicate);
    assert!(flows.queue.is_empty());
}

#[tokio::test]
async fn a_share_sent_many_times_is_paid_once() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_dup", EUR, 2000, &[("usr_alice", 2000)]);
    flows.delivered(&paid.event).await;
    let message = ShareRef {
        order_id: "ord_dup".into(),
        seller: "usr_alice".into(),
    };
    // At-least-once delivery: the same message many times, some after it was settled.
    flows.queue.send(&vec![message; 9]).await.unwrap();
    assert_eq!(flows.work().await, 0);
    flows
        .queue
        .send(&[ShareRef::of(&flows.share("ord_dup", "usr_alice").await)])
        .await
        .unwrap();
    assert_eq!(flows.work().await, 0);
    assert_eq!(flows.stripe.transfers("ord_dup").len(), 1);
    assert_eq!(flows.stripe.calls(Op::CreateTransfer), 1);
    assert_eq!(flows.stripe.received(&alice, EUR), 1750);
}

#[tokio::test]
async fn a_failed_transfer_goes_back_to_the_queue_and_is_paid_once() {
    let flows = Flows::queued();
    let alice = flows.seller("usr_alice", true).await;
    let paid = flows
        .stripe
        .pay("ord_429", EUR, 2000, &[("usr_alice", 2000)]);
    flows.delivered(&paid.event).await;
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::AnswerLost, 1);
    flows
        .stripe
        .fail_next(Op::CreateTransfer, Fault::RateLimited, 1);
    assert_eq!(flows.work().await, 1, "the lost answer");
    assert_eq!(flows.work().await, 1, "the 429");
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
async fn a_held_share_is_sent_too_and_paid_once_its_seller_can_be() {
    let flows = Flows::queued();
    let carol = flows.seller("usr_carol", false).await;
    let paid = flows
        .stripe
        .pay("ord_hq", EUR, 2000, &[("usr_carol", 2000)]);
    flows.delivered(&paid.event).await;
    // Sent although held: the worker re-checks the account, which closes the race with an
    // account.updated that enabled payouts while the share was being written.
    assert_eq!(flows.queue.len(), 1);
    assert_eq!(flows.work().await, 0);
    assert_eq!(
        flows.share("ord_hq", "usr_carol").await.state,
        ShareState::Held
    );
    let completed = flows.stripe.complete_onboarding(&carol);
    flows.delivered(&completed).await;
    assert_eq!(flows.stripe.received(&carol, EUR), 1750);
}

/// A queue that is down.
struct Down;

#[async_trait]
impl TransferQueue for Down {
    async fn send(&self, _: &[ShareRef]) -> Result<(), QueueError> {
        Err(QueueError::Unavailable("throttled".into()))
    }
}

#[tokio::test]
async fn a_queue_that_is_down_fails_the_delivery_and_the_redelivery_sends_the_shares() {
    let working = Flows::queued();
    working.seller("usr_alice", true).await;
    let paid = working
        .stripe
        .pay("ord_down", EUR, 2000, &[("usr_alice", 2000)]);
    let down = Arc::new(support::Flows::sharing(&working, Arc::new(Down)));
    let failure = down.deliver(&paid.event).await.unwrap_err();
    assert!(
        failure.to_string().contains("queue unavailable"),
        "{failure}"
    );
    // Recorded, not marked processed: the redelivery sends it.
    assert_eq!(
        working.share("ord_down", "usr_alice").await.state,
        ShareState::Pending
    );
    assert_eq!(
        working.delivered(&paid.event).await,
        Handled::Now(Outcome::Processed)
    );
    assert_eq!(working.queue.len(), 1);
    assert_eq!(working.work().await, 0);
    assert_eq!(working.stripe.transfers("ord_down").len(), 1);
}
