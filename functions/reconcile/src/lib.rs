//! The `reconcile` function: the scheduled safety net of the payout flows. Webhooks alone are not
//! enough (Stripe stops redelivering after 3 days, a Lambda can be killed mid-loop, a GSI read can
//! miss a write made a moment earlier), so every run:
//! 1. **catches up** on the platform's events since a checkpoint ([`catch_up`]), through exactly
//!    the webhook's code path (`payout_flows::handle_event`);
//! 2. **re-reads sellers** whose onboarding is unfinished ([`sellers`]): their `account.updated`
//!    lives on the connected account, not on the platform's event list;
//! 3. **re-drives** every share that is not final and older than the grace period ([`redrive`]):
//!    pending → settle; held → re-sync its seller from Stripe (Connect events live on the
//!    connected accounts) and release; a refused reversal → retry the whole missing amount;
//! 4. **checks drift** of the orders it touched against Stripe's transfers ([`drift`]): reported,
//!    never "fixed" by moving money.
//!
//! It uses the webhook's idempotency keys and compare-and-set writes, so it can run at the same
//! time as deliveries and as itself and never pay a share twice. Work per run is bounded; the
//! next run continues where this one stopped.

pub mod catch_up;
pub mod drift;
pub mod metrics;
pub mod redrive;
pub mod sellers;

use std::collections::BTreeSet;
use std::sync::Arc;

use interceptors::Metrics;
use payout_flows::{BusinessMetrics, FlowContext, FlowDeps};
use payouts::ports::{Checkpoints, EventSource};
use serde::Serialize;
use settings::ReconcileSettings;

/// The function name (the `Function` metric dimension).
pub const FUNCTION: &str = "reconcile";

/// Everything a run needs; built once per cold start (tests build it by hand).
pub struct Deps {
    pub flows: FlowDeps,
    pub events: Arc<dyn EventSource>,
    pub checkpoints: Arc<dyn Checkpoints>,
    pub settings: ReconcileSettings,
    pub metrics: Metrics,
}

/// What one run did (also its Lambda response, and the summary log line).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub catch_up: catch_up::CatchUp,
    /// Sellers with unfinished onboarding re-read from Stripe.
    pub onboarding_synced: usize,
    pub redrive: redrive::Redrive,
    /// Orders whose ledger disagrees with Stripe (logged with their ids).
    pub drift: usize,
    /// Steps that could not run at all (Stripe or DynamoDB down): the next run repeats them.
    pub errors: Vec<String>,
}

/// One reconcile pass at `now` (unix seconds).
pub async fn run(deps: &Deps, now: i64) -> Report {
    let metrics = BusinessMetrics::new(
        deps.metrics.clone(),
        &format!("reconcile-{now}"),
        "reconcile",
    );
    let cx = FlowContext {
        deps: &deps.flows,
        metrics: &metrics,
        now,
    };
    let mut report = Report::default();
    let mut touched = BTreeSet::new();
    match catch_up::run(deps, &cx).await {
        Ok((done, orders)) => {
            report.catch_up = done;
            touched.extend(orders);
        }
        Err(failure) => report.errors.push(format!("catch-up: {failure}")),
    }
    match sellers::run(deps, &cx).await {
        Ok(synced) => report.onboarding_synced = synced,
        Err(failure) => report.errors.push(format!("sellers: {failure}")),
    }
    match redrive::run(deps, &cx).await {
        Ok((done, orders)) => {
            report.redrive = done;
            touched.extend(orders);
        }
        Err(failure) => report.errors.push(format!("re-drive: {failure}")),
    }
    match drift::check(deps, &cx, &touched).await {
        Ok(found) => report.drift = found,
        Err(failure) => report.errors.push(format!("drift check: {failure}")),
    }
    metrics::emit(&deps.metrics, &report);
    if report.errors.is_empty() {
        tracing::info!(report = %serde_json::to_string(&report).unwrap_or_default(), "reconcile run done");
    } else {
        tracing::error!(report = %serde_json::to_string(&report).unwrap_or_default(), "reconcile run incomplete");
    }
    report
}

/// The Lambda handler: a scheduled event (its content is not needed) → one run.
pub async fn handle(deps: &Deps, _event: serde_json::Value) -> Result<Report, String> {
    let report = run(deps, deps.flows.clock.now()).await;
    if report.errors.is_empty() {
        Ok(report)
    } else {
        // Reported as a Lambda error too: the function's Errors alarm sees a run that failed.
        Err(report.errors.join("; "))
    }
}
