//! Static checks of the dashboard conventions (OBSERVABILITY.md, issue 7) that need no data:
//! schema version, the `datasource` variable, per-panel datasource and unit, no counter functions
//! or histogram quantiles over YACE's gauges, and only series names the YACE config exports.

use crate::dashboards::Dashboard;
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashSet};

/// Grafana 10.4 / 11 write schemaVersion 39; older versions would migrate these dashboards.
pub const MIN_SCHEMA_VERSION: u64 = 39;

/// Functions that assume counters or histogram buckets: YACE exports neither. Every statistic is
/// a gauge holding one period's value, already a per-period sum.
pub const FORBIDDEN_FUNCTIONS: &[&str] = &[
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "resets",
    "histogram_quantile",
];

fn datasource_ref() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

/// Every convention violation of one dashboard; `exported` is the set of series names the YACE
/// config can export (see `YaceConfig::series_names`).
pub fn lint(d: &Dashboard, exported: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let mut report = |msg: String| problems.push(format!("{}: {msg}", d.file));

    match d.json["schemaVersion"].as_u64() {
        Some(v) if v >= MIN_SCHEMA_VERSION => {}
        other => report(format!(
            "schemaVersion {other:?} is older than {MIN_SCHEMA_VERSION}"
        )),
    }
    let variables = d.json["templating"]["list"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let has_ds_var = variables.iter().any(|v| {
        v["name"] == "datasource" && v["type"] == "datasource" && v["query"] == "prometheus"
    });
    if !has_ds_var {
        report("no `datasource` variable of type datasource querying prometheus".into());
    }
    for v in variables.iter().filter(|v| v["type"] == "query") {
        if v["datasource"] != datasource_ref() {
            report(format!(
                "variable `{}` does not use ${{datasource}}",
                v["name"].as_str().unwrap_or("?")
            ));
        }
    }

    let mut ids = HashSet::new();
    for panel in d.panels() {
        let title = panel["title"].as_str().unwrap_or("(untitled)");
        if let Some(id) = panel["id"].as_u64().filter(|id| !ids.insert(*id)) {
            report(format!("panel `{title}`: duplicate id {id}"));
        }
        if panel["type"] == "row" {
            continue;
        }
        if panel["datasource"] != datasource_ref() {
            report(format!(
                "panel `{title}`: datasource must be {}",
                datasource_ref()
            ));
        }
        if panel["fieldConfig"]["defaults"]["unit"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            report(format!(
                "panel `{title}`: no unit (fieldConfig.defaults.unit)"
            ));
        }
        for target in panel["targets"].as_array().into_iter().flatten() {
            if !target["datasource"].is_null() && target["datasource"] != datasource_ref() {
                report(format!(
                    "panel `{title}` target {}: foreign datasource",
                    target["refId"]
                ));
            }
        }
    }

    let queries = d
        .panel_queries()
        .into_iter()
        .map(|q| (format!("panel `{}` {}", q.panel, q.ref_id), q.expr));
    let var_queries = d
        .variables()
        .into_iter()
        .filter_map(|v| v.query.map(|q| (format!("variable `{}`", v.name), q)));
    for (location, expr) in queries.chain(var_queries) {
        for function in called_functions(&expr) {
            if FORBIDDEN_FUNCTIONS.contains(&function.as_str()) {
                report(format!("{location}: {function}() over YACE gauges: {expr}"));
            }
        }
        for series in referenced_series(&expr) {
            if !exported.contains(&series) {
                report(format!(
                    "{location}: series {series} is not exported by infra/yace/config.yml"
                ));
            }
        }
    }
    problems
}

/// Identifiers outside string literals, with whether a `(` follows.
fn identifiers(expr: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = expr.chars().collect();
    let (mut out, mut i, mut quoted) = (Vec::new(), 0, None::<char>);
    while i < chars.len() {
        let c = chars[i];
        match quoted {
            Some(q) => {
                if c == '\\' {
                    i += 1;
                } else if c == q {
                    quoted = None;
                }
                i += 1;
            }
            None if c == '"' || c == '\'' || c == '`' => {
                quoted = Some(c);
                i += 1;
            }
            None if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == ':')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let next = chars[i..].iter().find(|c| !c.is_whitespace());
                // `$__range` and friends are Grafana variables, not PromQL identifiers.
                if start == 0 || chars[start - 1] != '$' {
                    out.push((word, next == Some(&'(')));
                }
            }
            None => i += 1,
        }
    }
    out
}

/// PromQL modifiers that are followed by a parenthesised label list, not calls.
const LABEL_LIST_KEYWORDS: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
];

/// PromQL functions (and aggregation operators written with parentheses) called in `expr`.
pub fn called_functions(expr: &str) -> Vec<String> {
    identifiers(expr)
        .into_iter()
        .filter(|(w, call)| *call && !LABEL_LIST_KEYWORDS.contains(&w.as_str()))
        .map(|(w, _)| w)
        .collect()
}

/// Series names from YACE in `expr`: every identifier starting with `aws_`.
pub fn referenced_series(expr: &str) -> Vec<String> {
    identifiers(expr)
        .into_iter()
        .filter(|(w, call)| !call && w.starts_with("aws_"))
        .map(|(w, _)| w)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_function_calls_outside_strings() {
        let expr = r#"sum by (a) (rate(x_sum{l=~"rate(.*)"}[5m])) / histogram_quantile (0.9, y)"#;
        assert_eq!(called_functions(expr), ["rate", "histogram_quantile"]);
        assert_eq!(
            called_functions("sum(x) / on (a) group_left (b) count(y)"),
            ["sum", "count"]
        );
        assert!(
            called_functions("avg_over_time(m[$__range]) * $__range_s")
                .contains(&"avg_over_time".to_string())
        );
        assert_eq!(
            called_functions("separate_rate_sum / 60"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn finds_series_names() {
        let expr = r#"sum(aws_a_sum{name="aws_not_a_series"}) / sum by (dimension_X) (aws_b_sum) or vector(0)"#;
        assert_eq!(referenced_series(expr), ["aws_a_sum", "aws_b_sum"]);
    }

    #[test]
    fn reports_convention_violations() {
        let d = Dashboard {
            file: "bad.json".into(),
            json: json!({"schemaVersion": 30, "templating": {"list": []}, "panels": [
                {"id": 1, "type": "timeseries", "title": "T", "datasource": {"type": "prometheus", "uid": "other"},
                 "targets": [{"refId": "A", "expr": "rate(aws_unknown_sum[5m])"}]},
                {"id": 1, "type": "row", "title": "R", "panels": []}
            ]}),
        };
        let problems = lint(&d, &BTreeSet::from(["aws_known_sum".to_string()]));
        let all = problems.join("\n");
        for needle in [
            "schemaVersion",
            "`datasource` variable",
            "datasource must be",
            "no unit",
            "rate()",
            "aws_unknown_sum",
            "duplicate id",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
        }
    }
}
