//! Error mapping and in-process retries under injected faults (500, 429, hangs, lost responses).
//! Every retry of a write reuses the caller's idempotency key, so exactly one object results.

use crate::common;

use harness::stripe::Fault;

use std::time::{Duration, Instant};

use common::{Env, env, env_with_timeout};
use payouts::ports::{ConnectAccounts, StripeError, TransferRef, TransferRequest, Transfers};
use payouts::{Currency, Money};
use serde_json::{Value, json};
use stripe_adapter::RetryPolicy;

async fn payable(env: &Env) -> TransferRequest {
    let acct = env.seller("usr_a").await;
    let (_, charge) = env.pay("ord_1", 10_000, json!({})).await;
    TransferRequest {
        amount: Money::new(5_400, Currency::parse("usd").unwrap()),
        destination: acct,
        source_transaction: charge,
        transfer_group: "ord_1".into(),
        order_id: "ord_1".into(),
        seller: "usr_a".into(),
    }
}

/// The keys the server saw on `POST /v1/transfers`.
async fn transfer_keys(env: &Env) -> Vec<Value> {
    let log = env.requests("POST /v1/transfers").await;
    log.iter().map(|r| r["idempotency_key"].clone()).collect()
}

fn is_unavailable(r: &Result<impl std::fmt::Debug, StripeError>) -> bool {
    matches!(r, Err(StripeError::Unavailable { .. }))
}

/// `Unavailable`, flagged as a rate limit exactly when the injected fault was a 429.
fn is_unavailable_after(r: &Result<impl std::fmt::Debug, StripeError>, kind: &str) -> bool {
    matches!(r, Err(StripeError::Unavailable { rate_limited, .. }) if *rate_limited == (kind == "status_429"))
}

#[tokio::test]
async fn a_500_before_stripe_executes_is_retried_with_the_same_key() {
    let env = env().await;
    let req = payable(&env).await;
    env.fault(Fault::new("POST", "/v1/transfers", "status_500").by_prefix())
        .await;
    let t = env
        .stripe
        .create_transfer(&req, "veza-tr:ord_1:usr_a")
        .await
        .unwrap();
    assert_eq!(t.amount, 5_400);
    assert_eq!(env.objects("transfers").await, 1);
    assert_eq!(
        transfer_keys(&env).await,
        vec![json!("veza-tr:ord_1:usr_a"); 2]
    );
}

#[tokio::test]
async fn a_500_that_stripe_saved_under_the_key_stays_unavailable_and_creates_nothing() {
    let env = env().await;
    let req = payable(&env).await;
    env.fault(
        Fault::new("POST", "/v1/transfers", "status_500")
            .by_prefix()
            .at("handler"),
    )
    .await;
    // Stripe replays the saved 500 for this key: every attempt sees it.
    assert!(is_unavailable(&env.stripe.create_transfer(&req, "k").await));
    assert_eq!(transfer_keys(&env).await.len(), 3);
    assert_eq!(env.objects("transfers").await, 0);
}

#[tokio::test]
async fn persistent_500_429_and_reads_map_to_unavailable() {
    let env = env().await;
    let req = payable(&env).await;
    for kind in ["status_500", "status_429"] {
        env.fault(
            Fault::new("POST", "/v1/transfers", kind)
                .by_prefix()
                .times(3),
        )
        .await;
        assert!(
            is_unavailable_after(&env.stripe.create_transfer(&req, kind).await, kind),
            "{kind}"
        );
        env.fault(
            Fault::new("GET", "/v1/accounts/{id}", kind)
                .by_prefix()
                .times(3),
        )
        .await;
        assert!(
            is_unavailable_after(&env.stripe.retrieve_account(&req.destination).await, kind),
            "{kind}"
        );
    }
    assert_eq!(env.objects("transfers").await, 0);
    // Fewer failures than attempts: the read succeeds.
    env.fault(
        Fault::new("GET", "/v1/accounts/{id}", "status_429")
            .by_prefix()
            .times(2),
    )
    .await;
    assert!(env.stripe.retrieve_account(&req.destination).await.is_ok());
}

