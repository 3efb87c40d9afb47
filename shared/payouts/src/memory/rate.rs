//! [`RateBuckets`] in memory.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::lock;
use crate::ports::{RateBuckets, StoreError};

/// Each key's bucket state, compare-and-set like the DynamoDB adapter's conditional put.
#[derive(Debug, Default)]
pub struct MemoryRateBuckets {
    state: Mutex<HashMap<String, i64>>,
}

impl MemoryRateBuckets {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl RateBuckets for MemoryRateBuckets {
    async fn get(&self, key: &str) -> Result<Option<i64>, StoreError> {
        Ok(lock(&self.state).get(key).copied())
    }

    async fn put(&self, key: &str, expected: Option<i64>, tat_ms: i64) -> Result<bool, StoreError> {
        let mut buckets = lock(&self.state);
        if buckets.get(key).copied() != expected {
            return Ok(false);
        }
        buckets.insert(key.to_owned(), tat_ms);
        Ok(true)
    }
}
