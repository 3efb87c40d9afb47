//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use balance::{CachePolicy, Deps, FUNCTION, handle};
use settings::BalanceSettings;
use wiring::{BoxError, Clients};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let balance = BalanceSettings::from_env()?;
    let clients = Clients::from_env().await?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &balance::ROUTES).await?;
    // The worst-case time of one Stripe fetch, every attempt included.
    let attempts = clients.stripe.retry_policy().attempts.max(1);
    let policy = CachePolicy::new(
        balance.cache_ttl,
        clients.stripe_settings.timeout * attempts,
    );
    Ok(Deps {
        view: clients.stores.seller_view,
        cache: clients.stores.balance_cache,
        balances: clients.stripe,
        ledger: clients.stores.ledger,
        policy,
        clock: Arc::new(payouts::clock::SystemClock),
        interceptors,
    })
}
