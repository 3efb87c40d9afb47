//! Refunds of buyer payments, made through the control API: the refund debits the platform (in
//! the charge's settlement currency; the balance may go negative, as Stripe lets a platform
//! balance go negative) and emits `charge.refunded` and `refund.created`.

use crate::error::{ApiError, ApiResult};
use crate::params::validate_metadata;
use crate::resources::events;
use crate::resources::payments::{render_charge, render_refund};
use crate::state::{AppState, Event, Refund, new_id};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Body of `POST /_control/charges/{id}/refunds`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    /// Defaults to what is left to refund.
    pub amount: Option<i64>,
    #[serde(default)]
    pub metadata: Map<String, Value>,
    #[serde(default = "crate::yes")]
    pub deliver: bool,
}

/// Refunds (part of) a charge, debits the platform, emits `charge.refunded` with the charge
/// (cumulative `amount_refunded`, its refunds embedded) and `refund.created` with the refund.
/// Only `charge.refunded` is delivered at once (what the functions' older tests wait on);
/// `refund.created` is listable and deliverable on demand. Returns `(refund, charge, event)`;
/// the refund's own event is the fourth.
pub fn refund(
    state: &AppState,
    charge_id: &str,
    req: RefundRequest,
) -> ApiResult<(Value, Value, Event, Event)> {
    let metadata = validate_metadata(&req.metadata)?;
    let (refund_json, charge_json, event, refund_event) = {
        let mut store = state.store();
        let charge = store
            .charges
            .get(charge_id)
            .ok_or_else(|| ApiError::missing("charge", charge_id, "charge"))?;
        let open_dispute = store.disputes.values().any(|d| {
            d.charge == charge_id && !matches!(d.status.as_str(), "won" | "lost" | "warning_closed")
        });
        if open_dispute {
            return Err(ApiError::request(
                Some("charge_disputed"),
                None,
                format!("Charge {charge_id} has been charged back; cannot issue a refund."),
            ));
        }
        let left = charge.amount - charge.amount_refunded;
        if left == 0 {
            return Err(ApiError::request(
                Some("charge_already_refunded"),
                None,
                format!("Charge {charge_id} has already been refunded."),
            ));
        }
        let amount = req.amount.unwrap_or(left);
        if amount <= 0 {
            return Err(ApiError::invalid_param(
                "amount",
                "Invalid positive integer",
            ));
        }
        if amount > left {
            return Err(ApiError::request(
                Some("amount_too_large"),
                Some("amount"),
                format!(
                    "Refund amount ({amount}) is greater than unrefunded amount on charge ({left})"
                ),
            ));
        }
        let r = Refund {
            id: new_id("re"),
            amount,
            charge: charge_id.to_owned(),
            payment_intent: charge.payment_intent.clone(),
            currency: charge.currency.clone(),
            created: state.clock.now(),
            metadata,
            balance_transaction: new_id("txn"),
            status: "succeeded".into(),
            failure_reason: None,
            failure_balance_transaction: None,
        };
        let previous = json!({ "amount_refunded": charge.amount_refunded, "refunded": false });
        store.debit_platform_for(charge_id, amount);
        store.refunds.insert(r.id.clone(), r.clone());
        let refund_json = render_refund(&r);
        let refund_event = events::record(
            state,
            &mut store,
            "refund.created",
            None,
            refund_json.clone(),
            None,
            Default::default(),
        );
        let charge = store
            .charges
            .get_mut(charge_id)
            .ok_or_else(|| ApiError::missing("charge", charge_id, "charge"))?;
        charge.amount_refunded += amount;
        charge.refunds.push(r.id.clone());
        let charge = charge.clone();
        let charge_json = render_charge(&store, &charge);
        let event = events::record(
            state,
            &mut store,
            "charge.refunded",
            None,
            charge_json.clone(),
            Some(previous),
            Default::default(),
        );
        (refund_json, charge_json, event, refund_event)
    };
    if req.deliver {
        events::deliver(state, &event);
    }
    Ok((refund_json, charge_json, event, refund_event))
}
