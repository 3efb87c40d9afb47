//! From async-stripe's errors to the port's [`StripeError`], and whether to retry in-process.
//!
//! | Stripe says                                   | port error    | retried here |
//! |-----------------------------------------------|---------------|--------------|
//! | 409 (idempotent request in flight, lock_timeout), 424, 5xx | `Unavailable` | yes |
//! | 429 (rate limited)                            | `Unavailable { rate_limited: true }` | yes |
//! | timeout, connection failure                   | `Unavailable` | yes          |
//! | 404 `resource_missing`                        | `NotFound`    | no           |
//! | other 4xx                                     | `Refused{code}` (code, else error type) | no |
//! | unreadable body (error page, schema drift)    | `Unavailable` | no           |
//!
//! An unreadable *success* body may describe an object Stripe did create: it is never reported as
//! a refusal (the caller would give up on money that moved), but as `Unavailable`, so the
//! webhook answers 5xx and the next delivery finds the object by its idempotency key or lookup.

use payouts::ports::StripeError;
use stripe::StripeError as StripeClientError;

/// A classified failure: the port error, and whether retrying the same request now may help.
#[derive(Debug)]
pub(crate) struct Failure {
    pub error: StripeError,
    pub retryable: bool,
}

pub(crate) fn classify(err: &StripeClientError) -> Failure {
    match err {
        StripeClientError::Stripe(api, status) => {
            let code = api
                .code
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_else(|| api.type_.as_str().to_string());
            let message = scrub(api.message.as_deref().unwrap_or(""));
            from_status(*status, code, message)
        }
        StripeClientError::Timeout => unavailable("timeout", true, false),
        StripeClientError::ClientError(msg) => {
            unavailable(&format!("transport: {}", scrub(msg)), true, false)
        }
        StripeClientError::JSONDeserialize(msg) => unavailable(
            &format!("unreadable response: {}", scrub(msg)),
            false,
            false,
        ),
        StripeClientError::ConfigError(msg) => Failure {
            error: StripeError::Refused {
                code: "client_config".into(),
                message: scrub(msg),
            },
            retryable: false,
        },
    }
}

/// Classifies an HTTP error status with Stripe's error `code` (or `type` when it has no code).
pub(crate) fn from_status(status: u16, code: String, message: String) -> Failure {
    match status {
        409 | 424 | 429 | 500..=599 => {
            unavailable(&format!("{status} {code}: {message}"), true, status == 429)
        }
        404 if code == "resource_missing" => Failure {
            error: StripeError::NotFound,
            retryable: false,
        },
        _ => Failure {
            error: StripeError::Refused { code, message },
            retryable: false,
        },
    }
}

fn unavailable(cause: &str, retryable: bool, rate_limited: bool) -> Failure {
    Failure {
        error: StripeError::Unavailable {
            // async-stripe does not expose response headers; Stripe rarely sends Retry-After.
            retry_after: None,
            cause: cause.to_string(),
            rate_limited,
        },
        retryable,
    }
}

/// Secret-looking tokens that must never reach an error message or a log line.
const SECRET_PREFIXES: [&str; 5] = ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"];

/// Replaces every API key or signing secret in `text` with `[redacted]` (Stripe masks keys in its
/// messages, but a proxy or a local server might not).
pub(crate) fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, prefix)) = SECRET_PREFIXES
        .iter()
        .filter_map(|p| rest.find(p).map(|i| (i, *p)))
        .min_by_key(|(i, _)| *i)
    {
        out.push_str(&rest[..at]);
        out.push_str("[redacted]");
        let tail = &rest[at + prefix.len()..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '*'))
            .unwrap_or(tail.len());
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify_status(status: u16, code: &str) -> Failure {
        from_status(status, code.to_string(), "msg".to_string())
    }

    #[test]
    fn retryable_statuses_are_unavailable_and_only_429_is_a_rate_limit() {
        for status in [409, 424, 429, 500, 502, 503, 504, 599] {
            let f = classify_status(status, "api_error");
            assert!(f.retryable, "{status}");
            match f.error {
                StripeError::Unavailable { rate_limited, .. } => {
                    assert_eq!(rate_limited, status == 429, "{status}")
                }
                other => panic!("{status}: {other:?}"),
            }
        }
        let timeout = classify(&StripeClientError::Timeout).error;
        assert!(matches!(
            timeout,
            StripeError::Unavailable {
                rate_limited: false,
                ..
            }
        ));
    }

    #[test]
    fn resource_missing_is_not_found_but_other_404s_are_refused() {
        assert!(matches!(
            classify_status(404, "resource_missing").error,
            StripeError::NotFound
        ));
        // An unknown URL (misconfigured base) is not "the object does not exist".
        match classify_status(404, "invalid_request_error").error {
            StripeError::Refused { code, .. } => assert_eq!(code, "invalid_request_error"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_client_errors_are_refused_with_their_code() {
        for (status, code) in [
            (400, "balance_insufficient"),
            (400, "insufficient_funds"),
            (400, "idempotency_error"),
            (401, "authentication_error"),
            (402, "card_declined"),
            (403, "permission_error"),
        ] {
            let f = classify_status(status, code);
            assert!(!f.retryable);
            match f.error {
                StripeError::Refused { code: c, message } => {
                    assert_eq!(c, code);
                    assert_eq!(message, "msg");
                }
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn transport_errors_are_unavailable() {
        let timeout = classify(&StripeClientError::Timeout);
        assert!(timeout.retryable);
        assert!(matches!(timeout.error, StripeError::Unavailable { .. }));
        let conn = classify(&StripeClientError::ClientError("connection refused".into()));
        assert!(conn.retryable);
        assert!(matches!(conn.error, StripeError::Unavailable { .. }));
        // Unreadable: reported as retry-later, but not hammered in a loop.
        let json = classify(&StripeClientError::JSONDeserialize("bad".into()));
        assert!(!json.retryable);
        assert!(matches!(json.error, StripeError::Unavailable { .. }));
        let config = classify(&StripeClientError::ConfigError("bad account id".into()));
        assert!(!config.retryable);
        assert!(matches!(config.error, StripeError::Refused { .. }));
    }

    #[test]
    fn scrub_removes_keys_and_secrets() {
        assert_eq!(
            scrub("Invalid API Key provided: sk_test_abc123XYZ, ok"),
            "Invalid API Key provided: [redacted], ok"
        );
        assert_eq!(
            scrub("a rk_live_1 b whsec_zz9 c sk_live_****1234"),
            "a [redacted] b [redacted] c [redacted]"
        );
        assert_eq!(scrub("nothing here"), "nothing here");
        assert_eq!(scrub("sk_test_"), "[redacted]");
        assert_eq!(scrub("ünïcode sk_test_x ü"), "ünïcode [redacted] ü");
    }

    #[test]
    fn classified_messages_never_contain_the_key() {
        let f = classify(&StripeClientError::ClientError(
            "proxy said sk_test_SECRET".into(),
        ));
        assert!(!f.error.to_string().contains("SECRET"));
    }
}
