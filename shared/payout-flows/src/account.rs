//! `account.updated` (Connect): sync the seller's flags from Stripe and, once the account can
//! receive transfers, finish every unsettled share of the seller (release the held ones, settle
//! the pending ones: a release whose transfer failed is `Pending` and must not wait for anything
//! else), each exactly once.
//!
//! Events arrive late and out of order, so the payload's flags are never used: the account is
//! always re-fetched, and the newest read wins whatever order the writes land in
//! (`SellerAccounts::update_flags`).

use payouts::ports::StripeError;
use payouts::queue::{Job, ShareRef};

use crate::settle::{release, settle};
use crate::{Failure, FlowContext, Outcome};

pub async fn on_account_updated(
    cx: &FlowContext<'_>,
    stripe_account_id: &str,
) -> Result<Outcome, Failure> {
    let deps = cx.deps;
    let Some(seller) = deps
        .accounts
        .find_by_stripe_account(stripe_account_id)
        .await?
    else {
        // Not (yet) ours. The onboard function stores the mapping before the seller can start
        // onboarding, so this is another platform's account, or a crash between creating the
        // account and storing it (healed by the seller's next onboard call, which reuses the
        // account through its idempotency key). Later events for it are processed normally.
        tracing::info!(account = %stripe_account_id, "account.updated for an unknown account: ignored");
        return Ok(Outcome::Ignored("unknown_account"));
    };
    let flags = match deps.connect.retrieve_account(stripe_account_id).await {
        Ok(flags) => flags,
        Err(StripeError::NotFound) => {
            tracing::warn!(account = %stripe_account_id, "account.updated for an account Stripe no longer has");
            return Ok(Outcome::Ignored("account_not_found"));
        }
        // 400/403 (the platform lost access to the account, a revoked key): no retry fixes it.
        Err(StripeError::Refused { code, message }) => {
            tracing::error!(account = %stripe_account_id, %code, %message, "Stripe refused to read the account: needs attention");
            cx.metrics.stripe_refused(&code, "account");
            return Ok(Outcome::Ignored("account_refused"));
        }
        Err(err) => return Err(Failure::stripe(&err)),
    };
    // Taken after the answer: a later read always carries a later (or equal) time.
    let read_at_ms = deps.clock.now_ms();
    let Some((before, after)) = deps
        .accounts
        .update_flags(&seller.user_id, &flags, read_at_ms)
        .await?
    else {
        return Ok(Outcome::Ignored("unknown_account"));
    };
    if after.onboarding_completed && !before.onboarding_completed {
        tracing::info!(user_id = %seller.user_id, "seller onboarding completed");
        cx.metrics.onboarding_completed(&seller.user_id);
    }
    // The stored flags: ours, or a newer read that won.
    if after.flags.can_receive_transfers() {
        finish_unsettled(cx, &seller.user_id, stripe_account_id).await?;
    }
    Ok(Outcome::Processed)
}

/// Releases every held share of `seller` towards `destination` and settles every pending one;
/// with a transfer queue, sends them to it as jobs instead (a seller who sold much before
/// finishing onboarding has many shares, each a Stripe call).
pub async fn finish_unsettled(
    cx: &FlowContext<'_>,
    seller: &str,
    destination: &str,
) -> Result<(), Failure> {
    let shares = cx.deps.ledger.unsettled_shares_of_seller(seller).await?;
    let mut first_failure = None;
    let mut queued = Vec::new();
    for share in shares {
        let who = format!("{}/{}", share.order_id, share.seller);
        let settled = match (release(cx, share, destination).await, &cx.deps.queue) {
            (Ok(pending), Some(_)) => {
                queued.push(Job::Share(ShareRef::of(&pending)));
                Ok(pending)
            }
            (Ok(pending), None) => settle(cx, pending).await,
            (Err(failure), _) => Err(failure),
        };
        if let Err(failure) = settled {
            tracing::warn!(share = %who, error = %failure, "share not settled yet");
            first_failure.get_or_insert(failure);
        }
    }
    if let Some(queue) = &cx.deps.queue
        && !queued.is_empty()
    {
        queue.send(&queued).await?;
    }
    first_failure.map_or(Ok(()), Err)
}
