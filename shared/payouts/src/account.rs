//! A seller's Stripe Connect account as the marketplace sees it.

use serde::{Deserialize, Serialize};

use crate::UserId;

/// What Stripe says about a connected account (re-fetched from Stripe, never taken from a redirect).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountFlags {
    pub details_submitted: bool,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    /// The `transfers` capability is `active`: the platform can transfer funds to the account.
    pub transfers_active: bool,
    /// `requirements.currently_due` plus `past_due`, de-duplicated and sorted.
    pub requirements_due: Vec<String>,
    pub disabled_reason: Option<String>,
}

/// Where a seller stands in onboarding, as the seller page shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnboardingStatus {
    /// No Stripe account yet.
    NotStarted,
    /// Account exists, details not submitted yet.
    Pending,
    /// Details submitted but Stripe has not enabled payouts/transfers (verification, requirements).
    Restricted,
    /// Payouts enabled and transfers active: the seller can be paid.
    Complete,
}

/// The stored mapping user -> Stripe account (both unique), with the last known flags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerAccount {
    pub user_id: UserId,
    pub stripe_account_id: String,
    pub flags: AccountFlags,
    /// Set once the seller has been seen complete; kept for the seed's `onboarding_completed` column.
    pub onboarding_completed: bool,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

impl AccountFlags {
    /// A share can be transferred only when Stripe lets the account receive transfers
    /// and pay them out; until then it is held.
    pub fn can_receive_transfers(&self) -> bool {
        self.payouts_enabled && self.transfers_active
    }

    pub fn status(&self) -> OnboardingStatus {
        if self.can_receive_transfers() {
            OnboardingStatus::Complete
        } else if self.details_submitted {
            OnboardingStatus::Restricted
        } else {
            OnboardingStatus::Pending
        }
    }
}

impl SellerAccount {
    /// A freshly created Express account: nothing submitted yet.
    pub fn new(user_id: UserId, stripe_account_id: String, now: i64) -> SellerAccount {
        SellerAccount {
            user_id,
            stripe_account_id,
            flags: AccountFlags::default(),
            onboarding_completed: false,
            created_at: now,
            updated_at: now,
        }
    }

    pub fn status(&self) -> OnboardingStatus {
        self.flags.status()
    }
}
