//! Stripe's error envelope: `{"error":{"type","code","message","param"}}` with Stripe's statuses.
//!
//! Clients (async-stripe included) parse this body to build their error values, so the shape must
//! match Stripe's exactly; a wrong shape would turn every API error into a deserialization error.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Marker put in a response's extensions when the idempotency layer must NOT save the result.
///
/// Stripe saves the outcome of a request only once the endpoint started executing: requests that
/// fail parameter validation (or conflict with an in-flight request) are not saved, so a client
/// can fix its parameters and retry with the same key.
#[derive(Clone, Copy, Debug)]
pub struct NotSaved;

/// An API error rendered in Stripe's shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub message: String,
    pub param: Option<String>,
    /// Validation errors are not saved under an Idempotency-Key (see [`NotSaved`]).
    pub validation: bool,
    /// Extra headers (e.g. `Retry-After` on 429).
    pub headers: Vec<(&'static str, String)>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            code: None,
            message: message.into(),
            param: None,
            validation: false,
            headers: Vec::new(),
        }
    }

    /// 400 `invalid_request_error` about a parameter; not saved under an idempotency key.
    pub fn invalid_param(param: impl Into<String>, message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        e.code = Some("parameter_invalid");
        e.param = Some(param.into());
        e.validation = true;
        e
    }

    /// 400 for a required parameter that is absent.
    pub fn missing_param(param: &str) -> Self {
        let mut e = Self::invalid_param(param, format!("Missing required param: {param}."));
        e.code = Some("parameter_missing");
        e
    }

    /// 400 for a parameter the endpoint does not know (Stripe rejects them; so do we, which
    /// catches clients sending misspelled parameters).
    pub fn unknown_param(param: &str) -> Self {
        let mut e = Self::invalid_param(param, format!("Received unknown parameter: {param}"));
        e.code = Some("parameter_unknown");
        e
    }

    /// 400 for a body that cannot be decoded at all.
    pub fn malformed(message: impl Into<String>) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        e.validation = true;
        e
    }

    /// 400 `invalid_request_error` raised while executing (saved under the idempotency key).
    pub fn request(
        code: Option<&'static str>,
        param: Option<&str>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", message);
        e.code = code;
        e.param = param.map(str::to_owned);
        e
    }

    /// 404 `resource_missing`, e.g. `No such transfer: 'tr_x'`.
    pub fn missing(what: &str, id: &str, param: &str) -> Self {
        let mut e = Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            format!("No such {what}: '{id}'"),
        );
        e.code = Some("resource_missing");
        e.param = Some(param.to_owned());
        e
    }

    /// 401 for a missing or wrong API key.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", message)
    }

    /// 403 when `Stripe-Account` names an account this platform does not have.
    pub fn account_invalid(account: &str) -> Self {
        let mut e = Self::new(
            StatusCode::FORBIDDEN,
            "invalid_request_error",
            format!(
                "The provided key does not have access to account '{account}' (or that account does not exist)."
            ),
        );
        e.code = Some("account_invalid");
        e
    }

    /// 400/409 `idempotency_error`.
    pub fn idempotency(
        status: StatusCode,
        code: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        let mut e = Self::new(status, "idempotency_error", message);
        e.code = code;
        e.validation = true;
        e
    }

    /// 500 `api_error`, as Stripe answers when it fails internally.
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "api_error",
            "An unknown error occurred (injected by stripe-local).",
        )
    }

    /// 429 with Stripe's rate-limit body.
    pub fn rate_limited() -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "invalid_request_error",
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.",
        );
        e.code = Some("rate_limit");
        e.headers.push(("retry-after", "1".to_owned()));
        e
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    /// The JSON body, exactly as Stripe shapes it.
    pub fn body(&self) -> Value {
        let mut inner = Map::new();
        inner.insert("type".into(), json!(self.kind));
        inner.insert("message".into(), json!(self.message));
        if let Some(code) = self.code {
            inner.insert("code".into(), json!(code));
            inner.insert(
                "doc_url".into(),
                json!(format!(
                    "https://stripe.com/docs/error-codes/{}",
                    code.replace('_', "-")
                )),
            );
        }
        if let Some(param) = &self.param {
            inner.insert("param".into(), json!(param));
        }
        json!({ "error": inner })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                res.headers_mut().insert(*name, v);
            }
        }
        if self.validation {
            res.extensions_mut().insert(NotSaved);
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_stripe_shape() {
        let e = ApiError::missing("transfer", "tr_1", "id");
        let b = e.body();
        assert_eq!(b["error"]["type"], "invalid_request_error");
        assert_eq!(b["error"]["code"], "resource_missing");
        assert_eq!(b["error"]["param"], "id");
        assert_eq!(b["error"]["message"], "No such transfer: 'tr_1'");
        assert_eq!(e.status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn validation_errors_are_not_saved() {
        let res = ApiError::missing_param("amount").into_response();
        assert!(res.extensions().get::<NotSaved>().is_some());
        let res = ApiError::request(Some("insufficient_funds"), None, "x").into_response();
        assert!(res.extensions().get::<NotSaved>().is_none());
    }
}
