//! Runtime glue for `main.rs`: JSON logging, building the facade from the environment, and the
//! Lambda loop.

use crate::response::Cors;
use crate::{ApiError, Authenticator, Ctx, Interceptors, Metrics, Request, Route};
use lambda_http::{Body, Response};
use settings::{ConfigError, HttpSettings, JwtSettings};
use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;

/// JSON logs, one line per event, no ANSI; filter from `RUST_LOG` (default `info`).
/// Safe to call twice (the second call does nothing).
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
}

impl Interceptors {
    /// Composes the parts and writes the `ColdStarts` record. `auth` is needed by seller routes.
    pub fn new(metrics: Metrics, http: &HttpSettings, auth: Option<Authenticator>) -> Self {
        metrics.cold_start();
        Self {
            cors: Cors::new(&http.frontend_origin),
            max_body_bytes: http.max_body_bytes,
            metrics,
            auth,
        }
    }

    /// Reads `HttpSettings` (and `JwtSettings` when `with_auth`) from the environment, with
    /// metrics on stdout. Call once at cold start; a [`ConfigError`] names the bad variable.
    pub fn from_env(function: &str, with_auth: bool) -> Result<Self, ConfigError> {
        let http = HttpSettings::from_env()?;
        let auth = if with_auth {
            Some(Authenticator::new(&JwtSettings::from_env()?)?)
        } else {
            None
        };
        Ok(Self::new(Metrics::stdout(function), &http, auth))
    }
}

/// Serves one route on the Lambda runtime: every invocation goes through [`Interceptors::handle`].
pub async fn run<H, Fut>(
    interceptors: Interceptors,
    route: Route,
    handler: H,
) -> Result<(), lambda_http::Error>
where
    H: Fn(Ctx, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Body>, ApiError>> + Send + 'static,
{
    let interceptors = Arc::new(interceptors);
    let handler = Arc::new(handler);
    lambda_http::run(lambda_http::service_fn(move |req: Request| {
        let (interceptors, handler) = (interceptors.clone(), handler.clone());
        async move {
            Ok::<_, Infallible>(
                interceptors
                    .handle(route, req, |ctx, req| handler(ctx, req))
                    .await,
            )
        }
    }))
    .await
}
