//! The queued design's traffic: a webhook wired as its main.rs wires it with `TRANSFER_QUEUE_URL`
//! (its SQS client recording under `webhook`) sends a payment to a queue on moto, and the
//! transfer function, wired as its main.rs wires it (its DynamoDB and SQS clients recording
//! under `transfer`), pays it out from the messages received there, as Lambda's event source
//! mapping would hand them over, and hides the malformed message beside it for its backoff.

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use interceptors::metrics::MemorySink;
use interceptors::{Interceptors, Metrics};
use serde_json::json;
use settings::{HttpSettings, PayoutSettings, StripeSettings, WebhookSecrets};
use sqs_queue::SqsTransferQueue;
use stripe_adapter::StripeAdapter;

use super::sellers::SELLER_A;
use super::support::{PLATFORM_SECRET, signed_delivery};
use super::{Adapters, Stack, setting};

const ORDER: &str = "ord_metrics_queued";

/// What the queued traffic left: the queue's name and the transfer function's EMF records.
pub struct Queued {
    pub queue: String,
    pub sink: Arc<MemorySink>,
}

pub async fn payment(stack: &Stack) -> Queued {
    let endpoint = harness::aws_endpoint().await;
    let env = super::support::env(&stack.stripe.base_url);
    // Setting the queue up and receiving from it is Lambda's part: a client that records nothing.
    let lambda = sqs_queue::client(Some(&endpoint)).await;
    let url = harness::sqs::fresh_queue(&lambda).await;
    // Named as the recorder names the queue of a call's URL, so the two always agree.
    let queue = iam_proof::queue_name(&url).to_owned();
    let stripe = setting("stripe", StripeSettings::from_lookup(&env));
    let payout = setting("payout", PayoutSettings::from_lookup(&env));
    let http = setting("http", HttpSettings::from_lookup(&env));
    let flows = |db: &Adapters, stripe: StripeAdapter| {
        payout_flows::FlowDeps::new(
            db.accounts.clone(),
            db.ledger.clone(),
            db.events.clone(),
            Arc::new(stripe),
            &payout,
        )
    };
    let adapter = || setting("stripe", StripeAdapter::from_settings(&stripe));
    let db = |function| Adapters::of(function, &stack.calls, &endpoint, &stack.tables);
    let sends =
        iam_proof::recording_sqs_client(Some(&endpoint), stack.calls.recorder(webhook::FUNCTION))
            .await;
    let webhook_sink = stack
        .sinks
        .iter()
        .find(|(f, _)| *f == webhook::FUNCTION)
        .map(|(_, sink)| sink.clone())
        .expect("the webhook's sink");
    let webhook = webhook::Deps {
        flows: flows(&db(webhook::FUNCTION).await, adapter())
            .with_queue(Arc::new(SqsTransferQueue::new(sends, url.clone()))),
        config: webhook::Config::new(
            &stripe,
            &WebhookSecrets::from_lookup(&env).expect("webhook secrets"),
        ),
        interceptors: Interceptors::new(Metrics::new(webhook::FUNCTION, webhook_sink), &http, None),
    };
    let sink = MemorySink::new();
    let metrics = Metrics::new(transfer::FUNCTION, sink.clone());
    metrics.cold_start();
    let visibility =
        iam_proof::recording_sqs_client(Some(&endpoint), stack.calls.recorder(transfer::FUNCTION))
            .await;
    let transfer = transfer::Deps {
        flows: flows(
            &db(transfer::FUNCTION).await,
            adapter().with_retry(transfer::retry_policy()),
        ),
        metrics,
        retries: Some(transfer::Retries {
            queue: sqs_queue::QueueVisibility::new(visibility, url.clone()),
            backoff: transfer::Backoff::DEPLOYED,
        }),
    };

    let shares = format!("{SELLER_A}:5000");
    let metadata = json!({ "veza_order_id": ORDER, "veza_shares": shares });
    let paid = stack
        .control
        .pay_with_metadata("eur", 5000, metadata, false)
        .await;
    let body = stack.control.event(&paid.event).await.to_string();
    let delivery = signed_delivery("/api/v1/webhooks/stripe", PLATFORM_SECRET, &body);
    let resp = harness::contract::call(delivery, |req| webhook::handle(&webhook, req)).await;
    assert_eq!(resp.status(), 200, "the queued delivery");
    assert!(
        stack.control.transfers(ORDER).await.is_empty(),
        "sent, not paid"
    );

    // A body that is not a job beside it: the worker fails it and hides it for its backoff (the
    // function's one SQS call).
    lambda
        .send_message()
        .queue_url(&url)
        .message_body("not a job")
        .send()
        .await
        .expect("send a malformed message");
    let received = lambda
        .receive_message()
        .queue_url(&url)
        .max_number_of_messages(10)
        .send()
        .await
        .expect("receive")
        .messages
        .unwrap_or_default();
    assert_eq!(
        received.len(),
        2,
        "one payment job and the malformed message"
    );
    let records: Vec<_> = received
        .iter()
        .map(|m| {
            json!({ "messageId": m.message_id(), "receiptHandle": m.receipt_handle(),
                "body": m.body(), "eventSource": "aws:sqs" })
        })
        .collect();
    let event: SqsEvent =
        serde_json::from_value(json!({ "Records": records })).expect("an SQS event");
    let answer = transfer::handle(&transfer, event).await;
    let malformed = received.iter().find(|m| m.body() == Some("not a job"));
    let failed: Vec<_> = answer
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(
        failed,
        [malformed.and_then(|m| m.message_id()).expect("its id")],
        "{answer:?}"
    );
    assert_eq!(stack.control.transfers(ORDER).await.len(), 1, "paid out");
    Queued { queue, sink }
}
