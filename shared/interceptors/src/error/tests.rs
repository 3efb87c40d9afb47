use super::*;
use crate::test_support::{assert_problem, body_text, header};

#[derive(Debug)]
struct Leaky;
impl fmt::Display for Leaky {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dynamo said: key sk_live_SENTINEL123 rejected; table veza-secret-table")
    }
}
impl std::error::Error for Leaky {}

#[test]
fn validation_renders_rfc9457_with_param() {
    let err = ApiError::validation("amount_invalid", "amount must be positive")
        .with_param("items[0].amount");
    let resp = err.to_response("req-1");
    let doc = assert_problem(&resp, 400, "amount_invalid");
    assert_eq!(
        doc,
        serde_json::json!({
            "type": "urn:veza:problem:amount_invalid",
            "title": "Bad Request",
            "status": 400,
            "detail": "amount must be positive",
            "code": "amount_invalid",
            "category": "validation",
            "retryable": false,
            "request_id": "req-1",
            "param": "items[0].amount",
        })
    );
    assert_eq!(header(&resp, "retry-after"), None);
    assert_eq!(header(&resp, "www-authenticate"), None);
}

#[test]
fn param_is_omitted_when_absent() {
    let doc = assert_problem(
        &ApiError::not_found("seller_not_found", "no such seller").to_response("r"),
        404,
        "seller_not_found",
    );
    assert!(doc.get("param").is_none());
    assert_eq!(doc["category"], "not_found");
}

#[test]
fn internal_source_is_logged_but_never_rendered() {
    let err = ApiError::internal(Leaky);
    let resp = err.to_response("req-2");
    let doc = assert_problem(&resp, 500, "internal_error");
    assert_eq!(doc["detail"], INTERNAL_DETAIL);
    assert_eq!(doc["category"], "internal");
    let text = body_text(&resp);
    assert!(
        !text.contains("SENTINEL")
            && !text.contains("dynamo")
            && !text.contains("veza-secret-table")
    );
    assert!(!format!("{err:?}").contains("SENTINEL"));
    assert!(!err.to_string().contains("SENTINEL"));
    assert!(
        err.source_chain().contains("sk_live_SENTINEL123"),
        "the log keeps the cause"
    );
    // a source attached to a client error is not rendered either
    let resp = ApiError::conflict("already_onboarded", "seller exists")
        .with_source(Leaky)
        .to_response("r");
    assert!(!body_text(&resp).contains("SENTINEL"));
}

#[test]
fn retry_after_on_429_and_503_only() {
    let resp = ApiError::rate_limited(7).to_response("r");
    let doc = assert_problem(&resp, 429, "rate_limited");
    assert_eq!(
        (doc["retryable"].as_bool(), doc["category"].as_str()),
        (Some(true), Some("rate_limited"))
    );
    assert_eq!(header(&resp, "retry-after"), Some("7"));

    let resp = ApiError::upstream_unavailable(30).to_response("r");
    let doc = assert_problem(&resp, 503, "upstream_unavailable");
    assert_eq!(doc["category"], "upstream");
    assert_eq!(doc["retryable"], true);
    assert_eq!(header(&resp, "retry-after"), Some("30"));

    // a 503 built by hand still gets a default Retry-After
    let e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_busy",
        Category::Upstream,
        "busy",
    );
    assert_eq!(header(&e.to_response("r"), "retry-after"), Some("1"));
    // other statuses never carry one, even if set
    let resp = ApiError::validation("x_invalid", "bad")
        .with_retry_after(5)
        .to_response("r");
    assert_eq!(header(&resp, "retry-after"), None);
}

#[test]
fn auth_errors_carry_challenge() {
    let resp = ApiError::unauthorized("token_missing", "no token", "Bearer realm=\"veza\"")
        .to_response("r");
    let doc = assert_problem(&resp, 401, "token_missing");
    assert_eq!(doc["category"], "auth");
    assert_eq!(
        header(&resp, "www-authenticate"),
        Some("Bearer realm=\"veza\"")
    );
    // an invalid header value is dropped rather than panicking
    let resp = ApiError::unauthorized("token_invalid", "x", "bad\nvalue").to_response("r");
    assert_eq!(header(&resp, "www-authenticate"), None);
    assert_problem(
        &ApiError::forbidden("not_a_seller", "no").to_response("r"),
        403,
        "not_a_seller",
    );
}

#[test]
fn other_constructors() {
    let e = ApiError::not_implemented();
    assert_eq!(
        (e.status().as_u16(), e.code(), e.category()),
        (501, "not_implemented", Category::Internal)
    );
    let e = ApiError::upstream("stripe_refused", "Stripe refused the transfer");
    assert_eq!(
        (e.status().as_u16(), e.category(), e.retryable()),
        (502, Category::Upstream, false)
    );
    let e = ApiError::conflict("c", "d")
        .with_param("p")
        .with_retryable(true);
    assert_eq!(
        (e.param(), e.retryable(), e.detail()),
        (Some("p"), true, "d")
    );
    assert_eq!(e.to_string(), "409 c: d");
    assert_eq!(ApiError::rate_limited(3).retry_after(), Some(3));
    let title = ApiError::new(
        StatusCode::from_u16(599).unwrap(),
        "odd",
        Category::Upstream,
        "x",
    )
    .problem("r");
    assert_eq!(title["title"], "Error");
}
