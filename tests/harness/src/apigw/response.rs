//! Reading a handler's answer.

use interceptors::{Body, Response};
use serde_json::Value;

/// The JSON body (`Null` when there is none).
pub fn body_json(resp: &Response<Body>) -> Value {
    match resp.body() {
        Body::Text(t) => serde_json::from_str(t).unwrap_or_else(|e| panic!("{e}: {t}")),
        Body::Binary(b) => serde_json::from_slice(b).expect("JSON body"),
        _ => Value::Null,
    }
}

pub fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Asserts a problem+json answer with `status` and `code`; returns the document.
pub fn assert_problem(resp: &Response<Body>, status: u16, code: &str) -> Value {
    let doc = body_json(resp);
    assert_eq!(resp.status().as_u16(), status, "{doc}");
    assert_eq!(
        header(resp, "content-type"),
        Some("application/problem+json")
    );
    assert_eq!(doc["code"], code, "{doc}");
    doc
}

/// Asserts a retryable 503 `upstream_unavailable` with a `Retry-After`.
pub fn assert_retryable(resp: &Response<Body>) {
    assert_retry_later(resp, 503, "upstream_unavailable");
}

/// Asserts a retryable 429 `rate_limited` (Stripe rate-limited the platform) with a `Retry-After`.
pub fn assert_rate_limited(resp: &Response<Body>) {
    assert_retry_later(resp, 429, "rate_limited");
}

/// The answer to an injected Stripe fault of `kind` that outlasted every retry: 429 for a Stripe
/// 429 (`status_429`), 503 for anything else (5xx, hang).
pub fn assert_retryable_after(resp: &Response<Body>, kind: &str) {
    if kind == "status_429" {
        assert_rate_limited(resp);
    } else {
        assert_retryable(resp);
    }
}

fn assert_retry_later(resp: &Response<Body>, status: u16, code: &str) {
    let doc = assert_problem(resp, status, code);
    assert_eq!(doc["retryable"], true, "{doc}");
    let retry_after: u32 = header(resp, "retry-after")
        .expect("Retry-After")
        .parse()
        .expect("Retry-After in seconds");
    assert!(retry_after >= 1);
}
