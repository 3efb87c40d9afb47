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

/// Messages of one batch settled at once. With the event source mapping's
/// `MaximumConcurrency` (template.yaml) this bounds the Stripe calls in flight for the whole
/// queue: 5 × 4 instances = 20, which at Stripe's usual 150-300 ms per transfer is about
/// 70-130 requests/s, around Stripe's 100/s; the patient retries absorb the odd 429.
pub const IN_FLIGHT: usize = 5;

/// Everything an invocation needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub flows: FlowDeps,
    pub metrics: Metrics,
}

/// The worker's Stripe retries: more patient than the webhook's default (3 attempts within
/// ~0.5 s, sized to answer Stripe's webhook quickly). The worker has 120 s (template.yaml) and a
/// 429 here means the flash sale is at Stripe's rate limit, so it waits out a whole rate-limit
/// window before handing the message back to the queue: 5 attempts, 250 ms doubling to 4 s
/// (jittered: at most 0.25 + 0.5 + 1 + 2 s of backoff).
pub fn retry_policy() -> RetryPolicy {
    RetryPolicy {
        attempts: 5,
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

/// Runs one message's job; `Some(message id)` when the message must be received again.
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
    match payout_flows::worker::run_job(&cx, &job).await {
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

    /// More attempts and a longer wait than the webhook's policy, and still well inside the
    /// function's 120 s timeout for two waves of [`IN_FLIGHT`] messages.
    #[test]
    fn the_worker_is_more_patient_than_the_webhook() {
        let (worker, webhook) = (retry_policy(), RetryPolicy::default());
        assert!(worker.attempts > webhook.attempts);
        assert!(worker.max_delay > webhook.max_delay);
        let backoff: Duration = (1..worker.attempts)
            .map(|n| (worker.base_delay * 2u32.pow(n - 1)).min(worker.max_delay))
            .sum();
        assert!(backoff <= Duration::from_secs(4), "{backoff:?}");
    }
}
