//! Events and webhook deliveries: list, emit, wait on a condition, (re)deliver on demand.

use super::body;
use crate::error::{ApiError, ApiResult};
use crate::resources::events::{self, Cause};
use crate::state::Shared;
use crate::webhooks::Attempt;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::Duration;

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/deliveries", get(deliveries))
        .route("/events", get(list_events).post(emit))
        .route("/events/{id}", get(event))
        .route("/events/{id}/deliver", post(deliver))
}

/// Query of `GET /_control/deliveries`. Filters: `event_id`, `type`. Waits (long-poll up to
/// `timeout_ms`, default 5000): `delivered=true` (a matching 2xx attempt), `min_attempts=N`,
/// `idle=true` (no automatic delivery in flight). Unsatisfied wait → 408 with the same body.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryQuery {
    event_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    delivered: Option<bool>,
    min_attempts: Option<usize>,
    idle: Option<bool>,
    timeout_ms: Option<u64>,
}

impl DeliveryQuery {
    fn matches(&self, a: &Attempt) -> bool {
        self.event_id.as_ref().is_none_or(|e| &a.event_id == e)
            && self.kind.as_ref().is_none_or(|k| &a.event_type == k)
    }

    fn satisfied(&self, attempts: &[Attempt], in_flight: usize) -> bool {
        let matching: Vec<&Attempt> = attempts.iter().filter(|a| self.matches(a)).collect();
        (self.delivered != Some(true) || matching.iter().any(|a| a.succeeded()))
            && self.min_attempts.is_none_or(|n| matching.len() >= n)
            && (self.idle != Some(true) || in_flight == 0)
    }

    fn waits(&self) -> bool {
        self.delivered == Some(true) || self.min_attempts.is_some() || self.idle == Some(true)
    }
}

async fn deliveries(State(state): State<Shared>, Query(q): Query<DeliveryQuery>) -> Response {
    let satisfied = if q.waits() {
        let timeout = Duration::from_millis(q.timeout_ms.unwrap_or(5_000).min(120_000));
        state
            .webhooks
            .wait_until(timeout, |a, n| q.satisfied(a, n))
            .await
    } else {
        true
    };
    let list: Vec<Attempt> = state
        .webhooks
        .attempts()
        .into_iter()
        .filter(|a| q.matches(a))
        .collect();
    let body = json!({ "deliveries": list, "in_flight": state.webhooks.in_flight(), "satisfied": satisfied });
    let status = if satisfied {
        StatusCode::OK
    } else {
        StatusCode::REQUEST_TIMEOUT
    };
    (status, Json(body)).into_response()
}

/// All events, oldest first: `{id, type, account, created}`.
async fn list_events(State(state): State<Shared>) -> Json<Value> {
    let store = state.store();
    let events: Vec<Value> = store
        .event_order
        .iter()
        .filter_map(|id| store.events.get(id))
        .map(|e| json!({ "id": e.id, "type": e.kind, "account": e.account, "created": e.body["created"] }))
        .collect();
    Json(json!({ "events": events }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EmitBody {
    #[serde(rename = "type")]
    kind: String,
    /// A connected account: a Connect event (listed and delivered as that account's).
    account: Option<String>,
    /// `data.object`, taken as is (malformed objects included: consumers must cope).
    object: Value,
    #[serde(default = "crate::yes")]
    deliver: bool,
}

/// Records an arbitrary event (a type the server never emits by itself, an event of the
/// platform's own account, an object a client cannot parse) and delivers it unless told not to.
async fn emit(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let b: EmitBody = body(&bytes)?;
    if b.kind.is_empty() {
        return Err(ApiError::missing_param("type"));
    }
    let event = {
        let mut store = state.store();
        if let Some(a) = b
            .account
            .as_ref()
            .filter(|a| !store.accounts.contains_key(*a))
        {
            return Err(ApiError::missing("account", a, "account"));
        }
        let account = b.account.as_deref();
        let cause = Cause::default();
        events::record(&state, &mut store, &b.kind, account, b.object, None, cause)
    };
    if b.deliver {
        events::deliver(&state, &event);
    }
    Ok(Json(json!({ "event_id": event.id })))
}

/// Any event by id (no `Stripe-Account` scoping, unlike `/v1/events/{id}`).
async fn event(State(state): State<Shared>, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let store = state.store();
    let e = store
        .events
        .get(&id)
        .ok_or_else(|| ApiError::missing("event", &id, "id"))?;
    Ok(Json(e.body.clone()))
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliverBody {
    #[serde(default = "one")]
    times: u32,
    #[serde(default = "one")]
    concurrency: u32,
}

/// Delivers an event `times` times (`concurrency` at once, no retries) and answers with the
/// status codes received (`null` when the receiver could not be reached).
async fn deliver(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let b: DeliverBody = body(&bytes)?;
    if b.times == 0 || b.times > 1000 {
        return Err(ApiError::invalid_param(
            "times",
            "times must be between 1 and 1000",
        ));
    }
    let event = state
        .store()
        .events
        .get(&id)
        .cloned()
        .ok_or_else(|| ApiError::missing("event", &id, "id"))?;
    if state.webhooks.target_count(event.account.is_some()) == 0 {
        return Err(ApiError::request(
            None,
            None,
            "No webhook target is configured for this event.",
        ));
    }
    let attempts = state
        .webhooks
        .deliver_now(&event, b.times, b.concurrency)
        .await;
    let statuses: Vec<Option<u16>> = attempts.iter().map(|a| a.status).collect();
    Ok(Json(
        json!({ "event_id": id, "statuses": statuses, "deliveries": attempts }),
    ))
}
