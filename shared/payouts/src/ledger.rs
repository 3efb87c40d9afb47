//! The payout ledger: one record per payment, one per (order, seller) share.

use serde::{Deserialize, Serialize};

use crate::{Currency, UserId};

mod payment;
mod repay;
pub mod transitions;

pub use transitions::{ShareDecision, TransitionError, decide_share};

/// Whether a succeeded payment was accepted for payout or rejected (malformed metadata).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PaymentStatus {
    Accepted,
    /// `reason` is the stable [`crate::RejectReason::code`]; `detail` its human-readable text.
    Rejected {
        reason: String,
        #[serde(default)]
        detail: String,
    },
}

/// One record per paid order. Written once (conditional put on the order id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentRecord {
    pub order_id: String,
    pub payment_intent_id: String,
    /// The charge the transfers use as `source_transaction`; refunds find the order through it.
    pub charge_id: Option<String>,
    /// Raw currency code as Stripe sent it (a rejected payment may carry an unsupported one).
    pub currency: String,
    pub amount_received: i64,
    /// What the charge became in the platform's balance when that is another currency (its
    /// balance transaction): the shares are then converted ([`crate::settlement`]). `None`: the
    /// charge settled in its own currency (and in records written before settlement existed).
    #[serde(default)]
    pub settlement: Option<crate::Settlement>,
    pub status: PaymentStatus,
    /// The accepted plan's shares. The record is the order's claim, written *before* any share,
    /// so a share can always be (re)written from it: a crash between the claim and the shares,
    /// or a refund that arrives in between, completes the shares from here. Empty when rejected
    /// (and in records written before the claim came first, whose shares all exist).
    #[serde(default)]
    pub shares: Vec<crate::Share>,
    /// The total of the charge's live refunds recorded in `events` (Stripe's `amount_refunded`).
    pub refunded_applied: i64,
    /// Every refund and dispute of the charge, by id, at the furthest status seen: what each
    /// share owes back is a function of it ([`crate::claims`]). Absent in older records: none.
    #[serde(default)]
    pub events: crate::claims::ChargeEvents,
    pub created_at: i64,
    pub updated_at: i64,
    /// Optimistic-concurrency version; every write is conditional on it.
    pub version: u64,
}

/// Where a seller's share of an order is.
///
/// `Pending -> Transferred`, `Held -> Pending -> Transferred` (released), `Pending -> Held`
/// (Stripe refused the destination), `Held -> Void` (fully refunded before it was ever paid).
/// A share with nothing owed (net 0) starts `Void`. No other transition exists: see
/// [`transitions`] for the functions that make them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    /// Accepted; the transfer has not been confirmed yet.
    Pending,
    /// The seller cannot receive transfers yet (no account, or payouts not enabled).
    Held,
    /// A Stripe transfer exists for it.
    Transferred,
    /// Nothing is owed any more: held and then fully refunded, or a net of 0.
    Void,
}

impl ShareState {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareState::Pending => "pending",
            ShareState::Held => "held",
            ShareState::Transferred => "transferred",
            ShareState::Void => "void",
        }
    }
}

