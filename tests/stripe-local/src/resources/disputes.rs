//! Disputes (chargebacks) of the platform's charges, and refunds that fail after they were
//! reported: created and moved through the control API, readable at `GET /v1/disputes/{id}`,
//! each change emitting the events Stripe emits.
//!
//! - A dispute withdraws its amount plus a 1500 fee from the platform's available balance
//!   (`charge.dispute.created` + `charge.dispute.funds_withdrawn`); won, it reinstates the amount
//!   (the fee stays gone: `charge.dispute.funds_reinstated` + `charge.dispute.closed`); lost, it
//!   only closes (`charge.dispute.closed`). While it is open the charge cannot be refunded
//!   (`charge_disputed`).
//! - A failed refund gives its amount back to the platform and to the charge's refundable amount
//!   (`refund.failed` + `charge.refund.updated`, status `failed`).
//!
//! Shapes follow fixtures3.json's `dispute` and `refund`.

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::StripeParams;
use crate::resources::{events, payments};
use crate::state::{AppState, Dispute, Event, PLATFORM, Shared, new_id};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::{Value, json};

/// What Stripe debits per dispute (USD 15.00 and the like), kept by the platform either way.
pub const DISPUTE_FEE: i64 = 1500;

pub fn render(d: &Dispute) -> Value {
    let bts: Vec<Value> = d
        .balance_transactions
        .iter()
        .map(|(id, amount, fee)| {
            json!({
                "id": id, "object": "balance_transaction", "amount": amount,
                "available_on": d.created, "created": d.created, "currency": d.currency,
                "description": format!("Chargeback {}", if *amount < 0 { "withdrawal" } else { "reversal" }),
                "exchange_rate": null, "fee": fee,
                "fee_details": if *fee > 0 { json!([{ "amount": fee, "application": null, "currency": d.currency, "description": "Dispute fee", "type": "stripe_fee" }]) } else { json!([]) },
                "net": amount - fee, "reporting_category": "dispute", "source": d.id,
                "status": "available", "type": "adjustment",
                "balance_type": "payments"
            })
        })
        .collect();
    json!({
        "id": d.id, "object": "dispute", "amount": d.amount, "balance_transactions": bts,
        "charge": d.charge, "created": d.created, "currency": d.currency,
        "enhanced_eligibility_types": [],
        "evidence": {
            "access_activity_log": null, "billing_address": null, "cancellation_policy": null,
            "cancellation_policy_disclosure": null, "cancellation_rebuttal": null,
            "customer_communication": null, "customer_email_address": null, "customer_name": null,
            "customer_purchase_ip": null, "customer_signature": null,
            "duplicate_charge_documentation": null, "duplicate_charge_explanation": null,
            "duplicate_charge_id": null, "product_description": null, "receipt": null,
            "refund_policy": null, "refund_policy_disclosure": null,
            "refund_refusal_explanation": null, "service_date": null,
            "service_documentation": null, "shipping_address": null, "shipping_carrier": null,
            "shipping_date": null, "shipping_documentation": null,
            "shipping_tracking_number": null, "uncategorized_file": null,
            "uncategorized_text": null, "enhanced_evidence": {}
        },
        "evidence_details": {
            "due_by": d.created + 21 * 86_400, "has_evidence": false, "past_due": false,
            "submission_count": 0, "enhanced_eligibility": {}
        },
        "is_charge_refundable": false, "livemode": false, "metadata": {},
        "payment_intent": d.payment_intent,
        "payment_method_details": { "card": { "brand": "visa", "case_type": "chargeback", "network": "visa", "network_reason_code": "10.4" }, "type": "card" },
        "reason": d.reason, "status": d.status
    })
}

/// `GET /v1/disputes/{id}` (the platform's own).
pub async fn retrieve(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    let store = state.store();
    match store.disputes.get(&id) {
        Some(d) if ctx.account.is_none() => Ok(Json(render(d))),
        _ => Err(ApiError::missing("dispute", &id, "dispute")),
    }
}

/// Body of `POST /_control/charges/{id}/disputes`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeRequest {
    /// Defaults to what is left unrefunded on the charge.
    pub amount: Option<i64>,
    #[serde(default = "fraudulent")]
    pub reason: String,
    #[serde(default = "crate::yes")]
    pub deliver: bool,
}

fn fraudulent() -> String {
    "fraudulent".into()
}

/// Body of `POST /_control/disputes/{id}/close` and `POST /_control/refunds/{id}/fail`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRequest {
    /// `won` or `lost` for a dispute; ignored for a refund.
    #[serde(default)]
    pub outcome: Option<String>,
    #[serde(default = "crate::yes")]
    pub deliver: bool,
}

