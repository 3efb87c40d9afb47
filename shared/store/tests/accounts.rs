//! Seller accounts on moto, what is DynamoDB's own: unreadable items, a missing table, a dead
//! endpoint. The port's rules (both uniqueness rules, races, flags, the onboarding queue) are the
//! contract suite's (`payouts::contract`, run on DynamoDB in `contracts.rs`).

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use payouts::SellerAccount;
use payouts::ports::{SellerAccounts, StoreError};
use store::DynamoSellerAccounts;

async fn accounts() -> (harness::Dynamo, harness::TableNames, DynamoSellerAccounts) {
    let db = harness::dynamo().await;
    let t = db.tables().await;
    let accounts = DynamoSellerAccounts::new(db.client.clone(), &t.seller_accounts);
    (db, t, accounts)
}

#[tokio::test]
async fn unreadable_items_are_corrupt() {
    let (db, t, accounts) = accounts().await;
    let put = |item: HashMap<String, AttributeValue>| {
        db.client
            .put_item()
            .table_name(&t.seller_accounts)
            .set_item(Some(item))
            .send()
    };
    let s = |v: &str| AttributeValue::S(v.into());
    put(HashMap::from([
        ("pk".into(), s("USER#bad")),
        ("user_id".into(), s("bad")),
        ("created_at".into(), s("not a number")),
    ]))
    .await
    .unwrap();
    let err = accounts.find_by_user("bad").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Corrupt(m) if m.contains("USER#bad")),
        "{err:?}"
    );

    // A guard whose record is missing.
    put(HashMap::from([
        ("pk".into(), s("ACCT#acct_orphan")),
        ("user_id".into(), s("ghost")),
    ]))
    .await
    .unwrap();
    let err = accounts
        .find_by_stripe_account("acct_orphan")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Corrupt(_)), "{err:?}");
}

/// A missing table is no outage: no retry fixes it, so it is `Refused` (500, alarmed), named
/// by operation, table and code; a dead endpoint is `Unavailable` (503, retryable).
#[tokio::test]
async fn missing_table_is_refused_and_dead_endpoint_unavailable() {
    let db = harness::dynamo().await;
    let missing = DynamoSellerAccounts::new(db.client.clone(), "no-such-table");
    let err = missing.find_by_user("u").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused(m)
            if m == "dynamodb GetItem on no-such-table: ResourceNotFoundException"),
        "{err:?}"
    );
    let err = missing
        .insert(&SellerAccount::new("u".into(), "a".into(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Refused(m)
            if m.contains("TransactWriteItems on no-such-table: ResourceNotFoundException")),
        "{err:?}"
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = store::client(Some(&format!("http://127.0.0.1:{port}"))).await;
    let err = DynamoSellerAccounts::new(dead, "t")
        .insert(&SellerAccount::new("u".into(), "a".into(), 1))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Unavailable(m) if m.contains("TransactWriteItems")),
        "{err:?}"
    );
}
