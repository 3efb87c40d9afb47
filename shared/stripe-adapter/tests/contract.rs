//! The Stripe ports' contract suite (`payouts::contract::stripe`) on the real adapter, over HTTP
//! against the local Stripe server: the same cases the in-memory double passes
//! (`shared/payouts/tests/contract_memory.rs`), so the double is trusted for what they cover.

use crate::common;

use async_trait::async_trait;
use payouts::contract::stripe::{Payment, StripePorts, StripeWorld};
use payouts::contract::stripe_contract;
use serde_json::{Map, Value, json};

/// One local Stripe server and the adapter pointed at it, arranged through its control API.
struct LocalStripe(common::Env);

#[async_trait]
impl StripeWorld for LocalStripe {
    fn stripe(&self) -> &dyn StripePorts {
        &self.0.stripe
    }

    async fn complete_onboarding(&self, account: &str) {
        self.0.complete_onboarding(account).await;
    }

    async fn set_transfers_active(&self, account: &str, active: bool) {
        let status = if active { "active" } else { "inactive" };
        self.0
            .onboarding(account, json!({ "transfers": status }))
            .await;
    }

    async fn pay(&self, currency: &str, amount: i64, metadata: &[(&str, &str)]) -> Payment {
        let metadata: Map<String, Value> = metadata
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect();
        let paid = self
            .0
            .pay_with_metadata(currency, amount, Value::Object(metadata), false)
            .await;
        Payment {
            payment_intent: paid.payment_intent,
            charge: paid.charge,
            event: paid.event,
        }
    }

    async fn make_available(&self, charge: &str) {
        self.0.make_available(charge).await;
    }

    async fn set_available(&self, account: &str, currency: &str, amount: i64) {
        self.0.set_available(account, currency, amount).await;
    }

    async fn settle_in(&self, currency: &str, presented: &str, rate: f64) {
        let body = json!({ "currency": currency, "rates": { presented: rate } });
        self.0.post("settlement", body).await;
    }

    async fn now(&self) -> i64 {
        self.0.now().await
    }

    async fn advance_clock(&self, seconds: i64) {
        self.0.advance_clock(seconds).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_adapter_keeps_the_stripe_contract() {
    stripe_contract(async || LocalStripe(common::env().await)).await;
}
