//! Helpers shared by the unit tests of every module.

use lambda_http::{Body, Request, Response};
use serde_json::Value;

/// The body as text (empty for `Body::Empty`).
pub(crate) fn body_text(resp: &Response<Body>) -> String {
    match resp.body() {
        Body::Empty => String::new(),
        Body::Text(t) => t.clone(),
        Body::Binary(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::new(),
    }
}

/// The body parsed as JSON.
pub(crate) fn body_json(resp: &Response<Body>) -> Value {
    serde_json::from_str(&body_text(resp)).expect("body is JSON")
}

/// A header's value as text, if present.
pub(crate) fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers()
        .get(name)
        .map(|v| v.to_str().expect("ascii header"))
}

/// Asserts a problem+json response's status, `code` and core fields.
pub(crate) fn assert_problem(resp: &Response<Body>, status: u16, code: &str) -> Value {
    assert_eq!(resp.status().as_u16(), status, "body: {}", body_text(resp));
    assert_eq!(
        header(resp, "content-type"),
        Some("application/problem+json")
    );
    let doc = body_json(resp);
    assert_eq!(doc["status"], status);
    assert_eq!(doc["code"], code);
    doc
}

/// A request with the given method, headers and body.
pub(crate) fn request(method: &str, headers: &[(&str, &str)], body: Body) -> Request {
    let mut builder = http::Request::builder()
        .method(method)
        .uri("https://api.example.com/api/v1/x");
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    builder.body(body).expect("valid test request")
}
