//! Dashboard queries the proof does not require to return data, each with its reason.
//!
//! A const rather than dashboards/proof-exclusions.json because Grafana's file provider loads
//! every *.json of dashboards/ as a dashboard.
//!
//! Empty on purpose: the only queries that cannot get data from local traffic are those over
//! AWS-published metrics (AWS/Lambda, AWS/ApiGateway, AWS/DynamoDB), and the proof feeds
//! SYNTHETIC series named and labelled exactly as YACE exports them (see `synthetic`) so those
//! queries are still run and checked. Add an entry only for a query that truly cannot have data
//! here, and say why. `tests/dashboards.rs` fails on entries that match no query.

/// One excluded query: the dashboard file and the panel expression exactly as written there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exclusion {
    pub dashboard: &'static str,
    pub expr: &'static str,
    pub reason: &'static str,
}

pub const EXCLUSIONS: &[Exclusion] = &[];

/// The exclusion covering `expr` in `dashboard`, if any.
pub fn find<'a>(exclusions: &'a [Exclusion], dashboard: &str, expr: &str) -> Option<&'a Exclusion> {
    exclusions
        .iter()
        .find(|e| e.dashboard == dashboard && e.expr == expr)
}
