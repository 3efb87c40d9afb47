//! Server configuration: accepted API keys, webhook forward targets and the delivery policy.

use std::net::SocketAddr;
use std::time::Duration;

/// Where events are forwarded, like `stripe listen --forward-to URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookTarget {
    pub url: String,
    /// One `v1` signature is sent per secret, so two secrets simulate a secret roll.
    pub secrets: Vec<String>,
}

/// How hard the server tries to deliver an event before giving up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Total attempts per event and target (first try included).
    pub max_attempts: u32,
    /// Delay before the 2nd attempt; doubled for each further attempt (capped at 5 s).
    pub backoff: Duration,
    /// Per-attempt HTTP timeout.
    pub timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            backoff: Duration::from_millis(100),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Everything [`crate::spawn`] needs.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to bind; `None` binds `127.0.0.1:0` (an ephemeral port).
    pub addr: Option<SocketAddr>,
    /// Secret keys accepted in `Authorization: Bearer ...`.
    pub api_keys: Vec<String>,
    /// Platform events (`payment_intent.succeeded`, `charge.refunded`).
    pub platform_webhook: Option<WebhookTarget>,
    /// Connect events (`account.updated`); when unset they go to the platform target, as
    /// `stripe listen` does without `--forward-connect-to`.
    pub connect_webhook: Option<WebhookTarget>,
    pub delivery: DeliveryPolicy,
}

/// The key tests use unless they configure another one.
pub const DEFAULT_API_KEY: &str = "sk_test_stripe_local";

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: None,
            api_keys: vec![DEFAULT_API_KEY.to_owned()],
            platform_webhook: None,
            connect_webhook: None,
            delivery: DeliveryPolicy::default(),
        }
    }
}

impl Config {
    /// A config accepting `key`, no webhook targets.
    pub fn with_key(key: impl Into<String>) -> Self {
        Self {
            api_keys: vec![key.into()],
            ..Self::default()
        }
    }
}
