//! Unit tests of EMF parsing and validation (kept apart so emf.rs stays short).

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
        {"Namespace": "N", "Dimensions": [], "Metrics": [{"Name": "M"}]}]}, "M": 2})
    .to_string();
    let points = parse_record(&line).expect("valid");
    assert_eq!(points.len(), 1);
    assert!(points[0].dimensions.is_empty());
}

#[test]
fn rejects_broken_documents() {
    assert!(error_of("not json").contains("not JSON"));
    assert!(error_of("[1]").contains("not a JSON object"));
    assert!(error_of(r#"{"a":1}"#).contains("_aws"));
    assert!(error_of(&record(json!({"_aws": {"CloudWatchMetrics": []}}))).contains("Timestamp"));
    assert!(error_of(&record(json!({"_aws": {"Timestamp": 1}}))).contains("CloudWatchMetrics"));
    assert!(
        error_of(&record(
            json!({"_aws": {"Timestamp": -5, "CloudWatchMetrics": []}})
        ))
        .contains("Timestamp")
    );
}

#[test]
fn rejects_missing_or_wrongly_typed_members() {
    assert!(error_of(&record(json!({"Route": 5}))).contains("dimension `Route`"));
    assert!(error_of(&record(json!({"Status": ""}))).contains("dimension `Status`"));
    assert!(error_of(&record(json!({"Requests": "1"}))).contains("metric `Requests`"));
    assert!(error_of(&record(json!({"Latency": []}))).contains("metric `Latency`"));
    assert!(error_of(&record(json!({"Latency": [1, "x"]}))).contains("non-number"));
}

#[test]
fn rejects_nested_objects_at_the_root() {
    assert!(error_of(&record(json!({"ctx": {"a": 1}}))).contains("nested"));
    assert!(error_of(&record(json!({"ctx": [{"a": 1}]}))).contains("nested"));
}

#[test]
fn enforces_emf_limits() {
    let too_many_values: Vec<f64> = (0..101).map(f64::from).collect();
    assert!(error_of(&record(json!({"Latency": too_many_values}))).contains("101 values"));

    let dims: Vec<String> = (0..31).map(|i| format!("D{i}")).collect();
    let mut doc = json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [dims.clone()], "Metrics": [{"Name": "M"}]}]}, "M": 1});
    for d in &dims {
        doc[d.as_str()] = json!("v");
    }
    assert!(error_of(&doc.to_string()).contains("31 dimensions"));

    let names: Vec<Value> = (0..101).map(|i| json!({"Name": format!("M{i}")})).collect();
    let mut doc = json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
        {"Namespace": "N", "Dimensions": [], "Metrics": names}]}});
    for i in 0..101 {
        doc[format!("M{i}")] = json!(1);
    }
    assert!(error_of(&doc.to_string()).contains("101 metrics"));

    let huge = "x".repeat(MAX_RECORD_BYTES);
    assert!(error_of(&record(json!({"note": huge}))).contains("log event limit"));
}

#[test]
fn rejects_bad_units_resolutions_namespaces_and_values() {
    let with = |metric: Value, ns: &str| {
        json!({"_aws": {"Timestamp": 1, "CloudWatchMetrics": [
            {"Namespace": ns, "Dimensions": [], "Metrics": [metric]}]}, "M": 1e200})
        .to_string()
    };
    assert!(
        error_of(&with(json!({"Name": "M", "Unit": "Requests"}), "N")).contains("unknown unit")
    );
    assert!(
        error_of(&with(json!({"Name": "M", "StorageResolution": 5}), "N"))
            .contains("StorageResolution")
    );
    assert!(error_of(&with(json!({"Name": "M"}), "AWS/Lambda")).contains("reserved"));
    assert!(error_of(&with(json!({"Name": "M"}), "N")).contains("outside"));
    assert!(error_of(&with(json!({"Name": ""}), "N")).contains("metric name"));
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
