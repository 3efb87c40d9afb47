//! The recorder on a client whose endpoint refuses connections: every call fails, and is
//! recorded all the same (a failed call needed its permission too).

use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};

use super::*;

fn key() -> std::collections::HashMap<String, AttributeValue> {
    [("pk".to_owned(), AttributeValue::S("k".into()))].into()
}

async fn recorded(calls: impl AsyncFnOnce(&Client)) -> Vec<Call> {
    let log = CallLog::default();
    let client = recording_client(Some("http://127.0.0.1:1"), log.recorder("f")).await;
    calls(&client).await;
    let mut all = log.calls();
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove("f").unwrap_or_default()
}

fn one(action: &str, table: &str, index: Option<&str>) -> Access {
    access(action, table, index)
}

#[tokio::test]
async fn single_table_calls_name_their_table_and_index() {
    let calls = recorded(async |c: &Client| {
        let _ = c
            .get_item()
            .table_name("t1")
            .set_key(Some(key()))
            .send()
            .await;
        let query = c.query().table_name("t2").index_name("open");
        let _ = query.key_condition_expression("a = :a").send().await;
        let _ = c.query().table_name("t2").send().await;
    })
    .await;
    let got: Vec<(&str, Vec<Access>)> = calls
        .iter()
        .map(|c| (c.operation.as_str(), c.accesses.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("GetItem", vec![one("GetItem", "t1", None)]),
            ("Query", vec![one("Query", "t2", Some("open"))]),
            ("Query", vec![one("Query", "t2", None)]),
        ]
    );
}

#[tokio::test]
async fn a_transaction_is_authorized_item_by_item() {
    let put = Put::builder().table_name("a").set_item(Some(key())).build();
    let update = Update::builder()
        .table_name("b")
        .set_key(Some(key()))
        .update_expression("SET x = :x")
        .build();
    let delete = Delete::builder()
        .table_name("c")
        .set_key(Some(key()))
        .build();
    let check = ConditionCheck::builder()
        .table_name("a")
        .set_key(Some(key()))
        .condition_expression("attribute_exists(pk)")
        .build();
    let items = vec![
        TransactWriteItem::builder().put(put.unwrap()).build(),
        TransactWriteItem::builder().update(update.unwrap()).build(),
        TransactWriteItem::builder().delete(delete.unwrap()).build(),
        TransactWriteItem::builder()
            .condition_check(check.unwrap())
            .build(),
    ];
    let calls = recorded(async |c: &Client| {
        let _ = c
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
    })
    .await;
    assert_eq!(
        calls,
        [Call {
            operation: "TransactWriteItems".into(),
            accesses: vec![
                one("PutItem", "a", None),
                one("UpdateItem", "b", None),
                one("DeleteItem", "c", None),
                one("ConditionCheckItem", "a", None),
            ],
        }]
    );
}

#[tokio::test]
async fn a_batch_needs_its_action_on_every_table_and_unknown_operations_need_a_model() {
    let keys = KeysAndAttributes::builder().keys(key()).build().unwrap();
    let calls = recorded(async |c: &Client| {
        let _ = c.batch_get_item().request_items("t1", keys).send().await;
        let _ = c.list_tables().send().await;
    })
    .await;
    assert_eq!(
        calls,
        [
            Call {
                operation: "BatchGetItem".into(),
                accesses: vec![one("BatchGetItem", "t1", None)],
            },
            Call {
                operation: "ListTables".into(),
                accesses: vec![],
            },
        ]
    );
}

/// The one call `call` makes on a recording SQS client (to an endpoint that refuses: failed calls
/// are recorded too), and the call IAM would check for `operation` as `action` on `t-transfers`.
async fn one_sqs_call<F, Fut>(call: F, operation: &str, action: &str) -> (Vec<Call>, [Call; 1])
where
    F: FnOnce(aws_sdk_sqs::Client, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let log = CallLog::default();
    let client = recording_sqs_client(Some("http://127.0.0.1:1"), log.recorder("f")).await;
    call(client, "http://127.0.0.1:1/123456789012/t-transfers").await;
    let expected = Call {
        operation: operation.into(),
        accesses: vec![Access {
            action: action.into(),
            table: "t-transfers".into(),
            index: None,
        }],
    };
    (log.calls().remove("f").unwrap_or_default(), [expected])
}

/// A batch send is authorized as `sqs:SendMessage` on the queue its URL names.
#[tokio::test]
async fn an_sqs_batch_send_needs_send_message_on_its_queue() {
    use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
    let send = |client: aws_sdk_sqs::Client, url: &'static str| async move {
        let entry = SendMessageBatchRequestEntry::builder()
            .id("0")
            .message_body("{}")
            .build()
            .expect("entry");
        let _ = client
            .send_message_batch()
            .queue_url(url)
            .entries(entry)
            .send()
            .await;
    };
    let (calls, expected) = one_sqs_call(send, "SendMessageBatch", "sqs:SendMessage").await;
    assert_eq!(calls, expected);
}

/// Hiding a received message (the transfer function's backoff) is authorized as
/// `sqs:ChangeMessageVisibility` on the queue its URL names.
#[tokio::test]
async fn a_visibility_change_needs_change_message_visibility_on_its_queue() {
    use aws_sdk_sqs::types::ChangeMessageVisibilityBatchRequestEntry;
    let hide = |client: aws_sdk_sqs::Client, url: &'static str| async move {
        let entry = ChangeMessageVisibilityBatchRequestEntry::builder()
            .id("0")
            .receipt_handle("handle")
            .visibility_timeout(60)
            .build()
            .expect("entry");
        let _ = client
            .change_message_visibility_batch()
            .queue_url(url)
            .entries(entry)
            .send()
            .await;
    };
    let operation = "ChangeMessageVisibilityBatch";
    let (calls, expected) = one_sqs_call(hide, operation, "sqs:ChangeMessageVisibility").await;
    assert_eq!(calls, expected);
}
