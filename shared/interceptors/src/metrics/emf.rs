//! CloudWatch Embedded Metric Format: the record builder and a validator for printed records.
//! Limits enforced: <= 100 metrics per record, <= 100 values per metric, <= 30 dimensions per
//! set, dimension values non-empty strings, metric values finite numbers, no nested objects.

use super::names;
use serde_json::{Map, Value, json};

/// Most metric definitions in one record.
pub const MAX_METRICS: usize = 100;
/// Most values in one metric's array.
pub const MAX_VALUES: usize = 100;
/// Most dimensions in one dimension set.
pub const MAX_DIMENSIONS: usize = 30;
/// Longest dimension value CloudWatch accepts.
pub const MAX_DIMENSION_VALUE: usize = 1024;
/// CloudWatch Logs drops an EMF event larger than this.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;
/// Metric and dimension names longer than this are refused by CloudWatch.
pub const MAX_NAME: usize = 255;

/// CloudWatch metric units used here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// Milliseconds.
    Milliseconds,
    /// Seconds.
    Seconds,
    /// Bytes.
    Bytes,
    /// Percent.
    Percent,
    /// No unit (e.g. amounts in minor units).
    None,
}

impl Unit {
    /// CloudWatch's name of the unit.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Count => "Count",
            Unit::Milliseconds => "Milliseconds",
            Unit::Seconds => "Seconds",
            Unit::Bytes => "Bytes",
            Unit::Percent => "Percent",
            Unit::None => "None",
        }
    }
}

const UNITS: [&str; 6] = [
    "Count",
    "Milliseconds",
    "Seconds",
    "Bytes",
    "Percent",
    "None",
];

/// One EMF document under construction. Invalid input is reported when rendering, not by panicking.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRecord {
    dimensions: Vec<(String, String)>,
    sets: Vec<Vec<String>>,
    metrics: Vec<(String, Unit, Vec<f64>)>,
    properties: Vec<(String, Value)>,
    timestamp_ms: Option<u64>,
}

impl MetricRecord {
    /// A record for `function` (sets the `Function` dimension).
    pub fn new(function: &str) -> Self {
        Self {
            dimensions: vec![(names::FUNCTION.to_owned(), function.to_owned())],
            sets: Vec::new(),
            metrics: Vec::new(),
            properties: Vec::new(),
            timestamp_ms: None,
        }
    }

