//! A payment through the queue, on the real parts: the webhook sends the payment to SQS (moto) as
//! a job, the transfer function pays it out, exactly one transfer per share whatever the queue
//! repeats, and a Stripe fault hands the message back for the next receive.

use crate::common;
use crate::support;

use std::time::Duration;

use common::{EUR, Options, WORKED_EXAMPLE};
use harness::stripe::Fault;
use payouts::ShareState;
use payouts::queue::Job;
use stripe_adapter::RetryPolicy;
use support::Queued;

const VISIBLE: Duration = Duration::from_secs(30);

/// The worked example paid and delivered to a webhook with a queue: its shares are on the queue.
async fn paid(q: &Queued, order: &str) -> (String, String) {
    let alice = q.stack.seller("usr_alice", true).await;
    let bob = q.stack.seller("usr_bob", true).await;
    let paid = q
        .stack
        .control
        .pay(order, EUR, 10_000, &WORKED_EXAMPLE, true)
        .await;
    q.stack.control.wait_delivered(&paid.event).await;
    (alice, bob)
}

#[tokio::test]
async fn a_payment_is_paid_through_the_queue_once_per_share() {
    let q = Queued::start(Options::default(), RetryPolicy::default()).await;
    let (alice, bob) = paid(&q, "ord_queued").await;
    // Sent, not paid inside the delivery: not even its shares are written yet.
    assert!(q.stack.control.transfers("ord_queued").await.is_empty());
    assert_eq!(q.stack.control.calls("POST /v1/transfers").await, 0);
    let messages = q.receive(VISIBLE).await;
    assert_eq!(messages.len(), 1);
    let Job::Payment(facts) =
        sqs_queue::decode(messages[0].body().expect("a body")).expect("a job")
    else {
        panic!("a payment job: {messages:?}");
    };
    assert_eq!(facts.metadata["veza_order_id"], "ord_queued");
    let answer = q.settle(&messages).await;
    assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    assert_eq!(q.depth().await, (0, 0));
    for seller in ["usr_alice", "usr_bob"] {
        assert_eq!(
            q.stack.share("ord_queued", seller).await.state,
            ShareState::Transferred
        );
    }
    let transfers = q.stack.control.transfers("ord_queued").await;
    let mut expected = vec![(alice, 2625), (bob, 6125)];
    expected.sort();
    assert_eq!(common::by_destination(&transfers), expected);
    let transfer = [("Function", "transfer"), ("Currency", EUR)];
    assert_eq!(q.sink.sum("TransfersCreated", &transfer), 2.0);
    assert_eq!(q.sink.sum("OrdersPaid", &transfer), 1.0);
}

/// At-least-once delivery at its worst: a payment's message eleven times, received in separate
/// batches run by concurrent invocations, once more after it was paid: one transfer per share.
#[tokio::test]
async fn the_same_message_many_times_and_at_once_is_one_transfer() {
    let q = Queued::start(Options::default(), RetryPolicy::default()).await;
    let (alice, bob) = paid(&q, "ord_dup").await;
    let first = q.receive(VISIBLE).await;
    let job = sqs_queue::decode(first[0].body().expect("a body")).expect("a job");
    q.resend(&job, 10).await;
    let mut batches = vec![first];
    loop {
        let messages = q.receive(VISIBLE).await;
        if messages.is_empty() {
            break;
        }
        batches.push(messages);
    }
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), 11);
    let answers = futures::future::join_all(batches.iter().map(|batch| q.settle(batch))).await;
    for answer in &answers {
        assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    }
    // Once more after it was paid.
    q.resend(&job, 1).await;
    assert_eq!(q.drain().await, 0);
    q.stack.control.wait_idle().await;
    let transfers = q.stack.control.transfers("ord_dup").await;
    let mut expected = vec![(alice.clone(), 2625), (bob, 6125)];
    expected.sort();
    assert_eq!(common::by_destination(&transfers), expected);
    assert_eq!(q.stack.control.received(&alice, EUR).await, 2625);
}

/// A Stripe 429 or 500 on one of a payment's transfers (no in-process retry, so it reaches the
/// answer): the job is the batch's failed item, the other share is paid; the next receive
/// finishes it, one transfer per share.
#[tokio::test]
async fn a_stripe_fault_on_a_transfer_is_retried_by_the_next_receive() {
    for kind in ["status_429", "status_500"] {
        let q = Queued::start(Options::default(), RetryPolicy::none()).await;
        let order = format!("ord_{kind}");
        let (alice, bob) = paid(&q, &order).await;
        q.stack
            .control
            .fault(Fault::new("POST", "/v1/transfers", kind))
            .await;
        let messages = q.receive(VISIBLE).await;
        assert_eq!(messages.len(), 1);
        let answer = q.settle(&messages).await;
        assert_eq!(answer.batch_item_failures.len(), 1, "{kind}: {answer:?}");
        assert_eq!(q.depth().await, (1, 0), "{kind}: the failed one is back");
        assert_eq!(
            q.stack.control.transfers(&order).await.len(),
            1,
            "{kind}: one share paid"
        );
        assert_eq!(q.drain().await, 0, "{kind}");
        q.stack.control.wait_idle().await;
        let transfers = q.stack.control.transfers(&order).await;
        assert_eq!(transfers.len(), 2, "{kind}: {transfers:?}");
        assert_eq!(q.stack.control.received(&alice, EUR).await, 2625, "{kind}");
        assert_eq!(q.stack.control.received(&bob, EUR).await, 6125, "{kind}");
    }
}

