//! The contract suites of the storage ports on the in-memory adapters (no DynamoDB, no
//! Python): the same suites run on DynamoDB in `shared/store/tests/contracts.rs`. The Stripe
//! ports' suite runs on the double here and on the real adapter against the local Stripe server
//! in `shared/stripe-adapter/tests/contract.rs`.

use payouts::contract::{
    balance_cache_contract, checkpoints_contract, event_log_contract, ledger_contract,
    rate_buckets_contract, seller_accounts_contract, stripe_contract, transfer_queue_contract,
};
use payouts::memory::{
    MemoryBalanceCache, MemoryEventLog, MemoryLedger, MemoryRateBuckets, MemorySellerAccounts,
    MemoryStripe, MemoryTransferQueue,
};

/// One test per port: `$suite` on fresh `$adapter`s.
macro_rules! in_memory {
    ($($test:ident: $suite:ident($adapter:ident);)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            $suite(async || $adapter::new()).await;
        }
    )+};
}

in_memory! {
    seller_accounts: seller_accounts_contract(MemorySellerAccounts);
    ledger: ledger_contract(MemoryLedger);
    event_log: event_log_contract(MemoryEventLog);
    checkpoints: checkpoints_contract(MemoryEventLog);
    balance_cache: balance_cache_contract(MemoryBalanceCache);
    rate_buckets: rate_buckets_contract(MemoryRateBuckets);
    stripe: stripe_contract(MemoryStripe);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transfer_queue() {
    transfer_queue_contract(async || MemoryTransferQueue::default()).await;
}

#[tokio::test]
async fn seller_view() {
    use payouts::contract::{ViewedStores, seller_view_contract};
    use payouts::memory::TwoReads;
    use std::sync::Arc;
    seller_view_contract(async || {
        let accounts = Arc::new(MemorySellerAccounts::new());
        let cache = Arc::new(MemoryBalanceCache::new());
        ViewedStores {
            accounts: accounts.clone(),
            cache: cache.clone(),
            view: Arc::new(TwoReads { accounts, cache }),
        }
    })
    .await;
}
