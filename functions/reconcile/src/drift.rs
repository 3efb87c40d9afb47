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

/// Every disagreement between an order's shares and its transfers at Stripe. A share's transfers
/// are its original one and its repayments (a failed refund, a won dispute); what Stripe has
/// reversed over all of them is what refunds and disputes took back after the transfer.
pub fn compare(
    shares: &[payouts::LedgerShare],
    transfers: &[GroupTransfer],
) -> Vec<(Drift, String)> {
    let mut found = Vec::new();
    for t in transfers {
        if !shares.iter().any(|s| owns(s, &t.transfer.id)) {
            let id = &t.transfer.id;
            found.push((Drift::UnknownTransfer, format!("{id} to {}", t.destination)));
        }
    }
    for share in shares {
        let Some(original) = &share.transfer_id else {
            continue;
        };
        let ids = std::iter::once(original).chain(&share.repays);
        let mut reversed = 0;
        for id in ids {
            let Some(t) = transfers.iter().find(|t| &t.transfer.id == id) else {
                found.push((Drift::MissingTransfer, format!("{id} of {}", share.seller)));
                continue;
            };
            reversed += t.transfer.reversed;
            // Repayments are checked by their total, below.
            if id == original && share.transferred != t.transfer.amount {
                let stripe = t.transfer.amount;
                let ledger = share.transferred;
                found.push((
                    Drift::AmountMismatch,
                    format!("{id}: ledger {ledger} stripe {stripe}"),
                ));
            }
        }
        let repaid: i64 = transfers
            .iter()
            .filter(|t| share.repays.contains(&t.transfer.id))
            .map(|t| t.transfer.amount)
            .sum();
        if repaid != share.repaid {
            let what = format!(
                "repayments of {}: ledger {} stripe {repaid}",
                share.seller, share.repaid
            );
            found.push((Drift::AmountMismatch, what));
        }
        // What was taken back after the transfer (the rest was withheld before it).
        let ledger = share.refunded - (share.net - share.transferred).max(0);
        if ledger != reversed {
            let what = format!("{original}: ledger {ledger} stripe {reversed}");
            found.push((Drift::ReversedMismatch, what));
        }
    }
    found
}

/// `id` is the share's transfer or one of its repayments.
fn owns(share: &payouts::LedgerShare, id: &str) -> bool {
    share.transfer_id.as_deref() == Some(id) || share.repays.iter().any(|r| r == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use payouts::ports::TransferRef;

    fn share(transferred: i64, refunded: i64, repays: &[(&str, i64)]) -> payouts::LedgerShare {
        let plan = payouts::PayoutPlan {
            order_id: "ord_1".into(),
            payment_intent_id: "pi_1".into(),
            charge_id: "ch_1".into(),
            currency: payouts::Currency::parse("eur").expect("eur"),
            amount_received: 1000,
            shares: vec![payouts::Share {
                seller: "usr_a".into(),
                gross: 1000,
                fee: 100,
                net: 900,
            }],
        };
        let to = payouts::ShareDecision::Transfer {
            destination: "acct_a".into(),
        };
        let mut s = payouts::LedgerShare::new_from_plan(&plan, &plan.shares[0], &to, 0);
        s.state = ShareState::Transferred;
        s.transfer_id = Some("tr_1".into());
        s.transferred = transferred;
        s.refunded = refunded;
        s.repays = repays.iter().map(|(id, _)| (*id).to_owned()).collect();
        s.repaid = repays.iter().map(|(_, a)| a).sum();
        s
    }

    fn at_stripe(id: &str, amount: i64, reversed: i64) -> GroupTransfer {
        GroupTransfer {
            destination: "acct_a".into(),
            transfer: TransferRef {
                id: id.into(),
                amount,
                reversed,
            },
        }
    }

    fn reasons(found: &[(Drift, String)]) -> Vec<&'static str> {
        found.iter().map(|(d, _)| d.code()).collect()
    }

    #[test]
    fn a_repaid_share_agrees_with_its_transfers_reversals_and_repayments() {
        // 900 paid, 300 reversed (a refund), then 300 repaid (the refund failed), of which 100
        // reversed again (a dispute): taken back in all 400, repaid 300.
        let s = share(900, 400, &[("tr_2", 300)]);
        let transfers = [at_stripe("tr_1", 900, 300), at_stripe("tr_2", 300, 100)];
        assert!(compare(std::slice::from_ref(&s), &transfers).is_empty());

        let unknown = [
            transfers[0].clone(),
            transfers[1].clone(),
            at_stripe("tr_9", 5, 0),
        ];
        assert_eq!(
            reasons(&compare(std::slice::from_ref(&s), &unknown)),
            ["unknown_transfer"]
        );
        let missing = compare(std::slice::from_ref(&s), &transfers[..1]);
        assert_eq!(
            reasons(&missing),
            ["missing_transfer", "amount_mismatch", "reversed_mismatch"]
        );
        let more = [at_stripe("tr_1", 900, 300), at_stripe("tr_2", 350, 100)];
        assert_eq!(
            reasons(&compare(std::slice::from_ref(&s), &more)),
            ["amount_mismatch"]
        );
        let reversed = [at_stripe("tr_1", 900, 300), at_stripe("tr_2", 300, 0)];
        assert_eq!(
            reasons(&compare(std::slice::from_ref(&s), &reversed)),
            ["reversed_mismatch"]
        );
    }

    #[test]
    fn what_was_withheld_before_the_transfer_is_not_a_reversal() {
        // 200 of the 900 withheld while held, 700 transferred, nothing reversed since.
        let s = share(700, 200, &[]);
        assert!(compare(std::slice::from_ref(&s), &[at_stripe("tr_1", 700, 0)]).is_empty());
        let wrong = compare(std::slice::from_ref(&s), &[at_stripe("tr_1", 900, 0)]);
        assert_eq!(reasons(&wrong), ["amount_mismatch"]);
    }
}
