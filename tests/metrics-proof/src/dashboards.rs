//! Grafana dashboard JSON: the queries it runs, its template variables, and Grafana's variable
//! interpolation, so each query can be run against Prometheus as Grafana would send it.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// One dashboard file.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub file: String,
    pub json: Value,
}

/// One `targets[].expr` of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelQuery {
    pub panel: String,
    pub ref_id: String,
    pub expr: String,
}

/// One template variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub name: String,
    pub kind: String,
    /// The query of a `query` variable (string form or `{"query": ...}` object form).
    pub query: Option<String>,
    pub include_all: bool,
    pub all_value: Option<String>,
}

/// What a Prometheus variable query asks for, in Grafana's syntax.
#[derive(Debug, Clone, PartialEq)]
pub enum VariableQuery {
    /// `label_values(label)` or `label_values(series_selector, label)`.
    LabelValues {
        selector: Option<String>,
        label: String,
    },
    /// `query_result(expr)`.
    QueryResult(String),
    /// `metrics(regex)`.
    Metrics(String),
}

/// Loads every `*.json` of `dir`, sorted by file name.
pub fn load_all(dir: &Path) -> Result<Vec<Dashboard>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let json =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let file = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            Ok(Dashboard { file, json })
        })
        .collect()
}

impl Dashboard {
    /// Every panel, rows' nested panels and legacy `rows[].panels[]` included.
    pub fn panels(&self) -> Vec<&Value> {
        fn walk<'a>(panels: &'a Value, out: &mut Vec<&'a Value>) {
            for panel in panels.as_array().into_iter().flatten() {
                out.push(panel);
                walk(&panel["panels"], out);
            }
        }
        let mut out = Vec::new();
        walk(&self.json["panels"], &mut out);
        for row in self.json["rows"].as_array().into_iter().flatten() {
            walk(&row["panels"], &mut out);
        }
        out
    }

    /// Every non-empty `expr` of every panel's targets.
    pub fn panel_queries(&self) -> Vec<PanelQuery> {
        let mut out = Vec::new();
        for panel in self.panels() {
            let title = panel["title"].as_str().unwrap_or("(untitled)");
            for target in panel["targets"].as_array().into_iter().flatten() {
                if let Some(expr) = target["expr"].as_str().filter(|e| !e.trim().is_empty()) {
                    out.push(PanelQuery {
                        panel: title.to_string(),
                        ref_id: target["refId"].as_str().unwrap_or("?").to_string(),
                        expr: expr.to_string(),
                    });
                }
            }
        }
        out
    }

    /// The template variables, in dashboard order (later ones may use earlier ones).
    pub fn variables(&self) -> Vec<Variable> {
        let list = self.json["templating"]["list"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        list.iter()
            .map(|v| Variable {
                name: v["name"].as_str().unwrap_or_default().to_string(),
                kind: v["type"].as_str().unwrap_or_default().to_string(),
                query: v["query"]
                    .as_str()
                    .or_else(|| v["query"]["query"].as_str())
                    .map(str::to_string),
                include_all: v["includeAll"].as_bool().unwrap_or(false),
                all_value: v["allValue"]
                    .as_str()
                    .filter(|a| !a.is_empty())
                    .map(str::to_string),
            })
            .collect()
    }
}

/// Parses Grafana's Prometheus variable query syntax.
pub fn parse_variable_query(query: &str) -> Option<VariableQuery> {
    let q = query.trim();
    let inner = |prefix: &str| {
        q.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(')'))
            .map(str::trim)
    };
    if let Some(args) = inner("label_values(") {
        return Some(match last_top_level_comma(args) {
            Some(i) => VariableQuery::LabelValues {
                selector: Some(args[..i].trim().to_string()),
                label: args[i + 1..].trim().to_string(),
            },
            None => VariableQuery::LabelValues {
                selector: None,
                label: args.to_string(),
            },
        });
    }
    if let Some(expr) = inner("query_result(") {
        return Some(VariableQuery::QueryResult(expr.to_string()));
    }
    inner("metrics(").map(|re| VariableQuery::Metrics(re.to_string()))
}

/// The comma separating `label_values`' two arguments: outside quotes, braces and parentheses.
fn last_top_level_comma(args: &str) -> Option<usize> {
    let (mut depth, mut quoted, mut escaped, mut last) = (0i32, false, false, None);
    for (i, c) in args.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '{' | '(' | '[' if !quoted => depth += 1,
            '}' | ')' | ']' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => last = Some(i),
            _ => {}
        }
    }
    last
}

/// Grafana's built-in variables, with values suited to the proof's data (a few seconds old,
/// scraped every second): ranges of 5 minutes cover it.
pub fn builtin_variables() -> BTreeMap<String, String> {
    [
        ("__interval", "1m"),
        ("__interval_ms", "60000"),
        ("__rate_interval", "1m"),
        ("__range", "5m"),
        ("__range_s", "300"),
        ("__range_ms", "300000"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Grafana-style interpolation of `$name`, `${name}`, `${name:format}` and `[[name]]`. Unknown
/// variables are left as written so the failure shows which one was missing.
pub fn substitute(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['$', '[']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let (name, consumed) = if let Some(braced) = tail.strip_prefix("${") {
            match braced.find('}') {
                Some(end) => (braced[..end].split(':').next().unwrap_or_default(), end + 3),
                None => ("", 0),
            }
        } else if let Some(bracketed) = tail.strip_prefix("[[") {
            match bracketed.find("]]") {
                Some(end) => (
                    bracketed[..end].split(':').next().unwrap_or_default(),
                    end + 4,
                ),
                None => ("", 0),
            }
        } else if let Some(plain) = tail.strip_prefix('$') {
            let len = plain
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(plain.len());
            (&plain[..len], len + 1)
        } else {
            ("", 0)
        };
        match vars.get(name).filter(|_| consumed > 0) {
            Some(value) => {
                out.push_str(value);
                rest = &tail[consumed..];
            }
            None => {
                let keep = tail.chars().next().map_or(1, char::len_utf8);
                out.push_str(&tail[..keep]);
                rest = &tail[keep..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
#[path = "dashboards_tests.rs"]
mod tests;
