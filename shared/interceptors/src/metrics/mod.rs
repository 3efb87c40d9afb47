//! Metrics as CloudWatch EMF records: one per request, one per cold start, and business
//! metrics from the functions. Names live in [`names`]; records are built with [`MetricRecord`].

pub mod emf;
pub mod names;
mod sink;
#[cfg(test)]
mod tests;

pub use emf::{MetricRecord, Unit, validate};
pub use sink::{MemorySink, MetricsSink, StdoutSink, value_of};

use std::sync::Arc;
use std::time::Duration;

/// A function's metrics handle: its name and where records go. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Metrics {
    function: Arc<str>,
    sink: Arc<dyn MetricsSink>,
}

impl Metrics {
    /// Records for `function`, written to `sink`.
    pub fn new(function: &str, sink: Arc<dyn MetricsSink>) -> Self {
        Self {
            function: function.into(),
            sink,
        }
    }

    /// Records for `function`, written to stdout (production).
    pub fn stdout(function: &str) -> Self {
        Self::new(function, Arc::new(StdoutSink))
    }

    /// The function name (the `Function` dimension).
    pub fn function(&self) -> &str {
        &self.function
    }

    /// A new record with the `Function` dimension set.
    pub fn record(&self) -> MetricRecord {
        MetricRecord::new(&self.function)
    }

    /// Writes `record`; one that breaks EMF limits is dropped with a warning log (metrics never
    /// fail a request).
    pub fn emit(&self, record: &MetricRecord) {
        if let Err(reason) = emit(self.sink.as_ref(), record) {
            tracing::warn!(reason, "dropped an invalid EMF record");
        }
    }

    /// The `ColdStarts` record (call once when the runtime starts).
    pub fn cold_start(&self) {
        self.emit(&self.record().count(names::COLD_STARTS, 1.0));
    }

    /// The per-request record: dimension sets `[Function, Method, Route, Status]` and `[Function]`.
    pub fn request(
        &self,
        method: &str,
        route: &str,
        status: u16,
        latency: Duration,
        request_id: &str,
    ) {
        let latency_ms = latency.as_secs_f64() * 1000.0;
        self.emit(&request_record(
            &self.function,
            method,
            route,
            status,
            latency_ms,
            request_id,
        ));
    }
}

/// Renders `record` and writes it to `sink` as one line.
pub fn emit(sink: &dyn MetricsSink, record: &MetricRecord) -> Result<(), String> {
    sink.write_line(&record.render()?);
    Ok(())
}

/// The per-request record (see docs/METRICS.md).
pub fn request_record(
    function: &str,
    method: &str,
    route: &str,
    status: u16,
    latency_ms: f64,
    request_id: &str,
) -> MetricRecord {
    let flag = |hit: bool| if hit { 1.0 } else { 0.0 };
    MetricRecord::new(function)
        .dimension(names::METHOD, method)
        .dimension(names::ROUTE, route)
        .dimension(names::STATUS, status.to_string())
        .dimension_set(&[names::FUNCTION, names::METHOD, names::ROUTE, names::STATUS])
        .dimension_set(&[names::FUNCTION])
        .count(names::REQUESTS, 1.0)
        .value(names::LATENCY, latency_ms, Unit::Milliseconds)
        .count(names::ERRORS, flag(status >= 500))
        .count(names::CLIENT_ERRORS, flag((400..500).contains(&status)))
        .property(names::REQUEST_ID, request_id)
}
