//! The transfer queue's contract suite on the SQS adapter, against moto's SQS (server mode, the
//! same server as the DynamoDB suites: `DYNAMODB_ENDPOINT`, or one per test process). moto speaks
//! the JSON protocol aws-sdk-sqs uses (`X-Amz-Target: AmazonSQS.*`).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_sqs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_sqs::error::BoxError;
use payouts::contract::{Drain, transfer_queue_contract};
use payouts::queue::{Job, QueueError, ShareRef, TransferQueue};
use sqs_queue::{SqsTransferQueue, decode};

/// A fresh queue on moto and the adapter on it; draining receives and deletes until empty.
struct OnMoto {
    queue: SqsTransferQueue,
    client: Client,
}

async fn fresh_with(client: Client) -> OnMoto {
    let url = harness::sqs::fresh_queue(&client).await;
    OnMoto {
        queue: SqsTransferQueue::new(client.clone(), url),
        client,
    }
}

async fn fresh() -> OnMoto {
    fresh_with(sqs_queue::client(Some(&harness::aws_endpoint().await)).await).await
}

#[async_trait]
impl TransferQueue for OnMoto {
    async fn send(&self, jobs: &[Job]) -> Result<(), QueueError> {
        self.queue.send(jobs).await
    }
}

#[async_trait]
impl Drain for OnMoto {
    /// moto answers a receive at once with what is visible, so an empty answer is an empty queue.
    async fn drain(&self) -> Vec<Job> {
        let mut arrived = Vec::new();
        loop {
            let answer = self
                .client
                .receive_message()
                .queue_url(self.queue.queue_url())
                .max_number_of_messages(10)
                .send()
                .await
                .expect("receive");
            let messages = answer.messages();
            if messages.is_empty() {
                return arrived;
            }
            for m in messages {
                arrived.push(decode(m.body().expect("a body")).expect("a job"));
                self.client
                    .delete_message()
                    .queue_url(self.queue.queue_url())
                    .receipt_handle(m.receipt_handle().expect("a receipt handle"))
                    .send()
                    .await
                    .expect("delete");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_sqs_adapter_passes_the_contract() {
    transfer_queue_contract(fresh).await;
}

/// Counts the `SendMessageBatch` requests a client transmits.
#[derive(Debug, Default)]
struct Batches(Arc<AtomicUsize>);

impl Intercept for Batches {
    fn name(&self) -> &'static str {
        "Batches"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let target = context.request().headers().get("x-amz-target");
        if target.is_some_and(|t| t.ends_with("SendMessageBatch")) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

#[tokio::test]
async fn twenty_five_shares_go_in_three_batches_of_at_most_ten() {
    let counter = Arc::new(AtomicUsize::new(0));
    let base = sqs_queue::client(Some(&harness::aws_endpoint().await)).await;
    let client = Client::from_conf(
        base.config()
            .to_builder()
            .interceptor(Batches(counter.clone()))
            .build(),
    );
    let q = fresh_with(client).await;
    let sent: Vec<Job> = (0..25).map(|i| share(&format!("ord_{i}"))).collect();
    q.send(&sent).await.expect("send");
    assert_eq!(counter.load(Ordering::SeqCst), 3);
    assert_eq!(q.drain().await.len(), 25);
}

#[tokio::test]
async fn a_missing_queue_is_refused() {
    let q = fresh().await;
    let missing = format!("{}-gone", q.queue.queue_url());
    let gone = SqsTransferQueue::new(q.client.clone(), missing);
    let err = gone
        .send(&[share("ord_1")])
        .await
        .expect_err("no such queue");
    assert!(matches!(err, QueueError::Refused(_)), "{err:?}");
}

/// A queue endpoint that accepts connections and never answers: a retryable error within the
/// client's bounds, not a hang.
#[tokio::test]
async fn a_silent_endpoint_is_unavailable() {
    let silent = harness::silent_endpoint().await;
    let q = SqsTransferQueue::new(
        sqs_queue::client(Some(&silent.url)).await,
        format!("{}/123456789012/transfers", silent.url),
    );
    let err = q.send(&[share("ord_1")]).await.expect_err("no answer");
    assert!(matches!(err, QueueError::Unavailable(_)), "{err:?}");
}

fn share(order: &str) -> Job {
    Job::Share(ShareRef {
        order_id: order.to_owned(),
        seller: "usr_a".into(),
    })
}
