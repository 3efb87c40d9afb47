//! The dashboards proof: every panel and variable query of dashboards/*.json, run against a real
//! Prometheus scraping the series YACE would export for the functions' EMF records.

use metrics_proof::dashboards::{self, Dashboard};
use metrics_proof::exclusions::EXCLUSIONS;
use metrics_proof::yace::YaceConfig;
use metrics_proof::{generator, lint, prometheus, prove_dashboards, workspace_root};
use std::time::{SystemTime, UNIX_EPOCH};

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

fn load_dashboards() -> Vec<Dashboard> {
    dashboards::load_all(&workspace_root().join("dashboards")).unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn every_dashboard_query_returns_data() {
    if !prometheus::available() {
        // CI installs Debian's `prometheus` package: there a missing binary is a failure.
        assert!(
            !in_ci(),
            "prometheus not found at {} in CI: install the `prometheus` package",
            prometheus::binary().display()
        );
        eprintln!(
            "SKIPPED (not CI): no prometheus at {}; apt-get install -y prometheus",
            prometheus::binary().display()
        );
        return;
    }
    // The EMF lines under test. To prove the real functions, pass the lines they printed while
    // serving traffic instead (e.g. `emf::select_emf_lines(&captured_stdout)`).
    let lines = generator::emf_lines(now_ms());
    let report = prove_dashboards(lines)
        .await
        .unwrap_or_else(|e| panic!("the proof could not run: {e}"));
    println!("{report}");
    assert!(report.failures.is_empty(), "{report}");
    let panel_queries: usize = load_dashboards()
        .iter()
        .map(|d| d.panel_queries().len())
        .sum();
    assert!(report.checked.len() >= panel_queries, "{report}");
}

/// The proof must not be vacuous: traffic without webhook events must fail exactly the queries
/// over webhook events.
#[tokio::test]
async fn missing_traffic_fails_the_queries_that_need_it() {
    if !prometheus::available() {
        assert!(
            !in_ci(),
            "prometheus not found at {} in CI",
            prometheus::binary().display()
        );
        eprintln!(
            "SKIPPED (not CI): no prometheus at {}",
            prometheus::binary().display()
        );
        return;
    }
    let lines = generator::emf_lines(now_ms())
        .into_iter()
        .filter(|l| !l.contains("WebhookEvents"));
    let report = prove_dashboards(lines)
        .await
        .unwrap_or_else(|e| panic!("the proof could not run: {e}"));
    println!("{report}");
    assert!(!report.failures.is_empty(), "{report}");
    for f in &report.failures {
        assert!(
            f.sent.contains("webhook_events"),
            "unexpected failure:\n{report}"
        );
    }
    let webhook_queries: usize = load_dashboards()
        .iter()
        .map(|d| {
            d.panel_queries()
                .iter()
                .filter(|q| q.expr.contains("webhook_events"))
                .count()
        })
        .sum();
    assert!(report.failures.len() >= webhook_queries, "{report}");
}

#[test]
fn dashboards_follow_the_conventions() {
    let config = YaceConfig::load(&workspace_root().join("infra/yace/config.yml"))
        .unwrap_or_else(|e| panic!("{e}"));
    let exported = config.series_names().unwrap_or_else(|e| panic!("{e}"));
    let problems: Vec<String> = load_dashboards()
        .iter()
        .flat_map(|d| lint::lint(d, &exported))
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_issue_dashboards_exist_and_no_chat_dashboard() {
    let boards = load_dashboards();
    let files: Vec<&str> = boards.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "api-overview.json",
            "commerce-overview.json",
            "payouts-overview.json"
        ]
    );
    let mut uids: Vec<&str> = boards
        .iter()
        .filter_map(|d| d.json["uid"].as_str())
        .collect();
    uids.sort_unstable();
    uids.dedup();
    assert_eq!(uids.len(), 3, "every dashboard needs its own fixed uid");
}

#[test]
fn exclusions_name_real_queries_and_give_reasons() {
    let boards = load_dashboards();
    for e in EXCLUSIONS {
        assert!(
            !e.reason.trim().is_empty(),
            "exclusion without a reason: {e:?}"
        );
        let exists = boards
            .iter()
            .any(|d| d.file == e.dashboard && d.panel_queries().iter().any(|q| q.expr == e.expr));
        assert!(exists, "stale exclusion (no such query): {e:?}");
    }
}

#[test]
fn every_variable_query_is_understood() {
    for d in load_dashboards() {
        for v in d.variables().into_iter().filter(|v| v.kind == "query") {
            let q = v.query.unwrap_or_default();
            assert!(
                dashboards::parse_variable_query(&q).is_some(),
                "{}: variable {}: {q}",
                d.file,
                v.name
            );
        }
    }
}
