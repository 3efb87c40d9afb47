//! The sale's timeline, one row per second: what Stripe had admitted and refused (429) so far,
//! the transfers it held, and the deliveries: the chart of the report, and where the bucket sat
//! idle.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::watch;

use payouts::memory::MemoryTransferQueue;

use crate::deliver::Deliverer;
use crate::stack::Control;

/// Samples every second until `stop` turns true; returns the rows.
pub async fn timeline(
    control: Control,
    deliverer: Arc<Deliverer>,
    queue: Arc<MemoryTransferQueue>,
    mut stop: watch::Receiver<bool>,
) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let limit = control.get("rate_limit").await;
        let objects = control.get("objects").await;
        let stats = &deliverer.stats;
        rows.push(json!({
            "t": deliverer.start.elapsed().as_secs_f64().round(),
            "admitted": limit["admitted"],
            "refused": limit["refused"],
            "transfers": objects["transfers"],
            "delivered": stats.delivered.load(Ordering::Relaxed),
            "attempts": stats.attempts.load(Ordering::Relaxed),
            "in_flight": stats.in_flight.load(Ordering::Relaxed),
            "queued": queue.len(),
        }));
    }
    rows
}
