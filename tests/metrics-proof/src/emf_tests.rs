//! Unit tests of datapoint extraction (kept apart so emf.rs stays short). The validation rules
//! themselves are tested where they live, in interceptors::metrics; here only that they are
//! applied.

use super::*;
use serde_json::json;

fn record(extra: Value) -> String {
    let mut doc = json!({
        "_aws": {"Timestamp": 1_700_000_000_000_i64, "CloudWatchMetrics": [{
            "Namespace": "Veza/Payouts",
            "Dimensions": [["Function", "Method", "Route", "Status"], ["Function"]],
            "Metrics": [{"Name": "Requests", "Unit": "Count"}, {"Name": "Latency", "Unit": "Milliseconds"}]
        }]},
        "Function": "balance", "Method": "GET", "Route": "/api/v1/sell/balance", "Status": "200",
        "Requests": 1, "Latency": 3.2, "request_id": "r-1"
    });
    if let (Some(doc), Value::Object(extra)) = (doc.as_object_mut(), extra) {
        doc.extend(extra);
    }
    doc.to_string()
}

fn error_of(line: &str) -> String {
    match parse_record(line) {
        Ok(points) => panic!("accepted: {points:?}"),
        Err(EmfError(msg)) => msg,
    }
}

#[test]
fn one_datapoint_per_metric_and_dimension_set() {
    let points = parse_record(&record(json!({}))).expect("valid");
    assert_eq!(points.len(), 4);
    let by_route = &points[0];
    assert_eq!(by_route.metric, "Requests");
    assert_eq!(by_route.dimensions.len(), 4);
    assert_eq!(by_route.dimensions["Route"], "/api/v1/sell/balance");
    assert_eq!(by_route.values, vec![1.0]);
    assert_eq!(by_route.timestamp_ms, 1_700_000_000_000);
    let rollup = &points[1];
    assert_eq!(rollup.dimensions.keys().collect::<Vec<_>>(), ["Function"]);
    assert_eq!(points[3].values, vec![3.2]);
    assert_eq!(points[3].unit.as_deref(), Some("Milliseconds"));
}

#[test]
fn extra_root_members_are_not_dimensions() {
    let points = parse_record(&record(json!({"order_id": "o-1"}))).expect("valid");
    assert!(
        points
            .iter()
            .all(|p| !p.dimensions.contains_key("order_id"))
    );
}

#[test]
fn arrays_of_values_are_kept() {
    let points = parse_record(&record(json!({"Latency": [1.0, 2.0, 3.0]}))).expect("valid");
    assert_eq!(points[3].values, vec![1.0, 2.0, 3.0]);
}

#[test]
fn empty_dimensions_publish_without_dimensions() {
    let line = json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "Veza/Payouts", "Dimensions": [], "Metrics": [{"Name": "M", "Unit": "Count"}]}]}, "M": 2})
    .to_string();
    let points = parse_record(&line).expect("valid");
    assert_eq!(points.len(), 1);
    assert!(points[0].dimensions.is_empty());
}

/// The shared validator's verdicts reach the proof (one case per kind of rule).
#[test]
fn records_the_shared_validator_refuses_are_rejected() {
    assert!(error_of("not json").contains("not JSON"));
    assert!(!error_of("[1]").is_empty());
    assert!(error_of(r#"{"a":1}"#).contains("_aws"));
    assert!(
        error_of(&record(
            json!({"_aws": {"Timestamp": -5, "CloudWatchMetrics": []}})
        ))
        .contains("Timestamp")
    );
    assert!(error_of(&record(json!({"Route": 5}))).contains("Route"));
    assert!(error_of(&record(json!({"Status": ""}))).contains("Status"));
    assert!(error_of(&record(json!({"Requests": "1"}))).contains("Requests"));
    assert!(error_of(&record(json!({"ctx": {"a": 1}}))).contains("ctx"));
    let too_many_values: Vec<f64> = (0..101).map(f64::from).collect();
    assert!(error_of(&record(json!({"Latency": too_many_values}))).contains("Latency"));
    let other_namespace = record(json!({})).replace("Veza/Payouts", "AWS/Lambda");
    assert!(error_of(&other_namespace).contains("Namespace"));
    let bad_unit = record(json!({})).replace("\"Count\"", "\"Requests\"");
    assert!(error_of(&bad_unit).contains("Unit"));
}

#[test]
fn selects_emf_lines_from_mixed_output() {
    let out = format!(
        "{{\"level\":\"INFO\",\"msg\":\"hello\"}}\n{}\nplain text\n  {{\"_aws\": broken\n",
        record(json!({}))
    );
    let lines = select_emf_lines(&out);
    assert_eq!(lines.len(), 2);
    assert!(parse_record(&lines[0]).is_ok());
    assert!(parse_record(&lines[1]).is_err());
}
