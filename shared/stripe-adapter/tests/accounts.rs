//! Connected accounts and balances against the local Stripe server.

use crate::common;

use std::time::Duration;

use common::{env, fast_retry};
use payouts::ports::{Balances, ConnectAccounts, NewExpressAccount, StripeError};
use payouts::{Money, OnboardingStatus};
use serde_json::json;

fn new_seller(user: &str) -> NewExpressAccount {
    NewExpressAccount {
        user_id: user.into(),
        email: Some(format!("{user}@example.com")),
        country: Some("FR".into()),
    }
}

#[tokio::test]
async fn creates_an_express_account_once_per_key() {
    let env = env().await;
    let key = payouts::keys::account_key("usr_a");
    let id = env
        .stripe
        .create_express_account(&new_seller("usr_a"), &key)
        .await
        .unwrap();
    assert!(id.starts_with("acct_"), "{id}");
    let again = env
        .stripe
        .create_express_account(&new_seller("usr_a"), &key)
        .await
        .unwrap();
    assert_eq!(again, id);
    assert_eq!(env.objects("accounts").await, 1);

    let raw = env.api_get(&format!("accounts/{id}"), None).await;
    assert_eq!(raw["type"], "express");
    assert_eq!(raw["metadata"]["user_id"], "usr_a");
    assert_eq!(raw["email"], "usr_a@example.com");
    assert_eq!(raw["country"], "FR");
    assert!(raw["capabilities"]["transfers"].is_string(), "{raw}");
}

#[tokio::test]
async fn account_without_email_or_country() {
    let env = env().await;
    let seller = NewExpressAccount {
        user_id: "usr_b".into(),
        email: None,
        country: None,
    };
    let id = env
        .stripe
        .create_express_account(&seller, "k-b")
        .await
        .unwrap();
    let raw = env.api_get(&format!("accounts/{id}"), None).await;
    assert_eq!(raw["metadata"]["user_id"], "usr_b");
}

#[tokio::test]
async fn retrieves_flags_through_onboarding() {
    let env = env().await;
    let id = env
        .stripe
        .create_express_account(&new_seller("usr_a"), "k-a")
        .await
        .unwrap();
    let fresh = env.stripe.retrieve_account(&id).await.unwrap();
    assert!(!fresh.details_submitted && !fresh.payouts_enabled && !fresh.transfers_active);
    assert_eq!(fresh.status(), OnboardingStatus::Pending);
    assert!(!fresh.requirements_due.is_empty());
    assert!(
        fresh.requirements_due.windows(2).all(|w| w[0] < w[1]),
        "sorted, unique"
    );

    // Overlapping currently_due / past_due come back merged, sorted and de-duplicated.
    env.onboarding(&id, json!({"details_submitted": true, "currently_due": ["z.field", "external_account"],
               "past_due": ["external_account", "a.field"], "disabled_reason": "requirements.past_due"}),
    )
    .await;
    let restricted = env.stripe.retrieve_account(&id).await.unwrap();
    assert_eq!(
        restricted.requirements_due,
        vec!["a.field", "external_account", "z.field"]
    );
    assert_eq!(
        restricted.disabled_reason.as_deref(),
        Some("requirements.past_due")
    );
    assert_eq!(restricted.status(), OnboardingStatus::Restricted);

    env.onboarding(&id, json!({"complete": true})).await;
    let done = env.stripe.retrieve_account(&id).await.unwrap();
    assert!(
        done.details_submitted
            && done.charges_enabled
            && done.payouts_enabled
            && done.transfers_active
    );
    assert!(done.requirements_due.is_empty());
    assert_eq!(done.disabled_reason, None);
    assert_eq!(done.status(), OnboardingStatus::Complete);

    // Payouts enabled but the transfers capability not active: not payable.
    env.onboarding(&id, json!({"transfers": "pending"})).await;
    let pending = env.stripe.retrieve_account(&id).await.unwrap();
    assert!(pending.payouts_enabled && !pending.transfers_active);
    assert_eq!(pending.status(), OnboardingStatus::Restricted);
}

