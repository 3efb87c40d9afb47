//! In-memory adapters of the storage ports (feature `memory`; no production binary enables it),
//! so that flows and handlers can be tested without DynamoDB, and a scripted double of the
//! Stripe ports ([`stripe`]), so that they can be tested without the local Stripe server.
//!
//! Each adapter keeps its state behind a [`std::sync::Mutex`], taken for one method call and
//! never held across an `.await` (the methods do not await at all), so every write is atomic
//! like a DynamoDB conditional write or transaction. They follow the DynamoDB adapters of
//! `store` rule for rule: the same conditions, the same `false`s and the same
//! [`StoreError::Conflict`](crate::ports::StoreError::Conflict)s. What they do not model:
//! DynamoDB's failures (nothing here is ever `Unavailable`, `Refused` or `Corrupt`), TTL expiry
//! (DynamoDB deletes expired items at some later time; these keep them), and the lag of
//! eventually consistent index reads (these are always up to date).
//!
//! They are trusted only because the contract suites of `payouts::contract` pass on them and on
//! the DynamoDB adapters alike.

mod accounts;
mod balance;
mod events;
mod ledger;
mod queue;
mod rate;
mod seller_view;
pub mod stripe;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use accounts::MemorySellerAccounts;
pub use balance::MemoryBalanceCache;
pub use events::MemoryEventLog;
pub use ledger::MemoryLedger;
pub use queue::MemoryTransferQueue;
pub use rate::MemoryRateBuckets;
pub use seller_view::TwoReads;
pub use stripe::MemoryStripe;

/// Locks `state`, also after a panic in another holder: every method checks its conditions
/// before it changes anything, so what a panicking holder left behind is still consistent.
fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The version a compare-and-set expects to find stored: the one before `version`, or `None`
/// (nothing stored may precede version 0).
fn predecessor(version: u64) -> Option<u64> {
    version.checked_sub(1)
}
