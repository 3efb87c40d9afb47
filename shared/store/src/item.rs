//! Small helpers shared by the adapters: attribute values, serde_dynamo mapping, transactions.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use payouts::ports::StoreError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{self, Cancelled};

pub(crate) type Item = HashMap<String, AttributeValue>;

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// Serializes a record into an item and adds its key attributes.
pub(crate) fn to_item<T: Serialize>(
    value: &T,
    keys: impl IntoIterator<Item = (&'static str, AttributeValue)>,
) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::aws_sdk_dynamodb_1::to_item(value)
        .map_err(|e| StoreError::Corrupt(format!("cannot encode record: {e}")))?;
    item.extend(keys.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Ok(item)
}

/// Reads a record back; extra attributes (keys, index keys, TTL) are ignored.
pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    let key = key_of(&item);
    serde_dynamo::aws_sdk_dynamodb_1::from_item(item)
        .map_err(|e| StoreError::Corrupt(format!("item {key}: {e}")))
}

/// A string attribute that must be there.
pub(crate) fn string_attr(item: &Item, name: &str) -> Result<String, StoreError> {
    match item.get(name) {
        Some(AttributeValue::S(v)) => Ok(v.clone()),
        _ => Err(StoreError::Corrupt(format!(
            "item {}: attribute {name} missing or not a string",
            key_of(item)
        ))),
    }
}

/// `pk` (and `sk`) for error messages: keys are ids, never personal data.
fn key_of(item: &Item) -> String {
    let get = |k: &str| match item.get(k) {
        Some(AttributeValue::S(v)) => v.as_str(),
        _ => "?",
    };
    match item.get("sk") {
        Some(_) => format!("{}/{}", get("pk"), get("sk")),
        None => get("pk").to_owned(),
    }
}

/// Runs a transaction. `Ok(None)` when it committed, `Ok(Some(i))` when the condition of item
/// `i` failed. `TransactionConflict` (another transaction on the same item, in flight) is
/// retried a few times: every item carries its own condition, so a retry cannot apply twice.
pub(crate) async fn transact(
    client: &Client,
    items: Vec<TransactWriteItem>,
) -> Result<Option<usize>, StoreError> {
    const ATTEMPTS: u32 = 4;
    for attempt in 1..=ATTEMPTS {
        let sent = client
            .transact_write_items()
            .set_transact_items(Some(items.clone()))
            .send()
            .await;
        match sent {
            Ok(_) => return Ok(None),
            Err(err) => match error::cancelled(err)? {
                Cancelled::Condition(i) => return Ok(Some(i)),
                Cancelled::Contended if attempt < ATTEMPTS => {
                    tokio::time::sleep(Duration::from_millis(20 << attempt)).await;
                }
                Cancelled::Contended => {}
            },
        }
    }
    Err(StoreError::Unavailable(
        "dynamodb TransactWriteItems: transaction conflict persisted".into(),
    ))
}
