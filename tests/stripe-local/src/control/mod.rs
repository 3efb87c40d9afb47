//! Control API under `/_control` for tests and local runs: no auth, loopback clients only.
//!
//! Every answer is JSON; errors use Stripe's error envelope. Bodies are JSON (an empty body is
//! `{}`). See the crate README/report for the full list of paths and bodies.

mod deliveries;
mod money;

use crate::WebhookTarget;
use crate::error::{ApiError, ApiResult};
use crate::faults::FaultSpec;
use crate::state::Shared;
use crate::webhooks::Targets;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, Request, State};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::net::SocketAddr;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/health", get(|| async { Json(json!({ "ok": true })) }))
        .route("/reset", post(reset))
        .route("/clock", get(clock).post(advance_clock))
        .route(
            "/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/requests", get(requests))
        .route("/rate_limit", get(rate_limit).post(set_rate_limit))
        .route("/webhooks", get(webhooks).post(set_webhooks))
        .route("/webhooks/pause", post(pause_webhooks))
        .route("/webhooks/resume", post(resume_webhooks))
        .route("/objects", get(objects))
        .merge(deliveries::router())
        .merge(money::router())
        .layer(from_fn(loopback_only))
        .with_state(state)
}

/// The control API can move money and rewrite accounts: refuse non-loopback peers even if the
/// server was bound to a public address.
async fn loopback_only(req: Request, next: Next) -> Response {
    match req.extensions().get::<ConnectInfo<SocketAddr>>() {
        Some(ConnectInfo(peer)) if !peer.ip().is_loopback() => {
            let mut e = ApiError::unauthorized("The control API only accepts loopback clients.");
            e.status = axum::http::StatusCode::FORBIDDEN;
            e.into_response()
        }
        _ => next.run(req).await,
    }
}

/// Parses a JSON body (empty = `{}`), rejecting unknown fields where the type says so.
pub(crate) fn body<T: DeserializeOwned>(bytes: &Bytes) -> ApiResult<T> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| ApiError::malformed(format!("Invalid JSON body: {e}")))
}

/// `{"per_second": 100, "burst": 100}` sets Stripe's rate limit (and zeroes its counts); `{}`
/// removes it.
async fn set_rate_limit(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let limit: Option<crate::rate_limit::Limit> = match body::<Value>(&bytes)? {
        Value::Object(m) if m.is_empty() => None,
        other => Some(
            serde_json::from_value(other)
                .map_err(|e| ApiError::malformed(format!("Invalid rate limit: {e}")))?,
        ),
    };
    if let Some(l) = limit
        && !(l.per_second > 0.0 && l.burst >= 1.0)
    {
        return Err(ApiError::malformed(
            "per_second must be above 0 and burst at least 1",
        ));
    }
    state.rate_limit.set(limit);
    Ok(Json(json!({ "limit": limit })))
}

/// The limit, and the requests it admitted and refused (429) since it was set.
async fn rate_limit(State(state): State<Shared>) -> Json<Value> {
    let counts = state.rate_limit.counts();
    Json(json!({
        "limit": state.rate_limit.limit(),
        "admitted": counts.admitted,
        "refused": counts.refused,
    }))
}

async fn reset(State(state): State<Shared>) -> Json<Value> {
    *state.store() = Default::default();
    state.idempotency.clear();
    state.faults.clear();
    state.recorder.clear();
    state.rate_limit.set(None);
    state.webhooks.reset();
    state.webhooks.set_targets(Targets {
        platform: state.config.platform_webhook.clone(),
        connect: state.config.connect_webhook.clone(),
    });
    state.clock.reset();
    Json(json!({ "reset": true }))
}

fn clock_json(state: &Shared) -> Json<Value> {
    Json(json!({ "now": state.clock.now(), "offset_seconds": state.clock.offset() }))
}

async fn clock(State(state): State<Shared>) -> Json<Value> {
    clock_json(&state)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_seconds: i64,
}

