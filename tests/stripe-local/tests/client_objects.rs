//! Every object the functions use, fetched with the REAL async-stripe client (so its
//! deserializers prove the shapes), plus the money rules the payout code relies on.

use crate::common;

use common::{start, stripe_code};
use serde_json::json;
use std::collections::HashMap;
use stripe::StripeRequest;
use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers,
    CreateAccountType, RetrieveAccount,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::login_link::CreateAccountLoginLink;
use stripe_connect::transfer::{CreateTransfer, ListTransfer, RetrieveTransfer};
use stripe_connect::transfer_reversal::CreateIdTransferReversal;
use stripe_core::balance::RetrieveForMyAccountBalance;
use stripe_core::charge::RetrieveCharge;
use stripe_core::event::RetrieveEvent;
use stripe_core::payment_intent::RetrievePaymentIntent;
use stripe_shared::{AccountCapabilitiesStatus, AccountId};

#[tokio::test]
async fn accounts_links_and_login_links() {
    let local = start().await;
    let client = local.stripe();
    let mut caps = CreateAccountCapabilities::new();
    caps.transfers = Some(CreateAccountCapabilitiesTransfers {
        requested: Some(true),
    });
    let metadata = HashMap::from([("user_id".to_owned(), "u1".to_owned())]);
    let created = CreateAccount::new()
        .type_(CreateAccountType::Express)
        .country("FR")
        .email("seller@example.com")
        .capabilities(caps)
        .metadata(metadata)
        .send(&client)
        .await
        .expect("create account");
    assert!(created.id.as_str().starts_with("acct_"));
    assert_eq!(created.details_submitted, Some(false));
    assert_eq!(created.payouts_enabled, Some(false));
    assert_eq!(created.metadata.as_ref().unwrap()["user_id"], "u1");
    let req = created.requirements.as_ref().unwrap();
    assert!(!req.currently_due.as_ref().unwrap().is_empty());
    assert_eq!(
        created.capabilities.as_ref().unwrap().transfers,
        Some(AccountCapabilitiesStatus::Inactive)
    );

    let link = CreateAccountLink::new(
        created.id.as_str(),
        CreateAccountLinkType::AccountOnboarding,
    )
    .refresh_url("https://app.example/refresh")
    .return_url("https://app.example/return")
    .send(&client)
    .await
    .expect("account link");
    assert_eq!(link.expires_at, link.created + 300);
    assert!(link.url.starts_with(local.base()), "{}", link.url);

    // No login link before onboarding, like Stripe.
    let err = CreateAccountLoginLink::new(created.id.clone())
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(stripe_code(&err).1, 400);

    local
        .control(
            &format!("accounts/{}/onboarding", created.id.as_str()),
            json!({ "complete": true }),
        )
        .await;
    let fetched = RetrieveAccount::new(created.id.clone())
        .send(&client)
        .await
        .expect("retrieve");
    assert_eq!(fetched.details_submitted, Some(true));
    assert_eq!(fetched.charges_enabled, Some(true));
    assert_eq!(fetched.payouts_enabled, Some(true));
    assert!(
        fetched
            .requirements
            .unwrap()
            .currently_due
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        fetched.capabilities.unwrap().transfers,
        Some(AccountCapabilitiesStatus::Active)
    );

    let login = CreateAccountLoginLink::new(created.id.clone())
        .send(&client)
        .await
        .expect("login link");
    assert!(login.url.contains(created.id.as_str()));

    let missing = RetrieveAccount::new("acct_missing")
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(
        stripe_code(&missing),
        (Some("resource_missing".into()), 404)
    );
}

#[tokio::test]
async fn balances_per_currency_as_connected_account() {
    let local = start().await;
    let client = local.stripe();
    let acct = local.onboarded_account().await;
    local
        .control(
            &format!("accounts/{acct}/balance"),
            json!({ "currency": "eur", "available": 1200, "pending": 300 }),
        )
        .await;
    local
        .control(
            &format!("accounts/{acct}/balance"),
            json!({ "currency": "usd", "available": 50, "pending": 0 }),
        )
        .await;
    let bal = RetrieveForMyAccountBalance::new()
        .customize()
        .account_id(AccountId::from(acct.as_str()))
        .send(&client)
        .await
        .expect("balance");
    let avail: Vec<(String, i64)> = bal
        .available
        .iter()
        .map(|b| (b.currency.to_string(), b.amount))
        .collect();
    assert_eq!(
        avail,
        vec![("eur".to_owned(), 1200), ("usd".to_owned(), 50)]
    );
    assert_eq!(bal.pending.iter().map(|b| b.amount).sum::<i64>(), 300);
    assert!(!bal.livemode);
    // The platform's own balance is separate.
    let platform = RetrieveForMyAccountBalance::new()
        .send(&client)
        .await
        .expect("platform balance");
    assert_eq!(platform.available.iter().map(|b| b.amount).sum::<i64>(), 0);
}

