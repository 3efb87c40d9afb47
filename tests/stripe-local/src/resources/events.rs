//! Events: created by state changes, stored, delivered as webhooks, retrievable by id.
//!
//! `api_version` is the version async-stripe 1.0.0-rc.10 is pinned to
//! (`stripe_shared::version::VERSION`), so the functions' version check sees what a webhook
//! endpoint pinned to the library's version would receive.

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, Event, Shared, Store, new_id};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

/// `stripe_shared::version::VERSION` of async-stripe 1.0.0-rc.10.
pub const API_VERSION: &str = "2026-09-30.endive";

/// What caused an event: an API request (id + idempotency key) or nothing (automatic).
#[derive(Clone, Debug, Default)]
pub struct Cause {
    pub request_id: Option<String>,
    pub idempotency_key: Option<String>,
}

impl From<&Ctx> for Cause {
    fn from(ctx: &Ctx) -> Self {
        Self {
            request_id: Some(ctx.request_id.clone()),
            idempotency_key: ctx.idempotency_key.clone(),
        }
    }
}

/// Records an event in `store`; call [`deliver`] once the store lock is released.
pub fn record(
    state: &AppState,
    store: &mut Store,
    kind: &str,
    account: Option<&str>,
    object: Value,
    previous_attributes: Option<Value>,
    cause: Cause,
) -> Event {
    let id = new_id("evt");
    let mut data = json!({ "object": object });
    if let Some(prev) = previous_attributes {
        data["previous_attributes"] = prev;
    }
    let mut body = json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": state.clock.now(),
        "data": data,
        "livemode": false,
        "pending_webhooks": state.webhooks.target_count(account.is_some()),
        "request": { "id": cause.request_id, "idempotency_key": cause.idempotency_key },
        "type": kind,
    });
    if let Some(a) = account {
        body["account"] = json!(a);
    }
    let event = Event {
        id: id.clone(),
        kind: kind.to_owned(),
        account: account.map(str::to_owned),
        body,
    };
    store.events.insert(id.clone(), event.clone());
    store.event_order.push(id);
    event
}

/// Starts asynchronous delivery (with retries) of a recorded event.
pub fn deliver(state: &AppState, event: &Event) {
    state.webhooks.dispatch(event);
}

/// `GET /v1/events/{id}`. Connect events are only visible with their `Stripe-Account`, as on
/// Stripe.
pub async fn retrieve(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let store = state.store();
    match store.events.get(&id) {
        Some(e) if e.account == ctx.account => Ok(Json(e.body.clone())),
        _ => Err(ApiError::missing("event", &id, "id")),
    }
}
