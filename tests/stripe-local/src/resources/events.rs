//! Events: created by state changes, stored, delivered as webhooks, retrievable by id and listed.
//!
//! An event is recorded whatever the webhook targets are (none configured, or paused through the
//! control API): like Stripe, delivery is a consumer of the event log, not its condition, so a
//! consumer that missed deliveries can catch up with `GET /v1/events`. Like Stripe, only events of
//! the last 30 days (on the server's clock) can be retrieved or listed.
//!
//! `api_version` is the version async-stripe 1.0.0-rc.10 is pinned to
//! (`stripe_shared::version::VERSION`), so the functions' version check sees what a webhook
//! endpoint pinned to the library's version would receive.

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::StripeParams;
use crate::listing::{self, Created};
use crate::params::Params;
use crate::state::{AppState, Event, Shared, Store, new_id};
use axum::Extension;
use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

/// `stripe_shared::version::VERSION` of async-stripe 1.0.0-rc.10.
pub const API_VERSION: &str = "2026-09-30.endive";

/// How long Stripe keeps events retrievable and listable: 30 days.
pub const RETENTION_SECONDS: i64 = 30 * 86_400;

/// The most `types[]` Stripe accepts in one list request.
pub const MAX_TYPES: usize = 20;

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
    let created = state.clock.now();
    let mut data = json!({ "object": object });
    if let Some(prev) = previous_attributes {
        data["previous_attributes"] = prev;
    }
    let mut body = json!({
        "id": id,
        "object": "event",
        "api_version": API_VERSION,
        "created": created,
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
        created,
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

/// Whether the caller sees `e`: its own events only (the platform's without `Stripe-Account`, a
/// connected account's with it, as on Stripe), and only within the retention window.
fn visible(e: &Event, account: Option<&str>, now: i64) -> bool {
    e.account.as_deref() == account && e.created >= now - RETENTION_SECONDS
}

/// `GET /v1/events/{id}`.
pub async fn retrieve(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let now = state.clock.now();
    let store = state.store();
    match store.events.get(&id) {
        Some(e) if visible(e, ctx.account.as_deref(), now) => Ok(Json(e.body.clone())),
        _ => Err(ApiError::missing("event", &id, "id")),
    }
}

/// Which event types a list request asks for.
#[derive(Debug, PartialEq, Eq)]
enum Types {
    Any,
    /// `type`: one name, or a group with `*` wildcards (`charge.*`).
    Pattern(String),
    /// `types[]`: exact names.
    OneOf(Vec<String>),
}

impl Types {
    fn parse(p: &Params) -> ApiResult<Self> {
        match (p.str("type")?, p.get("types").is_some()) {
            (Some(_), true) => Err(ApiError::invalid_param(
                "types",
                "You may pass either `type` or `types`, but not both.",
            )),
            (Some(pattern), false) => Ok(Types::Pattern(pattern)),
            (None, true) => {
                let names = p.list("types")?;
                if names.len() > MAX_TYPES {
                    return Err(ApiError::invalid_param(
                        "types",
                        format!("You may pass up to {MAX_TYPES} event types."),
                    ));
                }
                Ok(Types::OneOf(names))
            }
            (None, false) => Ok(Types::Any),
        }
    }

    fn matches(&self, kind: &str) -> bool {
        match self {
            Types::Any => true,
            Types::Pattern(pattern) => wildcard_match(pattern, kind),
            Types::OneOf(names) => names.iter().any(|n| n == kind),
        }
    }
}

/// `*` matches any run of characters (including dots); everything else literally.
fn wildcard_match(pattern: &str, s: &str) -> bool {
    let mut parts = pattern.split('*');
    let Some(mut rest) = parts.next().and_then(|head| s.strip_prefix(head)) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((tail, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(tail)
}

/// `GET /v1/events` with `type` or `types[]`, `created`, `limit`, `starting_after`,
/// `ending_before`; newest first, the caller's events of the last 30 days.
pub async fn list(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[
        "type",
        "types",
        "created",
        "limit",
        "starting_after",
        "ending_before",
    ])?;
    let types = Types::parse(&p)?;
    let created = Created::parse(&p)?;
    let now = state.clock.now();
    let store = state.store();
    let newest_first: Vec<&Event> = store
        .event_order
        .iter()
        .rev()
        .filter_map(|id| store.events.get(id))
        .filter(|e| visible(e, ctx.account.as_deref(), now))
        .collect();
    let (page, has_more) = listing::page(
        &p,
        "event",
        &newest_first,
        |e| &e.id,
        |e| types.matches(&e.kind) && created.matches(e.created),
    )?;
    let data: Vec<Value> = page.into_iter().map(|e| e.body.clone()).collect();
    Ok(Json(listing::list_object("/v1/events", data, has_more)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        for (pattern, kind, hit) in [
            ("charge.*", "charge.refunded", true),
            ("charge.*", "charge.dispute.created", true),
            ("charge.*", "payment_intent.succeeded", false),
            ("charge.*", "charge", false),
            ("*.updated", "account.updated", true),
            ("*", "anything", true),
            ("charge.*.created", "charge.dispute.created", true),
            ("charge.*.created", "charge.dispute.closed", false),
            ("account.updated", "account.updated", true),
            ("account.updated", "account.updated.x", false),
        ] {
            assert_eq!(wildcard_match(pattern, kind), hit, "{pattern} {kind}");
        }
    }

    #[test]
    fn type_and_types_are_exclusive_and_types_bounded() {
        let p = |s: &str| Params::from_value(crate::form::decode(s.as_bytes()).unwrap());
        assert_eq!(Types::parse(&p("")).unwrap(), Types::Any);
        let one_of = Types::parse(&p("types[0]=a.b&types[1]=c.d")).unwrap();
        assert!(one_of.matches("c.d") && !one_of.matches("a.*"));
        let both = Types::parse(&p("type=a.b&types[]=c.d")).unwrap_err();
        assert_eq!(both.param.as_deref(), Some("types"));
        let many: String = (0..21).map(|i| format!("types[]=t.{i}&")).collect();
        assert!(Types::parse(&p(&many)).is_err());
    }
}
