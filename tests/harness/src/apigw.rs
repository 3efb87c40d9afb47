//! API Gateway v2 (HTTP API, payload 2.0) request builder for handler tests.
//!
//! To come with the first function issue: build a `lambda_http::Request` from a method, route
//! template, path, headers and body, with the request context (request id, route key) that
//! `lambda_http` fills in from a real API Gateway event.
