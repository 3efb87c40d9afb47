//! Wiring only: settings, clients (built once per cold start), the Lambda loop for the schedule.

use std::process::ExitCode;
use std::sync::Arc;

use interceptors::error::BoxError;
use lambda_runtime::{LambdaEvent, service_fn};
use payout_flows::FlowDeps;
use reconcile::{Deps, FUNCTION, handle};
use settings::{PayoutSettings, ReconcileSettings, StripeSettings, TableNames};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(deps) = interceptors::start(FUNCTION, deps()).await else {
        return ExitCode::FAILURE;
    };
    let served = lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let deps = deps.clone();
        async move { handle(&deps, event.payload).await }
    }));
    interceptors::stopped(served.await)
}

async fn deps() -> Result<Deps, BoxError> {
    let tables = TableNames::from_env()?;
    let stripe = StripeSettings::from_env()?;
    let payout = PayoutSettings::from_env()?;
    let settings = ReconcileSettings::from_env()?;
    let metrics = interceptors::Metrics::stdout(FUNCTION);
    metrics.cold_start();
    let adapter = Arc::new(stripe_adapter::StripeAdapter::from_settings(&stripe)?);
    let stores = store::Stores::connect(&tables).await;
    Ok(Deps {
        flows: FlowDeps::new(
            stores.accounts,
            stores.ledger,
            stores.events.clone(),
            adapter.clone(),
            &payout,
        ),
        events: adapter,
        checkpoints: stores.events,
        settings,
        metrics,
    })
}
