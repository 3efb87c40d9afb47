//! The payout ports' errors (Stripe, DynamoDB) → the one HTTP error type ([`ApiError`]), for
//! every function that calls them. Internal causes ride along as the
//! error's source (logged with the request id, never rendered).
//!
//! Stripe or DynamoDB being unavailable (5xx, timeout) is the caller's cue to retry:
//! 503 `upstream_unavailable`, `retryable: true`, `Retry-After`. Stripe rate-limiting us (its
//! 429) is 429 `rate_limited`, also retryable with `Retry-After`: the caller learns to back off
//! rather than retry at once, as with API Gateway's own throttling (which is also 429 whoever
//! caused it).

use payouts::ports::{StoreError, StripeError};

use super::ApiError;

/// `Retry-After` when Stripe did not say (it rarely does): long enough to let a blip pass.
pub const DEFAULT_RETRY_AFTER_SECS: u32 = 2;
/// Upper bound on a `Retry-After` we pass on (a browser should not be told to wait an hour).
const MAX_RETRY_AFTER_SECS: u64 = 60;

/// A Stripe failure as an HTTP error.
pub fn stripe(err: StripeError) -> ApiError {
    match err {
        StripeError::Unavailable {
            retry_after,
            rate_limited,
            ..
        } => {
            let secs = retry_after.map_or(DEFAULT_RETRY_AFTER_SECS, |s| {
                u32::try_from(s.clamp(1, MAX_RETRY_AFTER_SECS)).unwrap_or(DEFAULT_RETRY_AFTER_SECS)
            });
            let answer = if rate_limited {
                ApiError::rate_limited(secs)
            } else {
                ApiError::upstream_unavailable(secs)
            };
            answer.with_source(err)
        }
        StripeError::NotFound => ApiError::upstream(
            "stripe_account_missing",
            "Stripe does not know this seller's connected account; contact support.",
        )
        .with_source(err),
        StripeError::Refused { .. } => ApiError::upstream(
            "stripe_refused",
            "Stripe refused the request; contact support if this persists.",
        )
        .with_source(err),
    }
}

/// A DynamoDB failure as an HTTP error: throttling, a DynamoDB 5xx or the network is a
/// retryable 503; anything no retry fixes (access denied, a missing table, an invalid request,
/// bad credentials: `Refused`; an unreadable item) is 500 `internal_error`, which the `Errors`
/// metric counts and the 5xx alarms see.
pub fn store(err: StoreError) -> ApiError {
    match err {
        StoreError::Unavailable(_) => {
            ApiError::upstream_unavailable(DEFAULT_RETRY_AFTER_SECS).with_source(err)
        }
        StoreError::Conflict { .. } | StoreError::Corrupt(_) | StoreError::Refused(_) => {
            ApiError::internal(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Category;

    #[test]
    fn unavailable_is_retryable_503_with_bounded_retry_after() {
        let e = stripe(StripeError::Unavailable {
            retry_after: None,
            cause: "500 api_error".into(),
            rate_limited: false,
        });
        assert_eq!(
            (e.status().as_u16(), e.code(), e.retryable()),
            (503, "upstream_unavailable", true)
        );
        assert_eq!(e.retry_after(), Some(DEFAULT_RETRY_AFTER_SECS));
        let e = stripe(StripeError::Unavailable {
            retry_after: Some(7200),
            cause: String::new(),
            rate_limited: false,
        });
        assert_eq!(e.retry_after(), Some(60));
        let e = stripe(StripeError::Unavailable {
            retry_after: Some(0),
            cause: String::new(),
            rate_limited: false,
        });
        assert_eq!(e.retry_after(), Some(1));
    }

    #[test]
    fn a_stripe_rate_limit_is_a_retryable_429() {
        let e = stripe(StripeError::Unavailable {
            retry_after: None,
            cause: "429 rate_limit".into(),
            rate_limited: true,
        });
        assert_eq!(
            (e.status().as_u16(), e.code(), e.retryable()),
            (429, "rate_limited", true)
        );
        assert_eq!(e.retry_after(), Some(DEFAULT_RETRY_AFTER_SECS));
        let e = stripe(StripeError::Unavailable {
            retry_after: Some(7200),
            cause: String::new(),
            rate_limited: true,
        });
        assert_eq!((e.status().as_u16(), e.retry_after()), (429, Some(60)));
    }

    #[test]
    fn refusals_are_not_retryable_and_hide_stripe_messages() {
        let e = stripe(StripeError::Refused {
            code: "x".into(),
            message: "secret detail".into(),
        });
        assert_eq!(
            (e.status().as_u16(), e.code(), e.retryable()),
            (502, "stripe_refused", false)
        );
        assert!(!e.detail().contains("secret"));
        assert_eq!(
            stripe(StripeError::NotFound).code(),
            "stripe_account_missing"
        );
    }

    #[test]
    fn store_errors_no_retry_fixes_are_internal() {
        assert_eq!(
            store(StoreError::Unavailable("x".into())).status().as_u16(),
            503
        );
        assert_eq!(
            store(StoreError::Corrupt("x".into())).status().as_u16(),
            500
        );
        let refused = store(StoreError::Refused(
            "dynamodb GetItem on t: AccessDeniedException".into(),
        ));
        assert_eq!(
            (
                refused.status().as_u16(),
                refused.code(),
                refused.category(),
                refused.retryable(),
                refused.retry_after()
            ),
            (500, "internal_error", Category::Internal, false, None)
        );
    }
}
