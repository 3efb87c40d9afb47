use super::*;
use serde_json::{Value, json};

fn rendered(record: &MetricRecord) -> Value {
    let v = record.to_json().expect("valid record");
    validate(&v).expect("passes validate");
    v
}

#[test]
fn request_record_matches_the_catalogue() {
    let doc = rendered(
        &request_record("balance", "GET", "/api/v1/sell/balance", 200, 3.25, "req-1")
            .timestamp_ms(1_700_000_000_000),
    );
    assert_eq!(
        doc,
        json!({
            "_aws": {"Timestamp": 1_700_000_000_000_u64, "CloudWatchMetrics": [{
                "Namespace": "Veza/Payouts",
                "Dimensions": [["Function", "Method", "Route", "Status"], ["Function"]],
                "Metrics": [
                    {"Name": "Requests", "Unit": "Count"},
                    {"Name": "Latency", "Unit": "Milliseconds"},
                    {"Name": "Errors", "Unit": "Count"},
                    {"Name": "ClientErrors", "Unit": "Count"}
                ]
            }]},
            "Function": "balance", "Method": "GET", "Route": "/api/v1/sell/balance", "Status": "200",
            "Requests": 1.0, "Latency": 3.25, "Errors": 0.0, "ClientErrors": 0.0, "request_id": "req-1"
        })
    );
}

#[test]
fn error_flags_follow_status() {
    for (status, errors, client) in [
        (200, 0.0, 0.0),
        (302, 0.0, 0.0),
        (400, 0.0, 1.0),
        (499, 0.0, 1.0),
        (500, 1.0, 0.0),
        (503, 1.0, 0.0),
    ] {
        let doc = rendered(&request_record("f", "POST", "/r", status, 1.0, "id"));
        assert_eq!(
            (doc["Errors"].as_f64(), doc["ClientErrors"].as_f64()),
            (Some(errors), Some(client)),
            "{status}"
        );
        assert_eq!(doc["Status"], status.to_string());
    }
}

#[test]
fn business_record_with_default_and_explicit_sets() {
    let doc = rendered(
        &MetricRecord::new("webhook")
            .dimension(names::CURRENCY, "eur")
            .count(names::TRANSFERS_CREATED, 1.0)
            .value(names::TRANSFERRED_AMOUNT, 6000.0, Unit::None)
            .property("order_id", "ord_1")
            .property_number("attempt", 2.0),
    );
    let cwm = &doc["_aws"]["CloudWatchMetrics"][0];
    assert_eq!(cwm["Dimensions"], json!([["Function", "Currency"]]));
    assert_eq!(
        cwm["Metrics"],
        json!([{"Name":"TransfersCreated","Unit":"Count"},{"Name":"TransferredAmount","Unit":"None"}])
    );
    assert_eq!(
        (doc["Function"].as_str(), doc["Currency"].as_str()),
        (Some("webhook"), Some("eur"))
    );
    assert_eq!(
        (doc["TransferredAmount"].as_f64(), doc["order_id"].as_str()),
        (Some(6000.0), Some("ord_1"))
    );
    assert_eq!(doc["attempt"], 2.0);

    let doc = rendered(
        &MetricRecord::new("webhook")
            .dimension(names::EVENT_TYPE, "charge.refunded")
            .dimension(names::OUTCOME, "processed")
            .dimension(names::OUTCOME, "duplicate")
            .dimension_set(&[names::FUNCTION, names::EVENT_TYPE, names::OUTCOME])
            .dimension_set(&[names::FUNCTION])
            .count(names::WEBHOOK_EVENTS, 1.0),
    );
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        json!([["Function", "EventType", "Outcome"], ["Function"]])
    );
    assert_eq!(
        doc["Outcome"], "duplicate",
        "a dimension set twice keeps the last value"
    );
}

