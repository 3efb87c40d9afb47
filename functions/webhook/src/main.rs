//! Wiring only: settings, clients (built once per cold start), the Lambda loop.

use std::process::ExitCode;

use payout_flows::FlowDeps;
use settings::{PayoutSettings, QueueSettings, WebhookSecrets};
use webhook::{Config, Deps, FUNCTION, handle};
use wiring::{BoxError, Clients};

#[tokio::main]
async fn main() -> ExitCode {
    interceptors::serve(FUNCTION, deps(), handle).await
}

async fn deps() -> Result<Deps, BoxError> {
    let secrets = WebhookSecrets::from_env()?;
    let payout = PayoutSettings::from_env()?;
    let queue = QueueSettings::from_env()?;
    let clients = Clients::from_env().await?;
    // Also writes the ColdStarts record.
    let interceptors = interceptors::Interceptors::from_env(FUNCTION, &webhook::ROUTES).await?;
    let stores = clients.stores;
    let flows = FlowDeps::new(
        stores.accounts,
        stores.ledger,
        stores.events,
        clients.stripe,
        &payout,
    );
    // With TRANSFER_QUEUE_URL, payments go to the transfer function as jobs; else inline.
    let flows = match wiring::transfer_queue(&queue).await {
        Some(queue) => flows.with_queue(queue),
        None => flows,
    };
    Ok(Deps {
        flows,
        config: Config::new(&clients.stripe_settings, &secrets),
        interceptors,
    })
}
