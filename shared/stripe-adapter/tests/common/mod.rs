//! A local Stripe server per test, the adapter pointed at it, and the control API.
#![allow(dead_code)] // each test binary uses a different subset

use std::time::Duration;

use payouts::ports::{ConnectAccounts, NewExpressAccount};
use serde_json::{Value, json};
use stripe_adapter::{RetryPolicy, StripeAdapter};

pub struct Env {
    pub server: stripe_local::Handle,
    pub stripe: StripeAdapter,
    http: reqwest::Client,
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
    let server = stripe_local::spawn(stripe_local::Config::default())
        .await
        .expect("local stripe starts");
    let stripe = StripeAdapter::new(&server.base_url, server.api_key(), timeout)
        .expect("adapter builds")
        .with_retry(fast_retry());
    Env {
        server,
        stripe,
        http: reqwest::Client::new(),
    }
}

impl Env {
    /// Another adapter on the same server (other key, timeout or retry policy).
    pub fn adapter(&self, key: &str, timeout: Duration, retry: RetryPolicy) -> StripeAdapter {
        StripeAdapter::new(&self.server.base_url, key, timeout)
            .expect("adapter builds")
            .with_retry(retry)
    }

    pub async fn control(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(self.server.control_url(path))
            .json(&body)
            .send()
            .await
            .expect("control call");
        let status = res.status();
        let value: Value = res.json().await.expect("control json");
        assert!(
            status.is_success(),
            "POST /_control/{path}: {status} {value}"
        );
        value
    }

    pub async fn control_get(&self, path: &str) -> Value {
        self.http
            .get(self.server.control_url(path))
            .send()
            .await
            .expect("control call")
            .json()
            .await
            .expect("control json")
    }

    /// A raw API read, to check what the adapter sent.
    pub async fn api_get(&self, path: &str) -> Value {
        self.http
            .get(format!("{}v1/{path}", self.server.base_url))
            .bearer_auth(self.server.api_key())
            .send()
            .await
            .expect("api call")
            .json()
            .await
            .expect("api json")
    }

    /// The next `count` calls to `method path` fail with `kind` at `stage`.
    pub async fn fault(
        &self,
        method: &str,
        path: &str,
        kind: &str,
        count: u32,
        stage: &str,
        hang_ms: u64,
    ) {
        self.control(
            "faults",
            json!({"method": method, "path": path, "kind": kind, "count": count, "stage": stage, "hang_ms": hang_ms}),
        )
        .await;
    }

    pub async fn object_count(&self, what: &str) -> i64 {
        self.control_get("objects").await[what]
            .as_i64()
            .expect("count")
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
        self.control(
            &format!("accounts/{id}/onboarding"),
            json!({"complete": true}),
        )
        .await;
        id
    }

    /// A buyer pays `amount` for `order`; returns (payment_intent id, charge id).
    pub async fn pay(&self, order: &str, amount: i64, metadata: Value) -> (String, String) {
        let out = self
            .control(
                "payments",
                json!({"order_id": order, "currency": "usd", "amount": amount, "metadata": metadata, "deliver": false}),
            )
            .await;
        let pi = out["payment_intent"]["id"]
            .as_str()
            .expect("pi id")
            .to_string();
        let ch = out["charge"]["id"].as_str().expect("charge id").to_string();
        (pi, ch)
    }

    pub async fn set_balance(&self, owner: &str, currency: &str, available: i64, pending: i64) {
        self.control(
            &format!("accounts/{owner}/balance"),
            json!({"currency": currency, "available": available, "pending": pending}),
        )
        .await;
    }
}
