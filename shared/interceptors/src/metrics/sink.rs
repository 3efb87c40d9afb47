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

    /// Removes and returns every line written so far.
    pub fn take(&self) -> Vec<String> {
        self.lines
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

impl MetricsSink for MemorySink {
    fn write_line(&self, line: &str) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(line.to_owned());
        }
    }
}