#[tokio::test]
async fn payment_transfer_list_reversal_and_reads() {
    let local = start().await;
    let client = local.stripe();
    let acct = local.onboarded_account().await;
    let paid = local.pay("order-1", 2000, "eur").await;
    let pi_id = paid["payment_intent"]["id"].as_str().unwrap().to_owned();

    let pi = RetrievePaymentIntent::new(pi_id.as_str())
        .send(&client)
        .await
        .expect("pi");
    assert_eq!(pi.amount_received, 2000);
    assert_eq!(pi.metadata["order_id"], "order-1");
    let charge_id = pi.latest_charge.as_ref().unwrap().id().to_string();
    let expanded = RetrievePaymentIntent::new(pi_id.as_str())
        .expand(vec!["latest_charge".to_owned()])
        .send(&client)
        .await
        .expect("expanded pi");
    assert!(expanded.latest_charge.unwrap().as_object().is_some());

    let charge = RetrieveCharge::new(charge_id.as_str())
        .send(&client)
        .await
        .expect("charge");
    assert_eq!(charge.amount, 2000);
    assert_eq!(charge.metadata["seller_u1"], "700");

    let transfer = CreateTransfer::new(stripe_types::Currency::EUR, acct.as_str())
        .amount(700)
        .source_transaction(charge_id.as_str())
        .transfer_group("order-1")
        .metadata(HashMap::from([(
            "order_id".to_owned(),
            "order-1".to_owned(),
        )]))
        .send(&client)
        .await
        .expect("transfer");
    assert_eq!(transfer.amount, 700);
    assert_eq!(transfer.transfer_group.as_deref(), Some("order-1"));

    // Cannot transfer more than the charge from it.
    let too_much = CreateTransfer::new(stripe_types::Currency::EUR, acct.as_str())
        .amount(1301)
        .source_transaction(charge_id.as_str())
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(
        stripe_code(&too_much),
        (Some("amount_too_large".into()), 400)
    );

    let listed = ListTransfer::new()
        .transfer_group("order-1")
        .send(&client)
        .await
        .expect("list");
    assert_eq!(listed.data.len(), 1);
    assert!(!listed.has_more);
    assert_eq!(listed.data[0].id, transfer.id);
    let none = ListTransfer::new()
        .transfer_group("other")
        .send(&client)
        .await
        .expect("list");
    assert!(none.data.is_empty());

    let rev = CreateIdTransferReversal::new(transfer.id.clone())
        .amount(200)
        .send(&client)
        .await
        .expect("reversal");
    assert_eq!(rev.amount, 200);
    let after = RetrieveTransfer::new(transfer.id.clone())
        .send(&client)
        .await
        .expect("retrieve transfer");
    assert_eq!(after.amount_reversed, 200);
    assert_eq!(after.reversals.data.len(), 1);
    assert!(!after.reversed);

    let bal = RetrieveForMyAccountBalance::new()
        .customize()
        .account_id(AccountId::from(acct.as_str()))
        .send(&client)
        .await
        .unwrap();
    // Funded from a charge that is still pending: the seller's money is pending too.
    assert_eq!((bal.available[0].amount, bal.pending[0].amount), (0, 500));

    let event_id = paid["event_id"].as_str().unwrap();
    let event = RetrieveEvent::new(event_id)
        .send(&client)
        .await
        .expect("event");
    assert_eq!(event.type_.as_str(), "payment_intent.succeeded");
    assert_eq!(
        event.api_version.as_deref(),
        Some(stripe_shared::version::VERSION.as_str())
    );
}

#[tokio::test]
async fn insufficient_funds_without_source_transaction() {
    let local = start().await;
    let client = local.stripe();
    let acct = local.onboarded_account().await;
    let err = CreateTransfer::new(stripe_types::Currency::USD, acct.as_str())
        .amount(100)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(stripe_code(&err), (Some("insufficient_funds".into()), 400));
    // Once the platform holds funds, the same transfer goes through.
    local
        .control(
            "accounts/platform/balance",
            json!({ "currency": "usd", "available": 100 }),
        )
        .await;
    let t = CreateTransfer::new(stripe_types::Currency::USD, acct.as_str())
        .amount(100)
        .send(&client)
        .await
        .expect("transfer");
    assert!(t.source_transaction.is_none());
}

#[tokio::test]
async fn transfers_need_an_active_transfers_capability() {
    let local = start().await;
    let client = local.stripe();
    let acct = local.account().await;
    local
        .control(
            "accounts/platform/balance",
            json!({ "currency": "eur", "available": 100 }),
        )
        .await;
    let err = CreateTransfer::new(stripe_types::Currency::EUR, acct.as_str())
        .amount(100)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(
        stripe_code(&err),
        (Some("insufficient_capabilities_for_transfer".into()), 400)
    );
}

#[tokio::test]
async fn reversal_refused_when_connected_balance_too_low() {
    let local = start().await;
    let client = local.stripe();
    let acct = local.onboarded_account().await;
    let paid = local.pay("order-2", 1000, "eur").await;
    let charge = paid["charge"]["id"].as_str().unwrap();
    let t = CreateTransfer::new(stripe_types::Currency::EUR, acct.as_str())
        .amount(600)
        .source_transaction(charge)
        .send(&client)
        .await
        .unwrap();
    // The charge's funds became available and the seller paid them out: too low to reverse.
    local
        .control(&format!("charges/{charge}/available"), json!({}))
        .await;
    local
        .control(
            &format!("accounts/{acct}/balance"),
            json!({ "currency": "eur", "available": 100 }),
        )
        .await;
    let err = CreateIdTransferReversal::new(t.id.clone())
        .amount(300)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(
        stripe_code(&err),
        (Some("balance_insufficient".into()), 400)
    );
    let err = CreateIdTransferReversal::new(t.id.clone())
        .amount(601)
        .send(&client)
        .await
        .unwrap_err();
    assert_eq!(stripe_code(&err), (Some("amount_too_large".into()), 400));
    let unchanged = RetrieveTransfer::new(t.id.clone())
        .send(&client)
        .await
        .unwrap();
    assert_eq!(unchanged.amount_reversed, 0);
}
