//! Records every DynamoDB (and SQS) call a client makes, as IAM authorizes it.
//!
//! A [`Recorder`] is a client interceptor: before each operation is serialized (once per
//! operation, not per retry attempt; failed calls need their permission too) it reads the
//! operation's name and its typed input and appends a [`Call`] to its function's list in the
//! shared [`CallLog`]. Each call carries the [`Access`]es IAM checks for it:
//! - single-table operations: `dynamodb:<Operation>` on the table, or on the index a `Query` or
//!   `Scan` names (IAM checks `<table ARN>/index/<name>` then);
//! - `TransactWriteItems` / `TransactGetItems` (no IAM action of their own): each item's action
//!   (`PutItem`, `UpdateItem`, `DeleteItem`, `ConditionCheckItem`, `GetItem`) on its table;
//! - `BatchGetItem` / `BatchWriteItem`: the batch action on every table of the batch;
//! - SQS `SendMessage` / `SendMessageBatch` and `ChangeMessageVisibility(Batch)` (on the SQS
//!   client, [`recording_sqs_client`]): `sqs:SendMessage` / `sqs:ChangeMessageVisibility` on the
//!   queue its URL names (IAM authorizes a batch as its single action).
//!
//! An operation not listed here is recorded without accesses: the check refuses it, so a new
//! kind of call cannot pass unexamined.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::{Arc, Mutex};

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::operation as op;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Input;
use aws_smithy_runtime_api::client::orchestrator::Metadata;

/// One authorization a call needs: an IAM action on a table (or one of its indexes), or on a
/// queue (an `sqs:` action).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Access {
    /// The IAM action, e.g. `dynamodb:PutItem`.
    pub action: String,
    /// The table as the request names it (its physical name, or its ARN); for an `sqs:` action,
    /// the queue's name.
    pub table: String,
    /// The index a `Query` or `Scan` reads.
    pub index: Option<String>,
}

/// One call: its operation and what IAM checks for it (empty: an operation not modelled here).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub operation: String,
    pub accesses: Vec<Access>,
}

/// Every recorded call, per function, in order. Cheap to clone (shared).
#[derive(Clone, Debug, Default)]
pub struct CallLog(Arc<Mutex<BTreeMap<String, Vec<Call>>>>);

impl CallLog {
    /// An interceptor recording into this log under `function`.
    pub fn recorder(&self, function: &str) -> Recorder {
        Recorder {
            function: function.to_owned(),
            log: self.clone(),
        }
    }

    /// The calls recorded so far, per function.
    pub fn calls(&self) -> BTreeMap<String, Vec<Call>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn push(&self, function: &str, call: Call) {
        let mut calls = self.0.lock().unwrap_or_else(|p| p.into_inner());
        calls.entry(function.to_owned()).or_default().push(call);
    }
}

/// The recording interceptor of one function's client.
#[derive(Debug)]
pub struct Recorder {
    function: String,
    log: CallLog,
}

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "iam-proof recorder"
    }

    // Not `read_before_execution`: a client interceptor runs that before the operation's own
    // configuration (its `Metadata`) is in the bag.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map_or_else(|| "<unnamed operation>".to_owned(), |m| m.name().to_owned());
        let accesses = accesses(&operation, context.input());
        self.log.push(
            &self.function,
            Call {
                operation,
                accesses,
            },
        );
        Ok(())
    }
}

/// For tests: a function's DynamoDB client exactly as `store::client` builds it (endpoint,
/// timeouts, retries, interceptors), with `recorder` added.
pub async fn recording_client(endpoint: Option<&str>, recorder: Recorder) -> Client {
    let production = store::client(endpoint).await;
    let config = production
        .config()
        .to_builder()
        .interceptor(recorder)
        .build();
    Client::from_conf(config)
}

/// For tests: a function's SQS client exactly as `sqs_queue::client` builds it, with `recorder`.
pub async fn recording_sqs_client(
    endpoint: Option<&str>,
    recorder: Recorder,
) -> aws_sdk_sqs::Client {
    let production = sqs_queue::client(endpoint).await;
    let config = production
        .config()
        .to_builder()
        .interceptor(recorder)
        .build();
    aws_sdk_sqs::Client::from_conf(config)
}

