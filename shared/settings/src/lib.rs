//! Configuration from the environment, validated once at cold start.
//!
//! Settings are loaded by section so each function reads (and is granted) only what it needs:
//! [`StripeSettings`], [`JwtSettings`], [`TableNames`], [`HttpSettings`], [`OnboardingSettings`],
//! [`PayoutSettings`], [`BalanceSettings`], [`QueueSettings`], or everything at once with [`AppSettings`].
//! Every section has `from_env()` and `from_lookup(f)`; tests use the latter so they never touch
//! the process environment. Errors name the variable and what is wrong, and never echo a
//! secret's value. An empty (or all-whitespace) variable counts as unset.

mod app;
mod env;
mod jwt;
mod queue;
mod secret;
mod stripe;
mod tables;

pub use app::{
    AppSettings, BalanceSettings, HttpSettings, OnboardingSettings, PayoutSettings,
    ReconcileSettings,
};
pub use jwt::{JwksSettings, JwtAlgorithm, JwtKey, JwtSettings};
pub use queue::QueueSettings;
pub use secret::Secret;
pub use stripe::{StripeSettings, WebhookSecrets};
pub use tables::TableNames;

/// Every variable any section reads (each is documented in `.env.example`).
pub const VARIABLES: [&str; 33] = [
    "STRIPE_CONNECT_SECRET",
    "STRIPE_CONNECT_CLIENT_ID",
    "STRIPE_WEBHOOK_SECRET",
    "STRIPE_CONNECT_WEBHOOK_SECRET",
    "STRIPE_API_BASE",
    "STRIPE_LIVEMODE",
    "STRIPE_TIMEOUT_MS",
    "JWT_ALGORITHM",
    "JWT_SECRET",
    "JWT_PUBLIC_KEY",
    "JWT_JWKS_URL",
    "JWT_JWKS_REFRESH_SECONDS",
    "JWT_ISSUER",
    "JWT_AUDIENCE",
    "JWT_ROLE_CLAIM",
    "JWT_SELLER_ROLE",
    "JWT_LEEWAY_SECONDS",
    "SELLER_ACCOUNTS_TABLE",
    "PAYOUT_LEDGER_TABLE",
    "WEBHOOK_EVENTS_TABLE",
    "BALANCE_CACHE_TABLE",
    "DYNAMODB_ENDPOINT",
    "TRANSFER_QUEUE_URL",
    "SQS_ENDPOINT",
    "FRONTEND_URL",
    "PUBLIC_API_URL",
    "ONBOARDING_STATE_SECRET",
    "SELLER_RATE_PER_MINUTE",
    "SELLER_RATE_BURST",
    "PLATFORM_FEE_BPS",
    "DISPUTE_POLICY",
    "BALANCE_CACHE_TTL_SECONDS",
    "MAX_BODY_BYTES",
];

/// A configuration error: always names the variable, never contains a secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required variable is not set (or is empty).
    #[error("{var} is required but not set")]
    Missing {
        /// The environment variable's name.
        var: &'static str,
    },
    /// A variable is set but its value is not acceptable.
    #[error("{var} is invalid: {reason}")]
    Invalid {
        /// The environment variable's name.
        var: &'static str,
        /// What is wrong (safe text: never the secret value itself).
        reason: String,
    },
}

impl ConfigError {
    /// An [`ConfigError::Invalid`] for `var`; `reason` must not contain a secret value.
    pub fn invalid(var: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            var,
            reason: reason.into(),
        }
    }

    /// The name of the variable at fault.
    pub fn var(&self) -> &'static str {
        match self {
            Self::Missing { var } | Self::Invalid { var, .. } => var,
        }
    }
}

/// Reads a variable from the process environment (the lookup behind every `from_env()`).
pub fn env_lookup(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
