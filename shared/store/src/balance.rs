//! Short-lived balance cache (`BalanceCacheTable`), one item per seller: `pk = <user id>`.
//!
//! Attributes: `balance` (map), `fetched_at`, `expires_at` (TTL, cleanup only: freshness is the
//! caller's decision from `fetched_at`) and `refresh_until`, the claim that lets one caller
//! refresh from Stripe while concurrent misses serve what is cached.

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use payouts::ports::{Balance, BalanceCache, CachedBalance, StoreError};

use crate::error::{other, service_error, unexpected};
use crate::item::{Item, n, s};

/// [`BalanceCache`] on DynamoDB.
#[derive(Clone, Debug)]
pub struct DynamoBalanceCache {
    client: Client,
    table: String,
}

impl DynamoBalanceCache {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn corrupt(user_id: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("balance cache {user_id}: {what}"))
}

/// The cached balance an item holds (`None` for an item with only a refresh claim).
pub(crate) fn cached_from_item(
    user_id: &str,
    mut item: Item,
) -> Result<Option<CachedBalance>, StoreError> {
    let Some(balance) = item.remove("balance") else {
        return Ok(None);
    };
    let balance: Balance = serde_dynamo::aws_sdk_dynamodb_1::from_attribute_value(balance)
        .map_err(|e| corrupt(user_id, e))?;
    let fetched_at = match item.get("fetched_at") {
        Some(AttributeValue::N(v)) => v.parse().map_err(|e| corrupt(user_id, e))?,
        _ => return Err(corrupt(user_id, "fetched_at missing")),
    };
    Ok(Some(CachedBalance {
        balance,
        fetched_at,
    }))
}

#[async_trait]
impl BalanceCache for DynamoBalanceCache {
    async fn get(&self, user_id: &str) -> Result<Option<CachedBalance>, StoreError> {
        // Eventually consistent on purpose: a cache read decides no money movement.
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(user_id))
            .send()
            .await
            .map_err(|e| other("GetItem", e))?;
        out.item
            .map_or(Ok(None), |item| cached_from_item(user_id, item))
    }

    async fn put(
        &self,
        user_id: &str,
        cached: &CachedBalance,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let balance = serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(&cached.balance)
            .map_err(|e| corrupt(user_id, e))?;
        // A whole-item put: it also drops `refresh_until`, releasing the refresher's claim.
        let item = Item::from([
            ("pk".to_owned(), s(user_id)),
            ("balance".to_owned(), balance),
            ("fetched_at".to_owned(), n(cached.fetched_at)),
            ("expires_at".to_owned(), n(expires_at)),
        ]);
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| other("PutItem", e))?;
        Ok(())
    }

    async fn try_claim_refresh(
        &self,
        user_id: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let sent = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(user_id))
            // A claim on a missing item creates it; give it a TTL so it cannot linger.
            .update_expression("SET #r = :until, #e = if_not_exists(#e, :until)")
            .condition_expression("attribute_not_exists(#r) OR #r < :now")
            .expression_attribute_names("#r", "refresh_until")
            .expression_attribute_names("#e", "expires_at")
            .expression_attribute_values(":until", n(until))
            .expression_attribute_values(":now", n(now))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(true),
            Err(err) => match service_error("UpdateItem", err)? {
                UpdateItemError::ConditionalCheckFailedException(_) => Ok(false),
                e => Err(unexpected("UpdateItem", &e)),
            },
        }
    }
}
