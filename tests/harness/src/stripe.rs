//! The local Stripe server (`tests/stripe-local`): one per test, since its state (accounts,
//! balances, idempotency keys, webhook targets) belongs to one instance. It runs as a task on
//! the test's runtime, on a free loopback port, and stops when the handle is dropped.
//!
//! [`Control`] drives it over HTTP (payments, refunds, onboarding, faults, deliveries, the
//! request log); [`browser`] plays the seller on its hosted onboarding page.

pub mod browser;
mod control;

pub use control::{Control, Disputed, Fault, Payment, Refunded, Statuses};
pub use stripe_local::{Config as StripeConfig, Handle as StripeServer};

/// A local Stripe server with the default configuration.
pub async fn stripe() -> StripeServer {
    stripe_with(StripeConfig::default()).await
}

/// A local Stripe server with `config` (webhook targets, delivery policy, ...).
pub async fn stripe_with(config: StripeConfig) -> StripeServer {
    stripe_local::spawn(config)
        .await
        .unwrap_or_else(|e| panic!("stripe-local did not start: {e}"))
}
