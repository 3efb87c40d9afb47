//! Mapping SDK errors onto [`StoreError`].
//!
//! Only the service errors an adapter decides on (a failed condition, a cancelled transaction)
//! are handed back to it. Everything else is classified once, here ([`classify`]):
//!
//! | failure | `StoreError` | retryable |
//! |---|---|---|
//! | throttling (`ProvisionedThroughputExceeded`, `ThrottlingException`, `RequestLimitExceeded`), a 5xx / `InternalServerError`, transaction contention | `Unavailable` | yes (503) |
//! | timeout, connection failure, unreadable response, credentials provider timing out | `Unavailable` | yes (503) |
//! | `AccessDenied`, `ValidationException`, `ResourceNotFoundException` (missing table), `UnrecognizedClient` and other credential errors, any other 4xx; a request that could not be built; no credentials at all | `Refused` | no (500) |
//!
//! The message names the operation, the table and the error code, never the request or the item
//! (which may carry personal data). The cause is logged once here with the same fields: a
//! `Refused` at error level (no retry fixes it: a human must), an `Unavailable` as a warning.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_dynamodb::config::interceptors::{
    BeforeDeserializationInterceptorContextMut, BeforeSerializationInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::{BoxError, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use payouts::ports::StoreError;

/// The raw response of every DynamoDB call.
type Raw = aws_sdk_dynamodb::config::http::HttpResponse;

/// Whether a retry of the same request may succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// Throttling, a DynamoDB-side failure, contention, the network: `Unavailable`.
    Transient,
    /// The request itself, its permissions or the configuration are wrong: `Refused`.
    Permanent,
}

/// Service error codes a retry may fix (besides any 5xx). Every other code with a 4xx status is
/// permanent: access denied, validation, a missing table, unrecognised or expired credentials.
const TRANSIENT_CODES: &[&str] = &[
    // Throttling.
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "LimitExceededException",
    // DynamoDB-side failures (normally with a 5xx status).
    "InternalServerError",
    "ServiceUnavailable",
    // Contention with a transaction in flight.
    "TransactionConflictException",
    "TransactionInProgressException",
    "ReplicatedWriteConflictException",
];

/// Classifies a service error by its code and HTTP status (pure: unit-tested below).
pub(crate) fn classify(code: Option<&str>, status: Option<u16>) -> Class {
    let code = code.map(|c| c.rsplit('#').next().unwrap_or(c));
    match (code, status) {
        (Some(c), _) if TRANSIENT_CODES.contains(&c) => Class::Transient,
        (_, Some(s)) if s >= 500 => Class::Transient,
        // Neither a code nor a status: nothing says the request was wrong.
        (None, None) => Class::Transient,
        _ => Class::Permanent,
    }
}

/// The codes in a cancelled transaction's `CancellationReasons`: `ValidationError` and
/// `ItemCollectionSizeLimitExceeded` are permanent, throttling and conflicts transient.
fn classify_cancellation(codes: &[&str]) -> Class {
    if codes
        .iter()
        .any(|c| matches!(*c, "ValidationError" | "ItemCollectionSizeLimitExceeded"))
    {
        Class::Permanent
    } else {
        Class::Transient
    }
}

/// A failure that never reached a service answer: a timeout or a connection failure is
/// transient; a request that could not be built, or no credentials at all, is permanent.
fn classify_unanswered<E, R>(err: &SdkError<E, R>) -> Class {
    match err {
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => Class::Transient,
        SdkError::ConstructionFailure(_) => Class::Permanent,
        SdkError::DispatchFailure(d) => match credentials_error(
            d.as_connector_error()
                .map(|c| c as &(dyn StdError + 'static)),
        ) {
            Some(
                CredentialsError::CredentialsNotLoaded(_)
                | CredentialsError::InvalidConfiguration(_),
            ) => Class::Permanent,
            // A provider timing out or failing (STS 503) may recover; so may the network.
            _ => Class::Transient,
        },
        _ => Class::Transient,
    }
}

/// The credentials error somewhere in `err`'s source chain (identity resolution failures
/// arrive as dispatch failures).
fn credentials_error<'a>(
    err: Option<&'a (dyn StdError + 'static)>,
) -> Option<&'a CredentialsError> {
    let mut next = err;
    while let Some(e) = next {
        if let Some(c) = e.downcast_ref::<CredentialsError>() {
            return Some(c);
        }
        next = e.source();
    }
    None
}

