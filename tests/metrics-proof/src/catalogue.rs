//! docs/METRICS.md as data: every metric the functions emit, its unit and dimension sets.
//!
//! The names are `interceptors::metrics::names` (the one place the functions take them from);
//! what this adds is each metric's unit and dimension sets, which only docs/METRICS.md states.
//! The tests below fail when this list drifts from METRICS.md or from `names::ALL_METRICS`, so
//! the generator and the config checks built on it always cover the documented catalogue.

use interceptors::metrics::names::{
    self, CURRENCY, EVENT_TYPE, FUNCTION, METHOD, OUTCOME, REASON, ROUTE, STAGE, STATE, STATUS,
};

pub use interceptors::metrics::names::NAMESPACE;

pub const BY_ROUTE: &[&str] = &[FUNCTION, METHOD, ROUTE, STATUS];
pub const BY_FUNCTION: &[&str] = &[FUNCTION];
pub const BY_CURRENCY: &[&str] = &[FUNCTION, CURRENCY];
pub const BY_REASON: &[&str] = &[FUNCTION, REASON];
pub const BY_EVENT: &[&str] = &[FUNCTION, EVENT_TYPE, OUTCOME];
/// The reconciler's re-drive outcomes (not the webhook's: see METRICS.md).
pub const BY_OUTCOME: &[&str] = &[FUNCTION, OUTCOME];
/// Ledger share states.
pub const BY_STATE: &[&str] = &[FUNCTION, STATE];
/// Disputes, by the stage they reached.
pub const BY_STAGE: &[&str] = &[FUNCTION, CURRENCY, STAGE];

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
    spec(names::REQUESTS, "Count", PER_REQUEST),
    spec(names::LATENCY, "Milliseconds", PER_REQUEST),
    spec(names::ERRORS, "Count", PER_REQUEST),
    spec(names::CLIENT_ERRORS, "Count", PER_REQUEST),
    spec(names::COLD_STARTS, "Count", &[BY_FUNCTION]),
    spec(names::ONBOARDINGS_STARTED, "Count", &[BY_FUNCTION]),
    spec(names::ONBOARDINGS_COMPLETED, "Count", &[BY_FUNCTION]),
    spec(names::ORDERS_PAID, "Count", &[BY_CURRENCY]),
    spec(names::PAYMENTS_REJECTED, "Count", &[BY_REASON]),
    spec(names::TRANSFERS_CREATED, "Count", &[BY_CURRENCY]),
    spec(names::TRANSFERRED_AMOUNT, "None", &[BY_CURRENCY]),
    spec(names::TRANSFERS_FAILED, "Count", &[BY_REASON]),
    spec(names::SHARES_HELD, "Count", &[BY_CURRENCY]),
    spec(names::HELD_AMOUNT, "None", &[BY_CURRENCY]),
    spec(names::SHARES_RELEASED, "Count", &[BY_CURRENCY]),
    spec(names::REFUNDS, "Count", &[BY_CURRENCY]),
    spec(names::REFUNDED_AMOUNT, "None", &[BY_CURRENCY]),
    spec(names::REVERSALS_CREATED, "Count", &[BY_CURRENCY]),
    spec(names::REVERSED_AMOUNT, "None", &[BY_CURRENCY]),
    spec(names::REVERSALS_FAILED, "Count", &[BY_REASON]),
    spec(names::STRIPE_REFUSALS, "Count", &[BY_REASON]),
    spec(names::WEBHOOK_EVENTS, "Count", &[BY_EVENT]),
    spec(names::BALANCE_CACHE_HITS, "Count", &[BY_FUNCTION]),
    spec(names::BALANCE_CACHE_MISSES, "Count", &[BY_FUNCTION]),
    spec(names::EVENTS_CAUGHT_UP, "Count", &[BY_FUNCTION]),
    spec(names::SHARES_REDRIVEN, "Count", &[BY_OUTCOME]),
    spec(names::STUCK_SHARES, "Count", &[BY_STATE]),
    spec(names::OLDEST_HELD_SHARE_AGE, "Seconds", &[BY_FUNCTION]),
    spec(names::DRIFT_DETECTED, "Count", &[BY_REASON]),
    spec(names::DISPUTES, "Count", &[BY_STAGE]),
    spec(names::DISPUTED_AMOUNT, "None", &[BY_STAGE]),
    spec(names::REFUNDS_FAILED, "Count", &[BY_CURRENCY]),
    spec(names::FAILED_REFUND_AMOUNT, "None", &[BY_CURRENCY]),
    spec(names::REFUNDS_REJECTED, "Count", &[BY_REASON]),
    spec(names::REPAYS_CREATED, "Count", &[BY_CURRENCY]),
    spec(names::REPAID_AMOUNT, "None", &[BY_CURRENCY]),
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
    fn catalogue_names_are_the_interceptors_names() {
        let ours: BTreeSet<&str> = CATALOGUE.iter().map(|m| m.name).collect();
        let shared: BTreeSet<&str> = names::ALL_METRICS.into_iter().collect();
        assert_eq!(ours, shared);
        assert_eq!(
            CATALOGUE.len(),
            names::ALL_METRICS.len(),
            "a metric is listed twice"
        );
    }

    #[test]
    fn the_reconcilers_outcomes_and_states_are_documented() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/METRICS.md");
        let doc = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        for value in names::REDRIVE_OUTCOMES.iter().chain(&names::STATES) {
            assert!(
                doc.contains(&format!("`{value}`")),
                "{value} is not in METRICS.md"
            );
        }
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
