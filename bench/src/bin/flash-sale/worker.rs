//! The queued design's other half: the transfer function, as Lambda runs it from the queue. An
//! event source mapping with `ScalingConfig.MaximumConcurrency` runs at most `instances` of it at
//! once, each invoked with a batch of up to `batch` messages as an `SqsEvent`, answered by
//! `transfer::handle` itself (its own concurrency within a batch and its Stripe retries). A
//! message it reports failed (a 429 its retries did not outlast) is taken again after the
//! function's first backoff (`transfer::Backoff`; the bench does not count receives, so every
//! failure waits the first one); a whole batch cut off at the function's timeout waits the
//! queue's visibility timeout.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use interceptors::Metrics;
use payout_flows::FlowDeps;
use payouts::memory::MemoryTransferQueue;
use payouts::queue::Job;
use serde_json::{Value, json};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::metrics::CountingSink;

/// How long an instance waits before asking an empty queue again (SQS long polling answers as
/// soon as a message arrives; this is that answer's granularity).
const EMPTY_POLL: Duration = Duration::from_millis(20);

/// The event source mapping and the function, as the knobs set them.
pub struct Mapping {
    pub instances: usize,
    pub batch: usize,
    /// The function's timeout: a batch still running is cut off, its unfinished messages fail.
    pub timeout: Duration,
    /// The queue's visibility timeout: how long the messages of a batch cut off stay invisible.
    pub visibility: Duration,
}

#[derive(Default)]
pub struct Stats {
    pub batches: AtomicU64,
    /// Jobs run to their end.
    pub settled: AtomicU64,
    /// Messages reported failed (made visible again later).
    pub failed: AtomicU64,
    /// Batches cut off at the function's timeout.
    pub timed_out: AtomicU64,
    /// Messages taken and not yet finished or made visible again.
    pub in_flight: AtomicU64,
    pub last_settled_ms: AtomicU64,
}

impl Stats {
    pub fn json(&self) -> Value {
        json!({
            "batches": self.batches.load(Ordering::Relaxed),
            "jobs_done": self.settled.load(Ordering::Relaxed),
            "failed_messages": self.failed.load(Ordering::Relaxed),
            "timed_out_batches": self.timed_out.load(Ordering::Relaxed),
        })
    }
}

pub struct Workers {
    pub queue: Arc<MemoryTransferQueue>,
    function: transfer::Deps,
    mapping: Mapping,
    start: Instant,
    pub stats: Stats,
    /// Held while taking a batch and counting it in flight, so that [`Workers::drained`] never
    /// sees a batch that is in neither place.
    taking: std::sync::Mutex<()>,
}

impl Workers {
    pub fn new(
        queue: Arc<MemoryTransferQueue>,
        flows: FlowDeps,
        sink: Arc<CountingSink>,
        mapping: Mapping,
        start: Instant,
    ) -> Arc<Workers> {
        Arc::new(Workers {
            queue,
            function: transfer::Deps {
                flows,
                metrics: Metrics::new(transfer::FUNCTION, sink),
                // The in-memory queue stands in for SQS: waits are played by make_visible_later.
                retries: None,
            },
            mapping,
            start,
            stats: Stats::default(),
            taking: std::sync::Mutex::new(()),
        })
    }

    /// Runs the instances until `until`; they stop taking batches then.
    pub fn spawn(self: &Arc<Self>, until: Instant) -> JoinSet<()> {
        let mut set = JoinSet::new();
        for _ in 0..self.mapping.instances.max(1) {
            let workers = self.clone();
            set.spawn(async move {
                while Instant::now() < until {
                    let batch = workers.take();
                    if batch.is_empty() {
                        tokio::time::sleep(EMPTY_POLL).await;
                        continue;
                    }
                    workers.run_batch(batch).await;
                }
            });
        }
        set
    }

    /// Nothing waiting, running, or about to be visible again.
    pub fn drained(&self) -> bool {
        let _taking = self.taking.lock().unwrap_or_else(|p| p.into_inner());
        self.queue.is_empty() && self.stats.in_flight.load(Ordering::Relaxed) == 0
    }

    fn take(&self) -> Vec<Job> {
        let _taking = self.taking.lock().unwrap_or_else(|p| p.into_inner());
        let batch = self.queue.take(self.mapping.batch);
        let taken = batch.len() as u64;
        self.stats.in_flight.fetch_add(taken, Ordering::Relaxed);
        batch
    }

    async fn run_batch(self: &Arc<Self>, batch: Vec<Job>) {
        let stats = &self.stats;
        stats.batches.fetch_add(1, Ordering::Relaxed);
        let taken = batch.len() as u64;
        let records = batch
            .iter()
            .enumerate()
            .map(|(i, job)| {
                let mut message = SqsMessage::default();
                message.message_id = Some(i.to_string());
                message.body = Some(sqs_queue::encode(job));
                message
            })
            .collect();
        let mut event = SqsEvent::default();
        event.records = records;
        let answer = tokio::time::timeout(
            self.mapping.timeout,
            transfer::handle(&self.function, event),
        )
        .await;
        let (failed, wait): (Vec<Job>, Duration) = match answer {
            Ok(response) => {
                let ids: Vec<&str> = response
                    .batch_item_failures
                    .iter()
                    .map(|f| f.item_identifier.as_str())
                    .collect();
                let done = batch.len() - ids.len();
                self.done(done as u64);
                let failed = batch
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| ids.contains(&i.to_string().as_str()))
                    .map(|(_, job)| job)
                    .collect();
                (failed, transfer::Backoff::DEPLOYED.after(1))
            }
            Err(_) => {
                // Cut off: Lambda reports the whole batch failed, whatever its jobs did, and the
                // function had no time to shorten the messages' visibility.
                stats.timed_out.fetch_add(1, Ordering::Relaxed);
                (batch, self.mapping.visibility)
            }
        };
        // Counted again while they wait to be visible, so the queue never looks drained between.
        self.make_visible_later(failed, wait);
        stats.in_flight.fetch_sub(taken, Ordering::Relaxed);
    }

    fn done(&self, jobs: u64) {
        let at = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.stats.settled.fetch_add(jobs, Ordering::Relaxed);
        self.stats.last_settled_ms.fetch_max(at, Ordering::Relaxed);
    }

    /// Failed messages come back after `wait` (counted in flight until then).
    fn make_visible_later(self: &Arc<Self>, failed: Vec<Job>, wait: Duration) {
        if failed.is_empty() {
            return;
        }
        let n = failed.len() as u64;
        self.stats.failed.fetch_add(n, Ordering::Relaxed);
        self.stats.in_flight.fetch_add(n, Ordering::Relaxed);
        let workers = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(wait).await;
            workers.queue.put_back(failed);
            workers.stats.in_flight.fetch_sub(n, Ordering::Relaxed);
        });
    }
}
