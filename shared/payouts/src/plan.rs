//! The payout plan: from a succeeded payment's metadata to each seller's share.
//!
//! # The checkout's metadata contract
//! The checkout sets two keys on the PaymentIntent's metadata:
//! - `veza_order_id`: the order id, `[A-Za-z0-9_-]{1,64}`; it becomes the transfers' `transfer_group`.
//! - `veza_shares`: `seller_user_id:gross_minor_units` pairs separated by commas, e.g.
//!   `usr_alice:6000,usr_bob:4000`. Gross is what the buyer paid for that seller's items, in the
//!   payment's currency, in minor units. The sum may be less than the amount received (shipping,
//!   taxes stay with the platform) but never more.
//!
//! # Fee and rounding
//! The platform fee is `PLATFORM_FEE_BPS` basis points of each share's gross, rounded half up to
//! the minor unit (`fee = (gross * bps + 5000) / 10000`); the seller's net is `gross - fee`, so
//! fee + net == gross exactly for every share.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::{Currency, UserId};

pub const ORDER_ID_KEY: &str = "veza_order_id";
pub const SHARES_KEY: &str = "veza_shares";
/// More sellers than this in one order is treated as malformed (Stripe metadata values are <= 500 chars anyway).
pub const MAX_SELLERS: usize = 50;
const MAX_ID_LEN: usize = 64;

/// The facts of a succeeded payment, as read from Stripe (and as the transfer queue carries them).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PaymentFacts {
    pub payment_intent_id: String,
    /// `latest_charge`: the transfers' `source_transaction`.
    pub charge_id: Option<String>,
    pub amount_received: i64,
    pub currency: String,
    pub metadata: BTreeMap<String, String>,
}

/// One seller's share of an order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    pub seller: UserId,
    pub gross: i64,
    pub fee: i64,
    pub net: i64,
}

/// What an accepted payment owes each seller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutPlan {
    pub order_id: String,
    pub payment_intent_id: String,
    pub charge_id: String,
    pub currency: Currency,
    pub amount_received: i64,
    pub shares: Vec<Share>,
}

/// Why a payment is rejected for payout. `code()` is the stable reason recorded and counted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    #[error("metadata has no valid {ORDER_ID_KEY}")]
    MissingOrderId,
    #[error("metadata has no {SHARES_KEY}")]
    MissingShares,
    #[error("malformed share entry {0:?}")]
    MalformedShare(String),
    #[error("seller {0:?} appears twice")]
    DuplicateSeller(String),
    #[error("more than {MAX_SELLERS} sellers")]
    TooManySellers,
    #[error("shares total {total} exceeds the {received} received")]
    AmountExceedsReceived { total: i64, received: i64 },
    #[error("unsupported currency {0:?}")]
    UnknownCurrency(String),
    #[error("payment has no charge to transfer from")]
    MissingCharge,
}

impl RejectReason {
    pub fn code(&self) -> &'static str {
        match self {
            RejectReason::MissingOrderId => "missing_order_id",
            RejectReason::MissingShares => "missing_shares",
            RejectReason::MalformedShare(_) => "malformed_share",
            RejectReason::DuplicateSeller(_) => "duplicate_seller",
            RejectReason::TooManySellers => "too_many_sellers",
            RejectReason::AmountExceedsReceived { .. } => "amount_exceeds_received",
            RejectReason::UnknownCurrency(_) => "unknown_currency",
            RejectReason::MissingCharge => "missing_charge",
        }
    }
}

/// The fee can never exceed the share: 10 000 bps = 100 %.
pub const MAX_FEE_BPS: u32 = 10_000;

/// The platform's fee on `gross` (>= 0) minor units at `bps` basis points, rounded half up.
/// `bps` above [`MAX_FEE_BPS`] is treated as 100 % (settings reject it; this keeps `net >= 0`
/// even if a caller does not), so `0 <= fee <= gross` always.
pub fn platform_fee(gross: i64, bps: u32) -> i64 {
    let bps = bps.min(MAX_FEE_BPS);
    // i128: gross * 10_000 cannot overflow; the result is <= gross, so it fits back in i64.
    let fee = (i128::from(gross) * i128::from(bps) + 5_000) / 10_000;
    i64::try_from(fee).unwrap_or(gross)
}

