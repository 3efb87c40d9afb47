//! The transfer queue's contract: what every `TransferQueue` must do, given a way to take back
//! what was sent ([`Drain`]). Delivery is at least once and in no promised order, so the cases
//! compare what arrives as a multiset: everything sent arrives, nothing else does.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::queue::{Job, ShareRef, TransferQueue};

/// A queue under test that can also hand back (and remove) every message waiting on it.
#[async_trait]
pub trait Drain: TransferQueue {
    /// Every message waiting now, removed from the queue.
    async fn drain(&self) -> Vec<Job>;
}

/// Runs every case, each on a queue of its own from `fresh`.
pub async fn transfer_queue_contract<Q, F, Fut>(fresh: F)
where
    Q: Drain + 'static,
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Q>,
{
    super::cases!("TransferQueue", fresh, Q;
        an_empty_send_sends_nothing,
        each_job_arrives_as_sent,
        more_than_a_batch_arrives_whole,
        a_share_sent_twice_arrives_twice,
        concurrent_senders_lose_nothing,
    );
}

fn share(order: usize, seller: &str) -> Job {
    Job::Share(ShareRef {
        order_id: format!("ord_{order}"),
        seller: seller.to_owned(),
    })
}

/// A payment job as the webhook sends it (a larger body, with its metadata).
fn payment(order: usize) -> Job {
    Job::Payment(crate::PaymentFacts {
        payment_intent_id: format!("pi_{order}"),
        charge_id: Some(format!("ch_{order}")),
        amount_received: 6000,
        currency: "eur".into(),
        metadata: [
            ("veza_order_id".to_owned(), format!("ord_{order}")),
            ("veza_shares".to_owned(), "usr_a:3000,usr_b:3000".to_owned()),
        ]
        .into(),
    })
}

/// How many times each share occurs.
fn counted(shares: &[Job]) -> HashMap<&Job, usize> {
    let mut counts = HashMap::new();
    for s in shares {
        *counts.entry(s).or_insert(0) += 1;
    }
    counts
}

#[track_caller]
fn assert_same(arrived: &[Job], sent: &[Job]) {
    assert_eq!(arrived.len(), sent.len(), "arrived {arrived:?}");
    assert_eq!(counted(arrived), counted(sent));
}

async fn an_empty_send_sends_nothing<Q: Drain>(q: Arc<Q>) {
    q.send(&[]).await.expect("an empty send");
    assert_eq!(q.drain().await, vec![]);
}

async fn each_job_arrives_as_sent<Q: Drain>(q: Arc<Q>) {
    let sent = [share(1, "usr_alice"), payment(2)];
    q.send(&sent).await.expect("send");
    assert_same(&q.drain().await, &sent);
    // Drained: nothing more arrives.
    assert_eq!(q.drain().await, vec![]);
}

/// 25 shares: more than SQS's batch of 10, so an adapter must split them (three batches there);
/// none may be lost at a batch boundary.
async fn more_than_a_batch_arrives_whole<Q: Drain>(q: Arc<Q>) {
    let sent: Vec<Job> = (0..25)
        .map(|i| match i % 4 {
            3 => payment(i),
            _ => share(i / 3, ["usr_a", "usr_b", "usr_c"][i % 3]),
        })
        .collect();
    q.send(&sent).await.expect("send 25");
    assert_same(&q.drain().await, &sent);
}

/// A redelivered payment sends its shares again: the queue keeps both (the worker settles once).
async fn a_share_sent_twice_arrives_twice<Q: Drain>(q: Arc<Q>) {
    let one = share(7, "usr_alice");
    q.send(std::slice::from_ref(&one)).await.expect("first");
    q.send(std::slice::from_ref(&one)).await.expect("second");
    assert_same(&q.drain().await, &[one.clone(), one]);
}

/// Ten deliveries sending at once (a flash sale): every share of each arrives.
async fn concurrent_senders_lose_nothing<Q: Drain + 'static>(q: Arc<Q>) {
    let batches: Vec<Vec<Job>> = (0..10)
        .map(|order| (0..3).map(|s| share(order, &format!("usr_{s}"))).collect())
        .collect();
    let sends = super::race(batches.len(), |i| {
        let (q, batch) = (q.clone(), batches[i].clone());
        async move { q.send(&batch).await.is_ok() }
    })
    .await;
    assert_eq!(super::winners(&sends), 10, "every send succeeds");
    let sent: Vec<Job> = batches.into_iter().flatten().collect();
    assert_same(&q.drain().await, &sent);
}

/// The in-memory queue drains what it holds.
#[async_trait]
impl Drain for crate::memory::MemoryTransferQueue {
    async fn drain(&self) -> Vec<Job> {
        self.take(usize::MAX)
    }
}
