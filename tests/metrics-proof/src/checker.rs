//! Runs every dashboard query (variables substituted) through Prometheus's HTTP API, as Grafana
//! would, and records which ones fail or return no non-NaN sample.

use crate::dashboards::{
    Dashboard, VariableQuery, builtin_variables, parse_variable_query, substitute,
};
use crate::exclusions::{self, Exclusion};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A thin client of Prometheus's query and label APIs.
pub struct PromApi {
    http: reqwest::Client,
    base: String,
}

impl PromApi {
    pub fn new(base_url: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_string(),
        })
    }

    async fn get(&self, path: &str, params: &[(&str, &str)]) -> Result<Value, String> {
        let url = format!("{}{path}", self.base);
        let resp = self
            .http
            .get(&url)
            .query(params)
            .send()
            .await
            .map_err(|e| format!("GET {path}: {e}"))?;
        let body: Value = resp
            .json()
            .await
            .map_err(|e| format!("GET {path}: bad JSON: {e}"))?;
        if body["status"] != "success" {
            return Err(format!(
                "{}: {}",
                body["errorType"].as_str().unwrap_or("error"),
                body["error"].as_str().unwrap_or("?")
            ));
        }
        Ok(body["data"].clone())
    }

    /// `/api/v1/query`: the values of every sample of the result (scalar, vector or matrix).
    pub async fn query(&self, expr: &str) -> Result<Vec<f64>, String> {
        let data = self.get("/api/v1/query", &[("query", expr)]).await?;
        let value = |pair: &Value| pair[1].as_str().and_then(|v| v.parse::<f64>().ok());
        let result = &data["result"];
        Ok(match data["resultType"].as_str() {
            Some("scalar") => value(result).into_iter().collect(),
            Some("vector") => result
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| value(&s["value"]))
                .collect(),
            Some("matrix") => result
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|s| s["values"].as_array().cloned().unwrap_or_default())
                .filter_map(|p| value(&p))
                .collect(),
            other => return Err(format!("unexpected result type {other:?}")),
        })
    }

    /// `/api/v1/label/<label>/values`, optionally restricted to series matching `selector`.
    pub async fn label_values(
        &self,
        label: &str,
        selector: Option<&str>,
    ) -> Result<Vec<String>, String> {
        let path = format!("/api/v1/label/{label}/values");
        let params: Vec<(&str, &str)> = selector.map(|s| ("match[]", s)).into_iter().collect();
        let data = self.get(&path, &params).await?;
        Ok(data
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect())
    }

    /// What a Grafana variable query returns: label values, metric names or `query_result` rows.
    pub async fn variable_values(&self, query: &VariableQuery) -> Result<Vec<String>, String> {
        match query {
            VariableQuery::LabelValues { selector, label } => {
                self.label_values(label, selector.as_deref()).await
            }
            VariableQuery::Metrics(re) => {
                self.label_values("__name__", Some(&format!("{{__name__=~\"{re}\"}}")))
                    .await
            }
            VariableQuery::QueryResult(expr) => {
                let values = self.query(expr).await?;
                Ok(values
                    .iter()
                    .filter(|v| !v.is_nan())
                    .map(f64::to_string)
                    .collect())
            }
        }
    }
}

/// One query that did not return data.
#[derive(Debug, Clone)]
pub struct Failure {
    pub dashboard: String,
    pub location: String,
    pub query: String,
    pub sent: String,
    pub problem: String,
}

/// The outcome over all dashboards.
#[derive(Debug, Default)]
pub struct Report {
    /// Queries run (one per distinct substituted form).
    pub checked: Vec<String>,
    pub excluded: Vec<(String, Exclusion)>,
    pub failures: Vec<Failure>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} queries checked, {} excluded, {} failed",
            self.checked.len(),
            self.excluded.len(),
            self.failures.len()
        )?;
        for (where_, e) in &self.excluded {
            writeln!(f, "  excluded {where_}: {} ({})", e.expr, e.reason)?;
        }
        for x in &self.failures {
            writeln!(
                f,
                "  FAILED {} {}: {}\n    query: {}\n    sent:  {}",
                x.dashboard, x.location, x.problem, x.query, x.sent
            )?;
        }
        Ok(())
    }
}

