//! Runtime glue for `main.rs`: JSON logging, building the facade from the environment, and the
//! Lambda loop ([`serve`]), so a function's `main` is only its wiring.

use crate::response::Cors;
use crate::{Authenticator, Interceptors, Metrics, Request};
use lambda_http::{Body, Response};
use settings::{ConfigError, HttpSettings, JwtSettings};
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::process::ExitCode;
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

/// A function's request handler: `async fn handle(deps: &D, req: Request) -> Response<Body>`
/// whose future is `Send` (the Lambda loop requires it). Every such `async fn` implements it; the
/// lifetime ties the future to the borrowed dependencies.
pub trait Handler<'a, D: 'a>: Send + Sync {
    type Future: Future<Output = Response<Body>> + Send + 'a;
    fn call(&self, deps: &'a D, req: Request) -> Self::Future;
}

impl<'a, D: 'a, F, Fut> Handler<'a, D> for F
where
    F: Fn(&'a D, Request) -> Fut + Send + Sync,
    Fut: Future<Output = Response<Body>> + Send + 'a,
{
    type Future = Fut;
    fn call(&self, deps: &'a D, req: Request) -> Fut {
        self(deps, req)
    }
}

/// The whole of a function's `main`: JSON logs, then its dependencies built once per cold start by
/// `build` (on failure: one error log naming the cause — settings errors name the variable and
/// never contain a secret — and exit code 1, so Lambda reports the init failure), then the Lambda
/// loop, every invocation answered by `handle`.
pub async fn serve<D, E, H>(
    function: &str,
    build: impl Future<Output = Result<D, E>>,
    handle: H,
) -> ExitCode
where
    D: Send + Sync + 'static,
    E: fmt::Display,
    H: for<'a> Handler<'a, D> + 'static,
{
    init_tracing();
    let deps = match build.await {
        Ok(deps) => Arc::new(deps),
        Err(error) => {
            tracing::error!(error = %error, "{function} cannot start");
            return ExitCode::FAILURE;
        }
    };
    let handle = Arc::new(handle);
    let served = lambda_http::run(lambda_http::service_fn(move |req: Request| {
        let (deps, handle) = (deps.clone(), handle.clone());
        async move { Ok::<_, Infallible>(handle.call(&deps, req).await) }
    }));
    match served.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Deps(&'static str);

    async fn echo(deps: &Deps, _req: Request) -> Response<Body> {
        Response::new(Body::from(deps.0))
    }

    #[tokio::test]
    async fn a_failed_build_exits_with_failure_before_the_loop() {
        let code = serve("f", async { Err::<Deps, _>("SOME_VAR is not set") }, echo).await;
        assert_eq!(code, ExitCode::FAILURE);
    }

    #[tokio::test]
    async fn any_async_fn_of_deps_and_request_is_a_handler() {
        let deps = Deps("deps");
        let response = Handler::call(&echo, &deps, Request::default()).await;
        assert_eq!(response.body(), &Body::from("deps"));
    }
}
