//! Buyer payments: PaymentIntents, Charges and reading Refunds (made in [`super::refunds`]).
//!
//! They are created through the control API (a buyer paying an order; a refund), not `/v1`,
//! because the functions only read them. Shapes follow fixtures3.json's `payment_intent`,
//! `charge` and `refund`. A payment credits the platform's *pending* balance (no fees; in its
//! settlement currency, see [`crate::settlement`]) until the charge's `available_on`, the
//! server clock plus `/_control/availability`'s delay (see [`crate::maturing`]); transfers
//! with `source_transaction` can follow immediately. A refund debits the available balance (it
//! may go negative, as Stripe lets a platform balance go negative).

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::StripeParams;
use crate::params::validate_metadata;
use crate::resources::events;
use crate::state::{
    AppState, Charge, Event, PLATFORM, PaymentIntent, Refund, Shared, Store, new_id,
};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Map, Value, json};

fn card_details(amount: i64) -> Value {
    json!({
        "card": {
            "amount_authorized": amount, "authorization_code": null, "brand": "visa",
            "checks": { "address_line1_check": null, "address_postal_code_check": null, "cvc_check": "pass" },
            "country": "US", "exp_month": 8, "exp_year": 2030,
            "extended_authorization": { "status": "disabled" }, "fingerprint": "AOB934RVNwzk6xtn",
            "funding": "credit", "incremental_authorization": { "status": "unavailable" },
            "installments": null, "last4": "4242", "mandate": null,
            "multicapture": { "status": "unavailable" }, "network": "visa",
            "network_token": { "used": false }, "network_transaction_id": null,
            "overcapture": { "maximum_amount_capturable": amount, "status": "unavailable" },
            "regulated_status": "unregulated", "three_d_secure": null, "wallet": null
        },
        "type": "card"
    })
}

pub fn render_refund(r: &Refund) -> Value {
    json!({
        "id": r.id, "object": "refund", "amount": r.amount, "balance_transaction": r.balance_transaction,
        "charge": r.charge, "created": r.created, "currency": r.currency,
        "destination_details": { "card": { "type": "refund" }, "type": "card" },
        "metadata": r.metadata, "payment_intent": r.payment_intent, "reason": null,
        "receipt_number": null, "source_transfer_reversal": null, "status": r.status,
        "failure_reason": r.failure_reason, "failure_balance_transaction": r.failure_balance_transaction,
        "transfer_reversal": null
    })
}

pub fn render_charge(store: &Store, c: &Charge) -> Value {
    let refunds: Vec<Value> = c
        .refunds
        .iter()
        .rev()
        .filter_map(|id| store.refunds.get(id))
        .map(render_refund)
        .collect();
    json!({
        "id": c.id, "object": "charge", "amount": c.amount, "amount_captured": c.amount,
        "amount_refunded": c.amount_refunded, "application": null, "application_fee": null,
        "application_fee_amount": null, "balance_transaction": c.balance_transaction,
        "billing_details": {
            "address": { "city": null, "country": null, "line1": null, "line2": null, "postal_code": null, "state": null },
            "email": null, "name": "Jenny Rosen", "phone": null, "tax_id": null
        },
        "calculated_statement_descriptor": "STRIPE-LOCAL", "captured": true, "created": c.created,
        "currency": c.currency, "customer": null, "description": null,
        "disputed": store.disputes.values().any(|d| d.charge == c.id),
        "failure_balance_transaction": null, "failure_code": null, "failure_message": null,
        "fraud_details": {}, "livemode": false, "metadata": c.metadata, "on_behalf_of": null,
        "outcome": {
            "advice_code": null, "network_advice_code": null, "network_decline_code": null,
            "network_status": "approved_by_network", "reason": null, "risk_level": "normal",
            "seller_message": "Payment complete.", "type": "authorized"
        },
        "paid": true, "payment_intent": c.payment_intent, "payment_method": "pm_card_visa",
        "payment_method_details": card_details(c.amount), "receipt_email": null,
        "receipt_number": null, "receipt_url": null, "refunded": c.amount_refunded >= c.amount,
        "refunds": { "object": "list", "data": refunds, "has_more": false, "url": format!("/v1/charges/{}/refunds", c.id) },
        "review": null, "shipping": null, "source_transfer": null, "statement_descriptor": null,
        "statement_descriptor_suffix": null, "status": "succeeded", "transfer_data": null,
        "transfer_group": c.transfer_group
    })
}

