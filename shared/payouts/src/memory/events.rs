//! [`EventLog`] and [`Checkpoints`] in memory.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;

use super::{lock, predecessor};
use crate::ports::{Checkpoint, Checkpoints, EventLog, StoreError};

/// The processed Stripe event ids (marked once each; kept, not expired) and the named
/// checkpoints (compare-and-set on `version`), like DynamoDB's `WebhookEventsTable`, which holds
/// both under keys that never meet (event ids start with `evt_`).
#[derive(Debug, Default)]
pub struct MemoryEventLog {
    state: Mutex<Log>,
}

#[derive(Debug, Default)]
struct Log {
    processed: HashSet<String>,
    checkpoints: HashMap<String, Checkpoint>,
}

impl MemoryEventLog {
    pub fn new() -> Self {
        Self::default()
    }
}

#[async_trait]
impl EventLog for MemoryEventLog {
    async fn is_processed(&self, event_id: &str) -> Result<bool, StoreError> {
        Ok(lock(&self.state).processed.contains(event_id))
    }

    async fn mark_processed(
        &self,
        event_id: &str,
        _event_type: &str,
        _now: i64,
    ) -> Result<bool, StoreError> {
        Ok(lock(&self.state).processed.insert(event_id.to_owned()))
    }
}

#[async_trait]
impl Checkpoints for MemoryEventLog {
    async fn get(&self, name: &str) -> Result<Option<Checkpoint>, StoreError> {
        Ok(lock(&self.state).checkpoints.get(name).cloned())
    }

    async fn put(&self, name: &str, checkpoint: &Checkpoint) -> Result<bool, StoreError> {
        // Versions 0 and 1 both create (nothing may be stored), as the DynamoDB adapter does.
        let expected = predecessor(checkpoint.version).filter(|v| *v > 0);
        let mut log = lock(&self.state);
        let stored = log.checkpoints.get(name).map(|c| c.version);
        if stored != expected {
            return Ok(false);
        }
        log.checkpoints.insert(name.to_owned(), checkpoint.clone());
        Ok(true)
    }
}
