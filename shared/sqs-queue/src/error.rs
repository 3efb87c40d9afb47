//! Mapping SQS SDK errors onto [`QueueError`], as `store` maps DynamoDB's onto `StoreError`:
//!
//! | failure | `QueueError` | the webhook answers |
//! |---|---|---|
//! | throttling (`RequestThrottled`, `ThrottlingException`, `KmsThrottled`), a 5xx, `InternalError`/`ServiceUnavailable`/`KmsUnavailable` | `Unavailable` | 503, Stripe redelivers |
//! | timeout, connection failure, unreadable response, a credentials provider timing out | `Unavailable` | 503 |
//! | access denied (also KMS's), a missing queue (`QueueDoesNotExist`, `AWS.SimpleQueueService.NonExistentQueue`), invalid parameters, unrecognised credentials, any other 4xx; a request that could not be built; no credentials at all | `Refused` | 500 (alarmed) |
//!
//! The message names the operation and the error code, never a message body. The cause is logged
//! once here: a `Refused` at error level (a human must fix it), an `Unavailable` as a warning.

use std::error::Error as StdError;

use aws_sdk_sqs::error::{ProvideErrorMetadata, SdkError};
use payouts::queue::QueueError;
pub use store::Class;
use store::classify_unanswered;

/// Service error codes a retry may fix (besides any 5xx); any other 4xx code is permanent.
const TRANSIENT_CODES: &[&str] = &[
    "RequestThrottled",
    "ThrottlingException",
    "KmsThrottled",
    "InternalError",
    "InternalFailure",
    "ServiceUnavailable",
    "KmsUnavailable",
];

/// Classifies an SQS service error by its code and HTTP status (pure: unit-tested below), by
/// the store's rules with SQS's transient codes.
pub fn classify(code: Option<&str>, status: Option<u16>) -> Class {
    store::classify_code(TRANSIENT_CODES, code, status)
}

/// The raw response of every SQS call.
type Raw = aws_sdk_sqs::config::http::HttpResponse;

/// The `QueueError` for a failed call of `op`, logged once with its class, code and status.
pub(crate) fn failed<E>(op: &'static str, err: SdkError<E, Raw>) -> QueueError
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let (class, code, status, cause) = match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let status = service.raw().status().as_u16();
            (
                classify(e.code(), Some(status)),
                e.code().unwrap_or("?").to_owned(),
                Some(status),
                e.message().unwrap_or("").to_owned(),
            )
        }
        other => (
            classify_unanswered(other),
            "no answer".to_owned(),
            None,
            aws_sdk_sqs::error::DisplayErrorContext(other).to_string(),
        ),
    };
    let what = format!("sqs {op}: {code}");
    match class {
        Class::Permanent => {
            tracing::error!(op, code, status, cause = %cause, "queue refused the request");
            QueueError::Refused(what)
        }
        Class::Transient => {
            tracing::warn!(op, code, status, cause = %cause, "queue unavailable");
            QueueError::Unavailable(what)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_and_server_errors_are_transient() {
        for code in [
            "RequestThrottled",
            "ThrottlingException",
            "KmsThrottled",
            "com.amazonaws.sqs#ThrottlingException",
        ] {
            assert_eq!(classify(Some(code), Some(400)), Class::Transient, "{code}");
        }
        assert_eq!(classify(Some("SomethingNew"), Some(503)), Class::Transient);
        assert_eq!(classify(None, Some(500)), Class::Transient);
    }

    #[test]
    fn access_and_missing_queues_are_permanent() {
        for code in [
            "AccessDenied",
            "AccessDeniedException",
            "KmsAccessDenied",
            "QueueDoesNotExist",
            "AWS.SimpleQueueService.NonExistentQueue",
            "com.amazonaws.sqs#QueueDoesNotExist",
            "InvalidParameterValue",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "TooManyEntriesInBatchRequest",
        ] {
            assert_eq!(classify(Some(code), Some(400)), Class::Permanent, "{code}");
        }
        assert_eq!(classify(None, Some(403)), Class::Permanent);
    }
}
