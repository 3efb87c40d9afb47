//! Extraction of CloudWatch datapoints from Embedded Metric Format records.
//!
//! CloudWatch silently drops metrics from a record it cannot accept (the log line still lands),
//! so a broken record would only show up as an empty panel in production. Every record the proof
//! sees is first checked by the repository's one EMF validator, `interceptors::metrics::validate`
//! (the functions' own rules: namespace, units, limits, flat members), and any violation fails
//! the proof. This module only turns a valid record into the datapoints CloudWatch extracts.

use interceptors::metrics::validate;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

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

/// Validates one EMF line and returns the datapoints CloudWatch would extract: one per metric per
/// dimension set of each directive.
pub fn parse_record(line: &str) -> Result<Vec<Datapoint>, EmfError> {
    let record: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return invalid(format!("not JSON: {e}")),
    };
    validate(&record).map_err(EmfError)?;
    // After `validate` the lookups below cannot miss; they still answer errors, never panic.
    let Some(root) = record.as_object() else {
        return invalid("the document is not a JSON object");
    };
    let aws = &record["_aws"];
    let Some(timestamp_ms) = aws["Timestamp"].as_i64() else {
        return invalid("`_aws.Timestamp` does not fit in i64");
    };
    let mut out = Vec::new();
    for directive in aws["CloudWatchMetrics"].as_array().into_iter().flatten() {
        extract(root, directive, timestamp_ms, &mut out)?;
    }
    Ok(out)
}

fn extract(
    root: &Map<String, Value>,
    directive: &Value,
    timestamp_ms: i64,
    out: &mut Vec<Datapoint>,
) -> Result<(), EmfError> {
    let namespace = directive["Namespace"].as_str().unwrap_or_default();
    let dimension_sets = dimension_sets(root, directive)?;
    for definition in directive["Metrics"].as_array().into_iter().flatten() {
        let name = definition["Name"].as_str().unwrap_or_default();
        let values: Vec<f64> = match root.get(name).unwrap_or(&Value::Null) {
            Value::Array(items) => items.iter().filter_map(Value::as_f64).collect(),
            one => one.as_f64().into_iter().collect(),
        };
        if values.is_empty() {
            return invalid(format!("metric `{name}` has no value"));
        }
        for dims in &dimension_sets {
            out.push(Datapoint {
                namespace: namespace.to_string(),
                metric: name.to_string(),
                unit: definition["Unit"].as_str().map(str::to_string),
                dimensions: dims.clone(),
                timestamp_ms,
                values: values.clone(),
            });
        }
    }
    Ok(())
}

/// Resolves each dimension set to its values. An empty `Dimensions` array publishes the metrics
/// without dimensions, as CloudWatch does.
fn dimension_sets(
    root: &Map<String, Value>,
    directive: &Value,
) -> Result<Vec<BTreeMap<String, String>>, EmfError> {
    let sets = directive["Dimensions"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if sets.is_empty() {
        return Ok(vec![BTreeMap::new()]);
    }
    let mut out = Vec::new();
    for set in &sets {
        let mut dims = BTreeMap::new();
        for name in set
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let Some(value) = root.get(name).and_then(Value::as_str) else {
                return invalid(format!("dimension `{name}` has no string value"));
            };
            dims.insert(name.to_string(), value.to_string());
        }
        out.push(dims);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "emf_tests.rs"]
mod tests;
