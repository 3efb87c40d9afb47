//! Wiring only: settings, clients (built once per cold start), the Lambda loop for SQS batches.

use std::process::ExitCode;
use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use payout_flows::FlowDeps;
use settings::{PayoutSettings, QueueSettings};
use stripe_adapter::StripeAdapter;
use transfer::{Backoff, Deps, FUNCTION, Retries, handle, retry_policy};
use wiring::{BoxError, Clients};

#[tokio::main]
async fn main() -> ExitCode {
    let Some(deps) = interceptors::start(FUNCTION, deps()).await else {
        return ExitCode::FAILURE;
    };
    let served = lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let deps = deps.clone();
        async move { Ok::<_, BoxError>(handle(&deps, event.payload).await) }
    }));
    interceptors::stopped(served.await)
}

async fn deps() -> Result<Deps, BoxError> {
    let payout = PayoutSettings::from_env()?;
    let queue = QueueSettings::from_env()?;
    let metrics = interceptors::Metrics::stdout(FUNCTION);
    metrics.cold_start();
    let clients = Clients::from_env().await?;
    // The worker outlives a webhook delivery's budget: it retries Stripe more patiently.
    let stripe = Arc::new(StripeAdapter::clone(&clients.stripe).with_retry(retry_policy()));
    let stores = clients.stores;
    let retries = wiring::queue_visibility(&queue).await.map(|queue| Retries {
        queue,
        backoff: Backoff::DEPLOYED,
    });
    if retries.is_none() {
        tracing::warn!("TRANSFER_QUEUE_URL unset: failed jobs wait the queue's visibility timeout");
    }
    Ok(Deps {
        flows: FlowDeps::new(
            stores.accounts,
            stores.ledger,
            stores.events,
            stripe,
            &payout,
        ),
        metrics,
        retries,
    })
}