/// The queue a queue URL names (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or a local
/// server's `http://host/<account>/<name>`): its last path segment.
pub fn queue_name(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

/// What IAM checks for an SQS operation: a batch is authorized as its single action
/// (`SendMessageBatch` as `sqs:SendMessage`, `ChangeMessageVisibilityBatch` as
/// `sqs:ChangeMessageVisibility`).
fn sqs_accesses(input: &Input) -> Option<Vec<Access>> {
    use aws_sdk_sqs::operation as sqs;
    let on = |action: &str, url: Option<&str>| {
        Some(vec![Access {
            action: format!("sqs:{action}"),
            table: queue_name(url?).to_owned(),
            index: None,
        }])
    };
    if let Some(i) = input.downcast_ref::<sqs::send_message_batch::SendMessageBatchInput>() {
        return on("SendMessage", i.queue_url());
    }
    if let Some(i) = input.downcast_ref::<sqs::send_message::SendMessageInput>() {
        return on("SendMessage", i.queue_url());
    }
    type Visibility = sqs::change_message_visibility_batch::ChangeMessageVisibilityBatchInput;
    if let Some(i) = input.downcast_ref::<Visibility>() {
        return on("ChangeMessageVisibility", i.queue_url());
    }
    let i = input.downcast_ref::<sqs::change_message_visibility::ChangeMessageVisibilityInput>()?;
    on("ChangeMessageVisibility", i.queue_url())
}

fn access(action: &str, table: &str, index: Option<&str>) -> Access {
    Access {
        action: format!("dynamodb:{action}"),
        table: table.to_owned(),
        index: index.map(str::to_owned),
    }
}

/// `(table, index)` of a single-table input of type `T`.
fn single<T: Debug + Send + Sync + 'static>(
    input: &Input,
    table: fn(&T) -> Option<&str>,
    index: fn(&T) -> Option<&str>,
) -> Option<(String, Option<String>)> {
    let typed = input.downcast_ref::<T>()?;
    Some((table(typed)?.to_owned(), index(typed).map(str::to_owned)))
}

fn no_index<T>(_: &T) -> Option<&str> {
    None
}

/// What IAM checks for `operation` with `input`.
fn accesses(operation: &str, input: &Input) -> Vec<Access> {
    if let Some(sqs) = sqs_accesses(input) {
        return sqs;
    }
    let one = None
        .or_else(|| single(input, op::get_item::GetItemInput::table_name, no_index))
        .or_else(|| single(input, op::put_item::PutItemInput::table_name, no_index))
        .or_else(|| {
            single(
                input,
                op::update_item::UpdateItemInput::table_name,
                no_index,
            )
        })
        .or_else(|| {
            single(
                input,
                op::delete_item::DeleteItemInput::table_name,
                no_index,
            )
        })
        .or_else(|| {
            let index = op::query::QueryInput::index_name;
            single(input, op::query::QueryInput::table_name, index)
        })
        .or_else(|| {
            single(
                input,
                op::scan::ScanInput::table_name,
                op::scan::ScanInput::index_name,
            )
        })
        .or_else(|| {
            let table = op::describe_table::DescribeTableInput::table_name;
            single(input, table, no_index)
        });
    if let Some((table, index)) = one {
        return vec![access(operation, &table, index.as_deref())];
    }
    if let Some(tx) = input.downcast_ref::<op::transact_write_items::TransactWriteItemsInput>() {
        return tx
            .transact_items()
            .iter()
            .filter_map(|item| {
                let (action, table) = None
                    .or_else(|| item.put().map(|x| ("PutItem", x.table_name())))
                    .or_else(|| item.update().map(|x| ("UpdateItem", x.table_name())))
                    .or_else(|| item.delete().map(|x| ("DeleteItem", x.table_name())))
                    .or_else(|| {
                        let check = item.condition_check()?;
                        Some(("ConditionCheckItem", check.table_name()))
                    })?;
                Some(access(action, table, None))
            })
            .collect();
    }
    if let Some(tx) = input.downcast_ref::<op::transact_get_items::TransactGetItemsInput>() {
        return tx
            .transact_items()
            .iter()
            .filter_map(|item| item.get().map(|g| access("GetItem", g.table_name(), None)))
            .collect();
    }
    let tables: Vec<&String> = None
        .or_else(|| {
            let batch = input.downcast_ref::<op::batch_get_item::BatchGetItemInput>()?;
            Some(batch.request_items()?.keys().collect())
        })
        .or_else(|| {
            let batch = input.downcast_ref::<op::batch_write_item::BatchWriteItemInput>()?;
            Some(batch.request_items()?.keys().collect())
        })
        .unwrap_or_default();
    tables
        .into_iter()
        .map(|table| access(operation, table, None))
        .collect()
}

#[cfg(test)]
#[path = "recorder_tests.rs"]
mod tests;
