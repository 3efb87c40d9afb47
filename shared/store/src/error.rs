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
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use payouts::ports::StoreError;

/// The raw response of every DynamoDB call.
type Raw = aws_sdk_dynamodb::config::http::HttpResponse;

/// Whether a retry of the same request may succeed (also how `sqs-queue` classifies SQS's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
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
    classify_code(TRANSIENT_CODES, code, status)
}

/// Classifies an AWS service error by its code and HTTP status, given the service's codes a
/// retry may fix: those and any 5xx are transient, any other 4xx permanent. JSON-protocol codes
/// may come qualified (`com.amazonaws.sqs#QueueDoesNotExist`).
pub fn classify_code(transient_codes: &[&str], code: Option<&str>, status: Option<u16>) -> Class {
    let code = code.map(|c| c.rsplit('#').next().unwrap_or(c));
    match (code, status) {
        (Some(c), _) if transient_codes.contains(&c) => Class::Transient,
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

/// A failure that never reached a service answer (any AWS SDK's): a timeout or a connection
/// failure is transient; a request that could not be built, or no credentials at all, is
/// permanent.
pub fn classify_unanswered<E, R>(err: &SdkError<E, R>) -> Class {
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

mod tables;
#[cfg(test)]
mod tests;

pub(crate) use tables::TableNames;
use tables::table_of;
