//! The four table adapters (and the balance route's two-table read) over one client: what every function's `main.rs` wires, once per
//! cold start (building an adapter does no I/O; a function uses the ones it needs).

use std::sync::Arc;

use settings::TableNames;

use crate::{
    DynamoBalanceCache, DynamoEventLog, DynamoLedger, DynamoSellerAccounts, DynamoSellerView,
    client,
};

pub struct Stores {
    pub accounts: Arc<DynamoSellerAccounts>,
    pub ledger: Arc<DynamoLedger>,
    pub events: Arc<DynamoEventLog>,
    pub balance_cache: Arc<DynamoBalanceCache>,
    /// The balance route's account-and-cache read (one `BatchGetItem`).
    pub seller_view: Arc<DynamoSellerView>,
}

impl Stores {
    /// One DynamoDB client (`DYNAMODB_ENDPOINT` honoured) shared by an adapter per table.
    pub async fn connect(tables: &TableNames) -> Stores {
        let dynamo = client(tables.dynamodb_endpoint.as_deref()).await;
        Stores {
            accounts: Arc::new(DynamoSellerAccounts::new(
                dynamo.clone(),
                &tables.seller_accounts,
            )),
            ledger: Arc::new(DynamoLedger::new(dynamo.clone(), &tables.payout_ledger)),
            events: Arc::new(DynamoEventLog::new(dynamo.clone(), &tables.webhook_events)),
            balance_cache: Arc::new(DynamoBalanceCache::new(
                dynamo.clone(),
                &tables.balance_cache,
            )),
            seller_view: Arc::new(DynamoSellerView::new(
                dynamo,
                &tables.seller_accounts,
                &tables.balance_cache,
            )),
        }
    }
}
