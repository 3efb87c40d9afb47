//! Transfers to connected accounts and their reversals.
//!
//! Money rules (the ones the payout function must cope with):
//! - With `source_transaction` the transfer draws on that charge's money: it takes the charge's
//!   pending funds on the platform first (the rest from the available balance) and lands
//!   *pending* on the destination until the charge's `available_on` ([`crate::maturing`]), as
//!   Stripe documents it; once the charge is available it lands available.
//! - Without `source_transaction` it debits the platform's *available* balance, which must cover
//!   the amount, else 400 `insufficient_funds` (real Stripe says `balance_insufficient`; the
//!   project's contract names `insufficient_funds`), and lands available.
//! - With `source_transaction` the charge must exist and be the platform's, its balance
//!   transaction must be in the transfer's currency, and the net amount transferred from it
//!   (amount minus reversals) cannot exceed the settled amount (400 `amount_too_large`). The
//!   platform balance is not checked then.
//! - The destination must exist and have the `transfers` capability active.
//! - A reversal takes back what is still pending of that transfer first, then the destination's
//!   available balance (400 `balance_insufficient` if too low), and gives it back to the
//!   platform the same way (pending while the charge is); it cannot exceed what is left of the
//!   transfer.

use crate::auth::Ctx;
use crate::error::{ApiError, ApiResult};
use crate::extract::StripeParams;
use crate::listing::{self, Created};
use crate::state::{PLATFORM, Reversal, Shared, Transfer, new_id};
use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{Value, json};

pub fn render_reversal(r: &Reversal) -> Value {
    json!({
        "id": r.id, "object": "transfer_reversal", "amount": r.amount,
        "balance_transaction": r.balance_transaction, "created": r.created, "currency": r.currency,
        "destination_payment_refund": r.destination_payment_refund, "metadata": r.metadata,
        "source_refund": null, "transfer": r.transfer
    })
}

pub fn render(t: &Transfer) -> Value {
    let reversals: Vec<Value> = t.reversals.iter().rev().map(render_reversal).collect();
    json!({
        "id": t.id, "object": "transfer", "amount": t.amount, "amount_reversed": t.amount_reversed,
        "balance_transaction": t.balance_transaction, "created": t.created, "currency": t.currency,
        "description": t.description, "destination": t.destination,
        "destination_payment": t.destination_payment, "livemode": false, "metadata": t.metadata,
        "reversals": { "object": "list", "data": reversals, "has_more": false, "url": format!("/v1/transfers/{}/reversals", t.id) },
        "reversed": t.amount_reversed >= t.amount,
        "source_transaction": t.source_transaction,
        "source_type": "card",
        "transfer_group": t.transfer_group
    })
}

fn platform_only(ctx: &Ctx) -> ApiResult<()> {
    match ctx.account {
        Some(_) => Err(ApiError::request(
            None,
            None,
            "stripe-local only supports transfers made by the platform (no Stripe-Account header).",
        )),
        None => Ok(()),
    }
}

const CREATE_PARAMS: &[&str] = &[
    "amount",
    "currency",
    "destination",
    "source_transaction",
    "transfer_group",
    "metadata",
    "description",
    "source_type",
];

/// `POST /v1/transfers`.
pub async fn create(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(CREATE_PARAMS)?;
    let amount = p
        .amount("amount")?
        .ok_or_else(|| ApiError::missing_param("amount"))?;
    let currency = p
        .currency("currency")?
        .ok_or_else(|| ApiError::missing_param("currency"))?;
    let destination = p.req_str("destination")?;
    let source = p.str("source_transaction")?;
    let metadata = p.metadata()?;
    platform_only(&ctx)?;
    let mut store = state.store();
    let dest = store.accounts.get(&destination).ok_or_else(|| {
        ApiError::request(
            Some("resource_missing"),
            Some("destination"),
            format!("No such destination: '{destination}'"),
        )
    })?;
    if dest.capabilities.get("transfers").map(String::as_str) != Some("active") {
        return Err(ApiError::request(
            Some("insufficient_capabilities_for_transfer"),
            Some("destination"),
            "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
        ));
    }
    let mut funded_by = None;
    if let Some(ch_id) = &source {
        let ch = store.charges.get(ch_id).ok_or_else(|| {
            ApiError::request(
                Some("resource_missing"),
                Some("source_transaction"),
                format!("No such charge: '{ch_id}'"),
            )
        })?;
        if ch.settled.currency != currency {
            return Err(ApiError::request(
                None,
                Some("source_transaction"),
                format!(
                    "The currency of source_transaction's balance transaction ({}) must be the same as the transfer currency ({currency}).",
                    ch.settled.currency
                ),
            ));
        }
        let used: i64 = store
            .transfers
            .iter()
            .filter(|t| t.source_transaction.as_deref() == Some(ch_id))
            .map(|t| t.amount - t.amount_reversed)
            .sum();
        if used + amount > ch.settled.amount {
            return Err(ApiError::request(
                Some("amount_too_large"),
                Some("amount"),
                format!(
                    "The transfer amount ({amount}) exceeds what is left to transfer from source transaction {ch_id} ({}).",
                    ch.settled.amount - used
                ),
            ));
        }
        funded_by = Some((ch.pending, ch.available_on));
    } else if store.balance_mut(PLATFORM, &currency).available < amount {
        return Err(ApiError::request(
            Some("insufficient_funds"),
            None,
            "You have insufficient funds in your Stripe account for this transfer. Your card balance is too low. You can use the /v1/balance endpoint to view your Stripe balance (for more details, see stripe.com/docs/api#balance).",
        ));
    }
    // The charge's pending money first, then the available balance; pending at the destination
    // until the charge is available.
    let (from_pending, available_on) = match funded_by {
        Some((key, on)) => (store.take_pending(key, amount), on),
        None => (0, store.now),
    };
    store.balance_mut(PLATFORM, &currency).available -= amount - from_pending;
    let pending = store.credit_until(&destination, &currency, amount, available_on);
    let t = Transfer {
        id: new_id("tr"),
        amount,
        amount_reversed: 0,
        currency: currency.clone(),
        created: state.clock.now(),
        destination: destination.clone(),
        destination_payment: new_id("py"),
        source_transaction: source,
        transfer_group: p.str("transfer_group")?,
        description: p.str("description")?,
        metadata,
        balance_transaction: new_id("txn"),
        reversals: Vec::new(),
        pending,
    };
    let body = render(&t);
    store.transfers.push(t);
    Ok(Json(body))
}

