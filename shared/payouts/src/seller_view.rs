//! The balance route's first read: the seller's account and cached balance together, so that a
//! cache hit costs one round trip (one `BatchGetItem` on DynamoDB) instead of two.

use std::sync::Arc;

use async_trait::async_trait;

use crate::SellerAccount;
use crate::ports::{BalanceCache, CachedBalance, SellerAccounts, StoreError};

/// What the balance route reads first about a seller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SellerWithBalance {
    pub account: Option<SellerAccount>,
    /// `None` also when the cached item could not be read back: the cache is an optimisation,
    /// the balance then comes from Stripe.
    pub cached: Option<CachedBalance>,
}

#[async_trait]
pub trait SellerView: Send + Sync {
    /// The account (read consistently, as `SellerAccounts::find_by_user`) and the cached balance
    /// (as `BalanceCache::get`). `Err` only when the account cannot be read.
    async fn seller_with_balance(&self, user_id: &str) -> Result<SellerWithBalance, StoreError>;
}

/// The view as two reads, one per port: for stores without a batch read (the in-memory ones).
pub struct TwoReads {
    pub accounts: Arc<dyn SellerAccounts>,
    pub cache: Arc<dyn BalanceCache>,
}

#[async_trait]
impl SellerView for TwoReads {
    async fn seller_with_balance(&self, user_id: &str) -> Result<SellerWithBalance, StoreError> {
        let account = self.accounts.find_by_user(user_id).await?;
        // A cache that cannot be read is a miss: the balance comes from Stripe.
        let cached = self.cache.get(user_id).await.ok().flatten();
        Ok(SellerWithBalance { account, cached })
    }
}
