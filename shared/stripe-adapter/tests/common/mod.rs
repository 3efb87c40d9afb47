//! A local Stripe server per test, the adapter pointed at it, and its control client
//! (`harness::stripe::Control`, reached through `Deref`).
#![allow(dead_code)] // each test binary uses a different subset

use std::ops::Deref;
use std::time::Duration;

use harness::stripe::Control;
use payouts::ports::{ConnectAccounts, NewExpressAccount};
use serde_json::{Value, json};
use stripe_adapter::{RetryPolicy, StripeAdapter};

pub struct Env {
    pub server: harness::StripeServer,
    pub stripe: StripeAdapter,
    control: Control,
}

impl Deref for Env {
    type Target = Control;
    fn deref(&self) -> &Control {
        &self.control
    }
}

/// Short backoff so retried tests stay quick; three attempts as in production.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 3,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
    }
}

pub async fn env() -> Env {
    env_with_timeout(Duration::from_secs(5)).await
}

pub async fn env_with_timeout(timeout: Duration) -> Env {
    let server = harness::stripe().await;
    let stripe = StripeAdapter::new(&server.base_url, server.api_key(), timeout)
        .expect("adapter builds")
        .with_retry(fast_retry());
    let control = Control::new(&server);
    Env {
        server,
        stripe,
        control,
    }
}

impl Env {
    /// Another adapter on the same server (other key, timeout or retry policy).
    pub fn adapter(&self, key: &str, timeout: Duration, retry: RetryPolicy) -> StripeAdapter {
        StripeAdapter::new(&self.server.base_url, key, timeout)
            .expect("adapter builds")
            .with_retry(retry)
    }

    /// An Express account created through the adapter, onboarding completed.
    pub async fn seller(&self, user_id: &str) -> String {
        let id = self
            .stripe
            .create_express_account(
                &NewExpressAccount {
                    user_id: user_id.into(),
                    email: None,
                    country: Some("US".into()),
                },
                &payouts::keys::account_key(user_id),
            )
            .await
            .expect("account created");
        self.complete_onboarding(&id).await;
        id
    }

    /// A buyer pays `amount` in USD for `order` (its transfer group); returns (payment_intent
    /// id, charge id). No event is delivered.
    pub async fn pay(&self, order: &str, amount: i64, metadata: Value) -> (String, String) {
        let paid = self
            .payment(json!({
                "order_id": order, "currency": "usd", "amount": amount, "metadata": metadata,
                "deliver": false,
            }))
            .await;
        (paid.payment_intent, paid.charge)
    }
}