/// `GET /v1/transfers/{id}`.
pub async fn retrieve(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[])?;
    let store = state.store();
    match store.transfers.iter().find(|t| t.id == id) {
        Some(t) if ctx.account.is_none() => Ok(Json(render(t))),
        _ => Err(ApiError::missing("transfer", &id, "id")),
    }
}

/// `GET /v1/transfers` with `transfer_group`, `destination`, `created`, `limit` (1..=100,
/// default 10), `starting_after`, `ending_before`; newest first, like Stripe.
pub async fn list(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[
        "transfer_group",
        "destination",
        "created",
        "limit",
        "starting_after",
        "ending_before",
    ])?;
    let (group, dest) = (p.str("transfer_group")?, p.str("destination")?);
    let created = Created::parse(&p)?;
    let store = state.store();
    // Transfers made by the platform are not visible to a connected account.
    let visible: Vec<&Transfer> = match ctx.account {
        Some(_) => Vec::new(),
        None => store.transfers.iter().rev().collect(),
    };
    let (page, has_more) = listing::page(
        &p,
        "transfer",
        &visible,
        |t| &t.id,
        |t| {
            group
                .as_ref()
                .is_none_or(|g| t.transfer_group.as_ref() == Some(g))
                && dest.as_ref().is_none_or(|d| &t.destination == d)
                && created.matches(t.created)
        },
    )?;
    let data: Vec<Value> = page.into_iter().map(render).collect();
    Ok(Json(listing::list_object("/v1/transfers", data, has_more)))
}

/// `POST /v1/transfers/{id}/reversals`.
pub async fn reverse(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&[
        "amount",
        "metadata",
        "description",
        "refund_application_fee",
    ])?;
    let requested = p.amount("amount")?;
    let metadata = p.metadata()?;
    platform_only(&ctx)?;
    let mut store = state.store();
    let t = store
        .transfers
        .iter()
        .find(|t| t.id == id)
        .ok_or_else(|| ApiError::missing("transfer", &id, "id"))?;
    let left = t.amount - t.amount_reversed;
    if left == 0 {
        return Err(ApiError::request(
            None,
            None,
            format!("Transfer {id} has already been fully reversed."),
        ));
    }
    let amount = requested.unwrap_or(left);
    if amount > left {
        return Err(ApiError::request(
            Some("amount_too_large"),
            Some("amount"),
            format!(
                "Amount ({amount}) is greater than the amount left to reverse on transfer {id} ({left})."
            ),
        ));
    }
    let (dest, currency) = (t.destination.clone(), t.currency.clone());
    let (key, charge) = (t.pending, t.source_transaction.clone());
    let from_available = amount - store.maturing.left(key).min(amount);
    if store.balance_mut(&dest, &currency).available < from_available {
        return Err(ApiError::request(
            Some("balance_insufficient"),
            None,
            format!(
                "Insufficient funds in the connected account {dest} to reverse {amount} {currency}: the account's available balance is too low."
            ),
        ));
    }
    let r = Reversal {
        id: new_id("trr"),
        amount,
        currency: currency.clone(),
        created: state.clock.now(),
        transfer: id.clone(),
        metadata,
        balance_transaction: new_id("txn"),
        destination_payment_refund: new_id("pyr"),
    };
    let from_pending = store.take_pending(key, amount);
    store.balance_mut(&dest, &currency).available -= from_available;
    store.return_to_platform(charge.as_deref(), &currency, from_pending);
    store.balance_mut(PLATFORM, &currency).available += from_available;
    let body = render_reversal(&r);
    if let Some(t) = store.transfer_mut(&id) {
        t.amount_reversed += amount;
        t.reversals.push(r);
    }
    Ok(Json(body))
}

/// `GET /v1/transfers/{id}/reversals` with `limit`, `starting_after`, `ending_before`; newest
/// first.
pub async fn list_reversals(
    State(state): State<Shared>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    StripeParams(p): StripeParams,
) -> ApiResult<Json<Value>> {
    p.allow(&["limit", "starting_after", "ending_before"])?;
    let store = state.store();
    let t = store
        .transfers
        .iter()
        .find(|t| t.id == id && ctx.account.is_none())
        .ok_or_else(|| ApiError::missing("transfer", &id, "id"))?;
    let newest_first: Vec<&Reversal> = t.reversals.iter().rev().collect();
    let (page, has_more) =
        listing::page(&p, "transfer_reversal", &newest_first, |r| &r.id, |_| true)?;
    let data: Vec<Value> = page.into_iter().map(render_reversal).collect();
    let url = format!("/v1/transfers/{id}/reversals");
    Ok(Json(listing::list_object(&url, data, has_more)))
}
