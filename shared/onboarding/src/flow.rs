//! The onboarding steps `onboard` and `callback` share, written against the ports only.
//!
//! Order matters: the account mapping is stored before any link exists, so every later call
//! (a retry, the callback, the webhook) finds and reuses the same Stripe account.

use payouts::clock::Clock;
use payouts::keys::account_key;
use payouts::ports::{
    AccountLink, ConnectAccounts, NewExpressAccount, SellerAccounts, StoreError, StripeError,
};
use payouts::{OnboardingStatus, SellerAccount};

use crate::Onboarding;
use crate::urls::{CallbackMode, is_redirectable};

/// What can go wrong in a step; [`crate::problem`] turns it into the HTTP answer.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Stripe(#[from] StripeError),
    /// The Stripe account Stripe gave us is already mapped to another user (should never happen
    /// with per-user idempotency keys; refused rather than sharing one account between sellers).
    #[error("stripe account already belongs to another seller")]
    StripeAccountTaken,
    /// The mapping disappeared between two reads (manual delete): retrying re-creates it.
    #[error("seller account vanished during the request")]
    AccountVanished,
    /// The state could not be signed.
    #[error("could not sign the onboarding state: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
    /// Stripe's answer held a link we will not send a browser to.
    #[error("stripe returned a link that is not an absolute http(s) URL")]
    BadLink,
}

/// The seller's stored account, creating the Express account and the mapping on first use.
///
/// Concurrent first calls: all of them send the same idempotency key, so Stripe answers them
/// with one account; the conditional insert lets exactly one mapping win and the others re-read
/// it. Returns the account and whether this call stored it.
pub async fn find_or_create_account(
    accounts: &dyn SellerAccounts,
    connect: &dyn ConnectAccounts,
    seller: &NewExpressAccount,
    now: i64,
) -> Result<(SellerAccount, bool), FlowError> {
    if let Some(existing) = accounts.find_by_user(&seller.user_id).await? {
        return Ok((existing, false));
    }
    let key = account_key(&seller.user_id);
    let stripe_account_id = connect.create_express_account(seller, &key).await?;
    let account = SellerAccount::new(seller.user_id.clone(), stripe_account_id, now);
    match accounts.insert(&account).await {
        Ok(()) => {
            tracing::info!(stripe_account = %account.stripe_account_id, "seller account stored");
            Ok((account, true))
        }
        Err(StoreError::Conflict { what: "user" }) => {
            // Another call for this seller stored its mapping first: use it.
            let winner = accounts
                .find_by_user(&seller.user_id)
                .await?
                .ok_or(FlowError::AccountVanished)?;
            if winner.stripe_account_id != account.stripe_account_id {
                // Only possible once Stripe has pruned the idempotency key (24 h) while a
                // mapping was being written: the stored account wins, ours stays unused.
                tracing::warn!(
                    stored = %winner.stripe_account_id,
                    unused = %account.stripe_account_id,
                    "concurrent onboarding produced two Stripe accounts; keeping the stored one"
                );
            }
            Ok((winner, false))
        }
        Err(StoreError::Conflict { .. }) => {
            tracing::error!(
                stripe_account = %account.stripe_account_id,
                "stripe account already mapped to another seller"
            );
            Err(FlowError::StripeAccountTaken)
        }
        Err(e) => Err(e.into()),
    }
}

/// A fresh Account Link whose refresh/return URLs carry a new signed state for the seller.
pub async fn mint_link(
    connect: &dyn ConnectAccounts,
    onboarding: &Onboarding,
    account: &SellerAccount,
    now: i64,
) -> Result<AccountLink, FlowError> {
    let state = onboarding.signer.issue(&account.user_id, now)?;
    let refresh = onboarding.urls.callback(CallbackMode::Refresh, &state);
    let ret = onboarding.urls.callback(CallbackMode::Return, &state);
    let link = connect
        .create_account_link(&account.stripe_account_id, &refresh, &ret)
        .await?;
    if !is_redirectable(&link.url) {
        return Err(FlowError::BadLink);
    }
    Ok(link)
}

/// The account after re-reading its flags from Stripe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refreshed {
    pub account: SellerAccount,
    /// This call saw onboarding become complete (first time for this seller): count it once.
    pub became_complete: bool,
}

impl Refreshed {
    /// The refreshed account, counting a completion (`OnboardingsCompleted`) the first time this
    /// seller is seen complete, whichever route saw it.
    pub fn counted(self, metrics: &interceptors::Metrics) -> SellerAccount {
        if self.became_complete {
            metrics.emit(
                &metrics
                    .record()
                    .count(interceptors::names::ONBOARDINGS_COMPLETED, 1.0),
            );
        }
        self.account
    }
}

/// Re-fetches the account from Stripe (a redirect proves nothing) and stores the flags and
/// requirements. Skips the write when nothing changed.
pub async fn refresh_flags(
    accounts: &dyn SellerAccounts,
    connect: &dyn ConnectAccounts,
    account: &SellerAccount,
    clock: &dyn Clock,
) -> Result<Refreshed, FlowError> {
    let flags = connect.retrieve_account(&account.stripe_account_id).await?;
    // Taken after the answer: a later read of Stripe always carries a later (or equal) time.
    let read_at_ms = clock.now_ms();
    let complete = flags.status() == OnboardingStatus::Complete;
    if flags == account.flags && (account.onboarding_completed || !complete) {
        return Ok(Refreshed {
            account: account.clone(),
            became_complete: false,
        });
    }
    let (before, after) = accounts
        .update_flags(&account.user_id, &flags, read_at_ms)
        .await?
        .ok_or(FlowError::AccountVanished)?;
    Ok(Refreshed {
        became_complete: !before.onboarding_completed && after.onboarding_completed,
        account: after,
    })
}