#[tokio::test]
async fn unknown_account_is_not_found() {
    let env = env().await;
    assert!(matches!(
        env.stripe.retrieve_account("acct_nope").await,
        Err(StripeError::NotFound)
    ));
}

#[tokio::test]
async fn onboarding_and_login_links() {
    let env = env().await;
    let id = env.seller("usr_a").await;
    let link = env
        .stripe
        .create_account_link(&id, "https://veza.test/refresh", "https://veza.test/return")
        .await
        .unwrap();
    assert!(link.url.starts_with("http"), "{}", link.url);
    assert!(link.expires_at > 0);
    let second = env
        .stripe
        .create_account_link(&id, "https://veza.test/refresh", "https://veza.test/return")
        .await
        .unwrap();
    assert_ne!(
        second.url, link.url,
        "links are single-use: each call mints a new one"
    );
    let login = env.stripe.create_login_link(&id).await.unwrap();
    assert!(login.starts_with("http"), "{login}");
}

#[tokio::test]
async fn links_for_unknown_accounts_fail_without_retry_loops() {
    let env = env().await;
    let err = env
        .stripe
        .create_account_link("acct_nope", "https://r", "https://x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, StripeError::NotFound | StripeError::Refused { .. }),
        "{err:?}"
    );
    let err = env.stripe.create_login_link("acct_nope").await.unwrap_err();
    assert!(
        matches!(err, StripeError::NotFound | StripeError::Refused { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn balance_is_the_connected_accounts_in_every_currency() {
    let env = env().await;
    let id = env.seller("usr_a").await;
    env.set_balance(&id, "usd", 1234, 50).await;
    env.set_balance(&id, "eur", 10, 999).await;
    env.set_balance(&id, "xyz", 77, 77).await; // not a currency the domain supports: skipped
    env.set_balance("platform", "usd", 1_000_000, 0).await; // must not leak into the seller's
    let b = env.stripe.retrieve_balance(&id).await.unwrap();
    let m = |amount, c: &str| Money::new(amount, payouts::Currency::parse(c).unwrap());
    assert_eq!(b.available, vec![m(10, "eur"), m(1234, "usd")]);
    assert_eq!(b.pending, vec![m(999, "eur"), m(50, "usd")]);
    let requests = json!(env.requests("GET /v1/balance").await);
    assert!(
        requests.to_string().contains(&id),
        "sent as the connected account: {requests}"
    );
}

#[tokio::test]
async fn balance_of_a_new_account_is_zero() {
    let env = env().await;
    let id = env.seller("usr_a").await;
    let b = env.stripe.retrieve_balance(&id).await.unwrap();
    assert!(
        b.available.iter().chain(&b.pending).all(|m| m.amount == 0),
        "{b:?}"
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_and_never_echoed() {
    let env = env().await;
    let bad = env.adapter(
        "sk_test_WRONGSECRET123",
        Duration::from_secs(5),
        fast_retry(),
    );
    let err = bad.retrieve_account("acct_x").await.unwrap_err();
    match &err {
        // Stripe types a bad key as `invalid_request_error` (401, no code).
        StripeError::Refused { code, .. } => assert_eq!(code, "invalid_request_error"),
        other => panic!("{other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains("WRONGSECRET"), "{err:?}");
}

#[tokio::test]
async fn built_from_validated_settings() {
    let env = env().await;
    let base = env.server.base_url.clone();
    let key = env.server.api_key().to_string();
    let settings = settings::StripeSettings::from_lookup(|name| match name {
        "STRIPE_CONNECT_SECRET" => Some(key.clone()),
        "STRIPE_WEBHOOK_SECRET" | "STRIPE_CONNECT_WEBHOOK_SECRET" => Some("whsec_test".into()),
        "STRIPE_API_BASE" => Some(base.clone()),
        "STRIPE_TIMEOUT_MS" => Some("2000".into()),
        _ => None,
    })
    .expect("valid settings");
    let stripe = stripe_adapter::StripeAdapter::from_settings(&settings).expect("adapter builds");
    let id = env.seller("usr_a").await;
    assert!(stripe.retrieve_account(&id).await.unwrap().payouts_enabled);
    assert!(!format!("{stripe:?}").contains(&key));
}
