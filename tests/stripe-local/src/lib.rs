//! `stripe-local`: a Stripe-compatible server (the Connect subset this project uses) for tests and
//! local runs. The functions' real async-stripe client talks to it unchanged; only the base URL
//! differs. State is in memory, one process.
//!
//! Layers of a `/v1` request, outermost first (each a small module):
//! [`recorder`] (request log; runs the rest in its own task so client disconnects do not cancel
//! work) → [`auth`] (API key, `Stripe-Account`) → [`faults`] edge stage → [`idempotency`] →
//! [`faults`] handler stage → the resource handler in [`resources`].
//! The test/dev control API lives under `/_control` ([`control`]); the onboarding pages that
//! Account Links point at are in [`pages`].

// Large `json!` literals (Stripe objects are wide) need a deeper macro recursion.
#![recursion_limit = "256"]

pub mod auth;
pub mod cli;
pub mod config;
pub mod control;
pub mod error;
pub mod extract;
pub mod faults;
pub mod form;
pub mod idempotency;
pub mod listing;
pub mod maturing;
pub mod pages;
pub mod params;
pub mod rate_limit;
pub mod recorder;
pub mod resources;
pub mod settlement;
pub mod state;
pub mod webhooks;

pub use config::{Config, DEFAULT_API_KEY, DeliveryPolicy, WebhookTarget};

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use resources::{accounts, balance, disputes, events, payments, transfers};
use state::{AppState, Shared};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// A running server. Dropping it stops the server.
pub struct Handle {
    /// Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`; give it to
    /// `ClientBuilder::new(key).url(base_url)`.
    pub base_url: String,
    pub addr: SocketAddr,
    state: Shared,
    task: JoinHandle<()>,
}

impl Handle {
    /// The first configured API key.
    pub fn api_key(&self) -> &str {
        self.state
            .config
            .api_keys
            .first()
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// `{base_url}_control/{path}`.
    pub fn control_url(&self, path: &str) -> String {
        format!("{}_control/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// Waits until event `event_id` was delivered with a 2xx, or `timeout`; in-process
    /// equivalent of `GET /_control/deliveries?event_id=..&wait=delivered`.
    pub async fn wait_delivered(&self, event_id: &str, timeout: Duration) -> bool {
        self.state
            .webhooks
            .wait_until(timeout, |attempts, _| {
                attempts
                    .iter()
                    .any(|a| a.event_id == event_id && a.succeeded())
            })
            .await
    }

    /// Webhook delivery attempts so far.
    pub fn deliveries(&self) -> Vec<webhooks::Attempt> {
        self.state.webhooks.attempts()
    }

    /// Stops the server.
    pub fn shutdown(self) {
        self.task.abort();
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Binds `config.addr` (default `127.0.0.1:0`), serves in a tokio task and returns the handle.
pub async fn spawn(config: Config) -> std::io::Result<Handle> {
    // Fails harmlessly when the process already chose a provider.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let bind = config
        .addr
        .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let mut addr = listener.local_addr()?;
    if addr.ip().is_unspecified() {
        addr.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    let base_url = format!("http://{addr}/");
    let targets = webhooks::Targets {
        platform: config.platform_webhook.clone(),
        connect: config.connect_webhook.clone(),
    };
    let state = Arc::new(AppState {
        base_url: base_url.clone(),
        webhooks: Arc::new(webhooks::Deliverer::new(config.delivery, targets)),
        config,
        clock: Default::default(),
        store: Default::default(),
        idempotency: Default::default(),
        faults: Default::default(),
        recorder: Default::default(),
        rate_limit: Default::default(),
    });
    let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "stripe-local server stopped");
        }
    });
    Ok(Handle {
        base_url,
        addr,
        state,
        task,
    })
}

/// The `/v1` API with its middleware stack.
fn api(state: Shared) -> Router {
    Router::new()
        .route("/v1/accounts", post(accounts::create))
        .route("/v1/accounts/{id}", get(accounts::retrieve))
        .route("/v1/accounts/{id}/login_links", post(accounts::login_link))
        .route("/v1/account_links", post(accounts::create_link))
        .route("/v1/balance", get(balance::retrieve))
        .route(
            "/v1/transfers",
            post(transfers::create).get(transfers::list),
        )
        .route("/v1/transfers/{id}", get(transfers::retrieve))
        .route(
            "/v1/transfers/{id}/reversals",
            post(transfers::reverse).get(transfers::list_reversals),
        )
        .route("/v1/payment_intents/{id}", get(payments::retrieve_intent))
        .route("/v1/charges/{id}", get(payments::retrieve_charge))
        .route("/v1/refunds/{id}", get(payments::retrieve_refund))
        .route("/v1/disputes/{id}", get(disputes::retrieve))
        .route("/v1/events", get(events::list))
        .route("/v1/events/{id}", get(events::retrieve))
        .layer(from_fn_with_state(state.clone(), faults::handler_layer))
        .layer(from_fn_with_state(state.clone(), idempotency::layer))
        .layer(from_fn_with_state(state.clone(), faults::edge_layer))
        .layer(from_fn_with_state(state.clone(), rate_limit::layer))
        .layer(from_fn_with_state(state.clone(), auth::layer))
        .layer(from_fn_with_state(state.clone(), recorder::layer))
        .with_state(state)
}

/// The whole application: API, control API, onboarding pages.
pub fn router(state: Shared) -> Router {
    Router::new()
        .merge(api(state.clone()))
        .nest("/_control", control::router(state.clone()))
        .merge(pages::router(state))
        .fallback(unknown_url)
        .method_not_allowed_fallback(unknown_url)
}

/// Stripe's answer to a URL it does not serve.
async fn unknown_url(method: axum::http::Method, uri: axum::http::Uri) -> error::ApiError {
    let mut e = error::ApiError::missing("url", uri.path(), "url");
    e.message = format!("Unrecognized request URL ({method}: {}).", uri.path());
    e.code = None;
    e.param = None;
    e
}

/// serde's default for the control API's `deliver` flags (and the like): on unless turned off.
pub(crate) fn yes() -> bool {
    true
}
