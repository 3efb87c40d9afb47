//! Per-seller request budgets ([`payouts::rate`]) in `WebhookEventsTable`, the table of
//! short-lived marks: `pk = RATE#<key>` (never an event id, which starts with `evt_`), the
//! bucket's state `tat_ms`, and `expires_at` (TTL) once the bucket is full again, so idle
//! sellers cost nothing. Written by a conditional put on the value that was read.

use async_trait::async_trait;
use payouts::ports::{RateBuckets, StoreError};
use payouts::rate::RateLimit;

use crate::DynamoEventLog;
use crate::error::{other, put_written};
use crate::item::{Item, n, s};

fn bucket_pk(key: &str) -> String {
    format!("RATE#{key}")
}

#[async_trait]
impl RateBuckets for DynamoEventLog {
    async fn get(&self, key: &str) -> Result<Option<i64>, StoreError> {
        // Consistent: a stale read would only make the conditional put fail and retry, but it
        // would cost a round trip each time.
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(bucket_pk(key)))
            .projection_expression("tat_ms")
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        item.get("tat_ms")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("rate bucket {key}: no tat_ms")))
    }

    async fn put(&self, key: &str, expected: Option<i64>, tat_ms: i64) -> Result<bool, StoreError> {
        let item = Item::from([
            ("pk".to_owned(), s(bucket_pk(key))),
            ("tat_ms".to_owned(), n(tat_ms)),
            (
                "expires_at".to_owned(),
                n(RateLimit::forget_after_secs(tat_ms)),
            ),
        ]);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item));
        let put = match expected {
            None => put.condition_expression("attribute_not_exists(pk)"),
            Some(expected) => put
                .condition_expression("tat_ms = :expected")
                .expression_attribute_values(":expected", n(expected)),
        };
        put_written(put.send().await)
    }
}