/// Grafana's regex escaping of a multi-value selection, written inside a PromQL string literal.
fn regex_escape(value: &str) -> String {
    value.chars().fold(String::new(), |mut out, c| {
        if r".+?*()[]{}|^$\".contains(c) {
            out.push_str(r"\\");
        }
        out.push(c);
        out
    })
}

/// Resolves the dashboard's variables against Prometheus. Returns the "first value" and the
/// "All" assignments; variables whose query returns nothing are reported as failures.
async fn resolve_variables(
    api: &PromApi,
    d: &Dashboard,
    report: &mut Report,
) -> [BTreeMap<String, String>; 2] {
    let (mut first, mut all) = (builtin_variables(), builtin_variables());
    for v in d.variables() {
        let values: Result<Vec<String>, String> = match (v.kind.as_str(), &v.query) {
            // The proof's Prometheus is the datasource; no panel expression uses this one.
            ("datasource", _) => Ok(vec!["veza-prometheus".into()]),
            ("query", Some(q)) => {
                let sent = substitute(q, &first);
                report
                    .checked
                    .push(format!("{} variable `{}`: {sent}", d.file, v.name));
                match parse_variable_query(&sent) {
                    Some(parsed) => api.variable_values(&parsed).await,
                    None => Err("not a label_values/query_result/metrics query".into()),
                }
            }
            ("custom" | "interval" | "constant" | "textbox", Some(q)) => Ok(q
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()),
            (kind, _) => Err(format!("unsupported variable type {kind:?}")),
        };
        let mut values = match values {
            Ok(values) if !values.is_empty() => values,
            other => {
                let problem = other.err().unwrap_or_else(|| "returned no values".into());
                let query = v.query.clone().unwrap_or_default();
                let sent = substitute(&query, &first);
                report.failures.push(Failure {
                    dashboard: d.file.clone(),
                    location: format!("variable `{}`", v.name),
                    query,
                    sent,
                    problem,
                });
                // Dependent queries then fail too, which is the honest outcome.
                vec![format!("<no value for {}>", v.name)]
            }
        };
        values.sort();
        let all_value = match &v.all_value {
            Some(a) => a.clone(),
            None => format!(
                "({})",
                values
                    .iter()
                    .map(|x| regex_escape(x))
                    .collect::<Vec<_>>()
                    .join("|")
            ),
        };
        first.insert(v.name.clone(), values[0].clone());
        all.insert(
            v.name.clone(),
            if v.include_all {
                all_value
            } else {
                values[0].clone()
            },
        );
    }
    [first, all]
}

/// Checks every panel query and variable query of `dashboards`.
pub async fn check(api: &PromApi, dashboards: &[Dashboard], exclusions: &[Exclusion]) -> Report {
    let mut report = Report::default();
    for d in dashboards {
        let assignments = resolve_variables(api, d, &mut report).await;
        for q in d.panel_queries() {
            let location = format!("panel `{}` {}", q.panel, q.ref_id);
            if let Some(e) = exclusions::find(exclusions, &d.file, &q.expr) {
                report.excluded.push((format!("{} {location}", d.file), *e));
                continue;
            }
            let mut sent_forms: Vec<String> = assignments
                .iter()
                .map(|vars| substitute(&q.expr, vars))
                .collect();
            sent_forms.dedup();
            for sent in sent_forms {
                report
                    .checked
                    .push(format!("{} {location}: {sent}", d.file));
                let problem = match api.query(&sent).await {
                    Err(e) => Some(e),
                    Ok(values) if values.iter().any(|v| !v.is_nan()) => None,
                    Ok(values) if values.is_empty() => Some("no samples".into()),
                    Ok(_) => Some("only NaN samples".into()),
                };
                if let Some(problem) = problem {
                    let failure = Failure {
                        dashboard: d.file.clone(),
                        location: location.clone(),
                        query: q.expr.clone(),
                        sent,
                        problem,
                    };
                    report.failures.push(failure);
                }
            }
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_regex_metacharacters_for_promql_strings() {
        assert_eq!(
            regex_escape("/api/v1/sell/balance"),
            r"/api/v1/sell/balance"
        );
        assert_eq!(regex_escape("a.b|c"), r"a\\.b\\|c");
        assert_eq!(regex_escape("$default"), r"\\$default");
    }
}
