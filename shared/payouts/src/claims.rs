//! What a charge's money events (refunds one by one, disputes) claim back from each seller.
//!
//! The payment record keeps every refund (by id) and every dispute (by id) of its charge with
//! the furthest status seen ([`ChargeEvents`]); a share's claim is a pure function of that set,
//! so events applied in any order, any number of times, give the same claim. The flows bring each
//! share to its claim: reversing (or withholding) when the claim grows, repaying by a new transfer
//! (or un-withholding) when it shrinks (a failed refund, a won dispute).
//!
//! # Rounding (every amount an integer of minor units; flooring favours the seller)
//! - Refunds without seller metadata (`proportional`): `floor(net × P / amount_received)` where
//!   `P` is the total of the charge's live proportional refunds: computed from the total, never by
//!   adding per-refund roundings, so partial refunds followed by the rest claim exactly `net`.
//! - Refunds naming sellers (`veza_refund_shares`): a named seller's net for the gross `G` named
//!   for them over all live refunds: `floor(net × G / gross)` (the fee is refunded in proportion;
//!   `G = gross` claims exactly `net`). Other sellers are untouched.
//! - `veza_refund_scope=platform`, and rejected metadata: no seller is touched.
//! - A dispute whose funds are withdrawn (or lost), under the `reverse` policy:
//!   `floor(net × D / amount_received)`, never more than what refunds left of the net.
//!   `absorb`: nothing. Reinstated (won): nothing any more.
//!
//! Live refunds are `pending` and `succeeded` ones (Stripe counts them in `amount_refunded`);
//! `failed` and `canceled` ones give the money back to the platform and claim nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::{Share, parse_pairs};

/// Refund metadata naming the sellers a refund covers: `seller_user_id:gross` pairs.
pub const REFUND_SHARES_KEY: &str = "veza_refund_shares";
/// Refund metadata `platform`: the refund covers what the platform kept (shipping, taxes).
pub const REFUND_SCOPE_KEY: &str = "veza_refund_scope";

/// A refund's status, ranked so that a late event never moves it backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// `pending` or `requires_action`.
    Pending,
    Succeeded,
    Failed,
    Canceled,
}

impl RefundStatus {
    /// Stripe's `status`; absent means succeeded (card refunds without a status are immediate).
    pub fn parse(status: Option<&str>) -> RefundStatus {
        match status {
            Some("pending") | Some("requires_action") => RefundStatus::Pending,
            Some("failed") => RefundStatus::Failed,
            Some("canceled") => RefundStatus::Canceled,
            _ => RefundStatus::Succeeded,
        }
    }
    fn rank(self) -> u8 {
        match self {
            RefundStatus::Pending => 0,
            RefundStatus::Succeeded => 1,
            RefundStatus::Failed | RefundStatus::Canceled => 2,
        }
    }
    /// Whether the refund takes money from the charge (the sellers give their part back).
    pub fn is_live(self) -> bool {
        matches!(self, RefundStatus::Pending | RefundStatus::Succeeded)
    }
}

/// Whose money a refund takes back, from its metadata (decided once, when first recorded).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefundScope {
    /// No metadata: every seller in proportion.
    Proportional,
    /// `veza_refund_shares`: these sellers' items, by these gross amounts.
    Sellers { grosses: BTreeMap<String, i64> },
    /// `veza_refund_scope=platform`: what the platform kept; no seller.
    Platform,
    /// Bad metadata: nothing moves, a human must look (`reason` is a stable code, `detail` text).
    Rejected { reason: String, detail: String },
}

/// One refund of the charge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundEntry {
    pub amount: i64,
    pub status: RefundStatus,
    pub scope: RefundScope,
}

/// Where a dispute stands, ranked so that a late event never moves it backwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStage {
    /// Opened; no funds withdrawn (yet, or ever: an inquiry).
    Open,
    /// The disputed amount was withdrawn from the platform.
    Withdrawn,
    /// Won: the funds came back (`funds_reinstated`, or closed `won`).
    Reinstated,
    /// Lost: the funds stay with the buyer.
    Lost,
    /// Closed without funds ever moving (an inquiry closed: `warning_closed`).
    Closed,
}

