//! The balance route's seller view as two reads, one per port: for stores without a batch read
//! (these in-memory ones). The DynamoDB view (`store::DynamoSellerView`) makes one `BatchGetItem`.

use std::sync::Arc;

use async_trait::async_trait;

use crate::ports::{BalanceCache, SellerAccounts, StoreError};
use crate::seller_view::{SellerView, SellerWithBalance};

/// The view over an accounts port and a cache port.
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