/// A valid order or user id: what we are willing to put in keys and Stripe metadata.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Reads the order id even from a payment that will be rejected (to record the rejection).
pub fn order_id_of(metadata: &BTreeMap<String, String>) -> Option<&str> {
    metadata
        .get(ORDER_ID_KEY)
        .map(|s| s.trim())
        .filter(|s| is_valid_id(s))
}

/// Whether a payment belongs to the marketplace at all: it carries the order id or the shares. A
/// payment with neither (a platform subscription, a manual charge) is none of the payout flows'
/// business; one with either is, and malformed metadata then rejects it (never a silent skip of
/// money owed to sellers).
pub fn is_marketplace_payment(metadata: &BTreeMap<String, String>) -> bool {
    metadata.contains_key(ORDER_ID_KEY) || metadata.contains_key(SHARES_KEY)
}

/// Turns a succeeded payment into a payout plan, or says why it cannot be paid out.
pub fn plan_payout(facts: &PaymentFacts, fee_bps: u32) -> Result<PayoutPlan, RejectReason> {
    let order_id = order_id_of(&facts.metadata).ok_or(RejectReason::MissingOrderId)?;
    let currency = Currency::parse(&facts.currency)
        .ok_or_else(|| RejectReason::UnknownCurrency(facts.currency.clone()))?;
    let raw = facts
        .metadata
        .get(SHARES_KEY)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .ok_or(RejectReason::MissingShares)?;
    let shares = parse_shares(raw, fee_bps)?;
    let total = shares
        .iter()
        .try_fold(0i64, |acc, s| acc.checked_add(s.gross));
    match total {
        Some(total) if total <= facts.amount_received => {}
        total => {
            return Err(RejectReason::AmountExceedsReceived {
                total: total.unwrap_or(i64::MAX),
                received: facts.amount_received,
            });
        }
    }
    let charge_id = facts.charge_id.clone().ok_or(RejectReason::MissingCharge)?;
    Ok(PayoutPlan {
        order_id: order_id.to_string(),
        payment_intent_id: facts.payment_intent_id.clone(),
        charge_id,
        currency,
        amount_received: facts.amount_received,
        shares,
    })
}

fn parse_shares(raw: &str, fee_bps: u32) -> Result<Vec<Share>, RejectReason> {
    Ok(parse_pairs(raw)?
        .into_iter()
        .map(|(seller, gross)| {
            let fee = platform_fee(gross, fee_bps);
            Share {
                seller,
                gross,
                fee,
                net: gross - fee,
            }
        })
        .collect())
}

/// The `seller_user_id:gross` grammar of `veza_shares` (and of a refund's
/// `veza_refund_shares`): comma-separated pairs, valid ids, positive integer grosses, each seller
/// once, at most [`MAX_SELLERS`].
pub fn parse_pairs(raw: &str) -> Result<Vec<(UserId, i64)>, RejectReason> {
    let mut seen = BTreeSet::new();
    let mut pairs = Vec::new();
    for entry in raw.split(',') {
        let entry = entry.trim();
        let malformed = || RejectReason::MalformedShare(entry.chars().take(80).collect());
        let (seller, amount) = entry.split_once(':').ok_or_else(malformed)?;
        let (seller, amount) = (seller.trim(), amount.trim());
        if !is_valid_id(seller) || amount.is_empty() || !amount.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let gross: i64 = amount.parse().map_err(|_| malformed())?;
        if gross <= 0 {
            return Err(malformed());
        }
        if !seen.insert(seller.to_string()) {
            return Err(RejectReason::DuplicateSeller(seller.to_string()));
        }
        if pairs.len() == MAX_SELLERS {
            return Err(RejectReason::TooManySellers);
        }
        pairs.push((seller.to_string(), gross));
    }
    Ok(pairs)
}

#[cfg(test)]
mod fee_tests;
#[cfg(test)]
mod tests;
