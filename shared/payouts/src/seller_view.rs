//! The balance route's first read: the seller's account and cached balance together, so that a
//! cache hit costs one round trip (one `BatchGetItem` on DynamoDB) instead of two.

use async_trait::async_trait;

use crate::SellerAccount;
use crate::ports::{CachedBalance, StoreError};

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
