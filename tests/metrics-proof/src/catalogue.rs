//! docs/METRICS.md as data: every metric the functions emit, its unit and dimension sets.
//!
//! The test below parses METRICS.md and fails when the two drift apart, so the generator and the
//! config checks built on this list always cover the documented catalogue.
//! (When `interceptors::metrics::names` exists, the names could come from there instead.)

pub const NAMESPACE: &str = "Veza/Payouts";

pub const BY_ROUTE: &[&str] = &["Function", "Method", "Route", "Status"];
pub const BY_FUNCTION: &[&str] = &["Function"];
pub const BY_CURRENCY: &[&str] = &["Function", "Currency"];
pub const BY_REASON: &[&str] = &["Function", "Reason"];
pub const BY_EVENT: &[&str] = &["Function", "EventType", "Outcome"];

/// The per-request metrics carry the full set and the `["Function"]` roll-up.
const PER_REQUEST: &[&[&str]] = &[BY_ROUTE, BY_FUNCTION];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricSpec {
    pub name: &'static str,
    pub unit: &'static str,
    pub dimension_sets: &'static [&'static [&'static str]],
}

const fn spec(
    name: &'static str,
    unit: &'static str,
    dimension_sets: &'static [&'static [&'static str]],
) -> MetricSpec {
    MetricSpec {
        name,
        unit,
        dimension_sets,
    }
}

pub const CATALOGUE: &[MetricSpec] = &[
    spec("Requests", "Count", PER_REQUEST),
    spec("Latency", "Milliseconds", PER_REQUEST),
    spec("Errors", "Count", PER_REQUEST),
    spec("ClientErrors", "Count", PER_REQUEST),
    spec("ColdStarts", "Count", &[BY_FUNCTION]),
    spec("OnboardingsStarted", "Count", &[BY_FUNCTION]),
    spec("OnboardingsCompleted", "Count", &[BY_FUNCTION]),
    spec("OrdersPaid", "Count", &[BY_CURRENCY]),
    spec("PaymentsRejected", "Count", &[BY_REASON]),
    spec("TransfersCreated", "Count", &[BY_CURRENCY]),
    spec("TransferredAmount", "None", &[BY_CURRENCY]),
    spec("TransfersFailed", "Count", &[BY_REASON]),
    spec("SharesHeld", "Count", &[BY_CURRENCY]),
    spec("HeldAmount", "None", &[BY_CURRENCY]),
    spec("SharesReleased", "Count", &[BY_CURRENCY]),
    spec("Refunds", "Count", &[BY_CURRENCY]),
    spec("RefundedAmount", "None", &[BY_CURRENCY]),
    spec("ReversalsCreated", "Count", &[BY_CURRENCY]),
    spec("ReversedAmount", "None", &[BY_CURRENCY]),
    spec("ReversalsFailed", "Count", &[BY_REASON]),
    spec("WebhookEvents", "Count", &[BY_EVENT]),
    spec("BalanceCacheHits", "Count", &[BY_FUNCTION]),
    spec("BalanceCacheMisses", "Count", &[BY_FUNCTION]),
];

pub fn find(name: &str) -> Option<&'static MetricSpec> {
    CATALOGUE.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    type Entry = (String, String, Vec<Vec<String>>);

    /// (name, unit, dimension sets) from METRICS.md's tables, plus the ColdStarts paragraph.
    fn documented() -> BTreeSet<Entry> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/METRICS.md");
        let doc = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let owned = |sets: &[&[&str]]| {
            sets.iter()
                .map(|s| s.iter().map(|d| d.to_string()).collect())
                .collect()
        };
        let mut out = BTreeSet::new();
        for line in doc.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let dims: Vec<Vec<String>> = match cells.get(2).and_then(|c| c.strip_prefix('`')) {
                Some(json) => {
                    let set: Vec<String> = serde_json::from_str(json.trim_end_matches('`'))
                        .expect("dimension set JSON");
                    vec![set]
                }
                // The per-request table's third column is the value; its sets are in the prose.
                None => owned(PER_REQUEST),
            };
            for name in cells[0].split('/') {
                out.insert((
                    name.trim().trim_matches('`').to_string(),
                    cells[1].to_string(),
                    dims.clone(),
                ));
            }
        }
        assert!(
            doc.contains(r#"`ColdStarts` (Count, 1), dimension set `["Function"]`"#),
            "ColdStarts paragraph changed"
        );
        out.insert(("ColdStarts".into(), "Count".into(), owned(&[BY_FUNCTION])));
        out
    }

    #[test]
    fn catalogue_matches_metrics_md() {
        let ours: BTreeSet<Entry> = CATALOGUE
            .iter()
            .map(|m| {
                let sets = m
                    .dimension_sets
                    .iter()
                    .map(|s| s.iter().map(|d| d.to_string()).collect())
                    .collect();
                (m.name.to_string(), m.unit.to_string(), sets)
            })
            .collect();
        let doc = documented();
        assert_eq!(
            ours.difference(&doc).collect::<Vec<_>>(),
            Vec::<&Entry>::new(),
            "in the catalogue, not in METRICS.md"
        );
        assert_eq!(
            doc.difference(&ours).collect::<Vec<_>>(),
            Vec::<&Entry>::new(),
            "in METRICS.md, not in the catalogue"
        );
    }

    #[test]
    fn no_name_starts_with_a_namespace_piece() {
        // YACE would strip it (PayoutsCreated -> aws_veza_payouts_created_sum).
        for m in CATALOGUE {
            assert!(
                !m.name.starts_with("Veza") && !m.name.starts_with("Payouts"),
                "{}",
                m.name
            );
        }
    }
}
