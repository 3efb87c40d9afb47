//! Control of accounts and money: onboarding, balances, buyer payments, refunds.

use super::body;
use crate::error::{ApiError, ApiResult};
use crate::resources::onboarding::{self, OnboardingUpdate};
use crate::resources::{balance, disputes, events, payments, refunds};
use crate::state::{PLATFORM, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/accounts/{id}/onboarding", post(onboard))
        .route("/accounts/{id}/balance", post(set_balance))
        .route("/payments", post(pay))
        .route("/charges/{id}/refunds", post(refund))
        .route("/charges/{id}/disputes", post(dispute))
        .route("/disputes/{id}/close", post(close_dispute))
        .route("/refunds/{id}/fail", post(fail_refund))
        .route("/settlement", get(settlement).post(set_settlement))
        .route("/availability", get(availability).post(set_availability))
        .route("/charges/{id}/available", post(make_available))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Availability {
    delay_seconds: i64,
}

fn availability_json(state: &Shared) -> Json<Value> {
    Json(json!({ "delay_seconds": state.store().maturing.delay_seconds }))
}

/// How long a charge's funds stay pending.
async fn availability(State(state): State<Shared>) -> Json<Value> {
    availability_json(&state)
}

/// `{"delay_seconds": 172800}`: applies to charges made afterwards (0: available at once).
async fn set_availability(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let a: Availability = body(&bytes)?;
    if a.delay_seconds < 0 {
        return Err(ApiError::invalid_param(
            "delay_seconds",
            "The delay cannot be negative.",
        ));
    }
    state.store().maturing.delay_seconds = a.delay_seconds;
    Ok(availability_json(&state))
}

/// Makes a charge's funds, and the transfers funded from it, available now.
async fn make_available(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let mut store = state.store();
    if !store.make_available(&id) {
        return Err(ApiError::missing("charge", &id, "charge"));
    }
    Ok(Json(json!({ "charge": id, "available_on": store.now })))
}

/// The platform's settlement currency and rates.
async fn settlement(State(state): State<Shared>) -> Json<Value> {
    Json(json!(state.store().settlement))
}

/// `{"currency": "eur", "rates": {"usd": 0.9173}}` (replaces both; `{}` settles every charge in
/// its own currency again). Applies to charges made afterwards, as a rate does at Stripe.
async fn set_settlement(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let config: crate::settlement::SettlementConfig = body(&bytes)?;
    let lower = |c: &str| c.to_ascii_lowercase();
    let config = crate::settlement::SettlementConfig {
        currency: config.currency.as_deref().map(lower),
        rates: config.rates.iter().map(|(c, r)| (lower(c), *r)).collect(),
    };
    if let Some((currency, rate)) = config
        .rates
        .iter()
        .find(|(_, r)| !(r.is_finite() && **r > 0.0))
    {
        return Err(ApiError::invalid_param(
            "rates",
            format!("Invalid rate for {currency}: {rate}"),
        ));
    }
    state.store().settlement = config.clone();
    Ok(Json(json!(config)))
}

/// `{"complete": true}` or a partial update; emits Connect `account.updated`.
async fn onboard(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let update: OnboardingUpdate = body(&bytes)?;
    let (account, event) = onboarding::update(&state, &id, &update)?;
    Ok(Json(json!({ "account": account, "event_id": event.id })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BalanceBody {
    currency: String,
    available: Option<i64>,
    pending: Option<i64>,
}

/// Sets (not adds) a balance in one currency; `{id}` is an account id or `platform`.
async fn set_balance(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let b: BalanceBody = body(&bytes)?;
    let currency = b.currency.to_ascii_lowercase();
    if currency.len() != 3 || !currency.bytes().all(|c| c.is_ascii_lowercase()) {
        return Err(ApiError::invalid_param(
            "currency",
            format!("Invalid currency: {}", b.currency),
        ));
    }
    let mut store = state.store();
    if id != PLATFORM && !store.accounts.contains_key(&id) {
        return Err(ApiError::missing("account", &id, "account"));
    }
    if b.pending.is_some() {
        // The pending amount is set outright: what the entries said no longer holds.
        store.maturing.forget(&id, &currency);
    }
    let funds = store.balance_mut(&id, &currency);
    funds.available = b.available.unwrap_or(funds.available);
    funds.pending = b.pending.unwrap_or(funds.pending);
    Ok(Json(balance::render(&store, &id)))
}

async fn pay(State(state): State<Shared>, bytes: Bytes) -> ApiResult<Json<Value>> {
    let req: payments::PaymentRequest = body(&bytes)?;
    let (pi, charge, event) = payments::pay(&state, req)?;
    Ok(Json(
        json!({ "payment_intent": pi, "charge": charge, "event_id": event.id }),
    ))
}

async fn refund(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let req: refunds::RefundRequest = body(&bytes)?;
    let (refund, charge, event, refund_event) = refunds::refund(&state, &id, req)?;
    Ok(Json(
        json!({ "refund": refund, "charge": charge, "event_id": event.id, "refund_event_id": refund_event.id }),
    ))
}

/// The answer of a control call that emitted `emitted`: each is delivered when `deliver`.
fn emitted(
    state: &Shared,
    key: &str,
    object: Value,
    emitted: &[crate::state::Event],
    deliver: bool,
) -> Json<Value> {
    if deliver {
        for e in emitted {
            events::deliver(state, e);
        }
    }
    let ids: Vec<&str> = emitted.iter().map(|e| e.id.as_str()).collect();
    Json(json!({ key: object, "event_ids": ids }))
}

/// Opens a dispute on the charge: `charge.dispute.created` and `charge.dispute.funds_withdrawn`.
async fn dispute(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let req: disputes::DisputeRequest = body(&bytes)?;
    let deliver = req.deliver;
    let (dispute, events) = disputes::open(&state, &id, req)?;
    Ok(emitted(&state, "dispute", dispute, &events, deliver))
}

/// `{"outcome": "won"|"lost"}`: `charge.dispute.funds_reinstated` (won) and `charge.dispute.closed`.
async fn close_dispute(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let req: disputes::OutcomeRequest = body(&bytes)?;
    let (dispute, events) = disputes::close(&state, &id, &req)?;
    Ok(emitted(&state, "dispute", dispute, &events, req.deliver))
}

/// Fails a refund: `refund.failed` and `charge.refund.updated`.
async fn fail_refund(
    State(state): State<Shared>,
    Path(id): Path<String>,
    bytes: Bytes,
) -> ApiResult<Json<Value>> {
    let req: disputes::OutcomeRequest = body(&bytes)?;
    let (refund, events) = disputes::fail_refund(&state, &id)?;
    Ok(emitted(&state, "refund", refund, &events, req.deliver))
}
