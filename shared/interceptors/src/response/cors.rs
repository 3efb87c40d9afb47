//! CORS for exactly one origin, the front end's.
//!
//! Hand-written rather than tower-http's `CorsLayer`: the facade is a plain async fn over
//! lambda_http types, not a tower stack, and the one-origin policy is a few lines.

use http::header::{self, HeaderMap, HeaderValue};
use http::{Method, StatusCode};
use lambda_http::{Body, Response};

// The policy, also written in template.yaml's `CorsConfiguration` for API Gateway (which answers
// preflights itself in production): a store test checks the two are the same.
/// `Access-Control-Allow-Methods`.
pub const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
/// `Access-Control-Allow-Headers`.
pub const ALLOW_HEADERS: &str = "Authorization, Content-Type, Idempotency-Key";
/// `Access-Control-Expose-Headers`.
pub const EXPOSE_HEADERS: &str = "Retry-After, WWW-Authenticate, X-Request-Id";
/// `Access-Control-Max-Age`.
pub const MAX_AGE_SECS: &str = "600";

/// The CORS policy: only `origin` (the `FRONTEND_URL`'s origin) gets CORS headers.
#[derive(Debug, Clone)]
pub struct Cors {
    origin: HeaderValue,
}

impl Cors {
    /// A policy for `origin` (`scheme://host[:port]`, as in `HttpSettings::frontend_origin`).
    /// An origin that is not valid header text matches nothing.
    pub fn new(origin: &str) -> Self {
        let origin = HeaderValue::from_str(origin.trim_end_matches('/'))
            .unwrap_or_else(|_| HeaderValue::from_static("null-origin-disabled"));
        Self { origin }
    }

    /// Whether the request's `Origin` is the allowed one (exact, case-insensitive match).
    pub fn allows(&self, request_headers: &HeaderMap) -> bool {
        let mut origins = request_headers.get_all(header::ORIGIN).iter();
        match (origins.next(), origins.next()) {
            (Some(o), None) => o.as_bytes().eq_ignore_ascii_case(self.origin.as_bytes()),
            _ => false,
        }
    }

    /// The answer to an `OPTIONS` request: 204, with preflight headers only for the allowed origin.
    pub fn preflight(&self, request_headers: &HeaderMap) -> Response<Body> {
        let mut response = Response::new(Body::Empty);
        *response.status_mut() = StatusCode::NO_CONTENT;
        let headers = response.headers_mut();
        headers.insert(header::ALLOW, HeaderValue::from_static(ALLOW_METHODS));
        let requested = request_headers
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok());
        if self.allows(request_headers) && matches!(requested, Some(Method::GET | Method::POST)) {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, self.origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static(ALLOW_METHODS),
            );
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static(ALLOW_HEADERS),
            );
            headers.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static(MAX_AGE_SECS),
            );
        }
        headers.insert(
            header::VARY,
            HeaderValue::from_static(
                "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
            ),
        );
        response
    }

    /// Adds `Vary: Origin` to every response, and the allow-origin headers when the origin matches.
    pub fn apply(&self, request_headers: &HeaderMap, response: &mut Response<Body>) {
        let allowed = self.allows(request_headers);
        let headers = response.headers_mut();
        let varies_on_origin = headers.get_all(header::VARY).iter().any(|v| {
            v.to_str().is_ok_and(|v| {
                v.split(',')
                    .any(|p| p.trim().eq_ignore_ascii_case("origin"))
            })
        });
        if !varies_on_origin {
            headers.append(header::VARY, HeaderValue::from_static("Origin"));
        }
        if allowed {
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, self.origin.clone());
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSE_HEADERS),
            );
        }
    }
}
