//! An in-memory transfer queue: what the webhook sent, for fast tests and the flash-sale bench's
//! worker pool (which plays the event source mapping: it takes messages and puts failed ones
//! back).

use std::collections::VecDeque;
use std::sync::Mutex;

use async_trait::async_trait;

use super::lock;
use crate::queue::{Job, QueueError, TransferQueue};

#[derive(Debug, Default)]
pub struct MemoryTransferQueue {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    waiting: VecDeque<Job>,
    sent: u64,
}

impl MemoryTransferQueue {
    /// Takes up to `max` messages, oldest first (none when the queue is empty).
    pub fn take(&self, max: usize) -> Vec<Job> {
        let mut state = lock(&self.state);
        let n = max.min(state.waiting.len());
        state.waiting.drain(..n).collect()
    }

    /// Puts messages back (a failed batch item becoming visible again).
    pub fn put_back(&self, jobs: impl IntoIterator<Item = Job>) {
        lock(&self.state).waiting.extend(jobs);
    }

    /// Messages waiting now.
    pub fn len(&self) -> usize {
        lock(&self.state).waiting.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Messages ever sent (not counting the ones put back).
    pub fn sent(&self) -> u64 {
        lock(&self.state).sent
    }
}

#[async_trait]
impl TransferQueue for MemoryTransferQueue {
    async fn send(&self, jobs: &[Job]) -> Result<(), QueueError> {
        let mut state = lock(&self.state);
        state.waiting.extend(jobs.iter().cloned());
        state.sent += jobs.len() as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn share(i: usize) -> Job {
        Job::Share(crate::queue::ShareRef {
            order_id: format!("ord_{i}"),
            seller: "usr_a".into(),
        })
    }

    #[tokio::test]
    async fn messages_come_out_oldest_first_and_failed_ones_go_back() {
        let q = MemoryTransferQueue::default();
        q.send(&[share(1), share(2), share(3)]).await.unwrap();
        assert_eq!(q.take(2), vec![share(1), share(2)]);
        q.put_back([share(1)]);
        assert_eq!(q.take(10), vec![share(3), share(1)]);
        assert!(q.is_empty());
        assert_eq!(q.sent(), 3);
    }
}
