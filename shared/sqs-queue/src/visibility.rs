//! Hiding a failed job's message until its retry (`ChangeMessageVisibilityBatch`).
//!
//! A message the transfer function reports failed stays hidden for the rest of the queue's
//! visibility timeout (720 s: six times the function's timeout, as Lambda requires), then comes
//! back. The function shortens that wait to its backoff instead: a job that met a Stripe 429 is
//! tried again within a minute, not twelve.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::ChangeMessageVisibilityBatchRequestEntry;
use payouts::queue::QueueError;

use crate::{BATCH, error};

/// One received message to hide for `after` from now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryLater {
    pub receipt_handle: String,
    pub after: Duration,
}

/// The visibility of one queue's received messages.
#[derive(Clone, Debug)]
pub struct QueueVisibility {
    client: Client,
    queue_url: String,
}

impl QueueVisibility {
    pub fn new(client: Client, queue_url: impl Into<String>) -> QueueVisibility {
        QueueVisibility {
            client,
            queue_url: queue_url.into(),
        }
    }

    /// Hides each message for its delay, in batches of [`BATCH`]. `Unavailable` if any entry
    /// was not changed: that message then waits the queue's own visibility timeout, which is
    /// safe, only slower.
    pub async fn retry_later(&self, messages: &[RetryLater]) -> Result<(), QueueError> {
        const OP: &str = "ChangeMessageVisibilityBatch";
        for batch in messages.chunks(BATCH) {
            let entries = batch
                .iter()
                .enumerate()
                .map(|(i, message)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(&message.receipt_handle)
                        // SQS takes whole seconds, at most 12 hours.
                        .visibility_timeout(message.after.as_secs().min(43_200) as i32)
                        .build()
                        .map_err(|e| QueueError::Refused(format!("sqs {OP}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let answer = self
                .client
                .change_message_visibility_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|err| error::failed(OP, err))?;
            crate::every_entry_done(OP, answer.failed(), batch.len())?;
        }
        Ok(())
    }
}
