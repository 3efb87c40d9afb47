//! Mapping SDK errors onto [`StoreError`].
//!
//! Only the service errors an adapter expects (a failed condition, a cancelled transaction) are
//! handed back to it; everything else becomes [`StoreError::Unavailable`] with a message that
//! names the operation and the error code, never the request or the item (which may carry
//! personal data). The full cause is logged once here.

use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use payouts::ports::StoreError;

/// The service error of a failed call, or `Unavailable` for anything that is not one
/// (timeout, connection failure, unparseable response).
pub(crate) fn service_error<E, R>(op: &'static str, err: SdkError<E, R>) -> Result<E, StoreError>
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::ServiceError(ctx) => Ok(ctx.into_err()),
        other => {
            let kind = match &other {
                SdkError::TimeoutError(_) => "timeout",
                SdkError::DispatchFailure(_) => "could not reach the endpoint",
                SdkError::ResponseError(_) => "unreadable response",
                _ => "request not sent",
            };
            tracing::warn!(op, error = %DisplayErrorContext(&other), "dynamodb call failed");
            Err(StoreError::Unavailable(format!("dynamodb {op}: {kind}")))
        }
    }
}

/// An unexpected service error (throttling, 5xx, missing table, validation): `Unavailable`,
/// named by its code only.
pub(crate) fn unexpected<E>(op: &'static str, err: &E) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error,
{
    let code = err.code().unwrap_or("unknown error");
    tracing::warn!(op, code, error = %DisplayErrorContext(err), "dynamodb call failed");
    StoreError::Unavailable(format!("dynamodb {op}: {code}"))
}

/// Shorthand for calls where every error is unexpected (reads, queries).
pub(crate) fn other<E, R>(op: &'static str, err: SdkError<E, R>) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    match service_error(op, err) {
        Ok(e) => unexpected(op, &e),
        Err(e) => e,
    }
}

/// The answer of a conditional PutItem: `true` when written, `false` when its condition failed;
/// any other error is unexpected. (Written once: every conditional write maps its answer so.)
pub(crate) fn put_written<O, R>(
    sent: Result<O, SdkError<PutItemError, R>>,
) -> Result<bool, StoreError>
where
    R: std::fmt::Debug,
{
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

/// Reads `CancellationReasons` of a cancelled transaction; any other error is `Unavailable`.
pub(crate) fn cancelled<R: std::fmt::Debug>(
    err: SdkError<TransactWriteItemsError, R>,
) -> Result<Cancelled, StoreError> {
    const OP: &str = "TransactWriteItems";
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
                // Throttling or validation on one item: nothing the caller can decide on.
                tracing::warn!(?codes, "transaction cancelled");
                Err(StoreError::Unavailable(format!(
                    "dynamodb {OP}: cancelled ({})",
                    codes.join(", ")
                )))
            }
        }
        // The request token was reused with different content, or another transaction on the
        // same token is still running: both mean "try again later".
        other => Err(unexpected(OP, &other)),
    }
}
