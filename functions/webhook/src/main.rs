//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;
use std::sync::Arc;

use settings::{PayoutSettings, StripeSettings, TableNames};
use webhook::{Config, Deps, FUNCTION, handle};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::init_tracing();
    let deps = match deps().await {
        Ok(deps) => Arc::new(deps),
        Err(message) => {
            tracing::error!(error = %message, "webhook cannot start");
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
    let payout = PayoutSettings::from_env().map_err(|e| e.to_string())?;
    // Also writes the ColdStarts record.
    let interceptors =
        interceptors::Interceptors::from_env(FUNCTION, false).map_err(|e| e.to_string())?;
    let adapter =
        Arc::new(stripe_adapter::StripeAdapter::from_settings(&stripe).map_err(|e| e.to_string())?);
    let dynamo = store::client(tables.dynamodb_endpoint.as_deref()).await;
    Ok(Deps {
        accounts: Arc::new(store::DynamoSellerAccounts::new(
            dynamo.clone(),
            &tables.seller_accounts,
        )),
        ledger: Arc::new(store::DynamoLedger::new(
            dynamo.clone(),
            &tables.payout_ledger,
        )),
        events: Arc::new(store::DynamoEventLog::new(dynamo, &tables.webhook_events)),
        connect: adapter.clone(),
        transfers: adapter,
        config: Config::new(&stripe, &payout),
        interceptors,
    })
}
