//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;

use onboard::{Deps, FUNCTION, handle};
use onboarding::Onboarding;
use settings::OnboardingSettings;
use wiring::{BoxError, Clients};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let onboarding = Onboarding::new(&OnboardingSettings::from_env()?)?;
    let clients = Clients::from_env().await?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &onboard::ROUTES).await?;
    Ok(Deps {
        accounts: clients.stores.accounts,
        connect: clients.stripe,
        budgets: clients.stores.events,
        onboarding,
        interceptors,
    })
}
