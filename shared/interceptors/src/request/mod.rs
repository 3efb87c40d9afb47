//! Per-request plumbing: request id, tracing span, the handler context, and body checks.

mod body;
mod query;
#[cfg(test)]
mod tests;

pub use body::{body_bytes, check_body_size, parse_json, require_json};
pub use query::query_param;

use crate::auth::{Auth, Principal};
use crate::error::ApiError;
use crate::metrics::Metrics;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

/// A route as configured in API Gateway, with its rules in one place: the method it answers
/// (the facade answers any other with 405 and `Allow`), its template (a low-cardinality metric
/// dimension) and who may call it (the facade builds an authenticator only for functions with a
/// seller route: [`crate::Interceptors::from_env`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub method: http::Method,
    /// The route template, e.g. `/api/v1/sell/balance`.
    pub template: &'static str,
    /// Who may call it.
    pub auth: Auth,
}

impl Route {
    /// A route open to anyone.
    pub const fn public(method: http::Method, template: &'static str) -> Self {
        Self {
            method,
            template,
            auth: Auth::Public,
        }
    }
    /// A route for authenticated sellers.
    pub const fn seller(method: http::Method, template: &'static str) -> Self {
        Self {
            method,
            template,
            auth: Auth::Seller,
        }
    }
}

/// What the facade hands a handler besides the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    request_id: String,
    principal: Option<Principal>,
    metrics: Metrics,
}

impl Ctx {
    /// Builds a context (the facade does this; tests of handlers do it by hand).
    pub fn new(
        request_id: impl Into<String>,
        principal: Option<Principal>,
        metrics: Metrics,
    ) -> Self {
        Self {
            request_id: request_id.into(),
            principal,
            metrics,
        }
    }
    /// The request id (API Gateway's, or generated).
    pub fn request_id(&self) -> &str {
        &self.request_id
    }
    /// The authenticated caller, if the route required one.
    pub fn principal(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }
    /// The authenticated seller; 401 `token_missing` if the route was not authenticated
    /// (a wiring mistake: the route should be [`Auth::Seller`]).
    pub fn seller(&self) -> Result<&Principal, ApiError> {
        self.principal.as_ref().ok_or_else(|| {
            ApiError::unauthorized(
                "token_missing",
                "An Authorization: Bearer token is required.",
                "Bearer realm=\"veza\"",
            )
        })
    }
    /// Business metrics for this function (records come prefilled with the `Function` dimension).
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }
}

/// API Gateway's `requestContext.requestId` when present and sane, else a fresh UUID v4.
pub fn request_id(req: &Request) -> String {
    let from_gateway = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.as_deref(),
        #[allow(unreachable_patterns)] // other event sources exist only if some crate enables them
        _ => None,
    };
    match from_gateway {
        Some(id) if is_safe_id(id) => id.to_owned(),
        _ => uuid::Uuid::new_v4().to_string(),
    }
}

/// Ids are echoed into logs, headers and bodies: keep them short and boring.
fn is_safe_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'.' | b'+' | b'/')
        })
}

/// The span every log line of a request is recorded in.
pub fn span(request_id: &str, method: &http::Method, route: &'static str) -> tracing::Span {
    tracing::info_span!("request", request_id, method = %method, route)
}