/// One seller's share of one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerShare {
    pub order_id: String,
    pub seller: UserId,
    pub currency: Currency,
    pub charge_id: Option<String>,
    /// What the buyer paid for this seller's items, in `currency`: the settlement currency when
    /// the charge settled in another one (then `presentment` has the amounts the buyer paid).
    pub gross: i64,
    /// The platform's fee on `gross` (see [`crate::plan::platform_fee`]).
    pub fee: i64,
    /// `gross - fee`: what the seller is owed before refunds.
    pub net: i64,
    pub state: ShareState,
    /// The connected account the transfer went (or goes) to.
    pub destination: Option<String>,
    pub transfer_id: Option<String>,
    /// Amount transferred (net minus what refunds took before the transfer).
    pub transferred: i64,
    /// Part of `net` that refunds have taken back so far: reversed if transferred, withheld if held.
    pub refunded: i64,
    /// How many times a transfer was attempted: a retry may find a transfer the ledger did not
    /// record (an unanswered attempt, a lost ledger write), by its key or by a look-up
    /// ([`LedgerShare::transfer_look_up_needed`]).
    pub transfer_attempts: u32,
    /// The idempotency-key round of the share's transfer and reversals ([`crate::keys`]): 0 until
    /// Stripe refuses one of them, then one more per refusal. Stripe keeps a refused request's
    /// answer under its key for 24 h, so the next attempt must send a new key. Only the refusal
    /// transitions ([`LedgerShare::hold_back`], [`LedgerShare::refuse_reversal`]) raise it, in the
    /// same compare-and-set as the refusal, so every concurrent delivery derives the same key.
    /// Absent in items written before it existed: round 0.
    #[serde(default)]
    pub key_round: u32,
    /// The current key round's transfer key: when its first attempt was claimed and how many
    /// attempts it has had. Tells whether Stripe still holds the key ([`Self::transfer_look_up_needed`]).
    /// Absent until a transfer is attempted, and again after a refusal (a new round).
    #[serde(default)]
    pub transfer_key_use: Option<KeyUse>,
    /// How many reversal attempts were claimed ([`LedgerShare::begin_reversal`]): each attempt is
    /// claimed by a compare-and-set before Stripe is called, so the key round it sends is the
    /// share's current one, never a stale copy's.
    #[serde(default)]
    pub reversal_attempts: u32,
    /// Paid back to the seller by new transfers after a claim shrank (a failed refund, a won
    /// dispute): what refunds and disputes hold is `refunded - repaid`. A transfer reversal cannot
    /// be undone, so each repayment is a transfer of its own ([`crate::keys::repay_key`]).
    #[serde(default)]
    pub repaid: i64,
    /// The repayment transfers' ids, oldest first.
    #[serde(default)]
    pub repays: Vec<String>,
    /// How many repayments were claimed ([`LedgerShare::begin_repay`]): more than `repays` means
    /// one may exist at Stripe that the ledger did not record (looked up before the next one).
    #[serde(default)]
    pub repay_attempts: u32,
    /// The payment record version whose claim this share was last brought to: a flow holding an
    /// older payment (it lacks a newer refund or dispute) never moves money on the share.
    #[serde(default)]
    pub applied: u64,
    /// The share as the buyer paid it, when the charge settled in another currency and `gross`,
    /// `fee`, `net` (and every amount moved) are converted ([`crate::settlement`]).
    #[serde(default)]
    pub presentment: Option<crate::Presentment>,
    /// The stage of the charge's dispute as the share last saw it (`None`: never disputed).
    #[serde(default)]
    pub dispute: Option<crate::claims::DisputeStage>,
    /// Set when a human must look (a refused transfer or reversal, a transfer that differs from
    /// the plan).
    pub attention: Option<String>,
    /// What each write moved, oldest first (`crate::history`): the seller's payout history.
    #[serde(default)]
    pub history: Vec<crate::history::ShareEvent>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Optimistic-concurrency version; every write is conditional on it.
    pub version: u64,
}

/// The uses of one idempotency key (see [`LedgerShare::transfer_key_use`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUse {
    /// When the first attempt with this key was claimed (unix seconds).
    pub first_at: i64,
    /// Attempts claimed with this key, that first one included.
    pub attempts: u32,
}

impl LedgerShare {
    /// Whether the transfer attempt just claimed must look the transfer up before creating it.
    /// Not when it is the share's first attempt, nor when every earlier attempt sent this same
    /// key less than [`crate::keys::KEY_HELD_SECS`] ago: Stripe then answers the key with the
    /// transfer an unanswered attempt made, so the look-up (one more rate-limited call on every
    /// retry) would only repeat it. Yes when an attempt of an earlier key round may have made one
    /// (its key is no longer sent), when the key may have expired, or for an item written before
    /// key uses were recorded.
    pub fn transfer_look_up_needed(&self, now: i64) -> bool {
        if self.transfer_attempts <= 1 {
            return false;
        }
        match self.transfer_key_use {
            Some(KeyUse { first_at, attempts }) => {
                attempts < self.transfer_attempts
                    || now.saturating_sub(first_at) >= crate::keys::KEY_HELD_SECS
            }
            None => true,
        }
    }

    /// Not in a final state: money may still have to move (`Pending`, `Held`), or a human or the
    /// reconciler must act (an attention note, e.g. a refused reversal). The reconciler re-drives
    /// open shares; a final share (`Transferred` or `Void` without a note) is never touched again
    /// except by a refund.
    pub fn is_open(&self) -> bool {
        matches!(self.state, ShareState::Pending | ShareState::Held) || self.attention.is_some()
    }

    /// What the seller is still owed if nothing was transferred yet.
    pub fn outstanding(&self) -> i64 {
        self.net - self.refunded
    }

    /// What refunds and disputes hold back from the seller now: taken back minus repaid.
    pub fn taken(&self) -> i64 {
        self.refunded - self.repaid
    }

    /// The idempotency key of this share's transfer, in its current key round.
    pub fn transfer_key(&self) -> String {
        crate::keys::transfer_key(&self.order_id, &self.seller, self.key_round)
    }

    /// The idempotency key of the reversal that starts from `base` (the reversed total before
    /// it; see [`crate::keys::reversal_key`]), in the share's current key round.
    pub fn reversal_key(&self, base: i64) -> String {
        crate::keys::reversal_key(&self.order_id, &self.seller, base, self.key_round)
    }

    /// The idempotency key of the repayment that starts from `base` (the repaid total before it;
    /// see [`crate::keys::repay_key`]), in the share's current key round.
    pub fn repay_key(&self, base: i64) -> String {
        crate::keys::repay_key(&self.order_id, &self.seller, base, self.key_round)
    }
}

#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod payment_tests;
#[cfg(test)]
mod round_tests;
#[cfg(test)]
mod tests;
