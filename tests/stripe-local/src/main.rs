//! `stripe-local` binary: wiring only (configuration from args/env, then [`stripe_local::spawn`]).
//!
//! Args override env. `--port`/`STRIPE_LOCAL_PORT` (default 12111),
//! `--host`/`STRIPE_LOCAL_HOST` (default 127.0.0.1), `--api-key`/`STRIPE_LOCAL_API_KEYS`
//! (comma-separated; default `sk_test_stripe_local`), `--forward-to`/`STRIPE_LOCAL_FORWARD_TO`,
//! `--webhook-secret`/`STRIPE_LOCAL_WEBHOOK_SECRETS` (comma-separated, repeatable flag),
//! `--forward-connect-to`/`STRIPE_LOCAL_FORWARD_CONNECT_TO`,
//! `--connect-webhook-secret`/`STRIPE_LOCAL_CONNECT_WEBHOOK_SECRETS`,
//! `--max-attempts`/`STRIPE_LOCAL_MAX_ATTEMPTS`, `--backoff-ms`/`STRIPE_LOCAL_BACKOFF_MS`,
//! `--timeout-ms`/`STRIPE_LOCAL_TIMEOUT_MS`.

use stripe_local::{Config, WebhookTarget};

use stripe_local::cli;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .json()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let config = match cli::parse(std::env::args().skip(1), |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("stripe-local: {msg}\n\n{}", cli::USAGE);
            std::process::exit(2);
        }
    };
    let summary = summary(&config);
    let handle = match stripe_local::spawn(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("stripe-local: cannot bind: {e}");
            std::process::exit(1);
        }
    };
    tracing::info!(base_url = %handle.base_url, %summary, "stripe-local listening");
    println!("stripe-local listening on {}", handle.base_url);
    let _ = tokio::signal::ctrl_c().await;
}

/// What the server forwards to, without secrets.
fn summary(c: &Config) -> String {
    let t = |t: &Option<WebhookTarget>| {
        t.as_ref().map_or("-".to_owned(), |t| {
            format!("{} ({} secret(s))", t.url, t.secrets.len())
        })
    };
    format!(
        "keys={} platform={} connect={}",
        c.api_keys.len(),
        t(&c.platform_webhook),
        t(&c.connect_webhook)
    )
}
