//! The contract suites of the storage ports (`payouts::contract`) on the DynamoDB adapters, on
//! moto: the same suites run on the in-memory adapters in `shared/payouts/tests/contract_memory.rs`,
//! which are trusted because both pass. Every case gets a fresh set of tables.

use payouts::contract::{
    balance_cache_contract, checkpoints_contract, event_log_contract, ledger_contract,
    rate_buckets_contract, seller_accounts_contract,
};
use store::{DynamoBalanceCache, DynamoEventLog, DynamoLedger, DynamoSellerAccounts};

/// One test per port: `$suite` on `$adapter`s, each on its `$table` of a fresh set of tables.
macro_rules! on_dynamodb {
    ($($test:ident: $suite:ident($adapter:ident on $table:ident);)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $test() {
            $suite(async || {
                let db = harness::dynamo().await;
                let tables = db.tables().await;
                $adapter::new(db.client, &tables.$table)
            })
            .await;
        }
    )+};
}

on_dynamodb! {
    seller_accounts: seller_accounts_contract(DynamoSellerAccounts on seller_accounts);
    ledger: ledger_contract(DynamoLedger on payout_ledger);
    event_log: event_log_contract(DynamoEventLog on webhook_events);
    checkpoints: checkpoints_contract(DynamoEventLog on webhook_events);
    balance_cache: balance_cache_contract(DynamoBalanceCache on balance_cache);
    rate_buckets: rate_buckets_contract(DynamoEventLog on webhook_events);
}

#[tokio::test]
async fn seller_view() {
    use payouts::contract::{ViewedStores, seller_view_contract};
    use std::sync::Arc;
    seller_view_contract(async || {
        let db = harness::dynamo().await;
        let tables = db.tables().await;
        ViewedStores {
            accounts: Arc::new(DynamoSellerAccounts::new(
                db.client.clone(),
                &tables.seller_accounts,
            )),
            cache: Arc::new(DynamoBalanceCache::new(
                db.client.clone(),
                &tables.balance_cache,
            )),
            view: Arc::new(store::DynamoSellerView::new(
                db.client,
                &tables.seller_accounts,
                &tables.balance_cache,
            )),
        }
    })
    .await;
}
