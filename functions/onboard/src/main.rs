//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use interceptors::error::BoxError;
use onboard::{Deps, FUNCTION, handle};
use onboarding::Onboarding;
use settings::{OnboardingSettings, StripeSettings, TableNames};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let tables = TableNames::from_env()?;
    let stripe = StripeSettings::from_env()?;
    let onboarding = Onboarding::new(&OnboardingSettings::from_env()?)?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &onboard::ROUTES).await?;
    let stripe = stripe_adapter::StripeAdapter::from_settings(&stripe)?;
    let stores = store::Stores::connect(&tables).await;
    Ok(Deps {
        accounts: stores.accounts,
        connect: Arc::new(stripe),
        budgets: stores.events,
        onboarding,
        interceptors,
    })
}
