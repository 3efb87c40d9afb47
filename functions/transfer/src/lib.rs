//! The `transfer` function: the worker of the transfer queue (`payouts::queue`). The webhook
//! sends each succeeded marketplace payment there as a job (and each held share that
//! `account.updated` released); this function, triggered by SQS (batches of up to 10), runs each
//! job with `payout_flows::worker::run_job`: the flows' own compare-and-set writes and Stripe
//! idempotency keys, so a job run twice, or alongside a redelivery or the reconciler, moves money
//! once.
//!
//! Partial batch responses (`ReportBatchItemFailures`): a job that did not finish (Stripe
//! 429/5xx/timeout, DynamoDB down, contention) is listed in `batch_item_failures`, and the next
//! receive runs it again, finding done what was done. Finished messages are deleted by Lambda.
//! A failed message is hidden for its [`Backoff`] (1 minute, then 4, 16, 60), not the rest of
//! the queue's 12-minute visibility timeout: a job that met a burst of 429s is soon tried again.
//!
//! A **malformed** body (not a job: we never send one, so a bug or a hand-sent message) is
//! logged at error level and reported as failed too, never run: after the queue's
//! `maxReceiveCount` receives it moves to the dead-letter queue, whose alarm pages a human and
//! which keeps the message for them to read. Acknowledging it instead would delete the only
//! evidence; receiving it again costs nothing (no Stripe call is made for it).

use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use futures::StreamExt;
use interceptors::Metrics;
use payout_flows::{BusinessMetrics, FlowContext, FlowDeps};
use payouts::queue::Job;
use sqs_queue::{QueueVisibility, RetryLater};
use stripe_adapter::RetryPolicy;

/// The function name (the `Function` metric dimension).
pub const FUNCTION: &str = "transfer";

/// Messages of one batch run at once: all of them (`BatchSize` is 10 in template.yaml). With
/// the event source mapping's `MaximumConcurrency` of 5 this keeps 50 jobs, so up to 50 Stripe
/// calls, in flight for the whole queue: at Stripe's 100 requests/s that uses the whole limit as
/// long as a call takes under ~0.5 s. Measured in the flash sale (docs/BENCHMARKS.md): with the
/// local server answering in 300 ms, 20 in flight paid 1.6x slower than the limit allows, 40 and
/// 60 reached it; the 429s of the surplus are ridden out by [`retry_policy`].
pub const IN_FLIGHT: usize = 10;

/// How long one job may run before it is given up and reported failed (it is idempotent, so the
/// next receive resumes it): under the function's 120 s timeout, so that a slow job fails alone
/// instead of Lambda cutting off, and failing, the whole batch.
pub const JOB_BUDGET: Duration = Duration::from_secs(100);

/// Everything an invocation needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub flows: FlowDeps,
    pub metrics: Metrics,
    /// Where failed messages are hidden until their retry; `None` (tests without a queue):
    /// they wait the queue's visibility timeout.
    pub retries: Option<Retries>,
}

/// The queue the function receives from, and when a failed message comes back.
pub struct Retries {
    pub queue: QueueVisibility,
    pub backoff: Backoff,
}

/// When a failed job's message is received again: `first` after its first receive, each later
/// one `factor` times longer, at most `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub factor: u32,
    pub max: Duration,
}

impl Backoff {
    /// 1, 4, 16 then 60 minutes: a throttled or briefly failing Stripe is tried again within a
    /// minute, and a longer outage is ridden out for about 81 minutes before the fifth receive,
    /// the last before the dead-letter queue (`maxReceiveCount` 5), where an alarm pages.
    pub const DEPLOYED: Backoff = Backoff {
        first: Duration::from_secs(60),
        factor: 4,
        max: Duration::from_secs(3600),
    };

    /// The delay after the `receives`-th receive failed (1 for the first).
    pub fn after(&self, receives: u32) -> Duration {
        let growth = self.factor.saturating_pow(receives.saturating_sub(1));
        self.first.saturating_mul(growth).min(self.max)
    }
}

/// A message to report failed, and what its retry needs.
struct Failed {
    id: String,
    receipt_handle: Option<String>,
    receives: u32,
}

/// The worker's Stripe retries: more patient than the webhook's default (3 attempts within
/// ~0.5 s, sized to answer Stripe's webhook quickly). A 429 here means the queue is draining at
/// Stripe's rate limit, so a call keeps its place for about 24 s of backoff (10 attempts, 250 ms
/// doubling to 4 s, jittered) before its job is handed back to the queue, whose visibility
/// timeout (720 s) would otherwise leave the limit idle. Measured: with 5 attempts, 60 jobs in
/// flight failed some jobs into that wait; with 10, none.
pub fn retry_policy() -> RetryPolicy {
    RetryPolicy {
        attempts: 10,
        base_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(4),
    }
}

