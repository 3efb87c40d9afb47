//! The `transfer` function: the worker of the transfer queue (`payouts::queue`). The webhook
//! sends each succeeded marketplace payment there as a job (and each held share that
//! `account.updated` released); this function, triggered by SQS (batches of up to 10), runs each
//! job with `payout_flows::worker::run_job`: the flows' own compare-and-set writes and Stripe
//! idempotency keys, so a job run twice, or alongside a redelivery or the reconciler, moves money
//! once.
//!
//! Partial batch responses (`ReportBatchItemFailures`): a job that did not finish (Stripe
//! 429/5xx/timeout, DynamoDB down, contention) is listed in `batch_item_failures`; SQS makes it
//! visible again after the visibility timeout and the next receive runs it again, finding done
//! what was done. Finished messages are deleted by Lambda.
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
    let failed: Vec<String> = futures::stream::iter(event.records)
        .map(|message| settle_message(deps, message))
        .buffer_unordered(IN_FLIGHT)
        .filter_map(|failed| async move { failed })
        .collect()
        .await;
    let mut response = SqsBatchResponse::default();
    response.set_failures(failed);
    response
}

/// Runs one message's job within [`JOB_BUDGET`]; `Some(message id)` when the message must be
/// received again.
async fn settle_message(deps: &Deps, message: SqsMessage) -> Option<String> {
    let Some(id) = message.message_id else {
        // Lambda always sets it; without one the message cannot even be reported.
        tracing::error!("an SQS record without a message id");
        return None;
    };
    let job = match sqs_queue::decode(message.body.as_deref().unwrap_or("")) {
        Ok(job) => job,
        Err(malformed) => {
            let receives = message.attributes.get("ApproximateReceiveCount");
            tracing::error!(message_id = %id, receives = ?receives, error = %malformed,
                "a malformed transfer message: left for the dead-letter queue");
            return Some(id);
        }
    };
    let metrics = BusinessMetrics::new(deps.metrics.clone(), &id, job_kind(&job));
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
            Some(id)
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
}