/// A body that is not a job is never run: it is failed on every receive, so the queue's redrive
/// policy moves it to the dead-letter queue; the good message beside it is paid out.
#[tokio::test]
async fn a_malformed_message_is_failed_for_the_dead_letter_queue() {
    let q = Queued::start(Options::default(), RetryPolicy::default()).await;
    paid(&q, "ord_bad").await;
    q.sqs
        .send_message()
        .queue_url(q.queue.queue_url())
        .message_body(r#"{"order":"ord_bad"}"#)
        .send()
        .await
        .expect("send a malformed message");
    let messages = q.receive(VISIBLE).await;
    assert_eq!(messages.len(), 2);
    let answer = q.settle(&messages).await;
    let bad = messages
        .iter()
        .find(|m| m.body() == Some(r#"{"order":"ord_bad"}"#))
        .and_then(|m| m.message_id())
        .expect("the malformed message");
    let failed: Vec<&str> = answer
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, [bad]);
    assert_eq!(q.stack.control.transfers("ord_bad").await.len(), 2);
}

/// The worker's own retry policy rides out a short burst of 429s in-process: nothing goes back.
#[tokio::test]
async fn the_workers_patient_retries_ride_out_a_burst_of_429s() {
    let q = Queued::start(Options::default(), transfer::retry_policy()).await;
    let (alice, _) = paid(&q, "ord_patient").await;
    q.stack
        .control
        .fault(Fault::new("POST", "/v1/transfers", "status_429").times(2))
        .await;
    let messages = q.receive(VISIBLE).await;
    let answer = q.settle(&messages).await;
    assert!(answer.batch_item_failures.is_empty(), "{answer:?}");
    assert_eq!(q.stack.control.transfers("ord_patient").await.len(), 2);
    assert_eq!(q.stack.control.received(&alice, EUR).await, 2625);
}

/// A failed job's message is hidden for the function's backoff, not for the rest of the 720 s
/// the receive asked for: with a backoff of 0 s it is received again at once; with the deployed
/// one (1 minute) it is not, and it comes back after it (released by hand here, as time would).
#[tokio::test]
async fn a_failed_job_comes_back_after_its_backoff_not_the_visibility_timeout() {
    const AS_DEPLOYED: Duration = Duration::from_secs(720);
    let mut q = Queued::start(Options::default(), RetryPolicy::none()).await;
    paid(&q, "ord_backoff").await;
    // One of the two shares fails on each run.
    let fault = Fault::new("POST", "/v1/transfers", "status_500");
    q.stack.control.fault(fault.clone()).await;
    let queue = |backoff| transfer::Retries {
        queue: sqs_queue::QueueVisibility::new(q.sqs.clone(), q.queue.queue_url()),
        backoff,
    };
    let at_once = queue(transfer::Backoff {
        first: Duration::ZERO,
        ..transfer::Backoff::DEPLOYED
    });
    q.worker.retries = Some(at_once);
    let first = q.receive(AS_DEPLOYED).await;
    let answer = transfer::handle(&q.worker, support::event(&first)).await;
    assert_eq!(answer.batch_item_failures.len(), 1, "{answer:?}");
    let again = q.receive(AS_DEPLOYED).await;
    assert_eq!(again.len(), 1, "back at once, not after 720 s");
    assert_eq!(receives(&again[0]), 2);

    q.worker.retries = Some(queue(transfer::Backoff::DEPLOYED));
    q.stack.control.fault(fault).await;
    let answer = transfer::handle(&q.worker, support::event(&again)).await;
    assert_eq!(answer.batch_item_failures.len(), 1, "{answer:?}");
    assert!(
        q.receive(AS_DEPLOYED).await.is_empty(),
        "hidden for a minute"
    );
    assert_eq!(q.depth().await, (0, 1));

    // Once visible, the next receive pays what is left, exactly once.
    q.release(&again).await;
    assert_eq!(q.drain().await, 0);
    q.stack.control.wait_idle().await;
    assert_eq!(q.stack.control.transfers("ord_backoff").await.len(), 2);
}

fn receives(message: &aws_sdk_sqs::types::Message) -> u32 {
    use aws_sdk_sqs::types::MessageSystemAttributeName as A;
    message
        .attributes()
        .and_then(|a| a.get(&A::ApproximateReceiveCount))
        .and_then(|n| n.parse().ok())
        .expect("a receive count")
}
