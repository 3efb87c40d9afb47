//! The interceptor facade every function wraps its handler in: request id + span → CORS
//! preflight → body limit → auth → handler → error rendering → security/CORS headers → one EMF
//! record. Modules: [`auth`], [`error`], [`request`], [`response`], [`metrics`].

pub mod auth;
pub mod error;
pub mod metrics;
pub mod request;
pub mod response;
mod runtime;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use auth::{Auth, Authenticator, Principal};
pub use error::{ApiError, Category};
pub use lambda_http::{Body, Request, Response};
pub use metrics::{MetricRecord, Metrics, Unit, names};
pub use request::{Ctx, Route, parse_json};
pub use runtime::{Handler, init_tracing, serve, start, stopped};

use std::{future::Future, time::Instant};
use tracing::Instrument as _;

/// Everything a function needs around its handler; built once per cold start
/// ([`Interceptors::new`] or [`Interceptors::from_env`]).
#[derive(Debug)]
pub struct Interceptors {
    metrics: Metrics,
    auth: Option<Authenticator>,
    cors: response::Cors,
    max_body_bytes: usize,
}

impl Interceptors {
    /// Runs `handler` for `req` on `route` inside every interceptor. Never fails: errors become
    /// problem+json responses (their internal source is logged with the request id).
    pub async fn handle<F, Fut>(&self, route: Route, req: Request, handler: F) -> Response<Body>
    where
        F: FnOnce(Ctx, Request) -> Fut,
        Fut: Future<Output = Result<Response<Body>, ApiError>>,
    {
        let started = Instant::now();
        let request_id = request::request_id(&req);
        let (method, headers) = (req.method().clone(), req.headers().clone());
        let span = request::span(&request_id, &method, route.template);
        let guarded = async {
            if method == http::Method::OPTIONS {
                return Ok(self.cors.preflight(&headers));
            }
            request::check_body_size(&req, self.max_body_bytes)?;
            let principal = auth::principal_for(route.auth, self.auth.as_ref(), &headers).await?;
            // After auth, as before: a caller without a token learns that first.
            if method != route.method {
                return Err(ApiError::method_not_allowed(route.method.as_str()));
            }
            handler(Ctx::new(&request_id, principal, self.metrics.clone()), req).await
        };
        let mut response = guarded
            .instrument(span.clone())
            .await
            .unwrap_or_else(|err| {
                span.in_scope(|| err.log(&request_id));
                err.to_response(&request_id)
            });
        response::apply_security_headers(&mut response, &request_id);
        self.cors.apply(&headers, &mut response);
        let (status, latency) = (response.status().as_u16(), started.elapsed());
        self.metrics.request(
            method.as_str(),
            route.template,
            status,
            latency,
            &request_id,
        );
        response
    }
}
