//! Stripe adapter for the payout ports ([`ConnectAccounts`], [`Balances`], [`Transfers`],
//! [`EventSource`]) over async-stripe 1.0.0-rc.10 (hyper + rustls).
//!
//! - Built once per cold start ([`StripeAdapter::from_settings`]); cheap to clone.
//! - Every attempt has a timeout (the client's own); a timeout is `StripeError::Unavailable`.
//! - Writes carry the caller's idempotency key (`RequestStrategy::Idempotent`, sent once by
//!   async-stripe) and are retried here with that same key ([`RetryPolicy`]); reads are retried
//!   the same way without a key. Error mapping: see the `error` module.
//! - The secret key lives only in the client's (sensitive) header; errors are scrubbed of
//!   anything that looks like a key, and nothing here logs request bodies.
//!
//! [`ConnectAccounts`]: payouts::ports::ConnectAccounts
//! [`Balances`]: payouts::ports::Balances
//! [`Transfers`]: payouts::ports::Transfers
//! [`EventSource`]: payouts::ports::EventSource

mod accounts;
mod convert;
mod error;
mod events;
mod retry;
mod transfers;

use std::time::Duration;

use payouts::ports::StripeError;
use stripe::{IdempotencyKey, RequestStrategy};

pub use accounts::USER_ID_METADATA;
pub use convert::{dispute_facts, payment_facts, refund_event_facts, refund_facts};
pub use retry::RetryPolicy;
pub use transfers::{ORDER_ID_METADATA, REVERSAL_KEY_METADATA, SELLER_METADATA};

/// Stripe, as the payout functions see it.
#[derive(Clone, Debug)]
pub struct StripeAdapter {
    client: stripe::Client,
    retry: RetryPolicy,
}

/// The adapter could not be built (bad base URL, key not usable as a header). Never contains
/// the key itself.
#[derive(Debug, thiserror::Error)]
#[error("stripe client configuration: {0}")]
pub struct BuildError(String);

impl StripeAdapter {
    /// `api_base` is Stripe's origin (`https://api.stripe.com`, or the local server's URL), with
    /// or without a trailing slash; `timeout` bounds each HTTP attempt.
    pub fn new(api_base: &str, secret_key: &str, timeout: Duration) -> Result<Self, BuildError> {
        // hyper-rustls asks rustls for the process-wide crypto provider, which rustls can only
        // guess when exactly one is compiled in; reqwest brings ring next to async-stripe's
        // aws-lc-rs, and the guess then panics. Install ours (a no-op if one is already set).
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        // async-stripe appends `v1/...` to the base verbatim: it must end with exactly one '/'.
        let base = format!("{}/", api_base.trim_end_matches('/'));
        let client = stripe::ClientBuilder::new(secret_key)
            .url(base)
            .timeout(timeout)
            .request_strategy(RequestStrategy::Once)
            .build()
            .map_err(|e| BuildError(error::scrub(&e.to_string())))?;
        Ok(StripeAdapter {
            client,
            retry: RetryPolicy::default(),
        })
    }

    /// The adapter for the validated Stripe settings.
    pub fn from_settings(settings: &settings::StripeSettings) -> Result<Self, BuildError> {
        Self::new(
            &settings.api_base,
            settings.secret_key.expose(),
            settings.timeout,
        )
    }

    /// Replaces the in-process retry policy (default: 3 attempts, ~100-400 ms jittered backoff).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }
}

/// The request strategy for a write: the caller's key, sent once per attempt of our loop.
fn idempotent(key: &str) -> Result<RequestStrategy, StripeError> {
    IdempotencyKey::new(key)
        .map(RequestStrategy::Idempotent)
        .map_err(|e| StripeError::Refused {
            code: "invalid_idempotency_key".into(),
            message: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_with_any_base_spelling() {
        for base in [
            "http://127.0.0.1:1",
            "http://127.0.0.1:1/",
            "https://api.stripe.com//",
        ] {
            assert!(StripeAdapter::new(base, "sk_test_x", Duration::from_secs(1)).is_ok());
        }
    }

    #[test]
    fn build_errors_do_not_echo_the_key() {
        // A newline cannot go in a header: the builder refuses, and must not quote the key.
        let err = StripeAdapter::new(
            "http://127.0.0.1:1",
            "sk_test_TOP\nSECRET",
            Duration::from_secs(1),
        )
        .expect_err("invalid header value");
        assert!(!err.to_string().contains("TOP"), "{err}");
        assert!(!err.to_string().contains("SECRET"), "{err}");
        let err = StripeAdapter::new("not a url", "sk_test_HIDDEN", Duration::from_secs(1))
            .expect_err("invalid url");
        assert!(!err.to_string().contains("HIDDEN"), "{err}");
    }

    #[test]
    fn idempotency_keys_are_validated() {
        assert!(idempotent("veza-tr:o:s").is_ok());
        assert!(matches!(idempotent(""), Err(StripeError::Refused { .. })));
        assert!(matches!(
            idempotent(&"k".repeat(256)),
            Err(StripeError::Refused { .. })
        ));
        assert!(idempotent(&"k".repeat(255)).is_ok());
    }

    #[test]
    fn debug_output_never_contains_the_key() {
        let adapter = StripeAdapter::new(
            "http://127.0.0.1:1",
            "sk_test_TOPSECRET",
            Duration::from_secs(1),
        )
        .expect("builds");
        assert!(!format!("{adapter:?}").contains("TOPSECRET"));
    }
}
