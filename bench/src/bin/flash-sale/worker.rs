//! The queued design's other half: the transfer worker, as Lambda runs it from the queue. An
//! event source mapping with `ScalingConfig.MaximumConcurrency` runs at most `instances` of it at
//! once, each given a batch of up to `batch` messages; each message is one job (a payment to pay
//! out) run by `payout_flows::worker::run_job` (what the transfer function runs), the batch's
//! messages at once. A message whose job failed (a 429 the adapter's retries did not outlast, a batch cut
//! off at the function's timeout) is reported as a batch item failure: the queue makes it visible
//! again when its visibility timeout ends, and it is taken again.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use interceptors::Metrics;
use payout_flows::{BusinessMetrics, FlowContext, FlowDeps};
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
    /// The queue's visibility timeout: how long a failed message stays invisible.
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
    flows: FlowDeps,
    sink: Arc<CountingSink>,
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
            flows,
            sink,
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
        let mut settling = JoinSet::new();
        for share in batch.clone() {
            let workers = self.clone();
            settling.spawn(async move { (workers.settle(&share).await, share) });
        }
        let mut done = Vec::new();
        let cut_off = tokio::time::timeout(self.mapping.timeout, async {
            while let Some(joined) = settling.join_next().await {
                done.push(joined.expect("a settling task"));
            }
        })
        .await
        .is_err();
        settling.abort_all();
        if cut_off {
            stats.timed_out.fetch_add(1, Ordering::Relaxed);
        }
        let mut failed: Vec<Job> = batch
            .into_iter()
            .filter(|share| !done.iter().any(|(_, s)| s == share))
            .collect();
        failed.extend(done.into_iter().filter(|(ok, _)| !ok).map(|(_, s)| s));
        // Counted again while they wait to be visible, so the queue never looks drained between.
        self.make_visible_later(failed);
        stats.in_flight.fetch_sub(taken, Ordering::Relaxed);
    }

    /// Runs one job; `true` when it is done.
    async fn settle(&self, job: &Job) -> bool {
        let metrics = Metrics::new("transfer", self.sink.clone());
        let metrics = BusinessMetrics::new(metrics, "queue", "job");
        let cx = FlowContext {
            deps: &self.flows,
            metrics: &metrics,
            now: payouts::clock::unix_now(),
        };
        let done = payout_flows::worker::run_job(&cx, job).await.is_ok();
        let stats = &self.stats;
        if done {
            let at = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
            stats.settled.fetch_add(1, Ordering::Relaxed);
            stats.last_settled_ms.fetch_max(at, Ordering::Relaxed);
        }
        done
    }

    /// Failed messages come back after the visibility timeout (counted in flight until then).
    fn make_visible_later(self: &Arc<Self>, failed: Vec<Job>) {
        if failed.is_empty() {
            return;
        }
        let n = failed.len() as u64;
        self.stats.failed.fetch_add(n, Ordering::Relaxed);
        self.stats.in_flight.fetch_add(n, Ordering::Relaxed);
        let workers = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(workers.mapping.visibility).await;
            workers.queue.put_back(failed);
            workers.stats.in_flight.fetch_sub(n, Ordering::Relaxed);
        });
    }
}
