//! `tests/events/transfer-sqs.json` (what `make invoke-events` hands the built function, and
//! `sam local invoke TransferFunction -e` would) parses as Lambda's SQS event, and the handler
//! answers its documented partial batch response: the malformed message only.

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use interceptors::Metrics;
use interceptors::metrics::MemorySink;
use payout_flows::FlowDeps;
use payouts::claims::DisputePolicy;
use payouts::memory::{MemoryEventLog, MemoryLedger, MemorySellerAccounts, MemoryStripe};

#[tokio::test]
async fn the_event_file_answers_its_malformed_message_as_the_one_to_retry() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/events/transfer-sqs.json"
    );
    let text = std::fs::read_to_string(file).expect("the event file");
    let event: SqsEvent = serde_json::from_str(&text).expect("an SQS event");
    let stripe = Arc::new(MemoryStripe::new());
    let deps = transfer::Deps {
        flows: FlowDeps {
            accounts: Arc::new(MemorySellerAccounts::new()),
            ledger: Arc::new(MemoryLedger::new()),
            events: Arc::new(MemoryEventLog::new()),
            connect: stripe.clone(),
            transfers: stripe,
            fee_bps: 1000,
            dispute_policy: DisputePolicy::Reverse,
            clock: Arc::new(payouts::clock::SystemClock),
            queue: None,
        },
        metrics: Metrics::new(transfer::FUNCTION, MemorySink::new()),
        retries: None,
    };
    let answer = transfer::handle(&deps, event).await;
    let failed: Vec<&str> = answer
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, ["malformed-1"]);
    assert_eq!(
        serde_json::to_value(&answer).expect("JSON"),
        serde_json::json!({ "batchItemFailures": [{ "itemIdentifier": "malformed-1" }] })
    );
}
