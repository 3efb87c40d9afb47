//! [`ApiError`]: the one error type every function returns across the HTTP boundary.
//!
//! It carries a stable machine `code`, a [`Category`], whether a retry may help, a public `detail`
//! and an internal `source` that is logged (JSON, with the request id) but never rendered.

pub mod ports;
mod render;
#[cfg(test)]
mod tests;

use http::StatusCode;
use std::borrow::Cow;
use std::fmt;

/// Boxed internal cause of an error (logged, never rendered).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Coarse class of an error, rendered as `category` (snake_case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Missing/invalid credentials or not allowed (401/403).
    Auth,
    /// The request is malformed or fails validation (400/413/415/422).
    Validation,
    /// The resource does not exist (404).
    NotFound,
    /// The request conflicts with current state (409).
    Conflict,
    /// Too many requests (429).
    RateLimited,
    /// A dependency (Stripe, DynamoDB) failed or is unavailable (502/503/504).
    Upstream,
    /// A bug or misconfiguration on our side (500/501).
    Internal,
}

/// Generic public detail for internal errors: the cause goes to the logs only.
pub const INTERNAL_DETAIL: &str =
    "An internal error occurred. Quote the request_id when reporting it.";

/// An error rendered as RFC 9457 `application/problem+json`.
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) category: Category,
    pub(crate) retryable: bool,
    pub(crate) detail: Cow<'static, str>,
    pub(crate) param: Option<String>,
    pub(crate) retry_after: Option<u32>,
    /// Headers the error's status calls for: `WWW-Authenticate` (401), `Allow` (405).
    pub(crate) headers: Vec<(http::HeaderName, String)>,
    pub(crate) source: Option<BoxError>,
}

impl ApiError {
    /// A fully specified error; prefer the named constructors below.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        category: Category,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self {
            status,
            code,
            category,
            retryable: false,
            detail: detail.into(),
            param: None,
            retry_after: None,
            headers: Vec::new(),
            source: None,
        }
    }

    /// 400, category `validation`.
    pub fn validation(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, Category::Validation, detail)
    }

    /// 401, category `auth`, with the given `WWW-Authenticate` challenge.
    pub fn unauthorized(
        code: &'static str,
        detail: impl Into<Cow<'static, str>>,
        www_authenticate: impl Into<String>,
    ) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, Category::Auth, detail)
            .with_www_authenticate(www_authenticate)
    }

    /// 403, category `auth`.
    pub fn forbidden(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, Category::Auth, detail)
    }

    /// 404, category `not_found`.
    pub fn not_found(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, Category::NotFound, detail)
    }

    /// 409, category `conflict`.
    pub fn conflict(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, code, Category::Conflict, detail)
    }

    /// 429 `rate_limited`, retryable, with `Retry-After: retry_after_secs`.
    pub fn rate_limited(retry_after_secs: u32) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            Category::RateLimited,
            "Too many requests; retry later.",
        )
        .with_retryable(true)
        .with_retry_after(retry_after_secs)
    }

    /// 503 `upstream_unavailable`, retryable, with `Retry-After: retry_after_secs`.
    pub fn upstream_unavailable(retry_after_secs: u32) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "upstream_unavailable",
            Category::Upstream,
            "A payment or storage service is temporarily unavailable; retry later.",
        )
        .with_retryable(true)
        .with_retry_after(retry_after_secs)
    }

    /// 502 with a stable `code` for an upstream that answered but failed (not retryable by default).
    pub fn upstream(code: &'static str, detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, code, Category::Upstream, detail)
    }

    /// 500 `internal_error` with a generic detail; `source` is logged, never rendered.
    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            Category::Internal,
            INTERNAL_DETAIL,
        )
        .with_source(source)
    }

    /// 405 `method_not_allowed` with `Allow: allowed`: the route exists but only answers
    /// `allowed` (e.g. "GET").
    pub fn method_not_allowed(allowed: &str) -> Self {
        let mut error = Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            Category::Validation,
            format!("This route only answers {allowed}."),
        );
        error
            .headers
            .push((http::header::ALLOW, allowed.to_owned()));
        error
    }

    /// 501 `not_implemented` (stub functions).
    pub fn not_implemented() -> Self {
        Self::new(
            StatusCode::NOT_IMPLEMENTED,
            "not_implemented",
            Category::Internal,
            "This endpoint is not implemented yet.",
        )
    }

    /// The request field that failed (rendered as `param`).
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Seconds for the `Retry-After` header (rendered on 429 and 503 only).
    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// Whether retrying the same request may succeed.
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// The `WWW-Authenticate` challenge to send.
    pub fn with_www_authenticate(mut self, value: impl Into<String>) -> Self {
        self.headers
            .push((http::header::WWW_AUTHENTICATE, value.into()));
        self
    }

    /// The internal cause: logged with the request id, never rendered.
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// Stable machine code (snake_case).
    pub fn code(&self) -> &'static str {
        self.code
    }
    /// Category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// Whether a retry may help.
    pub fn retryable(&self) -> bool {
        self.retryable
    }
    /// Public detail text.
    pub fn detail(&self) -> &str {
        &self.detail
    }
    /// The field that failed, if any.
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }
    /// `Retry-After` seconds, if any.
    pub fn retry_after(&self) -> Option<u32> {
        self.retry_after
    }
}

/// Shows the public fields; the source only as a type-erased cause chain would leak, so it is omitted.
impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("code", &self.code)
            .field("category", &self.category)
            .field("detail", &self.detail)
            .field("param", &self.param)
            .field("has_source", &self.source.is_some())
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
