//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use balance::{CachePolicy, Deps, FUNCTION, handle};
use interceptors::error::BoxError;
use settings::{BalanceSettings, StripeSettings, TableNames};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let tables = TableNames::from_env()?;
    let stripe = StripeSettings::from_env()?;
    let balance = BalanceSettings::from_env()?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &balance::ROUTES).await?;
    let adapter = stripe_adapter::StripeAdapter::from_settings(&stripe)?;
    // The worst-case time of one Stripe fetch, every attempt included.
    let attempts = adapter.retry_policy().attempts.max(1);
    let policy = CachePolicy::new(balance.cache_ttl, stripe.timeout * attempts);
    let stores = store::Stores::connect(&tables).await;
    Ok(Deps {
        accounts: stores.accounts,
        cache: stores.balance_cache,
        balances: Arc::new(adapter),
        ledger: stores.ledger,
        policy,
        clock: Arc::new(payouts::clock::SystemClock),
        interceptors,
    })
}
