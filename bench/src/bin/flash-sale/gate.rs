//! A lever measured by the simulation, not deployed: at most N Stripe calls in flight in the
//! process (a semaphore around each port call, the adapter's own retries inside it), so that the
//! handlers queue in the process instead of all asking Stripe at once. `N = 0` passes every call
//! straight through, as the webhook does today.

use std::sync::Arc;

use async_trait::async_trait;
use payouts::ports::{
    AccountLink, ConnectAccounts, GroupTransfer, NewExpressAccount, StripeError, TransferRef,
    TransferRequest, Transfers,
};
use payouts::{AccountFlags, PaymentFacts, Settlement};
use tokio::sync::{Semaphore, SemaphorePermit};

pub struct Gated<A> {
    inner: A,
    slots: Option<Arc<Semaphore>>,
}

impl<A> Gated<A> {
    pub fn new(inner: A, in_flight: usize) -> Self {
        Gated {
            inner,
            slots: (in_flight > 0).then(|| Arc::new(Semaphore::new(in_flight))),
        }
    }

    async fn slot(&self) -> Option<SemaphorePermit<'_>> {
        match &self.slots {
            Some(slots) => slots.acquire().await.ok(),
            None => None,
        }
    }
}

#[async_trait]
impl<A: ConnectAccounts> ConnectAccounts for Gated<A> {
    async fn create_express_account(
        &self,
        account: &NewExpressAccount,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        let _slot = self.slot().await;
        self.inner
            .create_express_account(account, idempotency_key)
            .await
    }

    async fn retrieve_account(&self, stripe_account_id: &str) -> Result<AccountFlags, StripeError> {
        let _slot = self.slot().await;
        self.inner.retrieve_account(stripe_account_id).await
    }

    async fn create_account_link(
        &self,
        stripe_account_id: &str,
        refresh_url: &str,
        return_url: &str,
    ) -> Result<AccountLink, StripeError> {
        let _slot = self.slot().await;
        self.inner
            .create_account_link(stripe_account_id, refresh_url, return_url)
            .await
    }

    async fn create_login_link(&self, stripe_account_id: &str) -> Result<String, StripeError> {
        let _slot = self.slot().await;
        self.inner.create_login_link(stripe_account_id).await
    }
}

#[async_trait]
impl<A: Transfers> Transfers for Gated<A> {
    async fn create_transfer(
        &self,
        transfer: &TransferRequest,
        idempotency_key: &str,
    ) -> Result<TransferRef, StripeError> {
        let _slot = self.slot().await;
        self.inner.create_transfer(transfer, idempotency_key).await
    }

    async fn find_transfer(
        &self,
        transfer_group: &str,
        destination: &str,
    ) -> Result<Option<TransferRef>, StripeError> {
        let _slot = self.slot().await;
        self.inner.find_transfer(transfer_group, destination).await
    }

    async fn retrieve_transfer(&self, transfer_id: &str) -> Result<TransferRef, StripeError> {
        let _slot = self.slot().await;
        self.inner.retrieve_transfer(transfer_id).await
    }

    async fn create_reversal(
        &self,
        transfer_id: &str,
        amount: i64,
        idempotency_key: &str,
    ) -> Result<String, StripeError> {
        let _slot = self.slot().await;
        self.inner
            .create_reversal(transfer_id, amount, idempotency_key)
            .await
    }

    async fn charge_settlement(&self, charge_id: &str) -> Result<Settlement, StripeError> {
        let _slot = self.slot().await;
        self.inner.charge_settlement(charge_id).await
    }

    async fn retrieve_payment(&self, payment_intent_id: &str) -> Result<PaymentFacts, StripeError> {
        let _slot = self.slot().await;
        self.inner.retrieve_payment(payment_intent_id).await
    }

    async fn transfers_in_group(
        &self,
        transfer_group: &str,
    ) -> Result<Vec<GroupTransfer>, StripeError> {
        let _slot = self.slot().await;
        self.inner.transfers_in_group(transfer_group).await
    }
}
