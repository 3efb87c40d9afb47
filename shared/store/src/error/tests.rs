//! The classification of DynamoDB failures, and what is logged.
use super::*;

#[test]
fn throttling_server_errors_and_contention_are_transient() {
    for code in [
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TransactionConflictException",
        "TransactionInProgressException",
    ] {
        assert_eq!(classify(Some(code), Some(400)), Class::Transient, "{code}");
    }
    // The protocol's qualified form.
    assert_eq!(
        classify(
            Some("com.amazonaws.dynamodb.v20120810#ThrottlingException"),
            Some(400)
        ),
        Class::Transient
    );
    for (code, status) in [
        (Some("InternalServerError"), 500),
        (Some("ServiceUnavailable"), 503),
        (None, 502),
        (Some("SomethingNew"), 500),
    ] {
        assert_eq!(classify(code, Some(status)), Class::Transient, "{code:?}");
    }
}

#[test]
fn errors_no_retry_can_fix_are_permanent() {
    for code in [
        "AccessDeniedException",
        "AccessDenied",
        "ValidationException",
        "ResourceNotFoundException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "MissingAuthenticationTokenException",
        "ExpiredTokenException",
        "ItemCollectionSizeLimitExceededException",
        "SerializationException",
    ] {
        assert_eq!(classify(Some(code), Some(400)), Class::Permanent, "{code}");
    }
    assert_eq!(classify(None, Some(403)), Class::Permanent);
}

#[test]
fn a_cancelled_transaction_is_permanent_only_for_validation() {
    assert_eq!(
        classify_cancellation(&["None", "ThrottlingError"]),
        Class::Transient
    );
    assert_eq!(
        classify_cancellation(&["ProvisionedThroughputExceeded", "None"]),
        Class::Transient
    );
    assert_eq!(
        classify_cancellation(&["None", "ValidationError"]),
        Class::Permanent
    );
    assert_eq!(
        classify_cancellation(&["ItemCollectionSizeLimitExceeded"]),
        Class::Permanent
    );
}

/// A client whose credentials provider has nothing: refused, not retried.
#[tokio::test]
async fn no_credentials_is_refused_and_a_slow_provider_unavailable() {
    use aws_credential_types::provider::{ProvideCredentials, future};
    use aws_sdk_dynamodb::config::{Region, SharedCredentialsProvider};

    #[derive(Debug)]
    struct Fails(fn() -> CredentialsError);
    impl ProvideCredentials for Fails {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::ready(Err((self.0)()))
        }
    }
    for (fails, refused) in [
        (
            Fails(|| CredentialsError::not_loaded("no credentials in the environment")),
            true,
        ),
        (
            Fails(|| CredentialsError::provider_timed_out(std::time::Duration::from_secs(1))),
            false,
        ),
    ] {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version_latest()
            .region(Region::from_static("us-east-1"))
            .endpoint_url("http://127.0.0.1:1")
            .credentials_provider(SharedCredentialsProvider::new(fails))
            .retry_config(aws_sdk_dynamodb::config::retry::RetryConfig::disabled())
            .interceptor(TableNames)
            .build();
        let client = aws_sdk_dynamodb::Client::from_conf(config);
        let err = client
            .get_item()
            .table_name("t")
            .key("pk", aws_sdk_dynamodb::types::AttributeValue::S("k".into()))
            .send()
            .await
            .expect_err("no credentials");
        let mapped = other("GetItem", err);
        assert_eq!(
            matches!(mapped, StoreError::Refused(_)),
            refused,
            "{mapped:?}"
        );
    }
}

/// Logs as the functions do (JSON lines), into a buffer.
#[derive(Clone, Default)]
struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A refusal is logged once, at error level, with operation, table and code; the item the
/// request carried never appears.
#[tokio::test]
async fn a_refusal_is_logged_with_operation_table_and_code_never_the_item() {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // This crate's own client (harness links the non-test build of it, another TableNames).
    let client = crate::client(Some(&harness::dynamo().await.endpoint)).await;
    let sent = client
        .put_item()
        .table_name("no-such-table")
        .item(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S("USER#x".into()),
        )
        .item(
            "email",
            aws_sdk_dynamodb::types::AttributeValue::S("SENTINEL@example.com".into()),
        )
        .send()
        .await;
    let err = put_written(sent).unwrap_err();
    assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|l: &serde_json::Value| l["op"] == "PutItem")
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    let line = &lines[0];
    assert_eq!(
        (&line["level"], &line["table"], &line["code"]),
        (
            &serde_json::json!("ERROR"),
            &serde_json::json!("no-such-table"),
            &serde_json::json!("ResourceNotFoundException")
        ),
        "{line}"
    );
    assert!(!text.contains("SENTINEL"), "{text}");
}
