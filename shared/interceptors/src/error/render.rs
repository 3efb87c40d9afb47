//! RFC 9457 rendering and logging of [`ApiError`].

use super::{ApiError, Category};
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, StatusCode};
use lambda_http::{Body, Response};
use serde_json::{Map, Value, json};

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    /// The problem document: `{type, title, status, detail, code, category, retryable, request_id, param?}`.
    /// Never includes the internal source.
    pub fn problem(&self, request_id: &str) -> Value {
        let mut doc = Map::new();
        doc.insert(
            "type".into(),
            json!(format!("urn:veza:problem:{}", self.code)),
        );
        doc.insert(
            "title".into(),
            json!(self.status.canonical_reason().unwrap_or("Error")),
        );
        doc.insert("status".into(), json!(self.status.as_u16()));
        doc.insert("detail".into(), json!(self.detail));
        doc.insert("code".into(), json!(self.code));
        doc.insert("category".into(), json!(self.category));
        doc.insert("retryable".into(), json!(self.retryable));
        doc.insert("request_id".into(), json!(request_id));
        if let Some(param) = &self.param {
            doc.insert("param".into(), json!(param));
        }
        Value::Object(doc)
    }

    /// Renders the `application/problem+json` response with `Retry-After` (429/503) and
    /// the headers the status calls for (`WWW-Authenticate`, `Allow`). Headers that are not valid
    /// header text are dropped, not panicked on.
    pub fn to_response(&self, request_id: &str) -> Response<Body> {
        let mut response = Response::new(Body::Text(self.problem(request_id).to_string()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if matches!(
            self.status,
            StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
        ) {
            // A 429/503 always tells the client when to come back (1 s unless the error says).
            headers.insert(
                RETRY_AFTER,
                HeaderValue::from(self.retry_after.unwrap_or(1)),
            );
        }
        for (name, value) in &self.headers {
            if let Ok(value) = HeaderValue::from_str(value) {
                headers.insert(name.clone(), value);
            }
        }
        response
    }

    /// Logs the error with the request id: server errors at `error` with the full source chain,
    /// client errors at `info` (they are the client's problem, not an alert).
    pub fn log(&self, request_id: &str) {
        let status = self.status.as_u16();
        let category = category_name(self.category);
        if self.status.is_server_error() {
            let source = self.source_chain();
            tracing::error!(request_id, status, code = self.code, category, source, detail = %self.detail, "request failed");
        } else {
            tracing::info!(request_id, status, code = self.code, category, detail = %self.detail, "request rejected");
        }
    }

    /// `cause: cause's cause: ...` of the internal source (empty if none).
    pub(crate) fn source_chain(&self) -> String {
        let mut out = String::new();
        let mut next = std::error::Error::source(self);
        while let Some(err) = next {
            if !out.is_empty() {
                out.push_str(": ");
            }
            out.push_str(&err.to_string());
            next = err.source();
        }
        out
    }
}

fn category_name(c: Category) -> &'static str {
    match c {
        Category::Auth => "auth",
        Category::Validation => "validation",
        Category::NotFound => "not_found",
        Category::Conflict => "conflict",
        Category::RateLimited => "rate_limited",
        Category::Upstream => "upstream",
        Category::Internal => "internal",
    }
}
