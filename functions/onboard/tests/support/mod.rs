//! Test support shared by the onboard, callback and balance suites (the other two include this
//! file with `#[path]`, so nothing is copied): their environment, the facade as `main.rs` builds
//! it, and the local Stripe server with the real adapter on it. Requests, tokens and the Stripe
//! control client come from `harness`.
#![allow(dead_code)] // each suite uses a different subset

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use harness::stripe::Control;
use interceptors::metrics::MemorySink;
use interceptors::{Authenticator, Interceptors, Metrics};
use settings::{HttpSettings, JwtSettings, OnboardingSettings, TableNames};
use stripe_adapter::{RetryPolicy, StripeAdapter};

pub const STATE_SECRET: &str = "test-state-secret-0123456789abcdef01";
pub const FRONTEND_URL: &str = "https://app.example.com/sell";
pub const PUBLIC_API_URL: &str = "https://api.example.com";

/// The environment the functions would see (minus tables and Stripe, built per test).
pub fn env(var: &str) -> Option<String> {
    let value = match var {
        "JWT_ALGORITHM" => "HS256",
        "JWT_SECRET" => harness::jwt::SECRET,
        "FRONTEND_URL" => FRONTEND_URL,
        "PUBLIC_API_URL" => PUBLIC_API_URL,
        "ONBOARDING_STATE_SECRET" => STATE_SECRET,
        // Suites call onboard for one seller many times (concurrency, retries): a budget they
        // never meet. tests/budget.rs (callback) proves the limit with a small one.
        "SELLER_RATE_PER_MINUTE" => "600",
        "SELLER_RATE_BURST" => "100",
        _ => return None,
    };
    Some(value.to_owned())
}

pub fn onboarding() -> onboarding::Onboarding {
    onboarding::Onboarding::new(&OnboardingSettings::from_lookup(env).expect("settings"))
        .expect("urls")
}

/// The facade as main.rs builds it, with metrics captured in memory.
pub async fn interceptors(function: &str, with_auth: bool) -> (Interceptors, Arc<MemorySink>) {
    let sink = MemorySink::new();
    let http = HttpSettings::from_lookup(env).expect("http settings");
    let auth = match with_auth {
        true => Some(
            Authenticator::new(&JwtSettings::from_lookup(env).expect("jwt settings"))
                .await
                .expect("auth"),
        ),
        false => None,
    };
    (
        Interceptors::new(Metrics::new(function, sink.clone()), &http, auth),
        sink,
    )
}

/// How many records carry `metric` (business metrics are written with value 1).
pub fn metric_count(sink: &MemorySink, metric: &str) -> usize {
    sink.records()
        .iter()
        .filter(|r| r.get(metric).is_some())
        .count()
}

/// A DynamoDB client on moto and a fresh set of the template's tables.
pub async fn tables() -> (store::Client, TableNames) {
    let dynamo = harness::dynamo().await;
    let names = dynamo.tables().await;
    (dynamo.client, names)
}

/// One local Stripe server per test (its state is per instance), driven through its control
/// client (`Deref`), with the real adapter on it.
pub struct Stripe {
    pub server: harness::StripeServer,
    control: Control,
}

impl Deref for Stripe {
    type Target = Control;
    fn deref(&self) -> &Control {
        &self.control
    }
}

impl Stripe {
    pub async fn start() -> Stripe {
        let server = harness::stripe().await;
        let control = Control::new(&server);
        Stripe { server, control }
    }

    /// The real adapter on this server: 2 s per attempt, the production retry policy.
    pub fn adapter(&self) -> StripeAdapter {
        self.adapter_with(Duration::from_secs(2), RetryPolicy::default())
    }

    pub fn adapter_with(&self, timeout: Duration, retry: RetryPolicy) -> StripeAdapter {
        StripeAdapter::new(&self.server.base_url, self.server.api_key(), timeout)
            .expect("adapter")
            .with_retry(retry)
    }

    /// The next `count` calls to `method path` fail with `kind` (`status_500`, `status_429`,
    /// `hang` for 3 s) in front of the API (nothing saved under the idempotency key).
    pub async fn fail(&self, method: &str, path: &str, kind: &str, count: u32) {
        let fault = harness::stripe::Fault::new(method, path, kind)
            .times(count)
            .hang_ms(3000);
        self.control.fault(fault).await;
    }
}