/// Runs every message's job, [`IN_FLIGHT`] at a time; answers the ones to retry.
pub async fn handle(deps: &Deps, event: SqsEvent) -> SqsBatchResponse {
    let failed: Vec<Failed> = futures::stream::iter(event.records)
        .map(|message| settle_message(deps, message))
        .buffer_unordered(IN_FLIGHT)
        .filter_map(|failed| async move { failed })
        .collect()
        .await;
    hide_until_retry(deps, &failed).await;
    let mut response = SqsBatchResponse::default();
    response.set_failures(failed.into_iter().map(|f| f.id));
    response
}

/// Hides each failed message for its [`Backoff`]. If that fails, the messages wait the queue's
/// visibility timeout instead: slower, never lost, so the batch's answer does not change.
async fn hide_until_retry(deps: &Deps, failed: &[Failed]) {
    let Some(retries) = &deps.retries else { return };
    let messages: Vec<RetryLater> = failed
        .iter()
        .filter_map(|f| {
            Some(RetryLater {
                receipt_handle: f.receipt_handle.clone()?,
                after: retries.backoff.after(f.receives),
            })
        })
        .collect();
    if messages.is_empty() {
        return;
    }
    if let Err(err) = retries.queue.retry_later(&messages).await {
        tracing::warn!(error = %err, failed = messages.len(),
            "failed jobs wait the queue's visibility timeout instead of their backoff");
    }
}

/// Runs one message's job within [`JOB_BUDGET`]; `Some` when the message must be received
/// again.
async fn settle_message(deps: &Deps, message: SqsMessage) -> Option<Failed> {
    let Some(id) = message.message_id else {
        // Lambda always sets it; without one the message cannot even be reported.
        tracing::error!("an SQS record without a message id");
        return None;
    };
    let receives = message
        .attributes
        .get("ApproximateReceiveCount")
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let failed = Failed {
        id,
        receipt_handle: message.receipt_handle,
        receives,
    };
    let job = match sqs_queue::decode(message.body.as_deref().unwrap_or("")) {
        Ok(job) => job,
        Err(malformed) => {
            tracing::error!(message_id = %failed.id, receives, error = %malformed,
                "a malformed transfer message: left for the dead-letter queue");
            return Some(failed);
        }
    };
    let id = &failed.id;
    let metrics = BusinessMetrics::new(deps.metrics.clone(), id, job_kind(&job));
    let cx = FlowContext {
        deps: &deps.flows,
        metrics: &metrics,
        now: deps.flows.clock.now(),
    };
    // Dropping a job mid-way is a crash between two steps, which the flows resume from.
    let ran = tokio::time::timeout(JOB_BUDGET, payout_flows::worker::run_job(&cx, &job))
        .await
        .unwrap_or_else(|_| {
            Err(payout_flows::Failure::Contention(format!(
                "{} still running after {JOB_BUDGET:?}",
                subject(&job)
            )))
        });
    match ran {
        Ok(outcome) => {
            tracing::info!(message_id = %id, job = %subject(&job), outcome = ?outcome, "job done");
            None
        }
        Err(failure) => {
            tracing::warn!(message_id = %id, job = %subject(&job), error = %failure,
                "job not finished; the queue delivers it again");
            Some(failed)
        }
    }
}

/// What a log line names of a job: its ids, not the payment's metadata.
fn subject(job: &Job) -> String {
    match job {
        Job::Payment(facts) => format!("payment {}", facts.payment_intent_id),
        Job::Share(share) => format!("share {}/{}", share.order_id, share.seller),
    }
}

/// The job's kind, as the event type of its business metrics.
fn job_kind(job: &Job) -> &'static str {
    match job {
        Job::Payment(_) => "transfer.payment",
        Job::Share(_) => "transfer.share",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// More attempts and a longer wait than the webhook's policy; a job of a payment to 3
    /// sellers (4 calls) whose every call needs every attempt still ends within its budget.
    #[test]
    fn the_worker_is_more_patient_than_the_webhook() {
        let (worker, webhook) = (retry_policy(), RetryPolicy::default());
        assert!(worker.attempts > webhook.attempts);
        assert!(worker.max_delay > webhook.max_delay);
        let backoff: Duration = (1..worker.attempts)
            .map(|n| (worker.base_delay * 2u32.pow(n - 1)).min(worker.max_delay))
            .sum();
        assert!(backoff * 4 < JOB_BUDGET, "{backoff:?}");
    }

    #[test]
    fn a_failed_message_comes_back_after_1_4_16_then_60_minutes() {
        let minutes: Vec<u64> = (1..=6)
            .map(|n| Backoff::DEPLOYED.after(n).as_secs() / 60)
            .collect();
        assert_eq!(minutes, [1, 4, 16, 60, 60, 60]);
        // A count SQS never sends, or a huge one, stays within the bounds.
        assert_eq!(Backoff::DEPLOYED.after(0), Duration::from_secs(60));
        assert_eq!(Backoff::DEPLOYED.after(u32::MAX), Duration::from_secs(3600));
    }
}