impl DisputeStage {
    /// From an event's type and the dispute's `status` and number of balance transactions (one
    /// per withdrawal or reinstatement).
    pub fn of(event_kind: &str, status: &str, balance_transactions: usize) -> DisputeStage {
        match (status, event_kind) {
            ("lost", _) => DisputeStage::Lost,
            ("won", _) | (_, "charge.dispute.funds_reinstated") => DisputeStage::Reinstated,
            ("warning_closed", _) => DisputeStage::Closed,
            (_, "charge.dispute.funds_withdrawn") => DisputeStage::Withdrawn,
            _ if balance_transactions >= 2 => DisputeStage::Reinstated,
            _ if balance_transactions == 1 => DisputeStage::Withdrawn,
            _ => DisputeStage::Open,
        }
    }
    fn rank(self) -> u8 {
        match self {
            DisputeStage::Open => 0,
            DisputeStage::Withdrawn => 1,
            _ => 2,
        }
    }
    /// Whether the disputed funds are gone from the platform.
    pub fn withdrawn(self) -> bool {
        matches!(self, DisputeStage::Withdrawn | DisputeStage::Lost)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStage::Open => "open",
            DisputeStage::Withdrawn => "withdrawn",
            DisputeStage::Reinstated => "reinstated",
            DisputeStage::Lost => "lost",
            DisputeStage::Closed => "closed",
        }
    }
}

/// `DISPUTE_POLICY`: who carries a dispute's withdrawn funds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputePolicy {
    /// Each seller gives back their share in proportion (default).
    #[default]
    Reverse,
    /// The platform carries it; nothing is taken from sellers.
    Absorb,
}

impl DisputePolicy {
    pub fn parse(raw: &str) -> Option<DisputePolicy> {
        match raw.trim() {
            "reverse" => Some(DisputePolicy::Reverse),
            "absorb" => Some(DisputePolicy::Absorb),
            _ => None,
        }
    }
}

/// One dispute of the charge; the policy is the one in force when it was first recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEntry {
    pub amount: i64,
    pub stage: DisputeStage,
    pub policy: DisputePolicy,
}

/// Every refund and dispute of a charge, by id, at the furthest status seen.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeEvents {
    #[serde(default)]
    pub refunds: BTreeMap<String, RefundEntry>,
    #[serde(default)]
    pub disputes: BTreeMap<String, DisputeEntry>,
}

/// What a share owes back: to refunds, and to disputes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Claim {
    pub refunds: i64,
    pub dispute: i64,
}

impl Claim {
    pub fn total(self) -> i64 {
        self.refunds + self.dispute
    }
}

impl ChargeEvents {
    /// The events with `refund` recorded; `None` when nothing changes (known, and the status does
    /// not advance). A known refund keeps the scope it was first recorded with.
    pub fn with_refund(&self, id: &str, refund: RefundEntry) -> Option<ChargeEvents> {
        let mut next = self.clone();
        match next.refunds.get_mut(id) {
            Some(known) if refund.status.rank() > known.status.rank() => {
                known.status = refund.status
            }
            Some(_) => return None,
            None => {
                next.refunds.insert(id.to_string(), refund);
            }
        }
        Some(next)
    }

    /// The events with the dispute at `stage` (at least); `None` when nothing changes.
    pub fn with_dispute(&self, id: &str, dispute: DisputeEntry) -> Option<ChargeEvents> {
        let mut next = self.clone();
        match next.disputes.get_mut(id) {
            Some(known) if dispute.stage.rank() > known.stage.rank() => known.stage = dispute.stage,
            Some(_) => return None,
            None => {
                next.disputes.insert(id.to_string(), dispute);
            }
        }
        Some(next)
    }

    /// The total of the live refunds, whatever their scope (what Stripe's `amount_refunded` says).
    pub fn refunded(&self) -> i64 {
        live(self).map(|r| r.amount).sum()
    }