#[test]
fn repeated_metric_becomes_a_value_array() {
    let doc = rendered(
        &MetricRecord::new("f")
            .value(names::LATENCY, 1.0, Unit::Milliseconds)
            .value(names::LATENCY, 2.5, Unit::Milliseconds),
    );
    assert_eq!(doc["Latency"], json!([1.0, 2.5]));
    assert_eq!(
        doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn limits_are_enforced_by_the_builder() {
    let many = |n: usize| {
        (0..n).fold(MetricRecord::new("f"), |r, i| {
            r.count(&format!("M{i}"), 1.0)
        })
    };
    assert!(many(MAX_METRICS_TEST).render().is_ok());
    assert!(
        many(MAX_METRICS_TEST + 1)
            .render()
            .unwrap_err()
            .contains("metrics")
    );
    let dims = |n: usize| {
        (1..n)
            .fold(MetricRecord::new("f"), |r, i| {
                r.dimension(&format!("D{i}"), "v")
            })
            .count("M", 1.0)
    };
    assert!(dims(30).render().is_ok());
    assert!(dims(31).render().is_err());
    let names31: Vec<String> = (1..31).map(|i| format!("D{i}")).collect();
    let mut set: Vec<&str> = names31.iter().map(String::as_str).collect();
    set.push("Function");
    assert!(
        dims(31)
            .dimension_set(&set)
            .render()
            .unwrap_err()
            .contains("30")
    );
    let values = (0..101).fold(MetricRecord::new("f"), |r, _| r.count("M", 1.0));
    assert!(values.render().is_err());
    let bad: Vec<MetricRecord> = vec![
        MetricRecord::new("f"),
        MetricRecord::new("").count("M", 1.0),
        MetricRecord::new("f")
            .dimension("Currency", "  ")
            .count("M", 1.0),
        MetricRecord::new("f")
            .dimension("Currency", "x".repeat(1025))
            .count("M", 1.0),
        MetricRecord::new("f").count("M", f64::NAN),
        MetricRecord::new("f").count("M", f64::INFINITY),
        MetricRecord::new("f")
            .dimension_set(&["Function", "Currency"])
            .count("M", 1.0),
        MetricRecord::new("f")
            .count("M", 1.0)
            .property("Function", "x"),
        MetricRecord::new("f").count("M", 1.0).property("M", "x"),
        MetricRecord::new("f").count("M", 1.0).property("_aws", "x"),
        MetricRecord::new("f").count("M", 1.0).property("", "x"),
        MetricRecord::new("f")
            .count("M", 1.0)
            .property_number("p", f64::NAN),
        MetricRecord::new("f").dimension("M", "x").count("M", 1.0),
    ];
    for record in bad {
        assert!(record.render().is_err(), "{record:?}");
    }
}

const MAX_METRICS_TEST: usize = emf::MAX_METRICS;

#[test]
fn emit_writes_one_line_and_drops_invalid_records() {
    let sink = MemorySink::new();
    let metrics = Metrics::new("onboard", sink.clone());
    metrics.emit(
        &metrics
            .record()
            .count(names::ONBOARDINGS_STARTED, 1.0)
            .property("user_id", "u1"),
    );
    metrics.emit(&metrics.record().count("Bad", f64::NAN));
    metrics.cold_start();
    metrics.request(
        "POST",
        "/api/v1/sell/connect/onboard",
        201,
        std::time::Duration::from_millis(4),
        "req-2",
    );
    let lines = sink.take();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| !l.contains('\n')));
    let docs: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    docs.iter().for_each(|d| validate(d).unwrap());
    assert_eq!(
        (
            docs[0]["OnboardingsStarted"].as_f64(),
            docs[0]["Function"].as_str()
        ),
        (Some(1.0), Some("onboard"))
    );
    assert_eq!(docs[1]["ColdStarts"], 1.0);
    assert_eq!(
        docs[1]["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
        json!([["Function"]])
    );
    assert_eq!(docs[2]["request_id"], "req-2");
    assert!(sink.lines().is_empty());
    assert!(emit(&*sink, &MetricRecord::new("f")).is_err());
}

#[test]
fn validate_rejects_every_kind_of_bad_record() {
    let good = rendered(&request_record("f", "GET", "/r", 200, 1.0, "id"));
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v
    };
    let cases = [
        json!([]),
        json!("text"),
        mutate(&|v| {
            v.as_object_mut().unwrap().remove("_aws");
        }),
        mutate(&|v| v["_aws"]["Timestamp"] = json!("now")),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"] = json!([])),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"][0]["Namespace"] = json!("Other")),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!([["Missing"]])),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!(["Function"])),
        mutate(&|v| v["Status"] = json!(200)),
        mutate(&|v| v["Status"] = json!("")),
        mutate(&|v| v["Requests"] = json!("1")),
        mutate(&|v| v["Requests"] = json!([1, "2"])),
        mutate(&|v| v["Requests"] = json!([])),
        mutate(&|v| v["Requests"] = json!(vec![1; 101])),
        mutate(&|v| {
            v.as_object_mut().unwrap().remove("Latency");
        }),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] = json!("Furlongs")),
        mutate(&|v| v["_aws"]["CloudWatchMetrics"][0]["Metrics"] = json!([])),
        mutate(&|v| v["extra"] = json!({"nested": 1})),
        mutate(&|v| v["extra"] = json!(["a"])),
        mutate(&|v| v["extra"] = json!("x".repeat(256 * 1024))),
        mutate(&|v| {
            v["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!([["Function", "Function"]])
        }),
        mutate(&|v| {
            v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["StorageResolution"] = json!(5)
        }),
        mutate(&|v| {
            let long = "M".repeat(256);
            v[&long] = json!(1);
            v["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"] = json!(long);
        }),
        mutate(&|v| {
            let dims: Vec<String> = (0..31).map(|i| format!("D{i}")).collect();
            for d in &dims {
                v[d] = json!("x");
            }
            v["_aws"]["CloudWatchMetrics"][0]["Dimensions"] = json!([dims]);
        }),
        mutate(&|v| {
            let metrics: Vec<Value> = (0..101).map(|i| json!({"Name": format!("M{i}")})).collect();
            for i in 0..101 {
                v[format!("M{i}")] = json!(1);
            }
            v["_aws"]["CloudWatchMetrics"][0]["Metrics"] = json!(metrics);
        }),
    ];
    for (i, bad) in cases.iter().enumerate() {
        assert!(validate(bad).is_err(), "case {i}: {bad}");
    }
}

#[test]
fn names_are_unique_catalogued_and_yace_safe() {
    let catalogue = include_str!("../../../../docs/METRICS.md");
    let mut seen = std::collections::HashSet::new();
    for name in names::ALL_METRICS
        .iter()
        .chain(names::ALL_DIMENSIONS.iter())
    {
        assert!(seen.insert(*name), "{name} twice");
        let quoted = [format!("`{name}`"), format!("\"{name}\"")];
        assert!(
            quoted.iter().any(|q| catalogue.contains(q)),
            "{name} is not in docs/METRICS.md"
        );
        assert!(
            !name.starts_with("Veza") && !name.starts_with("Payouts"),
            "{name} would be stripped by YACE"
        );
    }
    assert_eq!(names::NAMESPACE, "Veza/Payouts");
}
