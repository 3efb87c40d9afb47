//! [`SellerAccounts`] in memory: the record by user id, and a guard per Stripe account id
//! (DynamoDB's `USER#…` and `ACCT#…` items), claimed together or not at all.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::lock;
use crate::ports::{SellerAccounts, StoreError};
use crate::{AccountFlags, OnboardingStatus, SellerAccount};

/// [`SellerAccounts`] in memory. Both ids are unique (`Conflict { what: "user" }` is reported
/// first when both are taken); the newest read of the flags wins; the sellers who never completed
/// onboarding are listed least recently read first.
#[derive(Debug, Default)]
pub struct MemorySellerAccounts {
    state: Mutex<Accounts>,
}

#[derive(Debug, Default)]
struct Accounts {
    by_user: HashMap<String, SellerAccount>,
    /// Stripe account id -> user id.
    users_by_stripe_account: HashMap<String, String>,
}

impl MemorySellerAccounts {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl SellerAccounts for MemorySellerAccounts {
    async fn find_by_user(&self, user_id: &str) -> Result<Option<SellerAccount>, StoreError> {
        Ok(lock(&self.state).by_user.get(user_id).cloned())
    }

    async fn find_by_stripe_account(
        &self,
        stripe_account_id: &str,
    ) -> Result<Option<SellerAccount>, StoreError> {
        let state = lock(&self.state);
        let user = state.users_by_stripe_account.get(stripe_account_id);
        Ok(user.and_then(|u| state.by_user.get(u)).cloned())
    }

    async fn insert(&self, account: &SellerAccount) -> Result<(), StoreError> {
        let mut state = lock(&self.state);
        // In DynamoDB's order: the user record's condition first.
        if state.by_user.contains_key(&account.user_id) {
            return Err(StoreError::Conflict { what: "user" });
        }
        if state
            .users_by_stripe_account
            .contains_key(&account.stripe_account_id)
        {
            return Err(StoreError::Conflict {
                what: "stripe_account",
            });
        }
        state
            .users_by_stripe_account
            .insert(account.stripe_account_id.clone(), account.user_id.clone());
        state
            .by_user
            .insert(account.user_id.clone(), account.clone());
        Ok(())
    }

    async fn update_flags(
        &self,
        user_id: &str,
        flags: &AccountFlags,
        read_at_ms: i64,
    ) -> Result<Option<(SellerAccount, SellerAccount)>, StoreError> {
        let mut state = lock(&self.state);
        let Some(stored) = state.by_user.get_mut(user_id) else {
            return Ok(None);
        };
        if stored.flags_read_at > read_at_ms {
            // A newer read is stored: that stored state is the answer.
            return Ok(Some((stored.clone(), stored.clone())));
        }
        let before = stored.clone();
        stored.flags = flags.clone();
        stored.updated_at = read_at_ms.div_euclid(1000);
        stored.flags_read_at = read_at_ms;
        // Only ever turns on: a later restriction keeps the history.
        stored.onboarding_completed |= flags.status() == OnboardingStatus::Complete;
        Ok(Some((before, stored.clone())))
    }

    async fn unfinished_onboarding(&self, limit: usize) -> Result<Vec<SellerAccount>, StoreError> {
        let state = lock(&self.state);
        let mut unfinished: Vec<&SellerAccount> = state
            .by_user
            .values()
            .filter(|a| !a.onboarding_completed)
            .collect();
        // DynamoDB's index key is the read time clamped at 0; equal keys are ordered by user id
        // here, in no promised order there.
        unfinished.sort_by_key(|a| (a.flags_read_at.max(0), a.user_id.as_str()));
        Ok(unfinished.into_iter().take(limit).cloned().collect())
    }
}
