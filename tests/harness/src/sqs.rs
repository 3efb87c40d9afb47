//! SQS on the test moto server (moto serves every service on the one port of
//! [`crate::aws_endpoint`]).

use aws_sdk_sqs::Client;

/// Creates a queue of its own (`t<12 hex>-transfers`), so that tests sharing one server never
/// see each other's messages, and returns its URL.
pub async fn fresh_queue(client: &Client) -> String {
    let name = format!(
        "t{}-transfers",
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    );
    client
        .create_queue()
        .queue_name(&name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating the queue {name} on moto: {e}"))
        .queue_url
        .expect("a queue url")
}