#[tokio::test]
async fn a_hang_past_the_timeout_is_unavailable() {
    let env = env_with_timeout(Duration::from_millis(200)).await;
    let acct = env.seller("usr_a").await;
    let once = env.adapter(
        env.server.api_key(),
        Duration::from_millis(200),
        RetryPolicy::none(),
    );
    env.fault(
        Fault::new("GET", "/v1/accounts/{id}", "hang")
            .by_prefix()
            .hang_ms(5_000),
    )
    .await;
    let err = once.retrieve_account(&acct).await.unwrap_err();
    match err {
        StripeError::Unavailable { cause, .. } => assert!(cause.contains("timeout"), "{cause}"),
        other => panic!("{other:?}"),
    }
    // With retries, the next attempt is not delayed and succeeds.
    env.fault(
        Fault::new("GET", "/v1/accounts/{id}", "hang")
            .by_prefix()
            .hang_ms(5_000),
    )
    .await;
    assert!(env.stripe.retrieve_account(&acct).await.is_ok());
}

/// The response to the creating request is lost (Stripe made the transfer, then the connection
/// timed out). Retries meet the in-flight key (409) or its replay; eventually the caller gets the
/// one transfer that exists.
#[tokio::test]
async fn a_lost_response_never_doubles_the_transfer() {
    let env = env_with_timeout(Duration::from_millis(300)).await;
    let req = payable(&env).await;
    env.fault(
        Fault::new("POST", "/v1/transfers", "hang_after")
            .by_prefix()
            .at("handler")
            .hang_ms(1_500),
    )
    .await;
    let key = "veza-tr:ord_1:usr_a";
    let first = env.stripe.create_transfer(&req, key).await;
    assert!(is_unavailable(&first), "{first:?}");
    // Like Stripe redelivering the webhook: call again until the saved answer is replayed.
    let deadline = Instant::now() + Duration::from_secs(20);
    let found: TransferRef = loop {
        match env.stripe.create_transfer(&req, key).await {
            Ok(t) => break t,
            Err(StripeError::Unavailable { .. }) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{e:?}"),
        }
    };
    assert_eq!(found.amount, 5_400);
    assert_eq!(env.objects("transfers").await, 1);
    assert_eq!(
        env.stripe
            .find_transfer("ord_1", &req.destination)
            .await
            .unwrap(),
        Some(found)
    );
    assert!(transfer_keys(&env).await.iter().all(|k| k == key));
    // While the first request was still executing, the retries met Stripe's 409 (key in use).
    let log = env.requests("POST /v1/transfers").await;
    let statuses: Vec<_> = log.iter().map(|r| r["status"].clone()).collect();
    assert!(statuses.contains(&json!(409)), "{statuses:?}");
}

#[tokio::test]
async fn reversals_and_account_creation_retry_with_the_same_key() {
    let env = env().await;
    let req = payable(&env).await;
    let t = env.stripe.create_transfer(&req, "k").await.unwrap();
    env.fault(Fault::new("POST", "/v1/transfers/{id}/reversals", "status_500").by_prefix())
        .await;
    env.stripe.create_reversal(&t.id, 100, "rk").await.unwrap();
    assert_eq!(env.objects("transfer_reversals").await, 1);

    env.fault(
        Fault::new("POST", "/v1/accounts", "status_429")
            .by_prefix()
            .times(2),
    )
    .await;
    let seller = payouts::ports::NewExpressAccount {
        user_id: "usr_z".into(),
        email: None,
        country: None,
    };
    env.stripe
        .create_express_account(&seller, "ak")
        .await
        .unwrap();
    assert_eq!(env.objects("accounts").await, 2);
}

#[tokio::test]
async fn a_single_attempt_policy_does_not_retry() {
    let env = env().await;
    let req = payable(&env).await;
    let once = env.adapter(
        env.server.api_key(),
        Duration::from_secs(5),
        RetryPolicy::none(),
    );
    env.fault(Fault::new("POST", "/v1/transfers", "status_500").by_prefix())
        .await;
    assert!(is_unavailable(&once.create_transfer(&req, "k").await));
    assert_eq!(transfer_keys(&env).await.len(), 1);
    // The caller's own retry (next webhook delivery) with the same key then creates it.
    assert!(once.create_transfer(&req, "k").await.is_ok());
    assert_eq!(env.objects("transfers").await, 1);
}
