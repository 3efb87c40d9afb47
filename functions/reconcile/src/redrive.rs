//! Re-drive: every share that is not final and untouched for the grace period, by state, so that
//! shares waiting for their seller never crowd out the ones that can be finished:
//! - `Pending` (a transfer never confirmed: a failed or killed delivery) → settle it;
//! - `Held` → re-sync the seller's account from Stripe as `account.updated` would (that event
//!   may never have arrived, or arrived before the share was visible to its query), which
//!   releases and settles every unsettled share of a seller who can now receive;
//! - `Transferred` with a refused reversal → retry the whole missing amount;
//! - anything else with an attention note needs a human: counted, never touched.

use std::collections::{BTreeMap, BTreeSet};

use payout_flows::{Failure, FlowContext, account, payment, refund};
use payouts::{LedgerShare, ShareState};
use serde::Serialize;

use crate::Deps;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Redrive {
    /// Shares looked at, by outcome: `settled`, `released`, `reversed`, `waiting` (the seller
    /// cannot receive yet), `needs_human`, `failed`.
    pub outcomes: BTreeMap<&'static str, usize>,
    /// Shares still open after this run, by state (older than the grace period).
    pub stuck: BTreeMap<&'static str, usize>,
    /// Seconds since the oldest still-held share was last written (0 when none).
    pub oldest_held_age: i64,
    /// Sellers re-synced from Stripe.
    pub sellers_synced: usize,
}

/// Void shares are open only with an attention note (a transfer exists for a share that owes
/// nothing): they are counted as `needs_human` each run, never touched.
const STATES: [ShareState; 4] = [
    ShareState::Pending,
    ShareState::Held,
    ShareState::Transferred,
    ShareState::Void,
];

pub async fn run(deps: &Deps, cx: &FlowContext<'_>) -> Result<(Redrive, Vec<String>), Failure> {
    let before = cx.now - i64::try_from(deps.settings.grace.as_secs()).unwrap_or(i64::MAX);
    let ledger = &cx.deps.ledger;
    let mut done = Redrive::default();
    let mut synced = BTreeSet::new();
    let mut orders = Vec::new();
    for state in STATES {
        for share in ledger
            .open_shares(state, before, deps.settings.max_shares)
            .await?
        {
            orders.push(share.order_id.clone());
            let outcome = match redrive_one(cx, &share, &mut synced).await {
                Ok(outcome) => outcome,
                Err(failure) => {
                    tracing::warn!(order_id = %share.order_id, seller = %share.seller, error = %failure, "share not re-driven yet");
                    "failed"
                }
            };
            *done.outcomes.entry(outcome).or_default() += 1;
        }
        let still = ledger
            .open_shares(state, before, deps.settings.max_shares)
            .await?;
        if !still.is_empty() {
            done.stuck.insert(state.as_str(), still.len());
        }
        if state == ShareState::Held
            && let Some(oldest) = still.first()
        {
            done.oldest_held_age = cx.now - oldest.updated_at;
        }
    }
    done.sellers_synced = synced.len();
    Ok((done, orders))
}

async fn redrive_one(
    cx: &FlowContext<'_>,
    share: &LedgerShare,
    synced: &mut BTreeSet<String>,
) -> Result<&'static str, Failure> {
    match share.state {
        ShareState::Pending => {
            let after = payment::settle_share(cx, share.clone()).await?;
            Ok(final_or(&after, "settled"))
        }
        ShareState::Held => {
            // Once per seller per run: the sync finishes all of the seller's unsettled shares.
            if synced.insert(share.seller.clone())
                && let Some(seller) = cx.deps.accounts.find_by_user(&share.seller).await?
            {
                account::on_account_updated(cx, &seller.stripe_account_id).await?;
            }
            let after = reread(cx, share).await?;
            Ok(final_or(&after, "released"))
        }
        ShareState::Transferred if is_refused_reversal(share) => {
            let Some(paid) = cx.deps.ledger.payment(&share.order_id).await? else {
                return Ok("needs_human");
            };
            refund::apply(cx, &paid, share.clone()).await?;
            let after = reread(cx, share).await?;
            Ok(if after.attention.is_none() {
                "reversed"
            } else {
                "failed"
            })
        }
        _ => {
            tracing::error!(order_id = %share.order_id, seller = %share.seller, note = ?share.attention, "share needs a human");
            Ok("needs_human")
        }
    }
}

fn final_or(share: &LedgerShare, done: &'static str) -> &'static str {
    match share.state {
        ShareState::Transferred | ShareState::Void => done,
        ShareState::Held => "waiting",
        ShareState::Pending => "failed",
    }
}

fn is_refused_reversal(share: &LedgerShare) -> bool {
    share.attention.as_deref().is_some_and(refund::is_refusal)
}

async fn reread(cx: &FlowContext<'_>, share: &LedgerShare) -> Result<LedgerShare, Failure> {
    payout_flows::step::reload(cx, share).await
}
