//! Parsing and validation of CloudWatch Embedded Metric Format records.
//!
//! CloudWatch silently drops metrics from a record it cannot accept (the log line still lands),
//! so a broken record would only show up as an empty panel in production. Every record the proof
//! sees is validated against EMF's limits first, and any violation fails the proof.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A CloudWatch Logs event is at most 256 KiB (conservative: the historic limit).
pub const MAX_RECORD_BYTES: usize = 256 * 1024;
/// EMF: at most 100 metric definitions per document.
pub const MAX_METRICS_PER_RECORD: usize = 100;
/// EMF: at most 100 values in one metric's array.
pub const MAX_VALUES_PER_METRIC: usize = 100;
/// EMF: at most 30 dimensions in one dimension set.
pub const MAX_DIMENSIONS_PER_SET: usize = 30;
/// CloudWatch name limits (namespace, metric and dimension names; dimension values).
pub const MAX_NAME_CHARS: usize = 255;
pub const MAX_DIMENSION_VALUE_CHARS: usize = 1024;
/// CloudWatch rejects magnitudes outside this range (other than 0).
const MAX_MAGNITUDE: f64 = 1.174271e108;
const MIN_MAGNITUDE: f64 = 8.515920e-109;

/// CloudWatch's unit names; anything else is rejected.
pub const UNITS: &[&str] = &[
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

/// The values one record contributes to one metric stream (namespace, metric, dimension values).
#[derive(Debug, Clone, PartialEq)]
pub struct Datapoint {
    pub namespace: String,
    pub metric: String,
    pub unit: Option<String>,
    pub dimensions: BTreeMap<String, String>,
    pub timestamp_ms: i64,
    pub values: Vec<f64>,
}

/// Why a record is not valid EMF.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid EMF record: {0}")]
pub struct EmfError(pub String);

fn invalid<T>(msg: impl Into<String>) -> Result<T, EmfError> {
    Err(EmfError(msg.into()))
}

/// Picks the EMF records out of a process's stdout, which also carries JSON log lines. A line
/// that looks like it meant to be EMF is kept even if it is broken, so validation reports it.
pub fn select_emf_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('{') && l.contains("\"_aws\""))
        .map(str::to_string)
        .collect()
}

/// Parses one EMF line into the datapoints CloudWatch would extract: one per metric per
/// dimension set of each directive.
pub fn parse_record(line: &str) -> Result<Vec<Datapoint>, EmfError> {
    if line.len() > MAX_RECORD_BYTES {
        return invalid(format!(
            "{} bytes, over the {MAX_RECORD_BYTES}-byte log event limit",
            line.len()
        ));
    }
    let root: Map<String, Value> = match serde_json::from_str(line) {
        Ok(Value::Object(map)) => map,
        Ok(_) => return invalid("the document is not a JSON object"),
        Err(e) => return invalid(format!("not JSON: {e}")),
    };
    check_no_nested_objects(&root)?;
    let Some(Value::Object(aws)) = root.get("_aws") else {
        return invalid("missing `_aws` object");
    };
    let timestamp_ms = match aws.get("Timestamp").and_then(Value::as_i64) {
        Some(ts) if ts >= 0 => ts,
        _ => {
            return invalid("`_aws.Timestamp` must be a non-negative integer (epoch milliseconds)");
        }
    };
    let Some(Value::Array(directives)) = aws.get("CloudWatchMetrics") else {
        return invalid("missing `_aws.CloudWatchMetrics` array");
    };
    if directives.is_empty() {
        return invalid("`_aws.CloudWatchMetrics` is empty");
    }
    let mut out = Vec::new();
    let mut definitions = 0;
    for directive in directives {
        definitions += parse_directive(&root, directive, timestamp_ms, &mut out)?;
    }
    if definitions > MAX_METRICS_PER_RECORD {
        return invalid(format!(
            "{definitions} metric definitions, over {MAX_METRICS_PER_RECORD}"
        ));
    }
    Ok(out)
}

/// Project rule (OBSERVABILITY.md): root members are strings, numbers or arrays of numbers;
/// nested objects are kept out of the log line.
fn check_no_nested_objects(root: &Map<String, Value>) -> Result<(), EmfError> {
    for (key, value) in root.iter().filter(|(k, _)| *k != "_aws") {
        let nested = match value {
            Value::Object(_) => true,
            Value::Array(items) => items.iter().any(|i| i.is_object() || i.is_array()),
            _ => false,
        };
        if nested {
            return invalid(format!(
                "root member `{key}` holds a nested object or array"
            ));
        }
    }
    Ok(())
}

