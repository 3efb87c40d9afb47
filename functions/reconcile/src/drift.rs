//! Drift: the ledger of each order a run touched, against Stripe's transfers for it (by
//! `transfer_group`) and their `amount_reversed`. A transfer Stripe has that the ledger does not
//! know, one the ledger records that Stripe lacks, or a different amount is reported (an error log
//! with the ids, and `DriftDetected`), never "fixed" by moving money: that needs a human.
//! Orders with a share still pending or written within the grace period are skipped: a transfer
//! or reversal may be in flight between Stripe and the ledger.

use std::collections::BTreeSet;

use payout_flows::{Failure, FlowContext};
use payouts::ShareState;
use payouts::ports::GroupTransfer;

use crate::Deps;

/// What disagrees (the `Reason` of `DriftDetected`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drift {
    /// Stripe has a transfer for the order the ledger does not record.
    UnknownTransfer,
    /// The ledger records a transfer Stripe does not list for the order.
    MissingTransfer,
    /// Same transfer, different amount.
    AmountMismatch,
    /// Stripe's reversed total differs from what the ledger took back.
    ReversedMismatch,
}

impl Drift {
    pub fn code(self) -> &'static str {
        match self {
            Drift::UnknownTransfer => "unknown_transfer",
            Drift::MissingTransfer => "missing_transfer",
            Drift::AmountMismatch => "amount_mismatch",
            Drift::ReversedMismatch => "reversed_mismatch",
        }
    }
}

/// Checks each order (at most `max_shares` of them); returns how many drifted.
pub async fn check(
    deps: &Deps,
    cx: &FlowContext<'_>,
    orders: &BTreeSet<String>,
) -> Result<usize, Failure> {
    let settled_before = cx.now - i64::try_from(deps.settings.grace.as_secs()).unwrap_or(i64::MAX);
    let mut drifted = 0;
    for order in orders.iter().take(deps.settings.max_shares) {
        let shares = cx.deps.ledger.shares_of_order(order).await?;
        if shares
            .iter()
            .any(|s| s.state == ShareState::Pending || s.updated_at > settled_before)
        {
            continue;
        }
        let transfers = cx
            .deps
            .transfers
            .transfers_in_group(order)
            .await
            .map_err(|e| Failure::stripe(&e))?;
        let found = compare(&shares, &transfers);
        for (drift, what) in &found {
            tracing::error!(order_id = %order, reason = drift.code(), detail = %what, "ledger and Stripe disagree: needs a human");
            crate::metrics::drift_detected(&deps.metrics, drift.code(), order);
        }
        if !found.is_empty() {
            drifted += 1;
        }
    }
    Ok(drifted)
}

/// Every disagreement between an order's shares and its transfers at Stripe.
pub fn compare(
    shares: &[payouts::LedgerShare],
    transfers: &[GroupTransfer],
) -> Vec<(Drift, String)> {
    let mut found = Vec::new();
    for t in transfers {
        let id = &t.transfer.id;
        let Some(share) = shares
            .iter()
            .find(|s| s.transfer_id.as_deref() == Some(id.as_str()))
        else {
            found.push((Drift::UnknownTransfer, format!("{id} to {}", t.destination)));
            continue;
        };
        if share.transferred != t.transfer.amount {
            found.push((
                Drift::AmountMismatch,
                format!(
                    "{id}: ledger {} stripe {}",
                    share.transferred, t.transfer.amount
                ),
            ));
        }
        // What refunds took back after the transfer (the rest was withheld before it).
        let reversed = share.refunded - (share.net - share.transferred).max(0);
        if reversed != t.transfer.reversed {
            found.push((
                Drift::ReversedMismatch,
                format!("{id}: ledger {reversed} stripe {}", t.transfer.reversed),
            ));
        }
    }
    for share in shares {
        if let Some(id) = &share.transfer_id
            && !transfers.iter().any(|t| &t.transfer.id == id)
        {
            found.push((Drift::MissingTransfer, format!("{id} of {}", share.seller)));
        }
    }
    found
}
