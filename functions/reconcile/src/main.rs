//! Wiring only: settings, clients (built once per cold start), the Lambda loop for the schedule.

use std::process::ExitCode;

use lambda_runtime::{LambdaEvent, service_fn};
use payout_flows::FlowDeps;
use reconcile::{Deps, FUNCTION, handle};
use settings::{PayoutSettings, ReconcileSettings};
use wiring::{BoxError, Clients};

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
    let payout = PayoutSettings::from_env()?;
    let settings = ReconcileSettings::from_env()?;
    let metrics = interceptors::Metrics::stdout(FUNCTION);
    metrics.cold_start();
    let clients = Clients::from_env().await?;
    let stores = clients.stores;
    Ok(Deps {
        flows: FlowDeps::new(
            stores.accounts,
            stores.ledger,
            stores.events.clone(),
            clients.stripe.clone(),
            &payout,
        ),
        events: clients.stripe,
        checkpoints: stores.events,
        settings,
        metrics,
    })
}
