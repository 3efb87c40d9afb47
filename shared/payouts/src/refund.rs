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
    if amount_received <= 0 {
        return 0;
    }
    let refunded = amount_refunded.clamp(0, amount_received);
    let claim = i128::from(net) * i128::from(refunded) / i128::from(amount_received);
    claim as i64
}

/// What a refund step means for one share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefundAction {
    /// Nothing more to take back (duplicate, stale or already applied).
    Nothing,
    /// Reverse `amount` of the share's transfer, bringing `refunded` to `target`.
    Reverse { amount: i64, target: i64 },
    /// The share's transfer may be in flight: settle it (transfer or hold) first, then apply the refund.
    SettleFirst,
    /// The share is held: withhold `amount` more, bringing `refunded` to `target`
    /// (`void` when nothing is left to pay).
    Withhold {
        amount: i64,
        target: i64,
        void: bool,
    },
}

/// Decides how a refund with cumulative `amount_refunded` applies to `share`.
pub fn refund_action(
    share: &LedgerShare,
    amount_received: i64,
    amount_refunded: i64,
) -> RefundAction {
    let target = refund_claim(share.net, amount_received, amount_refunded);
    let amount = target - share.refunded;
    if amount <= 0 {
        return RefundAction::Nothing;
    }
    match share.state {
        ShareState::Transferred => RefundAction::Reverse { amount, target },
        ShareState::Pending => RefundAction::SettleFirst,
        ShareState::Held => RefundAction::Withhold {
            amount,
            target,
            void: target >= share.net,
        },
        ShareState::Void => RefundAction::Nothing,
    }
}

#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod tests;
