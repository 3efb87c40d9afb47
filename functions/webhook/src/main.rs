//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use interceptors::error::BoxError;
use payout_flows::FlowDeps;
use settings::{PayoutSettings, StripeSettings, TableNames, WebhookSecrets};
use webhook::{Config, Deps, FUNCTION, handle};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let tables = TableNames::from_env()?;
    let stripe = StripeSettings::from_env()?;
    let secrets = WebhookSecrets::from_env()?;
    let payout = PayoutSettings::from_env()?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &webhook::ROUTES).await?;
    let adapter = Arc::new(stripe_adapter::StripeAdapter::from_settings(&stripe)?);
    let stores = store::Stores::connect(&tables).await;
    Ok(Deps {
        flows: FlowDeps::new(
            stores.accounts,
            stores.ledger,
            stores.events,
            adapter,
            &payout,
        ),
        config: Config::new(&stripe, &secrets),
        interceptors,
    })
}
