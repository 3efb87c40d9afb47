//! Connected accounts: Express account creation, state, onboarding and login links, balances.

use std::collections::HashMap;

use async_trait::async_trait;
use payouts::AccountFlags;
use payouts::ports::{
    AccountLink, Balance, Balances, ConnectAccounts, NewExpressAccount, StripeError,
};
use stripe::StripeRequest;
use stripe_connect::account::{
    CreateAccount, CreateAccountCapabilities, CreateAccountCapabilitiesTransfers,
    CreateAccountType, RetrieveAccount,
};
use stripe_connect::account_link::{CreateAccountLink, CreateAccountLinkType};
use stripe_connect::login_link::CreateAccountLoginLink;
use stripe_core::balance::RetrieveForMyAccountBalance;

use crate::retry::with_retry;
use crate::{StripeAdapter, convert, idempotent};

/// The metadata key holding the marketplace user id on the Stripe account (lets support and
/// reconciliation find the seller from Stripe's side).
pub const USER_ID_METADATA: &str = "user_id";

#[async_trait]
impl ConnectAccounts for StripeAdapter {
    async fn create_express_account(
        &self,
        account: &NewExpressAccount,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        let strategy = idempotent(idempotency_key)?;
        let mut capabilities = CreateAccountCapabilities::new();
        capabilities.transfers = Some(CreateAccountCapabilitiesTransfers {
            requested: Some(true),
        });
        let metadata = HashMap::from([(USER_ID_METADATA.to_string(), account.user_id.clone())]);
        let mut req = CreateAccount::new()
            .type_(CreateAccountType::Express)
            .capabilities(capabilities)
            .metadata(metadata);
        if let Some(email) = &account.email {
            req = req.email(email.clone());
        }
        if let Some(country) = &account.country {
            req = req.country(country.clone());
        }
        let created = with_retry(&self.retry, "create_account", || {
            req.customize()
                .request_strategy(strategy.clone())
                .send(&self.client)
        })
        .await?;
        Ok(created.id.as_str().to_string())
    }

    async fn retrieve_account(&self, stripe_account_id: &str) -> Result<AccountFlags, StripeError> {
        let req = RetrieveAccount::new(stripe_account_id);
        let account = with_retry(&self.retry, "retrieve_account", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(convert::account_flags(&account))
    }

    async fn create_account_link(
        &self,
        stripe_account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, StripeError> {
        // No idempotency key: links are single-use and short-lived, a fresh one per call is right.
        let req =
            CreateAccountLink::new(stripe_account_id, CreateAccountLinkType::AccountOnboarding)
                .refresh_url(refresh_url)
                .return_url(return_url);
        let link = with_retry(&self.retry, "create_account_link", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(AccountLink {
            url: link.url,
            expires_at: link.expires_at,
        })
    }

    async fn create_login_link(&self, stripe_account_id: &str) -> Result<String, StripeError> {
        let req = CreateAccountLoginLink::new(stripe_account_id);
        let link = with_retry(&self.retry, "create_login_link", || {
            req.customize().send(&self.client)
        })
        .await?;
        Ok(link.url)
    }
}

#[async_trait]
impl Balances for StripeAdapter {
    /// Called *as* the connected account (`Stripe-Account` header), so Stripe returns that
    /// account's balance, every currency of it.
    async fn retrieve_balance(&self, stripe_account_id: &str) -> Result<Balance, StripeError> {
        let req = RetrieveForMyAccountBalance::new();
        let balance = with_retry(&self.retry, "retrieve_balance", || {
            req.customize()
                .account_id(stripe_account_id.into())
                .send(&self.client)
        })
        .await?;
        Ok(convert::balance(&balance))
    }
}
