//! Processed webhook events (`WebhookEventsTable`), for de-duplication on the Stripe event id.
//!
//! One item per event: `pk = <event id>`, with the event type, when it was processed and
//! `expires_at` (TTL) 30 days later: Stripe retries for 3 days, so the window is generous.
//!
//! Per-seller request budgets live there too (`pk = RATE#<seller>`, see `rate.rs`).
//!
//! The reconciler's checkpoints live in the same table (`pk = CHECKPOINT#<name>`, never an event
//! id, which starts with `evt_`), without `expires_at`, written by compare-and-set on `version`.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use payouts::ports::{Checkpoint, Checkpoints, EventLog, StoreError};

use crate::error::{other, put_written};
use crate::item::{Item, from_item, n, s, to_item};

/// How long a processed event is remembered (seconds).
pub const EVENT_RETENTION_SECS: i64 = 30 * 24 * 60 * 60;

/// [`EventLog`] on DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoEventLog {
    pub(crate) client: Client,
    pub(crate) table: String,
}

impl DynamoEventLog {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait]
impl EventLog for DynamoEventLog {
    async fn is_processed(&self, event_id: &str) -> Result<bool, StoreError> {
        // Consistent: a stale "no" would let a retried delivery run its Stripe calls again.
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(event_id))
            .projection_expression("pk")
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        Ok(out.item.is_some())
    }

    async fn mark_processed(
        &self,
        event_id: &str,
        event_type: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let item = Item::from([
            ("pk".to_owned(), s(event_id)),
            ("event_type".to_owned(), s(event_type)),
            ("processed_at".to_owned(), n(now)),
            (
                "expires_at".to_owned(),
                n(now.saturating_add(EVENT_RETENTION_SECS)),
            ),
        ]);
        let sent = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        put_written(sent)
    }
}

fn checkpoint_pk(name: &str) -> String {
    format!("CHECKPOINT#{name}")
}

#[async_trait]
impl Checkpoints for DynamoEventLog {
    async fn get(&self, name: &str) -> Result<Option<Checkpoint>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(checkpoint_pk(name)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        out.item.map(from_item).transpose()
    }

    async fn put(&self, name: &str, checkpoint: &Checkpoint) -> Result<bool, StoreError> {
        let item = to_item(checkpoint, [("pk", s(checkpoint_pk(name)))])?;
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        let put = match checkpoint.version.checked_sub(1) {
            None | Some(0) => put.condition_expression("attribute_not_exists(pk)"),
            Some(expected) => put
                .condition_expression("#v = :expected")
                .expression_attribute_names("#v", "version")
                .expression_attribute_values(":expected", n(expected)),
        };
        put_written(put.send().await)
    }
}