/// The table(s) a request named, carried from the request to its response by [`TableNames`].
#[derive(Clone, Debug)]
pub(crate) struct Tables(String);

impl Storable for Tables {
    type Storer = StoreReplace<Self>;
}

/// The table name of a request, tried as the input of each single-table operation the adapters
/// and the schema use (the SDK does not export its type-erased input type, hence a macro).
macro_rules! single_table {
    ($input:expr; $($t:ty),* $(,)?) => {
        None$(.or_else(|| {
            $input.downcast_ref::<$t>().and_then(|i| i.table_name().map(str::to_owned))
        }))*
    };
}

/// The tables a transaction writes, sorted, comma-separated.
fn transaction_tables(
    input: &aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput,
) -> String {
    let mut names: Vec<&str> = input
        .transact_items()
        .iter()
        .filter_map(|i| {
            i.put()
                .map(|x| x.table_name())
                .or_else(|| i.update().map(|x| x.table_name()))
                .or_else(|| i.delete().map(|x| x.table_name()))
                .or_else(|| i.condition_check().map(|x| x.table_name()))
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// A client interceptor that records the table(s) each request names and attaches them to its
/// response, so that an error can be logged with its table (the SDK's errors do not say).
#[derive(Debug)]
pub(crate) struct TableNames;

impl Intercept for TableNames {
    fn name(&self) -> &'static str {
        "TableNames"
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation as op;
        let input = context.input();
        let tables: Option<String> = single_table!(input;
            op::get_item::GetItemInput,
            op::put_item::PutItemInput,
            op::update_item::UpdateItemInput,
            op::delete_item::DeleteItemInput,
            op::query::QueryInput,
            op::scan::ScanInput,
            op::describe_table::DescribeTableInput,
            op::create_table::CreateTableInput,
            op::describe_time_to_live::DescribeTimeToLiveInput,
            op::update_time_to_live::UpdateTimeToLiveInput,
        )
        .or_else(|| {
            input
                .downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
                .map(transaction_tables)
        });
        if let Some(tables) = tables {
            cfg.interceptor_state().store_put(Tables(tables));
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(tables) = cfg.load::<Tables>() {
            context.response_mut().add_extension(tables.clone());
        }
        Ok(())
    }
}

/// The table(s) recorded on a response by [`TableNames`], or `?`.
fn table_of(raw: &Raw) -> String {
    raw.extension::<Tables>()
        .map_or_else(|| "?".to_owned(), |t| t.0.clone())
}

/// Builds the error for `class` and logs it (operation, table, code, status, message).
fn failed(
    class: Class,
    op: &'static str,
    table: &str,
    code: &str,
    status: Option<u16>,
    cause: &dyn std::fmt::Display,
) -> StoreError {
    let what = format!("dynamodb {op} on {table}: {code}");
    match class {
        Class::Permanent => {
            tracing::error!(op, table, code, status, cause = %cause,
                "dynamodb refused the request; no retry can fix it");
            StoreError::Refused(what)
        }
        Class::Transient => {
            tracing::warn!(op, table, code, status, cause = %cause, "dynamodb call failed");
            StoreError::Unavailable(what)
        }
    }
}

/// Service error codes an adapter decides on itself.
const ANSWERS: &[&str] = &[
    "ConditionalCheckFailedException",
    "TransactionCanceledException",
];

/// The service error of a failed call when it is an answer an adapter decides on (a failed
/// condition, a cancelled transaction); any other failure becomes `Unavailable` or `Refused`
/// ([`classify`]) and is logged.
pub(crate) fn service_error<E>(op: &'static str, err: SdkError<E, Raw>) -> Result<E, StoreError>
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    match err {
        SdkError::ServiceError(ctx) => {
            if ctx.err().code().is_some_and(|c| ANSWERS.contains(&c)) {
                return Ok(ctx.into_err());
            }
            let status = ctx.raw().status().as_u16();
            let e = ctx.err();
            let code = e.code().unwrap_or("unknown error");
            let message = e.message().unwrap_or("");
            Err(failed(
                classify(e.code(), Some(status)),
                op,
                &table_of(ctx.raw()),
                code,
                Some(status),
                &message,
            ))
        }
        other => {
            let kind = match &other {
                SdkError::TimeoutError(_) => "timeout",
                SdkError::DispatchFailure(_) => "could not reach the endpoint",
                SdkError::ResponseError(_) => "unreadable response",
                _ => "request not sent",
            };
            let table = other
                .raw_response()
                .map_or_else(|| "?".to_owned(), table_of);
            Err(failed(
                classify_unanswered(&other),
                op,
                &table,
                kind,
                None,
                &aws_sdk_dynamodb::error::DisplayErrorContext(&other),
            ))
        }
    }
}

/// A service error the adapter did not expect here (an answer code on the wrong operation),
/// named by its code only.
pub(crate) fn unexpected<E>(op: &'static str, err: &E) -> StoreError
where
    E: ProvideErrorMetadata + StdError,
{
    let code = err.code().unwrap_or("unknown error");
    failed(
        classify(err.code(), None),
        op,
        "?",
        code,
        None,
        &err.message().unwrap_or(""),
    )
}

/// Shorthand for calls where every error is unexpected (reads, queries).
pub(crate) fn other<E>(op: &'static str, err: SdkError<E, Raw>) -> StoreError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    match service_error(op, err) {
        Ok(e) => unexpected(op, &e),
        Err(e) => e,
    }
}

/// The answer of a conditional PutItem: `true` when written, `false` when its condition failed;
/// any other error is unexpected. (Written once: every conditional write maps its answer so.)
pub(crate) fn put_written<O>(
    sent: Result<O, SdkError<PutItemError, Raw>>,
) -> Result<bool, StoreError> {
    match sent {
        Ok(_) => Ok(true),
        Err(err) => match service_error("PutItem", err)? {
            PutItemError::ConditionalCheckFailedException(_) => Ok(false),
            e => Err(unexpected("PutItem", &e)),
        },
    }
}

/// How a transaction ended when it did not commit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cancelled {
    /// The condition of the item at this index (in request order) failed.
    Condition(usize),
    /// Another transaction held one of the items (DynamoDB's `TransactionConflict`): retry.
    Contended,
}

/// Reads `CancellationReasons` of a cancelled transaction; any other error is `Unavailable` or
/// `Refused` ([`service_error`]).
pub(crate) fn cancelled(
    err: SdkError<TransactWriteItemsError, Raw>,
) -> Result<Cancelled, StoreError> {
    const OP: &str = "TransactWriteItems";
    let table = err.raw_response().map_or_else(|| "?".to_owned(), table_of);
    match service_error(OP, err)? {
        TransactWriteItemsError::TransactionCanceledException(e) => {
            let codes: Vec<&str> = e
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None"))
                .collect();
            if let Some(i) = codes.iter().position(|c| *c == "ConditionalCheckFailed") {
                Ok(Cancelled::Condition(i))
            } else if codes.contains(&"TransactionConflict") {
                Ok(Cancelled::Contended)
            } else {
                // Throttling (transient) or validation (permanent) on one item.
                let code = format!("cancelled ({})", codes.join(", "));
                Err(failed(
                    classify_cancellation(&codes),
                    OP,
                    &table,
                    &code,
                    None,
                    &e.message().unwrap_or(""),
                ))
            }
        }
        other => Err(unexpected(OP, &other)),
    }
}

#[cfg(test)]
mod tests {
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
}