/// Opens a dispute on a charge and withdraws its funds; returns the dispute and the events
/// (`charge.dispute.created`, `charge.dispute.funds_withdrawn`).
pub fn open(
    state: &AppState,
    charge_id: &str,
    req: DisputeRequest,
) -> ApiResult<(Value, Vec<Event>)> {
    let mut store = state.store();
    let charge = store
        .charges
        .get(charge_id)
        .ok_or_else(|| ApiError::missing("charge", charge_id, "charge"))?
        .clone();
    if store.disputes.values().any(|d| d.charge == charge_id) {
        return Err(ApiError::request(
            Some("charge_already_disputed"),
            None,
            format!("Charge {charge_id} already has a dispute."),
        ));
    }
    let amount = req.amount.unwrap_or(charge.amount - charge.amount_refunded);
    if amount <= 0 || amount > charge.amount - charge.amount_refunded {
        return Err(ApiError::invalid_param("amount", "Invalid dispute amount"));
    }
    let now = state.clock.now();
    let mut d = Dispute {
        id: new_id("dp"),
        amount,
        charge: charge_id.to_owned(),
        payment_intent: charge.payment_intent.clone(),
        currency: charge.currency.clone(),
        created: now,
        reason: req.reason,
        status: "needs_response".into(),
        balance_transactions: Vec::new(),
    };
    let created = events::record(
        state,
        &mut store,
        "charge.dispute.created",
        None,
        render(&d),
        None,
        Default::default(),
    );
    d.balance_transactions
        .push((new_id("txn"), -amount, DISPUTE_FEE));
    store.debit_platform_for(&d.charge, amount);
    let fee_currency = store
        .charges
        .get(&d.charge)
        .map_or_else(|| d.currency.clone(), |c| c.settled.currency.clone());
    store.balance_mut(PLATFORM, &fee_currency).available -= DISPUTE_FEE;
    let withdrawn = events::record(
        state,
        &mut store,
        "charge.dispute.funds_withdrawn",
        None,
        render(&d),
        None,
        Default::default(),
    );
    store.disputes.insert(d.id.clone(), d.clone());
    Ok((render(&d), vec![created, withdrawn]))
}

/// Closes a dispute `won` (funds reinstated) or `lost`; returns the dispute and its events.
pub fn close(state: &AppState, id: &str, req: &OutcomeRequest) -> ApiResult<(Value, Vec<Event>)> {
    let mut store = state.store();
    let mut d = store
        .disputes
        .get(id)
        .ok_or_else(|| ApiError::missing("dispute", id, "dispute"))?
        .clone();
    if matches!(d.status.as_str(), "won" | "lost") {
        return Err(ApiError::request(
            None,
            None,
            format!("Dispute {id} is already closed."),
        ));
    }
    let mut emitted = Vec::new();
    match req.outcome.as_deref() {
        Some("won") => {
            d.status = "won".into();
            d.balance_transactions.push((new_id("txn"), d.amount, 0));
            store.debit_platform_for(&d.charge, -d.amount);
            emitted.push(events::record(
                state,
                &mut store,
                "charge.dispute.funds_reinstated",
                None,
                render(&d),
                None,
                Default::default(),
            ));
        }
        Some("lost") => d.status = "lost".into(),
        _ => {
            return Err(ApiError::invalid_param(
                "outcome",
                "outcome must be `won` or `lost`",
            ));
        }
    }
    emitted.push(events::record(
        state,
        &mut store,
        "charge.dispute.closed",
        None,
        render(&d),
        None,
        Default::default(),
    ));
    store.disputes.insert(d.id.clone(), d.clone());
    Ok((render(&d), emitted))
}

/// Fails a succeeded refund: the money returns to the platform and to the charge; returns the
/// refund and its events (`refund.failed`, `charge.refund.updated`).
pub fn fail_refund(state: &AppState, id: &str) -> ApiResult<(Value, Vec<Event>)> {
    let mut store = state.store();
    let mut r = store
        .refunds
        .get(id)
        .ok_or_else(|| ApiError::missing("refund", id, "refund"))?
        .clone();
    if r.status != "succeeded" {
        return Err(ApiError::request(
            None,
            None,
            format!("Refund {id} is {}.", r.status),
        ));
    }
    r.status = "failed".into();
    r.failure_reason = Some("expired_or_canceled_card".into());
    r.failure_balance_transaction = Some(new_id("txn"));
    store.debit_platform_for(&r.charge, -r.amount);
    if let Some(c) = store.charges.get_mut(&r.charge) {
        c.amount_refunded -= r.amount;
    }
    store.refunds.insert(r.id.clone(), r.clone());
    let json = payments::render_refund(&r);
    let failed = events::record(
        state,
        &mut store,
        "refund.failed",
        None,
        json.clone(),
        None,
        Default::default(),
    );
    let updated = events::record(
        state,
        &mut store,
        "charge.refund.updated",
        None,
        json.clone(),
        None,
        Default::default(),
    );
    Ok((json, vec![failed, updated]))
}
