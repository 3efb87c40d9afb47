//! The SQS adapter of the transfer queue port (`payouts::queue::TransferQueue`).
//!
//! A message is one job, its body the JSON of [`Job`] (`{"job":"payment",…}` with the payment's
//! facts, or `{"job":"share","order_id":…,"seller":…}`): every job is idempotent, so a message
//! can be repeated or arrive late without harm (the ledger's compare-and-set and Stripe's
//! idempotency keys move money once).
//!
//! [`SqsTransferQueue::send`] sends `SendMessageBatch` requests of at most 10 entries (SQS's
//! limit). A batch answer that lists failed entries fails the whole send with `Unavailable`: the
//! caller (the webhook) answers 5xx, Stripe redelivers, and every share is sent again, which is
//! harmless. SDK errors are classified like the DynamoDB adapter's ([`error`]).
//!
//! [`QueueVisibility`] is the receiving side's one call: the transfer function hides a failed
//! job's message for its backoff instead of the queue's whole visibility timeout.

mod error;
mod visibility;

use async_trait::async_trait;
use aws_sdk_sqs::types::{BatchResultErrorEntry, SendMessageBatchRequestEntry};
use payouts::queue::{Job, QueueError, TransferQueue};

pub use aws_sdk_sqs::Client;
pub use error::{Class, classify};
pub use visibility::{QueueVisibility, RetryLater};

/// SQS's maximum number of entries in one `SendMessageBatch`.
pub const BATCH: usize = 10;

/// An SQS client: the standard AWS configuration chain, or, with `endpoint` (`SQS_ENDPOINT`: moto,
/// LocalStack), that endpoint with local credentials (`store::sdk_config`).
///
/// Calls are bounded like DynamoDB's (`store::timeouts`, `store::retries`): the webhook sends
/// inside a delivery, and a queue that hangs must become a retryable 503 well inside its timeout.
pub async fn client(endpoint: Option<&str>) -> Client {
    let config = aws_sdk_sqs::config::Builder::from(&store::sdk_config(endpoint).await)
        .timeout_config(store::timeouts())
        .retry_config(store::retries())
        .build();
    Client::from_conf(config)
}

/// The transfer queue on one SQS queue.
#[derive(Clone, Debug)]
pub struct SqsTransferQueue {
    client: Client,
    queue_url: String,
}

impl SqsTransferQueue {
    pub fn new(client: Client, queue_url: impl Into<String>) -> SqsTransferQueue {
        SqsTransferQueue {
            client,
            queue_url: queue_url.into(),
        }
    }

    pub fn queue_url(&self) -> &str {
        &self.queue_url
    }

    async fn send_batch(&self, jobs: &[Job]) -> Result<(), QueueError> {
        const OP: &str = "SendMessageBatch";
        let entries = jobs
            .iter()
            .enumerate()
            .map(|(i, job)| {
                SendMessageBatchRequestEntry::builder()
                    // Ids need only be unique within the batch.
                    .id(i.to_string())
                    .message_body(encode(job))
                    .build()
                    .map_err(|e| QueueError::Refused(format!("sqs {OP}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let answer = self
            .client
            .send_message_batch()
            .queue_url(&self.queue_url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|err| error::failed(OP, err))?;
        // Retry the whole send (duplicates are harmless), whatever the entry's fault: our
        // entries are small and well formed, so a failed one is SQS's doing.
        every_entry_done(OP, answer.failed(), jobs.len())
    }
}

#[async_trait]
impl TransferQueue for SqsTransferQueue {
    async fn send(&self, jobs: &[Job]) -> Result<(), QueueError> {
        // Sequential: a webhook sends one job per event (a release: one per held share); the
        // first failure stops the send, and the caller's retry sends everything again.
        for batch in jobs.chunks(BATCH) {
            self.send_batch(batch).await?;
        }
        Ok(())
    }
}

/// `Unavailable` when a batch answer lists failed entries (logged with the first one's fault):
/// the caller retries the whole batch.
fn every_entry_done(
    op: &str,
    failed: &[BatchResultErrorEntry],
    sent: usize,
) -> Result<(), QueueError> {
    let Some(first) = failed.first() else {
        return Ok(());
    };
    let code = first.code();
    tracing::warn!(
        op,
        failed = failed.len(),
        code,
        sender_fault = first.sender_fault(),
        message = first.message().unwrap_or(""),
        "sqs did only part of a batch; the whole batch is retried"
    );
    Err(QueueError::Unavailable(format!(
        "sqs {op}: {} of {sent} entries failed ({code})",
        failed.len()
    )))
}

/// A message body: the JSON of the job.
pub fn encode(job: &Job) -> String {
    serde_json::to_string(job).expect("a Job is always JSON")
}

/// A message body that is not a job: it can never be run.
#[derive(Debug, thiserror::Error)]
#[error("not a transfer job: {0}")]
pub struct Malformed(String);

/// The job a message body carries (what the transfer function runs).
pub fn decode(body: &str) -> Result<Job, Malformed> {
    // serde also reads a tagged enum from a JSON array; only the object form was ever sent.
    if !body.trim_start().starts_with('{') {
        return Err(Malformed("not a JSON object".into()));
    }
    let job: Job = serde_json::from_str(body).map_err(|e| Malformed(e.to_string()))?;
    let empty = match &job {
        Job::Share(share) => share.order_id.is_empty() || share.seller.is_empty(),
        Job::Payment(facts) => facts.payment_intent_id.is_empty(),
    };
    if empty {
        return Err(Malformed("empty ids".into()));
    }
    Ok(job)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_the_json_of_the_job_and_decodes_back() {
        let share = Job::Share(payouts::queue::ShareRef {
            order_id: "ord_1".into(),
            seller: "usr_a".into(),
        });
        let body = encode(&share);
        assert_eq!(
            body,
            r#"{"job":"share","order_id":"ord_1","seller":"usr_a"}"#
        );
        assert_eq!(decode(&body).unwrap(), share);
        let payment = Job::Payment(payouts::PaymentFacts {
            payment_intent_id: "pi_1".into(),
            charge_id: Some("ch_1".into()),
            amount_received: 2000,
            currency: "eur".into(),
            metadata: [("veza_order_id".to_owned(), "ord_1".to_owned())].into(),
        });
        assert_eq!(decode(&encode(&payment)).unwrap(), payment);
    }

    #[test]
    fn anything_else_is_malformed() {
        for body in [
            "",
            "not json",
            "{}",
            r#"{"order_id":"ord_1","seller":"usr_a"}"#,
            r#"{"job":"share","order_id":"ord_1"}"#,
            r#"{"job":"share","order_id":"","seller":"usr_a"}"#,
            r#"{"job":"refund","order_id":"ord_1","seller":"usr_a"}"#,
            r#"["share","ord_1","usr_a"]"#,
        ] {
            assert!(decode(body).is_err(), "{body:?}");
        }
    }
}
