//! Where EMF lines go: stdout in production, memory in tests.

use std::io::Write as _;
use std::sync::{Arc, Mutex};

/// A destination for EMF lines (one complete JSON document per call, without the newline).
pub trait MetricsSink: Send + Sync + std::fmt::Debug {
    /// Writes one record. Must not panic.
    fn write_line(&self, line: &str);
}

/// Production sink: one `write_all` of `line + "\n"` under the stdout lock, so concurrent
/// records never interleave (CloudWatch parses each log line as one document).
#[derive(Debug, Default, Clone, Copy)]
pub struct StdoutSink;

impl MetricsSink for StdoutSink {
    fn write_line(&self, line: &str) {
        let mut buf = String::with_capacity(line.len() + 1);
        buf.push_str(line);
        buf.push('\n');
        let mut out = std::io::stdout().lock();
        // A closed stdout must not take the function down: the metric is lost, the request is not.
        let _ = out.write_all(buf.as_bytes()).and_then(|()| out.flush());
    }
}

/// Test sink: keeps every line in memory.
#[derive(Debug, Default)]
pub struct MemorySink {
    lines: Mutex<Vec<String>>,
}

impl MemorySink {
    /// A new, shareable sink.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Every line written so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Every line written so far, parsed as JSON (unparsable lines become `Null`).
    pub fn records(&self) -> Vec<serde_json::Value> {
        self.lines()
            .iter()
            .map(|l| serde_json::from_str(l).unwrap_or(serde_json::Value::Null))
            .collect()
    }

    /// The total of metric `name` over the records whose members include every `dims` pair.
    pub fn sum(&self, name: &str, dims: &[(&str, &str)]) -> f64 {
        self.records()
            .iter()
            .filter(|r| dims.iter().all(|(k, v)| r[*k].as_str() == Some(*v)))
            .filter_map(|r| value_of(r, name))
            .sum()
    }

    /// Removes and returns every line written so far.
    pub fn take(&self) -> Vec<String> {
        self.lines
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// Metric `name` of one EMF record: a number, or the sum of an array of values (a record may
/// carry several values of one metric); `None` when the record does not carry it.
pub fn value_of(record: &serde_json::Value, name: &str) -> Option<f64> {
    match &record[name] {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::Array(a) => Some(a.iter().filter_map(serde_json::Value::as_f64).sum()),
        _ => None,
    }
}

impl MetricsSink for MemorySink {
    fn write_line(&self, line: &str) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(line.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_a_metric_over_the_records_with_the_dimensions() {
        let sink = MemorySink::new();
        for line in [
            r#"{"Outcome":"paid","Shares":2}"#,
            r#"{"Outcome":"paid","Shares":[1,4]}"#,
            r#"{"Outcome":"held","Shares":8}"#,
            r#"{"Outcome":"paid"}"#,
            "not json",
        ] {
            sink.write_line(line);
        }
        assert_eq!(sink.sum("Shares", &[("Outcome", "paid")]), 7.0);
        assert_eq!(sink.sum("Shares", &[]), 15.0);
        assert_eq!(sink.sum("Missing", &[]), 0.0);
    }
}