pub fn render_intent(store: &Store, pi: &PaymentIntent, expand_charge: bool) -> Value {
    let latest_charge = match store.charges.get(&pi.latest_charge) {
        Some(c) if expand_charge => render_charge(store, c),
        _ => json!(pi.latest_charge),
    };
    json!({
        "id": pi.id, "object": "payment_intent", "amount": pi.amount, "amount_capturable": 0,
        "amount_details": { "tip": {} }, "amount_received": pi.amount, "application": null,
        "application_fee_amount": null, "automatic_payment_methods": null, "canceled_at": null,
        "cancellation_reason": null, "capture_method": "automatic",
        "client_secret": format!("{}_secret_stripelocal", pi.id), "confirmation_method": "automatic",
        "created": pi.created, "currency": pi.currency, "customer": null, "description": pi.description,
        "last_payment_error": null, "latest_charge": latest_charge, "livemode": false,
        "metadata": pi.metadata, "next_action": null, "on_behalf_of": null,
        "payment_method": "pm_card_visa", "payment_method_options": {}, "payment_method_types": ["card"],
        "processing": null, "receipt_email": null, "review": null, "setup_future_usage": null,
        "shipping": null, "statement_descriptor": null, "statement_descriptor_suffix": null,
        "status": "succeeded", "transfer_data": null, "transfer_group": pi.transfer_group
    })
}

/// Accepts only the expansions an endpoint supports, like Stripe ("cannot be expanded").
pub fn expansions(p: &crate::params::Params, allowed: &[&str]) -> ApiResult<Vec<String>> {
    let list = p.list("expand")?;
    if let Some(bad) = list.iter().find(|e| !allowed.contains(&e.as_str())) {
        return Err(ApiError::invalid_param(
            "expand",
            format!("This property cannot be expanded ({bad})."),
        ));
    }
    Ok(list)
}

fn platform_only(ctx: &Ctx, what: &str, id: &str, param: &str) -> ApiResult<()> {
    match ctx.account {
        Some(_) => Err(ApiError::missing(what, id, param)),
        None => Ok(()),
    }
}

pub async fn retrieve_intent(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&["client_secret"])?;
    let expand = expansions(&p, &["latest_charge"])?;
    platform_only(&ctx, "payment_intent", &id, "intent")?;
    let store = state.store();
    let pi = store
        .payment_intents
        .get(&id)
        .ok_or_else(|| ApiError::missing("payment_intent", &id, "intent"))?;
    Ok(Json(render_intent(&store, pi, !expand.is_empty())))
}

pub async fn retrieve_charge(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    let expand = expansions(&p, &["balance_transaction"])?;
    platform_only(&ctx, "charge", &id, "id")?;
    let store = state.store();
    let c = store
        .charges
        .get(&id)
        .ok_or_else(|| ApiError::missing("charge", &id, "id"))?;
    let mut body = render_charge(&store, c);
    if !expand.is_empty() {
        body["balance_transaction"] = crate::settlement::render_charge_txn(c, store.now);
    }
    Ok(Json(body))
}

pub async fn retrieve_refund(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    platform_only(&ctx, "refund", &id, "id")?;
    let store = state.store();
    let r = store
        .refunds
        .get(&id)
        .ok_or_else(|| ApiError::missing("refund", &id, "id"))?;
    Ok(Json(render_refund(r)))
}