async fn advance_clock(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let a: Advance = body(&bytes)?;
    if a.advance_seconds < 0 {
        return Err(ApiError::invalid_param(
            "advance_seconds",
            "The clock only moves forward.",
        ));
    }
    state.clock.advance(a.advance_seconds);
    Ok(clock_json(&state))
}

async fn list_faults(State(state): State<Shared>) -> Json<Value> {
    Json(json!({ "faults": state.faults.list() }))
}

async fn add_fault(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let spec: FaultSpec = body(&bytes)?;
    if !spec.path.starts_with('/') {
        return Err(ApiError::invalid_param(
            "path",
            "The path must start with '/' (e.g. /v1/transfers).",
        ));
    }
    state.faults.add(spec);
    Ok(Json(json!({ "faults": state.faults.list() })))
}

async fn clear_faults(State(state): State<Shared>) -> Json<Value> {
    state.faults.clear();
    Json(json!({ "faults": [] }))
}

#[derive(Deserialize)]
struct RequestFilter {
    endpoint: Option<String>,
    idempotency_key: Option<String>,
}

/// Counts per endpoint (all calls) and the log, optionally filtered.
async fn requests(State(state): State<Shared>, Query(f): Query<RequestFilter>) -> Json<Value> {
    let log: Vec<_> = state
        .recorder
        .entries()
        .into_iter()
        .filter(|e| f.endpoint.as_ref().is_none_or(|x| &e.endpoint == x))
        .filter(|e| {
            f.idempotency_key
                .as_ref()
                .is_none_or(|k| e.idempotency_key.as_ref() == Some(k))
        })
        .collect();
    Json(json!({ "counts": state.recorder.counts(), "requests": log }))
}

fn target_json(t: &Option<WebhookTarget>) -> Value {
    t.as_ref().map_or(
        Value::Null,
        |t| json!({ "url": t.url, "secrets": t.secrets.len() }),
    )
}

fn webhooks_json(state: &Shared) -> Json<Value> {
    let t = state.webhooks.targets();
    Json(json!({
        "platform": target_json(&t.platform),
        "connect": target_json(&t.connect),
        "paused": state.webhooks.is_paused(),
    }))
}

/// Sets the webhook targets aside (events are still recorded, never delivered later).
async fn pause_webhooks(State(state): State<Shared>) -> Json<Value> {
    state.webhooks.pause();
    webhooks_json(&state)
}

/// Restores the targets set aside by `/webhooks/pause`.
async fn resume_webhooks(State(state): State<Shared>) -> Json<Value> {
    state.webhooks.resume();
    webhooks_json(&state)
}

async fn webhooks(State(state): State<Shared>) -> Json<Value> {
    webhooks_json(&state)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetBody {
    url: String,
    secrets: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetsBody {
    platform: Option<TargetBody>,
    connect: Option<TargetBody>,
}

/// Replaces both targets (an absent or null target is removed). Secrets are never echoed.
async fn set_webhooks(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let b: TargetsBody = body(&bytes)?;
    let conv = |t: Option<TargetBody>| {
        t.map(|t| WebhookTarget {
            url: t.url,
            secrets: t.secrets,
        })
    };
    state.webhooks.set_targets(Targets {
        platform: conv(b.platform),
        connect: conv(b.connect),
    });
    Ok(webhooks_json(&state))
}

async fn objects(State(state): State<Shared>) -> Json<Value> {
    let s = state.store();
    let reversals: usize = s.transfers.iter().map(|t| t.reversals.len()).sum();
    Json(json!({
        "accounts": s.accounts.len(),
        "account_links": s.links.len(),
        "payment_intents": s.payment_intents.len(),
        "charges": s.charges.len(),
        "refunds": s.refunds.len(),
        "disputes": s.disputes.len(),
        "transfers": s.transfers.len(),
        "transfer_reversals": reversals,
        "events": s.events.len(),
        "idempotency_keys": state.idempotency.len(),
    }))
}
