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

/// The format of log lines: Lambda's advanced logging controls set `AWS_LAMBDA_LOG_FORMAT` to
/// `JSON` or `Text` (the template sets `JSON`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object per line, fields flattened, with a `level` Lambda filters on.
    Json,
    /// tracing's plain text lines, without ANSI colours or a timestamp (Lambda adds one).
    Text,
}

/// What [`init_tracing`] installs, read from the environment as `lambda_runtime`'s own tracing
/// setup does (Lambda's advanced logging controls), except that `RUST_LOG` wins when it is set
/// and valid (a developer's explicit filter):
///
/// - filter: `RUST_LOG` (any `EnvFilter` directives), else `AWS_LAMBDA_LOG_LEVEL` (Lambda's
///   `ApplicationLogLevel`: `TRACE`, `DEBUG`, `INFO`, `WARN`, `ERROR`, `FATAL` → error), else `info`;
/// - format: `AWS_LAMBDA_LOG_FORMAT=Text` gives text lines; `JSON` or unset, JSON (this
///   project's logs are JSON everywhere, `make dev` included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogSettings {
    /// `EnvFilter` directives.
    pub filter: String,
    pub format: LogFormat,
}

impl LogSettings {
    /// From the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    /// From any lookup (tests pass a closure).
    pub fn from_lookup(env: impl Fn(&str) -> Option<String>) -> Self {
        let set = |var: &str| {
            env(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let rust_log = set("RUST_LOG")
            .filter(|directives| tracing_subscriber::EnvFilter::try_new(directives).is_ok());
        let filter = rust_log.unwrap_or_else(|| {
            set("AWS_LAMBDA_LOG_LEVEL")
                .map_or("info", |level| lambda_level(&level))
                .to_owned()
        });
        let format = match set("AWS_LAMBDA_LOG_FORMAT") {
            Some(f) if f.eq_ignore_ascii_case("text") => LogFormat::Text,
            _ => LogFormat::Json,
        };
        Self { filter, format }
    }

    /// The subscriber these settings describe, writing to `writer`.
    pub fn subscriber<W>(&self, writer: W) -> Box<dyn tracing::Subscriber + Send + Sync>
    where
        W: for<'w> tracing_subscriber::fmt::MakeWriter<'w> + Send + Sync + 'static,
    {
        let filter = tracing_subscriber::EnvFilter::builder()
            .with_default_directive(tracing_subscriber::filter::LevelFilter::INFO.into())
            .parse_lossy(&self.filter);
        let fmt = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(filter)
            .with_writer(writer);
        match self.format {
            LogFormat::Json => Box::new(
                fmt.json()
                    .flatten_event(true)
                    .with_current_span(true)
                    .with_span_list(false)
                    .finish(),
            ),
            LogFormat::Text => Box::new(fmt.without_time().finish()),
        }
    }
}

/// Lambda's log level names as a tracing filter; an unknown name keeps `info`.
fn lambda_level(level: &str) -> &'static str {
    match level.to_ascii_uppercase().as_str() {
        "TRACE" => "trace",
        "DEBUG" => "debug",
        "WARN" => "warn",
        "ERROR" | "FATAL" => "error",
        _ => "info",
    }
}

/// Logs to stdout as [`LogSettings::from_env`] says (JSON lines, level `info`, unless Lambda's
/// logging controls or `RUST_LOG` say otherwise). Safe to call twice (the second call does nothing).
pub fn init_tracing() {
    use tracing_subscriber::util::SubscriberInitExt as _;
    let _ = LogSettings::from_env()
        .subscriber(std::io::stdout)
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

    /// Reads `HttpSettings` (and `JwtSettings` when one of `routes` is for sellers) from the
    /// environment, with metrics on stdout. Call once at cold start; a [`ConfigError`] names the
    /// bad variable.
    pub async fn from_env(function: &str, routes: &[crate::Route]) -> Result<Self, ConfigError> {
        let http = HttpSettings::from_env()?;
        let auth = if routes.iter().any(|r| r.auth == crate::Auth::Seller) {
            Some(Authenticator::new(&JwtSettings::from_env()?).await?)
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
    let Some(deps) = start(function, build).await else {
        return ExitCode::FAILURE;
    };
    let handle = Arc::new(handle);
    let served = lambda_http::run(lambda_http::service_fn(move |req: Request| {
        let (deps, handle) = (deps.clone(), handle.clone());
        async move { Ok::<_, Infallible>(handle.call(&deps, req).await) }
    }));
    stopped(served.await)
}

/// The start of every function's `main` (HTTP or not): JSON logs, then its dependencies built
/// once per cold start; `None` after logging why they could not be built (the caller exits 1, so
/// Lambda reports the init failure).
pub async fn start<D, E: fmt::Display>(
    function: &str,
    build: impl Future<Output = Result<D, E>>,
) -> Option<Arc<D>> {
    init_tracing();
    match build.await {
        Ok(deps) => Some(Arc::new(deps)),
        Err(error) => {
            tracing::error!(error = %error, "{function} cannot start");
            None
        }
    }
}

/// The exit code once the Lambda loop returned (an error is logged).
pub fn stopped<E: fmt::Display>(served: Result<(), E>) -> ExitCode {
    match served {
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
    use std::sync::{Arc, Mutex};

    fn settings(vars: &[(&str, &str)]) -> LogSettings {
        LogSettings::from_lookup(|var| {
            vars.iter()
                .find(|(k, _)| *k == var)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    fn json(filter: &str) -> LogSettings {
        LogSettings {
            filter: filter.into(),
            format: LogFormat::Json,
        }
    }

    #[test]
    fn lambda_log_level_sets_the_filter_when_rust_log_does_not() {
        assert_eq!(settings(&[]), json("info"));
        for (level, filter) in [
            ("TRACE", "trace"),
            ("DEBUG", "debug"),
            ("INFO", "info"),
            ("WARN", "warn"),
            ("ERROR", "error"),
            ("FATAL", "error"),
            ("debug", "debug"),
            ("LOUD", "info"),
            ("", "info"),
        ] {
            assert_eq!(
                settings(&[("AWS_LAMBDA_LOG_LEVEL", level)]),
                json(filter),
                "{level}"
            );
        }
    }

    #[test]
    fn rust_log_wins_when_set_and_valid() {
        let both = [
            ("AWS_LAMBDA_LOG_LEVEL", "DEBUG"),
            ("RUST_LOG", "warn,store=trace"),
        ];
        assert_eq!(settings(&both), json("warn,store=trace"));
        let invalid = [("AWS_LAMBDA_LOG_LEVEL", "DEBUG"), ("RUST_LOG", "=[")];
        assert_eq!(settings(&invalid), json("debug"));
        let empty = [("AWS_LAMBDA_LOG_LEVEL", "WARN"), ("RUST_LOG", " ")];
        assert_eq!(settings(&empty), json("warn"));
    }

    #[test]
    fn lambda_log_format_chooses_text_or_json() {
        for (format, expected) in [
            ("Text", LogFormat::Text),
            ("TEXT", LogFormat::Text),
            ("JSON", LogFormat::Json),
            ("json", LogFormat::Json),
            ("", LogFormat::Json),
        ] {
            assert_eq!(
                settings(&[("AWS_LAMBDA_LOG_FORMAT", format)]).format,
                expected,
                "{format}"
            );
        }
    }

    /// Buffered log output.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the subscriber writes under Lambda's controls.
    fn logged(vars: &[(&str, &str)]) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = settings(vars).subscriber(move || writer.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(detail = 7, "a debug line");
            tracing::info!("an info line");
        });
        String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_subscriber_honours_lambdas_level_and_format() {
        let debug = logged(&[
            ("AWS_LAMBDA_LOG_LEVEL", "DEBUG"),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON"),
        ]);
        let lines: Vec<serde_json::Value> = debug
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(lines.len(), 2, "{debug}");
        assert_eq!(
            (
                &lines[0]["level"],
                &lines[0]["message"],
                &lines[0]["detail"]
            ),
            (
                &serde_json::json!("DEBUG"),
                &serde_json::json!("a debug line"),
                &serde_json::json!(7)
            )
        );

        let info = logged(&[]);
        assert!(
            !info.contains("a debug line") && info.contains("an info line"),
            "{info}"
        );

        let text = logged(&[
            ("AWS_LAMBDA_LOG_FORMAT", "Text"),
            ("AWS_LAMBDA_LOG_LEVEL", "WARN"),
        ]);
        assert_eq!(text, "", "WARN drops info");
        let text = logged(&[("AWS_LAMBDA_LOG_FORMAT", "Text")]);
        assert!(
            text.starts_with(" INFO") || text.starts_with("INFO"),
            "{text:?}"
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(text.trim()).is_err(),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "no ANSI: {text:?}");
    }

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
