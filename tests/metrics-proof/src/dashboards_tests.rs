//! Unit tests of dashboard parsing and interpolation (kept apart so dashboards.rs stays short).

use super::*;
use serde_json::json;

fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn extracts_queries_from_rows_and_nested_panels() {
    let d = Dashboard {
        file: "x.json".into(),
        json: json!({"panels": [
            {"type": "timeseries", "title": "A", "targets": [{"refId": "A", "expr": "up"}, {"refId": "B", "expr": " "}]},
            {"type": "row", "title": "R", "collapsed": true, "panels": [
                {"type": "stat", "title": "B", "targets": [{"refId": "A", "expr": "x / 60"}]}]},
            {"type": "text", "title": "no targets"}
        ], "rows": [{"panels": [{"title": "Old", "targets": [{"refId": "C", "expr": "old"}]}]}]}),
    };
    let queries = d.panel_queries();
    let exprs: Vec<_> = queries
        .iter()
        .map(|q| (q.panel.as_str(), q.ref_id.as_str(), q.expr.as_str()))
        .collect();
    assert_eq!(
        exprs,
        [("A", "A", "up"), ("B", "A", "x / 60"), ("Old", "C", "old")]
    );
    assert_eq!(d.panels().len(), 5);
}

#[test]
fn reads_both_variable_query_forms() {
    let d = Dashboard {
        file: "x.json".into(),
        json: json!({"templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {"name": "f", "type": "query", "query": "label_values(m, l)", "includeAll": true, "allValue": ".*"},
            {"name": "g", "type": "query", "query": {"query": "label_values(l2)", "refId": "X"}, "allValue": ""}
        ]}}),
    };
    let v = d.variables();
    assert_eq!(v[1].query.as_deref(), Some("label_values(m, l)"));
    assert!(v[1].include_all);
    assert_eq!(v[1].all_value.as_deref(), Some(".*"));
    assert_eq!(v[2].query.as_deref(), Some("label_values(l2)"));
    assert_eq!(v[2].all_value, None);
}

#[test]
fn parses_variable_queries() {
    assert_eq!(
        parse_variable_query(r#"label_values(m{a="x,y", b=~"$f"}, dimension_Route)"#),
        Some(VariableQuery::LabelValues {
            selector: Some(r#"m{a="x,y", b=~"$f"}"#.into()),
            label: "dimension_Route".into()
        })
    );
    assert_eq!(
        parse_variable_query("label_values(job)"),
        Some(VariableQuery::LabelValues {
            selector: None,
            label: "job".into()
        })
    );
    assert_eq!(
        parse_variable_query("query_result(topk(3, sum by (a) (m)))"),
        Some(VariableQuery::QueryResult("topk(3, sum by (a) (m))".into()))
    );
    assert_eq!(
        parse_variable_query("metrics(aws_.*)"),
        Some(VariableQuery::Metrics("aws_.*".into()))
    );
    assert_eq!(parse_variable_query("up"), None);
}

#[test]
fn substitutes_grafana_variable_syntaxes() {
    let mut v = vars(&[("function", "balance"), ("f", "x")]);
    v.extend(builtin_variables());
    assert_eq!(substitute(r#"m{a=~"$function"}"#, &v), r#"m{a=~"balance"}"#);
    assert_eq!(
        substitute(r#"m{a=~"${function}"}"#, &v),
        r#"m{a=~"balance"}"#
    );
    assert_eq!(
        substitute(r#"m{a=~"${function:regex}"}"#, &v),
        r#"m{a=~"balance"}"#
    );
    assert_eq!(
        substitute(r#"m{a=~"[[function]]"}"#, &v),
        r#"m{a=~"balance"}"#
    );
    assert_eq!(
        substitute("avg_over_time(m[$__range]) * $__range_s / 60", &v),
        "avg_over_time(m[5m]) * 300 / 60"
    );
    assert_eq!(substitute("$f$function", &v), "xbalance");
    assert_eq!(
        substitute("m[1m] $unknown ${also_unknown} $", &v),
        "m[1m] $unknown ${also_unknown} $"
    );
    assert_eq!(substitute("é$f", &v), "éx");
}
