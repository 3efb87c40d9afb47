//! The queued design against the real parts: the webhook's test stack (moto DynamoDB, the local
//! Stripe server delivering signed events over HTTP) with its flows sending jobs to an SQS queue
//! on moto, and the transfer function's handler fed from that queue the way Lambda's event source
//! mapping feeds it ([`Queued::receive`], [`Queued::settle`]). Waits are on conditions.
#![allow(dead_code)] // each test binary uses a different part of this support code

use std::sync::Arc;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{Message, MessageSystemAttributeName};
use interceptors::Metrics;
use interceptors::metrics::MemorySink;
use payout_flows::FlowDeps;
use payouts::queue::Job;
use serde_json::json;
use sqs_queue::QueueVisibility;
use sqs_queue::SqsTransferQueue;
use stripe_adapter::{RetryPolicy, StripeAdapter};
use transfer::{Backoff, Deps, Retries};

use crate::common::{Options, Stack};

/// The stack, its queue, and the transfer function wired to the same tables and Stripe.
pub struct Queued {
    pub stack: Stack,
    pub sqs: Client,
    pub queue: SqsTransferQueue,
    pub worker: Deps,
    pub sink: Arc<MemorySink>,
}

/// An SQS queue of its own on the test moto server.
pub async fn queue() -> SqsTransferQueue {
    let sqs = sqs_queue::client(Some(&harness::aws_endpoint().await)).await;
    let url = harness::sqs::fresh_queue(&sqs).await;
    SqsTransferQueue::new(sqs, url)
}

impl Queued {
    /// The webhook sending to a fresh queue; the worker retries Stripe with `retry`.
    pub async fn start(options: Options, retry: RetryPolicy) -> Queued {
        let queue = queue().await;
        let stack = Stack::with(Options {
            queue: Some(Arc::new(queue.clone())),
            ..options
        })
        .await;
        let adapter = Arc::new(
            StripeAdapter::new(
                &stack.stripe.base_url,
                stack.stripe.api_key(),
                Duration::from_secs(1),
            )
            .expect("adapter")
            .with_retry(retry),
        );
        let sink = MemorySink::new();
        let sqs = sqs_queue::client(Some(&harness::aws_endpoint().await)).await;
        let worker = Deps {
            // The webhook's stores and clock, the worker's own Stripe client; it sends nothing.
            flows: FlowDeps {
                connect: adapter.clone(),
                transfers: adapter,
                queue: None,
                ..stack.deps.flows.clone()
            },
            metrics: Metrics::new(transfer::FUNCTION, sink.clone()),
            // As deployed: a failed message is hidden for its backoff.
            retries: Some(Retries {
                queue: QueueVisibility::new(sqs.clone(), queue.queue_url()),
                backoff: Backoff::DEPLOYED,
            }),
        };
        Queued {
            stack,
            sqs,
            queue,
            worker,
            sink,
        }
    }

    /// Up to 10 visible messages, hidden for `visibility` (what one poll of the event source
    /// mapping takes).
    pub async fn receive(&self, visibility: Duration) -> Vec<Message> {
        self.sqs
            .receive_message()
            .queue_url(self.queue.queue_url())
            .max_number_of_messages(10)
            .visibility_timeout(i32::try_from(visibility.as_secs()).expect("seconds"))
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .expect("receive")
            .messages
            .unwrap_or_default()
    }

    /// Messages visible or in flight.
    pub async fn depth(&self) -> (u64, u64) {
        use aws_sdk_sqs::types::QueueAttributeName as A;
        let attrs = self
            .sqs
            .get_queue_attributes()
            .queue_url(self.queue.queue_url())
            .attribute_names(A::ApproximateNumberOfMessages)
            .attribute_names(A::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .expect("queue attributes")
            .attributes
            .unwrap_or_default();
        let n = |a: A| attrs.get(&a).and_then(|v| v.parse().ok()).unwrap_or(0);
        (
            n(A::ApproximateNumberOfMessages),
            n(A::ApproximateNumberOfMessagesNotVisible),
        )
    }

    /// One invocation on `messages`, as Lambda makes it; then what the event source mapping
    /// does with the answer: settled messages deleted, failed ones made visible again at once
    /// (standing in for their visibility timeout running out).
    pub async fn settle(&self, messages: &[Message]) -> SqsBatchResponse {
        let response = transfer::handle(&self.worker, event(messages)).await;
        let failed: Vec<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        for m in messages {
            let handle = m.receipt_handle().expect("a receipt handle");
            if failed.contains(&m.message_id().expect("an id")) {
                self.release(std::slice::from_ref(m)).await;
            } else {
                self.sqs
                    .delete_message()
                    .queue_url(self.queue.queue_url())
                    .receipt_handle(handle)
                    .send()
                    .await
                    .expect("delete");
            }
        }
        response
    }

    /// Makes `messages` visible at once (standing in for their wait running out).
    pub async fn release(&self, messages: &[Message]) {
        for m in messages {
            self.sqs
                .change_message_visibility()
                .queue_url(self.queue.queue_url())
                .receipt_handle(m.receipt_handle().expect("a receipt handle"))
                .visibility_timeout(0)
                .send()
                .await
                .expect("release");
        }
    }

    /// Receives and settles until the queue is empty; the number of failed items on the way.
    pub async fn drain(&self) -> usize {
        let mut failed = 0;
        for _ in 0..100 {
            let messages = self.receive(Duration::from_secs(30)).await;
            if messages.is_empty() {
                return failed;
            }
            failed += self.settle(&messages).await.batch_item_failures.len();
        }
        panic!("the queue did not drain in 100 receives");
    }

    /// Sends `job` `times` times more (a repeated delivery, an at-least-once duplicate).
    pub async fn resend(&self, job: &Job, times: usize) {
        use payouts::queue::TransferQueue;
        self.queue
            .send(&vec![job.clone(); times])
            .await
            .expect("resend");
    }
}

/// The SQS event Lambda sends for `messages` (its wire form, parsed by the function's type).
pub fn event(messages: &[Message]) -> SqsEvent {
    let records: Vec<_> = messages
        .iter()
        .map(|m| {
            json!({
                "messageId": m.message_id(),
                "receiptHandle": m.receipt_handle(),
                "body": m.body(),
                "attributes": {
                    "ApproximateReceiveCount": m
                        .attributes()
                        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
                        .cloned()
                        .unwrap_or_else(|| "1".into()),
                },
                "messageAttributes": {},
                "md5OfBody": m.md5_of_body(),
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:transfers",
                "awsRegion": "us-east-1",
            })
        })
        .collect();
    serde_json::from_value(json!({ "Records": records })).expect("an SQS event")
}
