//! Refund apportioning: how much of each seller's share refunds take back.
//!
//! # Rounding
//! Stripe's `charge.amount_refunded` is cumulative. A share's cumulative claim is
//! `floor(net * amount_refunded / amount_received)`: computed from the cumulative total (never by
//! adding per-refund roundings), so several partial refunds followed by a full refund claim
//! exactly `net`, and a redelivered or out-of-order refund event computes the same claim again.
//! Flooring favours the seller by less than one minor unit per share; the platform absorbs it.

use crate::{LedgerShare, ShareState};

/// The cumulative part of `net` that refunds totalling `amount_refunded` claim back.
pub fn refund_claim(net: i64, amount_received: i64, amount_refunded: i64) -> i64 {
    crate::claims::part(net, amount_refunded, amount_received)
}

/// What bringing a share to its claim means.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundAction {
    /// Nothing more to take back or give back (duplicate, stale or already applied).
    Nothing,
    /// Reverse `amount` of the share's transfers, bringing `refunded` to `target`.
    Reverse { amount: i64, target: i64 },
    /// The share's transfer may be in flight: settle it (transfer or hold) first, then apply the claim.
    SettleFirst,
    /// The share is held: withhold `amount` more, bringing `refunded` to `target`
    /// (`void` when nothing is left to pay).
    Withhold {
        amount: i64,
        target: i64,
        void: bool,
    },
    /// The claim shrank on a transferred share: pay `amount` back by a new transfer.
    Repay { amount: i64 },
    /// The claim shrank on a held (or voided) share: withhold only `target`.
    Restore { target: i64 },
}

/// Decides how a refund with cumulative `amount_refunded` (every refund in proportion) applies
/// to `share`: only forward, a smaller (stale) total gives nothing back.
pub fn refund_action(
    share: &LedgerShare,
    amount_received: i64,
    amount_refunded: i64,
) -> RefundAction {
    match share_action(
        share,
        refund_claim(share.net, amount_received, amount_refunded),
    ) {
        RefundAction::Repay { .. } | RefundAction::Restore { .. } => RefundAction::Nothing,
        action => action,
    }
}

/// Decides how `share` reaches `claim` (what refunds and disputes hold back from it now; see
/// [`crate::claims`]).
pub fn share_action(share: &LedgerShare, claim: i64) -> RefundAction {
    let claim = claim.clamp(0, share.net.max(0));
    match share.state {
        ShareState::Transferred if claim > share.taken() => RefundAction::Reverse {
            amount: claim - share.taken(),
            target: share.repaid + claim,
        },
        ShareState::Transferred if claim < share.taken() => RefundAction::Repay {
            amount: share.taken() - claim,
        },
        ShareState::Pending if claim != share.taken() => RefundAction::SettleFirst,
        ShareState::Held if claim > share.refunded => RefundAction::Withhold {
            amount: claim - share.refunded,
            target: claim,
            void: claim >= share.net,
        },
        ShareState::Held | ShareState::Void if claim < share.refunded && share.net > 0 => {
            RefundAction::Restore { target: claim }
        }
        _ => RefundAction::Nothing,
    }
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
