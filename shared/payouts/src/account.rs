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
    /// Unix milliseconds at which the stored `flags` were read from Stripe: a flag update only
    /// wins if its read is at least as new ([`crate::ports::SellerAccounts::update_flags`]), so a
    /// slow delivery cannot overwrite a newer state with an older one. 0 before the first read.
    #[serde(default)]
    pub flags_read_at: i64,
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
            flags_read_at: 0,
        }
    }

    pub fn status(&self) -> OnboardingStatus {
        self.flags.status()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(details: bool, charges: bool, payouts: bool, transfers: bool) -> AccountFlags {
        AccountFlags {
            details_submitted: details,
            charges_enabled: charges,
            payouts_enabled: payouts,
            transfers_active: transfers,
            ..AccountFlags::default()
        }
    }

    #[test]
    fn status_for_every_flag_combination() {
        for bits in 0..16u8 {
            let f = flags(bits & 1 != 0, bits & 2 != 0, bits & 4 != 0, bits & 8 != 0);
            let expected = match (f.payouts_enabled && f.transfers_active, f.details_submitted) {
                (true, _) => OnboardingStatus::Complete,
                (false, true) => OnboardingStatus::Restricted,
                (false, false) => OnboardingStatus::Pending,
            };
            assert_eq!(f.status(), expected, "{bits:04b}");
            assert_eq!(
                f.can_receive_transfers(),
                expected == OnboardingStatus::Complete
            );
        }
    }

    #[test]
    fn a_typical_onboarding_goes_pending_restricted_complete_and_back() {
        let mut a = SellerAccount::new("usr_a".into(), "acct_1".into(), 10);
        assert_eq!(
            (a.status(), a.onboarding_completed),
            (OnboardingStatus::Pending, false)
        );
        assert_eq!((a.created_at, a.updated_at), (10, 10));
        a.flags = flags(true, false, false, false);
        assert_eq!(a.status(), OnboardingStatus::Restricted);
        a.flags = flags(true, true, true, true);
        assert_eq!(a.status(), OnboardingStatus::Complete);
        // Stripe can disable payouts again (new requirements): the seller is restricted again.
        a.flags.payouts_enabled = false;
        a.flags.disabled_reason = Some("requirements.past_due".into());
        assert_eq!(a.status(), OnboardingStatus::Restricted);
        // Payouts alone are not enough: the platform must be able to transfer to the account.
        assert_eq!(
            flags(true, true, true, false).status(),
            OnboardingStatus::Restricted
        );
    }

    #[test]
    fn statuses_serialize_in_snake_case() {
        for (status, name) in [
            (OnboardingStatus::NotStarted, "not_started"),
            (OnboardingStatus::Pending, "pending"),
            (OnboardingStatus::Restricted, "restricted"),
            (OnboardingStatus::Complete, "complete"),
        ] {
            assert_eq!(
                serde_json::to_value(status).unwrap(),
                serde_json::json!(name)
            );
        }
    }
}
