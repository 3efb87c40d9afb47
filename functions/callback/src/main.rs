//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use callback::{Deps, FUNCTION, handle};
use onboarding::Onboarding;
use settings::{OnboardingSettings, StripeSettings, TableNames};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::init_tracing();
    let deps = match deps().await {
        Ok(deps) => Arc::new(deps),
        Err(message) => {
            tracing::error!(error = %message, "callback cannot start");
            return ExitCode::FAILURE;
        }
    };
    let served = lambda_http::run(lambda_http::service_fn(move |req| {
        let deps = deps.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(&deps, req).await) }
    }));
    match served.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "lambda runtime stopped");
            ExitCode::FAILURE
        }
    }
}

/// Every failure names the variable at fault (settings errors never contain secret values).
async fn deps() -> Result<Deps, String> {
    let tables = TableNames::from_env().map_err(|e| e.to_string())?;
    let stripe = StripeSettings::from_env().map_err(|e| e.to_string())?;
    let onboarding = Onboarding::new(&OnboardingSettings::from_env().map_err(|e| e.to_string())?)
        .map_err(|e| e.to_string())?;
    // Also writes the ColdStarts record. No Authenticator: the route is public (signed state).
    let interceptors =
        interceptors::Interceptors::from_env(FUNCTION, false).map_err(|e| e.to_string())?;
    let stripe =
        stripe_adapter::StripeAdapter::from_settings(&stripe).map_err(|e| e.to_string())?;
    let dynamo = store::client(tables.dynamodb_endpoint.as_deref()).await;
    Ok(Deps {
        accounts: Arc::new(store::DynamoSellerAccounts::new(
            dynamo,
            &tables.seller_accounts,
        )),
        connect: Arc::new(stripe),
        onboarding,
        interceptors,
    })
}
