//! Prometheus text exposition of YACE-style gauges.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One exported series: YACE exports every CloudWatch statistic as a gauge.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// YACE's `EnsureLabelConsistencyAndRemoveDuplicates`: every series of a name gets every label
/// any series of that name has (missing ones as ""), and exact duplicates are dropped. Prometheus
/// treats an empty label as absent, which is why a roll-up series matches `dimension_Route=""`.
pub fn ensure_label_consistency(samples: Vec<Sample>) -> Vec<Sample> {
    let mut observed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for s in &samples {
        observed
            .entry(s.name.clone())
            .or_default()
            .extend(s.labels.keys().cloned());
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(samples.len());
    for mut s in samples {
        for label in observed.get(&s.name).into_iter().flatten() {
            s.labels.entry(label.clone()).or_default();
        }
        if seen.insert((s.name.clone(), s.labels.clone())) {
            out.push(s);
        }
    }
    out
}

/// Renders samples in the text format (version 0.0.4), one family per name, like YACE's
/// client_golang registry (HELP text included).
pub fn render(samples: &[Sample]) -> String {
    let mut families: BTreeMap<&str, Vec<&Sample>> = BTreeMap::new();
    for s in samples {
        families.entry(&s.name).or_default().push(s);
    }
    let mut out = String::new();
    for (name, members) in families {
        let _ = writeln!(out, "# HELP {name} Help is not implemented yet.");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for s in members {
            out.push_str(name);
            if !s.labels.is_empty() {
                let labels: Vec<String> = s
                    .labels
                    .iter()
                    .map(|(k, v)| format!("{k}=\"{}\"", escape_label_value(v)))
                    .collect();
                let _ = write!(out, "{{{}}}", labels.join(","));
            }
            let _ = writeln!(out, " {}", format_value(s.value));
        }
    }
    out
}

fn escape_label_value(v: &str) -> String {
    v.replace('\\', r"\\")
        .replace('"', "\\\"")
        .replace('\n', r"\n")
}

/// Text-format float: `NaN`, `+Inf`, `-Inf`, else the shortest round-trip decimal.
fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v == f64::INFINITY {
        "+Inf".into()
    } else if v == f64::NEG_INFINITY {
        "-Inf".into()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str, labels: &[(&str, &str)], value: f64) -> Sample {
        Sample {
            name: name.into(),
            labels: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            value,
        }
    }

    #[test]
    fn renders_gauge_families() {
        let text = render(&[
            sample("b_sum", &[("name", "job"), ("dimension_Route", "/a")], 2.5),
            sample("a_sum", &[], 1.0),
            sample("b_sum", &[("name", "job"), ("dimension_Route", "/b")], 3.0),
        ]);
        let want = "# HELP a_sum Help is not implemented yet.\n# TYPE a_sum gauge\na_sum 1\n\
                    # HELP b_sum Help is not implemented yet.\n# TYPE b_sum gauge\n\
                    b_sum{dimension_Route=\"/a\",name=\"job\"} 2.5\nb_sum{dimension_Route=\"/b\",name=\"job\"} 3\n";
        assert_eq!(text, want);
    }

    #[test]
    fn escapes_label_values_and_special_floats() {
        let text = render(&[
            sample("x", &[("l", "a\"b\\c\nd")], f64::NAN),
            sample("y", &[], f64::INFINITY),
            sample("z", &[], f64::NEG_INFINITY),
        ]);
        assert!(text.contains("x{l=\"a\\\"b\\\\c\\nd\"} NaN\n"), "{text}");
        assert!(text.contains("y +Inf\n"));
        assert!(text.contains("z -Inf\n"));
    }

    #[test]
    fn fills_missing_labels_and_drops_duplicates() {
        let samples = ensure_label_consistency(vec![
            sample(
                "r",
                &[
                    ("name", "by-route"),
                    ("dimension_Function", "f"),
                    ("dimension_Route", "/a"),
                ],
                1.0,
            ),
            sample(
                "r",
                &[("name", "by-function"), ("dimension_Function", "f")],
                2.0,
            ),
            sample(
                "r",
                &[("name", "by-function"), ("dimension_Function", "f")],
                9.0,
            ),
            sample("other", &[("name", "x")], 3.0),
        ]);
        assert_eq!(samples.len(), 3);
        assert_eq!(
            samples[1].labels.get("dimension_Route").map(String::as_str),
            Some("")
        );
        assert_eq!(
            samples[1].value, 2.0,
            "the first of the duplicates is kept, like YACE"
        );
        assert!(
            !samples[2].labels.contains_key("dimension_Route"),
            "other names are untouched"
        );
    }
}
