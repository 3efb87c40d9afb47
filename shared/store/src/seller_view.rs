//! [`SellerView`] on DynamoDB: one `BatchGetItem` over the accounts table (a consistent read, as
//! `find_by_user`) and the balance cache (eventually consistent, as its `get`), so that the
//! balance route's cache hit is one round trip.

use std::collections::HashMap;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use payouts::ports::StoreError;
use payouts::seller_view::{SellerView, SellerWithBalance};

use crate::accounts::user_pk;
use crate::balance::cached_from_item;
use crate::error::other;
use crate::item::{Item, from_item, s};

/// Rounds of asking again for keys DynamoDB left unprocessed (it does under throttling).
const ROUNDS: u32 = 4;

#[derive(Clone, Debug)]
pub struct DynamoSellerView {
    client: Client,
    accounts_table: String,
    cache_table: String,
}

impl DynamoSellerView {
    pub fn new(
        client: Client,
        accounts_table: impl Into<String>,
        cache_table: impl Into<String>,
    ) -> Self {
        Self {
            client,
            accounts_table: accounts_table.into(),
            cache_table: cache_table.into(),
        }
    }

    fn keys(pk: String, consistent: bool) -> Result<KeysAndAttributes, StoreError> {
        KeysAndAttributes::builder()
            .keys(Item::from([("pk".to_owned(), s(pk))]))
            .consistent_read(consistent)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("cannot build BatchGetItem keys: {e}")))
    }
}

#[async_trait]
impl SellerView for DynamoSellerView {
    async fn seller_with_balance(&self, user_id: &str) -> Result<SellerWithBalance, StoreError> {
        let mut asked = HashMap::from([
            (
                self.accounts_table.clone(),
                Self::keys(user_pk(user_id), true)?,
            ),
            (
                self.cache_table.clone(),
                Self::keys(user_id.to_owned(), false)?,
            ),
        ]);
        let mut found: HashMap<String, Vec<Item>> = HashMap::new();
        for round in 0..ROUNDS {
            if round > 0 {
                // DynamoDB's advice for unprocessed keys: ask again after a backoff.
                tokio::time::sleep(Duration::from_millis(25 << round)).await;
            }
            let out = self
                .client
                .batch_get_item()
                .set_request_items(Some(asked))
                .send()
                .await
                .map_err(|e| other("BatchGetItem", e))?;
            for (table, items) in out.responses.unwrap_or_default() {
                found.entry(table).or_default().extend(items);
            }
            match out.unprocessed_keys {
                Some(left) if !left.is_empty() => asked = left,
                _ => return self.assemble(user_id, found),
            }
        }
        Err(StoreError::Unavailable(
            "BatchGetItem left keys unprocessed".into(),
        ))
    }
}

impl DynamoSellerView {
    fn assemble(
        &self,
        user_id: &str,
        mut found: HashMap<String, Vec<Item>>,
    ) -> Result<SellerWithBalance, StoreError> {
        let mut first = |table: &str| {
            found
                .remove(table)
                .and_then(|items| items.into_iter().next())
        };
        let account = first(&self.accounts_table).map(from_item).transpose()?;
        // A cache item that cannot be read back is a miss: the balance comes from Stripe.
        let cached = first(&self.cache_table).and_then(|item| {
            cached_from_item(user_id, item)
                .inspect_err(|e| tracing::warn!(error = %e, "cached balance unreadable"))
                .ok()
                .flatten()
        });
        Ok(SellerWithBalance { account, cached })
    }
}