/// Body of `POST /_control/payments`: a buyer paid an order.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentRequest {
    /// Copied into metadata as `order_id` (unless metadata sets it) and used as the
    /// PaymentIntent's and Charge's `transfer_group` (unless `transfer_group` is given).
    pub order_id: Option<String>,
    pub currency: String,
    pub amount: i64,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    pub transfer_group: Option<String>,
    pub description: Option<String>,
    /// The ids to give the PaymentIntent and its Charge (default: new ones), so that a
    /// committed event file (`tests/events/`) can name objects that exist here.
    pub payment_intent_id: Option<String>,
    pub charge_id: Option<String>,
    /// Deliver `payment_intent.succeeded` now (default); `false` only records it, for tests
    /// that deliver events out of order with `POST /_control/events/{id}/deliver`.
    #[serde(default = "crate::yes")]
    pub deliver: bool,
}

/// Creates a succeeded PaymentIntent + Charge, credits the platform, emits
/// `payment_intent.succeeded`. Returns `(payment_intent, charge, event)`.
pub fn pay(state: &AppState, req: PaymentRequest) -> ApiResult<(Value, Value, Event)> {
    let currency = req.currency.to_ascii_lowercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(ApiError::invalid_param(
            "currency",
            format!("Invalid currency: {}", req.currency),
        ));
    }
    if req.amount <= 0 {
        return Err(ApiError::invalid_param(
            "amount",
            "Invalid positive integer",
        ));
    }
    let mut metadata = validate_metadata(&req.metadata)?;
    if let Some(order) = &req.order_id {
        metadata
            .entry("order_id".into())
            .or_insert_with(|| order.clone());
    }
    let transfer_group = req.transfer_group.clone().or_else(|| req.order_id.clone());
    let now = state.clock.now();
    let pi_id = chosen_id(req.payment_intent_id.as_deref(), "pi", "payment_intent_id")?;
    let charge_id = chosen_id(req.charge_id.as_deref(), "ch", "charge_id")?;
    // One lock for the checks and the writes (a chosen id is taken once, at the rate in force).
    let (pi_json, ch_json, event) = {
        let mut store = state.store();
        if store.payment_intents.contains_key(&pi_id) || store.charges.contains_key(&charge_id) {
            return Err(ApiError::invalid_param(
                "payment_intent_id",
                format!("{pi_id} or {charge_id} already exists"),
            ));
        }
        let settled = store
            .settlement
            .settle(&currency, req.amount)
            .map_err(|message| ApiError::invalid_param("currency", message))?;
        let pi = PaymentIntent {
            id: pi_id,
            amount: req.amount,
            currency: currency.clone(),
            created: now,
            metadata: metadata.clone(),
            latest_charge: charge_id,
            transfer_group: transfer_group.clone(),
            description: req.description.clone(),
        };
        let mut charge = Charge {
            id: pi.latest_charge.clone(),
            amount: req.amount,
            amount_refunded: 0,
            currency: currency.clone(),
            created: now,
            metadata,
            payment_intent: pi.id.clone(),
            transfer_group,
            balance_transaction: new_id("txn"),
            settled,
            refunds: Vec::new(),
            available_on: now + store.maturing.delay_seconds,
            pending: None,
        };
        charge.pending = store.credit_until(
            PLATFORM,
            &charge.settled.currency,
            charge.settled.amount,
            charge.available_on,
        );
        store.charges.insert(charge.id.clone(), charge.clone());
        store.payment_intents.insert(pi.id.clone(), pi.clone());
        let pi_json = render_intent(&store, &pi, false);
        let ch_json = render_charge(&store, &charge);
        let event = events::record(
            state,
            &mut store,
            "payment_intent.succeeded",
            None,
            pi_json.clone(),
            None,
            Default::default(),
        );
        (pi_json, ch_json, event)
    };
    if req.deliver {
        events::deliver(state, &event);
    }
    Ok((pi_json, ch_json, event))
}

/// `chosen` when it is an id with `prefix`, else a new one.
fn chosen_id(chosen: Option<&str>, prefix: &str, param: &str) -> ApiResult<String> {
    match chosen {
        None => Ok(new_id(prefix)),
        Some(id) if id.starts_with(&format!("{prefix}_")) && id.len() <= 64 => Ok(id.to_owned()),
        Some(id) => Err(ApiError::invalid_param(
            param,
            format!("Invalid id {id:?}: expected {prefix}_…"),
        )),
    }
}
