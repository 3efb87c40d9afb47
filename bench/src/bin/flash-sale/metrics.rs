//! The webhook's own EMF metrics, summed instead of printed: what CloudWatch would have seen, so
//! the report can say how loud the spike was for the alarms (template.yaml's webhook 5xx alarm
//! counts `Errors`, the transfers alarm `TransfersFailed`).

use std::collections::BTreeMap;
use std::sync::Mutex;

use interceptors::metrics::MetricsSink;
use serde_json::Value;

/// The metrics summed (the rest of each record is dropped).
pub const COUNTED: [&str; 4] = [
    "Errors",
    "TransfersFailed",
    "TransfersCreated",
    "OrdersPaid",
];

#[derive(Debug, Default)]
pub struct CountingSink {
    sums: Mutex<BTreeMap<&'static str, f64>>,
}

impl CountingSink {
    pub fn sums(&self) -> BTreeMap<&'static str, f64> {
        let sums = self.sums.lock().unwrap_or_else(|p| p.into_inner());
        COUNTED
            .iter()
            .map(|name| (*name, sums.get(name).copied().unwrap_or(0.0)))
            .collect()
    }
}

impl MetricsSink for CountingSink {
    fn write_line(&self, line: &str) {
        let Ok(record) = serde_json::from_str::<Value>(line) else {
            return;
        };
        let mut sums = self.sums.lock().unwrap_or_else(|p| p.into_inner());
        for name in COUNTED {
            let Some(value) = interceptors::metrics::value_of(&record, name) else {
                continue;
            };
            *sums.entry(name).or_insert(0.0) += value;
        }
    }
}
