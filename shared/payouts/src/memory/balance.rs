//! [`BalanceCache`] in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::lock;
use crate::ports::{BalanceCache, CachedBalance, StoreError};

/// One entry per seller: the cached balance, if any, and the refresh claim, if any (a claim on
/// an empty cache makes an entry without a balance). Storing a balance replaces the entry, and so
/// releases the claim. Expiry times are not kept: DynamoDB's TTL is cleanup only, and freshness
/// is the caller's decision from `fetched_at`.
#[derive(Debug, Default)]
pub struct MemoryBalanceCache {
    state: Mutex<HashMap<String, Entry>>,
}

#[derive(Debug, Default)]
struct Entry {
    cached: Option<CachedBalance>,
    /// Unix seconds until which a caller holds the right to refresh.
    refresh_until: Option<i64>,
}

impl MemoryBalanceCache {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl BalanceCache for MemoryBalanceCache {
    async fn get(&self, user_id: &str) -> Result<Option<CachedBalance>, StoreError> {
        let entries = lock(&self.state);
        Ok(entries.get(user_id).and_then(|e| e.cached.clone()))
    }

    async fn put(
        &self,
        user_id: &str,
        cached: &CachedBalance,
        _expires_at: i64,
    ) -> Result<(), StoreError> {
        let entry = Entry {
            cached: Some(cached.clone()),
            refresh_until: None,
        };
        lock(&self.state).insert(user_id.to_owned(), entry);
        Ok(())
    }

    async fn try_claim_refresh(
        &self,
        user_id: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let mut entries = lock(&self.state);
        let entry = entries.entry(user_id.to_owned()).or_default();
        // An unexpired claim holds up to and including its `until`.
        if entry.refresh_until.is_some_and(|held| held >= now) {
            return Ok(false);
        }
        entry.refresh_until = Some(until);
        Ok(true)
    }
}
