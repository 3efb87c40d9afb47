//! The harness's own promises: a live DynamoDB, fresh tables per call, a live Stripe server.

#[tokio::test]
async fn every_call_gets_its_own_complete_set_of_tables() {
    let db = harness::dynamo().await;
    let (a, b) = (db.tables().await, harness::tables(&db.client).await);
    assert_ne!(a.seller_accounts, b.seller_accounts);
    assert_eq!(a.dynamodb_endpoint.as_deref(), Some(db.endpoint.as_str()));
    let names = [
        &a.seller_accounts,
        &a.payout_ledger,
        &a.webhook_events,
        &a.balance_cache,
    ];
    let prefix = a.seller_accounts.split('-').next().unwrap();
    for name in names {
        assert!(name.starts_with(prefix), "{name} shares the call's prefix");
        db.client
            .describe_table()
            .table_name(name)
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn stripe_server_listens_on_loopback() {
    let server = harness::stripe().await;
    assert!(server.addr.ip().is_loopback());
    assert!(server.base_url.starts_with("http://127.0.0.1:"));
    tokio::net::TcpStream::connect(server.addr).await.unwrap();
}
