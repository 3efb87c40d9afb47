//! DynamoDB adapters for the payout ports (`payouts::ports`), the table schema read from
//! `template.yaml`, and the client builder.
//!
//! Each adapter owns a cloned [`Client`] (cheap: it is an `Arc`) and one table name. Build the
//! client once per cold start with [`client`] and hand clones to the adapters.
//!
//! Item layouts follow the comments on the tables in `template.yaml`; every write that must not
//! happen twice is a conditional write or a transaction (see each module).

mod accounts;
mod balance;
mod client;
mod error;
mod events;
mod item;
mod ledger;
mod rate;
pub mod schema;
mod seller_view;
mod stores;

pub use accounts::DynamoSellerAccounts;
pub use aws_sdk_dynamodb::Client;
pub use balance::DynamoBalanceCache;
pub use client::{client, retries, sdk_config, timeouts};
pub use error::{Class, classify_code, classify_unanswered};
pub use events::{DynamoEventLog, EVENT_RETENTION_SECS};
pub use ledger::DynamoLedger;
pub use payouts::ports::StoreError;
pub use seller_view::DynamoSellerView;
pub use stores::Stores;
