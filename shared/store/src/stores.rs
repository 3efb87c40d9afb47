//! The four table adapters over one client: what every function's `main.rs` wires, once per
//! cold start (building an adapter does no I/O; a function uses the ones it needs).

use std::sync::Arc;

use settings::TableNames;

use crate::{DynamoBalanceCache, DynamoEventLog, DynamoLedger, DynamoSellerAccounts, client};

pub struct Stores {
    pub accounts: Arc<DynamoSellerAccounts>,
    pub ledger: Arc<DynamoLedger>,
    pub events: Arc<DynamoEventLog>,
    pub balance_cache: Arc<DynamoBalanceCache>,
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
            balance_cache: Arc::new(DynamoBalanceCache::new(dynamo, &tables.balance_cache)),
        }
    }
}
