//! `GET /v1/balance`: the platform's balance, or a connected account's with `Stripe-Account`.
//!
//! One entry per currency in `available` and `pending` (never just the first), shaped like the
//! fixture's `balance`. An account that never held money shows a zero entry in its default
//! currency, as Stripe does.

use crate::auth::Ctx;
use crate::error::ApiResult;
use crate::extract::StripeParams;
use crate::state::{Shared, Store};
use axum::extract::State;
use axum::{Extension, Json};
use serde_json::{Value, json};

/// Renders the balance of `owner` (an account id or [`crate::state::PLATFORM`]).
pub fn render(store: &Store, owner: &str) -> Value {
    let mut entries: Vec<(String, i64, i64)> = store
        .balances
        .get(owner)
        .map(|b| {
            b.iter()
                .map(|(c, f)| (c.clone(), f.available, f.pending))
                .collect()
        })
        .unwrap_or_default();
    if entries.is_empty() {
        let currency = store
            .accounts
            .get(owner)
            .map(|a| a.default_currency.clone())
            .unwrap_or_else(|| "usd".into());
        entries.push((currency, 0, 0));
    }
    let side = |pick: fn(&(String, i64, i64)) -> i64| -> Vec<Value> {
        entries
            .iter()
            .map(|e| json!({ "amount": pick(e), "currency": e.0, "source_types": { "card": pick(e) } }))
            .collect()
    };
    json!({
        "object": "balance",
        "available": side(|e| e.1),
        "pending": side(|e| e.2),
        "livemode": false,
    })
}

pub async fn retrieve(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    Ok(Json(render(&state.store(), ctx.owner())))
}