    /// What `share` of a charge of `amount_received` owes back (see the module's rounding rules).
    pub fn claim(&self, share: &Share, amount_received: i64) -> Claim {
        let proportional: i64 = live(self)
            .filter(|r| r.scope == RefundScope::Proportional)
            .map(|r| r.amount)
            .sum();
        let named: i64 = live(self)
            .filter_map(|r| match &r.scope {
                RefundScope::Sellers { grosses } => grosses.get(&share.seller).copied(),
                _ => None,
            })
            .sum();
        let refunds = (part(share.net, proportional, amount_received)
            + part(share.net, named, share.gross))
        .min(share.net);
        let disputed: i64 = self
            .disputes
            .values()
            .filter(|d| d.policy == DisputePolicy::Reverse && d.stage.withdrawn())
            .map(|d| d.amount)
            .sum();
        let dispute = part(share.net, disputed, amount_received).min(share.net - refunds);
        Claim { refunds, dispute }
    }
}

impl crate::PaymentRecord {
    /// What `share` of this payment owes back under the recorded events. A converted share
    /// ([`crate::settlement`]) claims its own net times the same presentment ratios: a named
    /// refund's gross is compared with the gross the buyer paid.
    pub fn claim_of(&self, share: &crate::LedgerShare) -> Claim {
        let plan_share = Share {
            seller: share.seller.clone(),
            gross: share.presentment.as_ref().map_or(share.gross, |p| p.gross),
            fee: share.fee,
            net: share.net,
        };
        self.events.claim(&plan_share, self.amount_received)
    }
}

fn live(events: &ChargeEvents) -> impl Iterator<Item = &RefundEntry> {
    events.refunds.values().filter(|r| r.status.is_live())
}

/// `floor(net × amount / whole)`, with `amount` clamped to `0..=whole` (0 when `whole <= 0`).
pub fn part(net: i64, amount: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let amount = amount.clamp(0, whole);
    (i128::from(net) * i128::from(amount) / i128::from(whole)) as i64
}

/// The scope of a new refund of `amount` from its metadata, checked against the order's
/// `shares` and the other live refunds in `events`: never a guess, bad metadata is
/// [`RefundScope::Rejected`] (nothing moves).
pub fn refund_scope(
    metadata: &BTreeMap<String, String>,
    amount: i64,
    shares: &[Share],
    events: &ChargeEvents,
) -> RefundScope {
    let named = metadata.get(REFUND_SHARES_KEY).map(|s| s.trim());
    let scope = metadata.get(REFUND_SCOPE_KEY).map(|s| s.trim());
    match (named, scope) {
        (None, None) => RefundScope::Proportional,
        (None, Some("platform")) => RefundScope::Platform,
        (None, Some(other)) => rejected(
            "unknown_scope",
            format!("{REFUND_SCOPE_KEY} {:?} is not `platform`", cut(other)),
        ),
        (Some(_), Some(_)) => rejected(
            "conflicting_metadata",
            format!("both {REFUND_SHARES_KEY} and {REFUND_SCOPE_KEY}"),
        ),
        (Some(raw), None) => named_scope(raw, amount, shares, events),
    }
}

fn named_scope(raw: &str, amount: i64, shares: &[Share], events: &ChargeEvents) -> RefundScope {
    let pairs = match parse_pairs(raw) {
        Ok(pairs) => pairs,
        Err(reason) => return rejected(reason.code(), reason.to_string()),
    };
    let total: i64 = pairs.iter().map(|(_, g)| *g).fold(0, i64::saturating_add);
    if total > amount {
        return rejected(
            "exceeds_refund",
            format!("named gross {total} exceeds the refund's {amount}"),
        );
    }
    let mut grosses = BTreeMap::new();
    for (seller, gross) in pairs {
        let Some(share) = shares.iter().find(|s| s.seller == seller) else {
            return rejected(
                "unknown_seller",
                format!("{seller} has no share in the order"),
            );
        };
        let already: i64 = live(events)
            .filter_map(|r| match &r.scope {
                RefundScope::Sellers { grosses } => grosses.get(&seller).copied(),
                _ => None,
            })
            .sum();
        if already + gross > share.gross {
            return rejected(
                "exceeds_share",
                format!(
                    "{seller}: {gross} more than the {} left of gross {}",
                    share.gross - already,
                    share.gross
                ),
            );
        }
        grosses.insert(seller, gross);
    }
    RefundScope::Sellers { grosses }
}

fn rejected(reason: &str, detail: String) -> RefundScope {
    RefundScope::Rejected {
        reason: reason.to_string(),
        detail,
    }
}

fn cut(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests;
