//! Responses: JSON bodies, redirects, security headers on everything, CORS for the front end only.

pub mod cors;
#[cfg(test)]
mod tests;

pub use cors::Cors;

use crate::error::ApiError;
use http::StatusCode;
use http::header::{self, HeaderName, HeaderValue};
use lambda_http::{Body, Response};
use serde::Serialize;

/// Headers set on every response (an API: nothing may be framed, sniffed, cached or referred).
const SECURITY_HEADERS: [(HeaderName, &str); 6] = [
    (
        header::STRICT_TRANSPORT_SECURITY,
        "max-age=63072000; includeSubDomains",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::CACHE_CONTROL, "no-store"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'",
    ),
];

/// Header carrying the request id on every response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `status` with `body` serialized as `application/json`; a serialization failure is a 500.
pub fn json<T: Serialize + ?Sized>(
    status: StatusCode,
    body: &T,
) -> Result<Response<Body>, ApiError> {
    let text = serde_json::to_string(body).map_err(ApiError::internal)?;
    let mut response = Response::new(Body::Text(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

/// 302 Found to `location` (e.g. back to the front end after a browser GET).
pub fn redirect(location: &str) -> Result<Response<Body>, ApiError> {
    redirect_with(StatusCode::FOUND, location)
}

/// 303 See Other to `location` (after a POST: the browser follows with a GET).
pub fn see_other(location: &str) -> Result<Response<Body>, ApiError> {
    redirect_with(StatusCode::SEE_OTHER, location)
}

fn redirect_with(status: StatusCode, location: &str) -> Result<Response<Body>, ApiError> {
    let value = HeaderValue::from_str(location).map_err(|_| {
        ApiError::internal(format!(
            "redirect location is not a valid header value ({} bytes)",
            location.len()
        ))
    })?;
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = status;
    response.headers_mut().insert(header::LOCATION, value);
    Ok(response)
}

/// An empty response with `status` (e.g. 204).
pub fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = status;
    response
}

/// Adds the security headers and the request id header (overwriting any the handler set).
pub fn apply_security_headers(response: &mut Response<Body>, request_id: &str) {
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, id);
    }
}
