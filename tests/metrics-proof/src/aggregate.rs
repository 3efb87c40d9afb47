//! Groups EMF datapoints into CloudWatch metric streams and periods, as CloudWatch does.
//!
//! A stream is (namespace, metric, dimension name → value); its statistics for a period are
//! computed from every raw value whose record timestamp falls into that period.

use crate::emf::{self, Datapoint, EmfError};
use std::collections::BTreeMap;

/// One CloudWatch metric stream.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StreamKey {
    pub namespace: String,
    pub metric: String,
    pub dimensions: BTreeMap<String, String>,
}

/// A record that failed validation, with its position in the input (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRecord {
    pub line_number: usize,
    pub error: EmfError,
    pub line: String,
}

/// The raw values of every stream, with their record timestamps.
#[derive(Debug, Default, Clone)]
pub struct Aggregator {
    streams: BTreeMap<StreamKey, Vec<(i64, f64)>>,
    records: usize,
}

impl Aggregator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Validates one EMF line and adds its values. Nothing is added if the record is invalid,
    /// matching CloudWatch, which extracts no metric from a record it rejects.
    pub fn ingest(&mut self, line: &str) -> Result<(), EmfError> {
        let points = emf::parse_record(line)?;
        self.records += 1;
        for point in points {
            self.add(point);
        }
        Ok(())
    }

    /// Ingests every line; returns all the rejected ones (not just the first) so one run shows
    /// every broken record.
    pub fn ingest_all(
        lines: impl IntoIterator<Item = String>,
    ) -> Result<Self, Vec<RejectedRecord>> {
        let mut agg = Self::new();
        let mut rejected = Vec::new();
        for (i, line) in lines.into_iter().enumerate() {
            if let Err(error) = agg.ingest(&line) {
                rejected.push(RejectedRecord {
                    line_number: i + 1,
                    error,
                    line,
                });
            }
        }
        if rejected.is_empty() {
            Ok(agg)
        } else {
            Err(rejected)
        }
    }

    fn add(&mut self, point: Datapoint) {
        let key = StreamKey {
            namespace: point.namespace,
            metric: point.metric,
            dimensions: point.dimensions,
        };
        let values = self.streams.entry(key).or_default();
        values.extend(point.values.into_iter().map(|v| (point.timestamp_ms, v)));
    }

    /// Number of valid records ingested.
    pub fn records(&self) -> usize {
        self.records
    }

    /// Every stream seen, in a stable order.
    pub fn streams(&self) -> impl Iterator<Item = &StreamKey> {
        self.streams.keys()
    }

    /// The newest period of a stream that has values: its start (epoch seconds) and raw values.
    ///
    /// YACE exports the newest datapoint CloudWatch returns for its window. The proof has no
    /// wall-clock window (its records are all "recent"), so it takes the newest period the
    /// traffic produced for each stream.
    pub fn latest_period(&self, key: &StreamKey, period_s: i64) -> Option<(i64, Vec<f64>)> {
        let period_ms = period_s.max(1) * 1000;
        let values = self.streams.get(key)?;
        let start_ms = values
            .iter()
            .map(|(ts, _)| ts.div_euclid(period_ms) * period_ms)
            .max()?;
        let in_period = values
            .iter()
            .filter(|(ts, _)| ts.div_euclid(period_ms) * period_ms == start_ms)
            .map(|(_, v)| *v);
        Some((start_ms / 1000, in_period.collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Statistic;
    use serde_json::json;

    fn line(ts: i64, function: &str, latency: f64) -> String {
        json!({"_aws": {"Timestamp": ts, "CloudWatchMetrics": [{"Namespace": "Veza/Payouts",
            "Dimensions": [["Function"]], "Metrics": [{"Name": "Latency", "Unit": "Milliseconds"}]}]},
            "Function": function, "Latency": latency})
        .to_string()
    }

    fn key(function: &str) -> StreamKey {
        StreamKey {
            namespace: "Veza/Payouts".into(),
            metric: "Latency".into(),
            dimensions: BTreeMap::from([("Function".into(), function.into())]),
        }
    }

    #[test]
    fn groups_by_stream_and_takes_the_newest_period() {
        let base = 1_700_000_020_000; // 40 s into the minute starting at 1_699_999_980 s
        let lines = vec![
            line(base - 60_000, "balance", 100.0), // previous minute
            line(base, "balance", 1.0),
            line(base + 5_000, "balance", 3.0),
            line(base + 19_999, "balance", 2.0), // still the same minute
            line(base, "webhook", 7.0),
        ];
        let agg = Aggregator::ingest_all(lines).expect("valid");
        assert_eq!(agg.records(), 5);
        assert_eq!(agg.streams().count(), 2);
        let (start, values) = agg.latest_period(&key("balance"), 60).expect("data");
        assert_eq!(start, 1_699_999_980);
        assert_eq!(values, vec![1.0, 3.0, 2.0]);
        let p = Statistic::Percentile {
            raw: "p99".into(),
            percent: 99.0,
        };
        assert_eq!(p.compute(&values), Some(3.0));
        assert_eq!(
            agg.latest_period(&key("webhook"), 60).map(|(_, v)| v),
            Some(vec![7.0])
        );
        assert_eq!(agg.latest_period(&key("onboard"), 60), None);
    }

    #[test]
    fn reports_every_rejected_record_with_its_line_number() {
        let lines = vec![
            line(1, "balance", 1.0),
            "oops".to_string(),
            line(1, "balance", 2.0),
            "{}".into(),
        ];
        let rejected = Aggregator::ingest_all(lines).expect_err("two are broken");
        assert_eq!(
            rejected.iter().map(|r| r.line_number).collect::<Vec<_>>(),
            [2, 4]
        );
    }
}