    /// Sets a dimension value (replacing an earlier one of the same name).
    pub fn dimension(mut self, name: &str, value: impl Into<String>) -> Self {
        let value = value.into();
        match self.dimensions.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = value,
            None => self.dimensions.push((name.to_owned(), value)),
        }
        self
    }

    /// Declares a dimension set. Without any, the one set is every dimension in insertion order
    /// (`["Function", ...]`).
    pub fn dimension_set(mut self, names: &[&str]) -> Self {
        self.sets
            .push(names.iter().map(|n| (*n).to_owned()).collect());
        self
    }

    /// Adds a `Count` value.
    pub fn count(self, name: &str, value: f64) -> Self {
        self.value(name, value, Unit::Count)
    }

    /// Adds a value; repeating a name appends to that metric's value array.
    pub fn value(mut self, name: &str, value: f64, unit: Unit) -> Self {
        match self.metrics.iter_mut().find(|(n, _, _)| n == name) {
            Some((_, _, values)) => values.push(value),
            None => self.metrics.push((name.to_owned(), unit, vec![value])),
        }
        self
    }

    /// Adds a string root property (ids go here, never in dimensions).
    pub fn property(mut self, key: &str, value: impl Into<String>) -> Self {
        self.properties
            .push((key.to_owned(), Value::String(value.into())));
        self
    }

    /// Adds a numeric root property (not a metric).
    pub fn property_number(mut self, key: &str, value: f64) -> Self {
        self.properties.push((key.to_owned(), json!(value)));
        self
    }

    /// Fixes the timestamp (default: now).
    pub fn timestamp_ms(mut self, ms: u64) -> Self {
        self.timestamp_ms = Some(ms);
        self
    }

    /// The EMF document, or what violates the limits.
    pub fn to_json(&self) -> Result<Value, String> {
        self.check()?;
        let sets = if self.sets.is_empty() {
            vec![self.dimensions.iter().map(|(n, _)| n.clone()).collect()]
        } else {
            self.sets.clone()
        };
        let defs: Vec<Value> = self
            .metrics
            .iter()
            .map(|(n, u, _)| json!({"Name": n, "Unit": u.as_str()}))
            .collect();
        let timestamp = self.timestamp_ms.unwrap_or_else(now_ms);
        let mut root = Map::new();
        root.insert(
            "_aws".into(),
            json!({"Timestamp": timestamp, "CloudWatchMetrics": [
                {"Namespace": names::NAMESPACE, "Dimensions": sets, "Metrics": defs}
            ]}),
        );
        for (n, v) in &self.dimensions {
            root.insert(n.clone(), json!(v));
        }
        for (n, _, values) in &self.metrics {
            let v = if let [one] = values.as_slice() {
                json!(one)
            } else {
                json!(values)
            };
            root.insert(n.clone(), v);
        }
        for (k, v) in &self.properties {
            root.insert(k.clone(), v.clone());
        }
        Ok(Value::Object(root))
    }

    /// One line of JSON, or what violates the limits.
    pub fn render(&self) -> Result<String, String> {
        self.to_json().map(|v| v.to_string())
    }

    fn check(&self) -> Result<(), String> {
        if self.metrics.is_empty() || self.metrics.len() > MAX_METRICS {
            return Err(format!(
                "a record needs 1 to {MAX_METRICS} metrics, has {}",
                self.metrics.len()
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let keys = self
            .dimensions
            .iter()
            .map(|(n, _)| n)
            .chain(self.metrics.iter().map(|(n, _, _)| n));
        for key in keys.chain(self.properties.iter().map(|(k, _)| k)) {
            if key.is_empty() || key.len() > 255 || key == "_aws" || !seen.insert(key) {
                return Err(format!(
                    "member name {key:?} is empty, too long, reserved or used twice"
                ));
            }
        }
        for (name, value) in &self.dimensions {
            if value.trim().is_empty() || value.len() > MAX_DIMENSION_VALUE {
                return Err(format!(
                    "dimension {name} needs a value of 1 to {MAX_DIMENSION_VALUE} bytes"
                ));
            }
        }
        for set in &self.sets {
            if set.len() > MAX_DIMENSIONS {
                return Err(format!(
                    "a dimension set has {} dimensions (max {MAX_DIMENSIONS})",
                    set.len()
                ));
            }
            if let Some(missing) = set
                .iter()
                .find(|d| !self.dimensions.iter().any(|(n, _)| n == *d))
            {
                return Err(format!("dimension set names {missing}, which has no value"));
            }
        }
        if self.sets.is_empty() && self.dimensions.len() > MAX_DIMENSIONS {
            return Err(format!(
                "{} dimensions (max {MAX_DIMENSIONS} per set)",
                self.dimensions.len()
            ));
        }
        for (name, _, values) in &self.metrics {
            if values.len() > MAX_VALUES || values.iter().any(|v| !v.is_finite()) {
                return Err(format!(
                    "metric {name} needs 1 to {MAX_VALUES} finite values"
                ));
            }
        }
        if self.properties.iter().any(|(_, v)| v.is_null()) {
            return Err("a numeric property is not finite".into());
        }
        Ok(())
    }
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Checks a printed EMF record against the same limits (used by tests over all traffic).
pub fn validate(record: &Value) -> Result<(), String> {
    let root = record.as_object().ok_or("a record is a JSON object")?;
    let size = record.to_string().len();
    if size > MAX_RECORD_BYTES {
        return Err(format!("record of {size} bytes (max {MAX_RECORD_BYTES})"));
    }
    let aws = root
        .get("_aws")
        .and_then(Value::as_object)
        .ok_or("_aws object missing")?;
    if !aws.get("Timestamp").is_some_and(Value::is_u64) {
        return Err("_aws.Timestamp must be an integer of milliseconds".into());
    }
    let directives = aws
        .get("CloudWatchMetrics")
        .and_then(Value::as_array)
        .ok_or("_aws.CloudWatchMetrics missing")?;
    if directives.is_empty() {
        return Err("_aws.CloudWatchMetrics is empty".into());
    }
    for d in directives {
        if d.get("Namespace").and_then(Value::as_str) != Some(names::NAMESPACE) {
            return Err(format!("Namespace must be {}", names::NAMESPACE));
        }
        let sets = d
            .get("Dimensions")
            .and_then(Value::as_array)
            .ok_or("Dimensions must be an array")?;
        for set in sets {
            let set = set.as_array().ok_or("each dimension set is an array")?;
            if set.len() > MAX_DIMENSIONS {
                return Err(format!(
                    "dimension set of {} (max {MAX_DIMENSIONS})",
                    set.len()
                ));
            }
            let mut seen = std::collections::HashSet::new();
            for name in set {
                let name = name.as_str().ok_or("dimension names are strings")?;
                if name.is_empty() || name.len() > MAX_NAME || !seen.insert(name) {
                    return Err(format!(
                        "dimension name {name:?} empty, too long or repeated"
                    ));
                }
                match root.get(name).and_then(Value::as_str) {
                    Some(v) if !v.trim().is_empty() && v.len() <= MAX_DIMENSION_VALUE => {}
                    _ => {
                        return Err(format!(
                            "dimension {name} must be a non-empty string member"
                        ));
                    }
                }
            }
        }
        let metrics = d
            .get("Metrics")
            .and_then(Value::as_array)
            .ok_or("Metrics must be an array")?;
        if metrics.is_empty() || metrics.len() > MAX_METRICS {
            return Err(format!(
                "{} metric definitions (1 to {MAX_METRICS})",
                metrics.len()
            ));
        }
        for m in metrics {
            let name = m
                .get("Name")
                .and_then(Value::as_str)
                .ok_or("metric Name must be a string")?;
            if name.is_empty() || name.len() > MAX_NAME {
                return Err(format!(
                    "metric name of {} bytes (1 to {MAX_NAME})",
                    name.len()
                ));
            }
            if let Some(res) = m.get("StorageResolution")
                && res.as_u64() != Some(1)
                && res.as_u64() != Some(60)
            {
                return Err(format!("metric {name} StorageResolution must be 1 or 60"));
            }
            if let Some(unit) = m.get("Unit")
                && !unit.as_str().is_some_and(|u| UNITS.contains(&u))
            {
                return Err(format!("metric {name} has an unknown Unit"));
            }
            let ok = match root.get(name) {
                Some(Value::Number(_)) => true,
                Some(Value::Array(vs)) => {
                    !vs.is_empty() && vs.len() <= MAX_VALUES && vs.iter().all(Value::is_number)
                }
                _ => false,
            };
            if !ok {
                return Err(format!(
                    "metric {name} must be a number or 1 to {MAX_VALUES} numbers"
                ));
            }
        }
    }
    for (key, value) in root.iter().filter(|(k, _)| *k != "_aws") {
        let flat = match value {
            Value::Object(_) => false,
            Value::Array(vs) => vs.iter().all(Value::is_number),
            _ => true,
        };
        if !flat {
            return Err(format!(
                "member {key} is a nested object or a non-numeric array"
            ));
        }
    }
    Ok(())
}
