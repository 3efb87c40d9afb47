//! The reconciler's test support: the webhook's test stack (moto, the local Stripe server, the
//! webhook over HTTP) plus the reconcile function wired to the same tables and Stripe.
#![allow(dead_code)] // each test binary uses a different part of this support code

use std::sync::Arc;
use std::time::Duration;

use interceptors::Metrics;
use interceptors::metrics::MemorySink;
use payout_flows::FlowDeps;
use reconcile::{Deps, Report};
use settings::ReconcileSettings;
use stripe_adapter::StripeAdapter;

use crate::common::Stack;

/// The reconciler wired to the stack's tables and Stripe, with no grace period (tests do not
/// wait ten minutes) and the given budget per run.
pub fn reconciler(stack: &Stack, max_events: usize, max_shares: usize) -> (Deps, Arc<MemorySink>) {
    let adapter = Arc::new(
        StripeAdapter::new(
            &stack.stripe.base_url,
            stack.stripe.api_key(),
            Duration::from_secs(5),
        )
        .expect("adapter"),
    );
    let events = Arc::new(store::DynamoEventLog::new(
        stack.dynamo.client.clone(),
        &stack.tables.webhook_events,
    ));
    let sink = MemorySink::new();
    let flows = &stack.deps.flows;
    let deps = Deps {
        // The webhook's flows, with this run's own event log and Stripe client.
        flows: FlowDeps {
            events: events.clone(),
            connect: adapter.clone(),
            transfers: adapter.clone(),
            // The reconciler settles what it re-drives itself.
            queue: None,
            ..flows.clone()
        },
        events: adapter,
        checkpoints: events,
        settings: ReconcileSettings {
            grace: Duration::ZERO,
            max_events,
            max_shares,
        },
        metrics: Metrics::new(reconcile::FUNCTION, sink.clone()),
    };
    (deps, sink)
}

pub async fn run(deps: &Deps) -> Report {
    // One second ahead, so that shares written this very second count as older than the grace.
    let report = reconcile::run(deps, payouts::clock::unix_now() + 1).await;
    assert!(report.errors.is_empty(), "{report:?}");
    report
}

pub fn metric(sink: &MemorySink, name: &str, dims: &[(&str, &str)]) -> f64 {
    sink.sum(name, dims)
}
