//! `account.updated` (Connect endpoint): sync the seller's flags from Stripe and, once the
//! account can receive transfers, release the seller's held shares (each exactly once).
//!
//! Events arrive late and out of order, so the payload's flags are never used: the account is
//! always re-fetched, and the newest state wins whatever the delivery order.

use payouts::ports::GatewayError;

use crate::settle::{release, settle};
use crate::{Cx, Failure, Outcome};

pub async fn on_account_updated(cx: &Cx<'_>, stripe_account_id: &str) -> Result<Outcome, Failure> {
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
        Err(GatewayError::NotFound) => {
            tracing::warn!(account = %stripe_account_id, "account.updated for an account Stripe no longer has");
            return Ok(Outcome::Ignored("account_not_found"));
        }
        Err(err) => return Err(Failure::stripe(&err)),
    };
    let Some((before, after)) = deps
        .accounts
        .update_flags(&seller.user_id, &flags, cx.now)
        .await?
    else {
        return Ok(Outcome::Ignored("unknown_account"));
    };
    if after.onboarding_completed && !before.onboarding_completed {
        tracing::info!(user_id = %seller.user_id, "seller onboarding completed");
        cx.biz.onboarding_completed(&seller.user_id);
    }
    if flags.can_receive_transfers() {
        release_held(cx, &seller.user_id, stripe_account_id).await?;
    }
    Ok(Outcome::Processed)
}

/// Releases and settles every held share of `seller` towards `destination`.
async fn release_held(cx: &Cx<'_>, seller: &str, destination: &str) -> Result<(), Failure> {
    let held = cx.deps.ledger.held_shares_of_seller(seller).await?;
    let mut first_failure = None;
    for share in held {
        let who = format!("{}/{}", share.order_id, share.seller);
        let settled = match release(cx, share, destination).await {
            Ok(released) => settle(cx, released).await,
            Err(failure) => Err(failure),
        };
        if let Err(failure) = settled {
            tracing::warn!(share = %who, error = %failure, "held share not released yet");
            first_failure.get_or_insert(failure);
        }
    }
    first_failure.map_or(Ok(()), Err)
}