fn parse_directive(
    root: &Map<String, Value>,
    directive: &Value,
    timestamp_ms: i64,
    out: &mut Vec<Datapoint>,
) -> Result<usize, EmfError> {
    let Some(namespace) = directive.get("Namespace").and_then(Value::as_str) else {
        return invalid("a directive has no string `Namespace`");
    };
    check_name("namespace", namespace)?;
    if namespace.starts_with("AWS/") {
        return invalid(format!("namespace `{namespace}` is reserved for AWS"));
    }
    let dimension_sets = parse_dimension_sets(root, directive)?;
    let Some(Value::Array(metrics)) = directive.get("Metrics") else {
        return invalid("a directive has no `Metrics` array");
    };
    if metrics.len() > MAX_METRICS_PER_RECORD {
        return invalid(format!(
            "{} metrics in one directive, over {MAX_METRICS_PER_RECORD}",
            metrics.len()
        ));
    }
    for definition in metrics {
        let Some(name) = definition.get("Name").and_then(Value::as_str) else {
            return invalid("a metric definition has no string `Name`");
        };
        check_name("metric name", name)?;
        let unit = match definition.get("Unit") {
            None => None,
            Some(Value::String(u)) if UNITS.contains(&u.as_str()) => Some(u.clone()),
            Some(other) => return invalid(format!("metric `{name}`: unknown unit {other}")),
        };
        match definition.get("StorageResolution") {
            None => {}
            Some(v) if v.as_i64() == Some(1) || v.as_i64() == Some(60) => {}
            Some(v) => {
                return invalid(format!(
                    "metric `{name}`: StorageResolution {v} is not 1 or 60"
                ));
            }
        }
        let values = metric_values(root, name)?;
        for dims in &dimension_sets {
            out.push(Datapoint {
                namespace: namespace.to_string(),
                metric: name.to_string(),
                unit: unit.clone(),
                dimensions: dims.clone(),
                timestamp_ms,
                values: values.clone(),
            });
        }
    }
    Ok(metrics.len())
}

/// Resolves each dimension set to its values. An empty `Dimensions` array publishes the metrics
/// without dimensions.
fn parse_dimension_sets(
    root: &Map<String, Value>,
    directive: &Value,
) -> Result<Vec<BTreeMap<String, String>>, EmfError> {
    let Some(Value::Array(sets)) = directive.get("Dimensions") else {
        return invalid("a directive has no `Dimensions` array");
    };
    if sets.is_empty() {
        return Ok(vec![BTreeMap::new()]);
    }
    let mut out = Vec::new();
    for set in sets {
        let Value::Array(names) = set else {
            return invalid("a dimension set is not an array");
        };
        if names.len() > MAX_DIMENSIONS_PER_SET {
            return invalid(format!(
                "{} dimensions in one set, over {MAX_DIMENSIONS_PER_SET}",
                names.len()
            ));
        }
        let mut dims = BTreeMap::new();
        for name in names {
            let Some(name) = name.as_str() else {
                return invalid("a dimension name is not a string");
            };
            check_name("dimension name", name)?;
            let value = match root.get(name) {
                Some(Value::String(v)) => v,
                _ => {
                    return invalid(format!(
                        "dimension `{name}` has no string member at the root"
                    ));
                }
            };
            if value.is_empty() || value.chars().count() > MAX_DIMENSION_VALUE_CHARS {
                return invalid(format!(
                    "dimension `{name}`: value must be 1..={MAX_DIMENSION_VALUE_CHARS} chars"
                ));
            }
            if dims.insert(name.to_string(), value.clone()).is_some() {
                return invalid(format!("dimension `{name}` appears twice in one set"));
            }
        }
        out.push(dims);
    }
    Ok(out)
}

fn metric_values(root: &Map<String, Value>, name: &str) -> Result<Vec<f64>, EmfError> {
    let values = match root.get(name) {
        Some(Value::Number(n)) => vec![n.as_f64()],
        Some(Value::Array(items)) => items.iter().map(Value::as_f64).collect(),
        _ => {
            return invalid(format!(
                "metric `{name}` has no number or number array at the root"
            ));
        }
    };
    let Some(values) = values.into_iter().collect::<Option<Vec<f64>>>() else {
        return invalid(format!("metric `{name}`: the array holds a non-number"));
    };
    if values.is_empty() || values.len() > MAX_VALUES_PER_METRIC {
        return invalid(format!(
            "metric `{name}`: {} values (1..={MAX_VALUES_PER_METRIC})",
            values.len()
        ));
    }
    if let Some(v) = values
        .iter()
        .find(|v| **v != 0.0 && !(MIN_MAGNITUDE..=MAX_MAGNITUDE).contains(&v.abs()))
    {
        return invalid(format!(
            "metric `{name}`: value {v} is outside CloudWatch's range"
        ));
    }
    Ok(values)
}

fn check_name(what: &str, name: &str) -> Result<(), EmfError> {
    let len = name.chars().count();
    if len == 0 || len > MAX_NAME_CHARS {
        return invalid(format!(
            "{what} `{name}` must be 1..={MAX_NAME_CHARS} chars"
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "emf_tests.rs"]
mod tests;
