//! The reconciler's metrics (EMF): one record per run summary value, so alarms can watch stuck
//! shares and drift without parsing logs. Dimension values are low-cardinality codes.

use interceptors::Metrics;
use interceptors::metrics::names;

use crate::Report;

/// The run's summary: caught-up events, re-drive outcomes, stuck shares by state, the oldest
/// held share's age.
pub fn emit(metrics: &Metrics, report: &Report) {
    let record = metrics
        .record()
        .dimension_set(&[names::FUNCTION])
        .count(names::EVENTS_CAUGHT_UP, report.catch_up.caught_up as f64)
        .value(
            names::OLDEST_HELD_SHARE_AGE,
            report.redrive.oldest_held_age as f64,
            interceptors::Unit::Seconds,
        );
    metrics.emit(&record);
    for (outcome, count) in &report.redrive.outcomes {
        by(
            metrics,
            names::OUTCOME,
            outcome,
            names::SHARES_REDRIVEN,
            *count,
        );
    }
    // Every state, zero included: an alarm on stuck shares must see them go back to 0.
    for state in names::STATES {
        let stuck = report.redrive.stuck.get(state).copied().unwrap_or(0);
        by(metrics, names::STATE, state, names::STUCK_SHARES, stuck);
    }
}

/// One drifted order (`reason` is a `drift::Drift` code).
pub fn drift_detected(metrics: &Metrics, reason: &str, order_id: &str) {
    let record = metrics
        .record()
        .dimension(names::REASON, reason)
        .dimension_set(&[names::FUNCTION, names::REASON])
        .count(names::DRIFT_DETECTED, 1.0)
        .property("order_id", order_id);
    metrics.emit(&record);
}

fn by(metrics: &Metrics, dimension: &str, value: &str, metric: &str, count: usize) {
    let record = metrics
        .record()
        .dimension(dimension, value)
        .dimension_set(&[names::FUNCTION, dimension])
        .count(metric, count as f64);
    metrics.emit(&record);
}
