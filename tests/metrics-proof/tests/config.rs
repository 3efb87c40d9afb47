//! The infra/ configuration against docs/METRICS.md, and the generator against both.

use metrics_proof::aggregate::Aggregator;
use metrics_proof::catalogue::{CATALOGUE, NAMESPACE};
use metrics_proof::proof::yace_samples;
use metrics_proof::yace::YaceConfig;
use metrics_proof::{generator, workspace_root, yace_name};
use serde_yaml::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn config() -> YaceConfig {
    YaceConfig::load(&workspace_root().join("infra/yace/config.yml"))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn yaml(path: &str) -> Value {
    let path = workspace_root().join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_catalogued_stream_is_exported_by_exactly_one_job() {
    let config = config();
    for metric in CATALOGUE {
        for set in metric.dimension_sets {
            let want: BTreeSet<&str> = set.iter().copied().collect();
            let jobs: Vec<&str> = config
                .custom_namespace
                .iter()
                .filter(|j| {
                    j.namespace == NAMESPACE
                        && j.dimension_name_requirements
                            .iter()
                            .map(String::as_str)
                            .collect::<BTreeSet<_>>()
                            == want
                })
                .filter(|j| j.metrics.iter().any(|m| m.name == metric.name))
                .map(|j| j.name.as_str())
                .collect();
            assert_eq!(
                jobs.len(),
                1,
                "{} {set:?} is exported by {jobs:?}",
                metric.name
            );
        }
    }
}

#[test]
fn jobs_use_one_minute_periods_with_delay_and_nil_to_zero() {
    let config = config();
    for job in &config.custom_namespace {
        assert!(
            job.delay.is_some_and(|d| d >= 60),
            "{}: set a job-level delay for EMF ingestion",
            job.name
        );
        for m in job.metrics().unwrap_or_else(|e| panic!("{e}")) {
            assert_eq!(
                (m.period, m.nil_to_zero),
                (60, true),
                "{} {}",
                job.name,
                m.name
            );
        }
    }
    for job in config.discovery.iter().flat_map(|d| &d.jobs) {
        assert!(
            job.search_tags.iter().any(|t| t.key == "app"),
            "{}: filter by the app tag",
            job.namespace
        );
        assert!(
            job.metrics()
                .unwrap_or_else(|e| panic!("{e}"))
                .iter()
                .all(|m| m.period == 60 && m.nil_to_zero)
        );
    }
}

#[test]
fn roll_up_has_the_latency_percentiles_and_discovery_has_the_aws_metrics() {
    let names = config().series_names().unwrap_or_else(|e| panic!("{e}"));
    let want = [
        yace_name(NAMESPACE, "Latency", "p95"),
        yace_name(NAMESPACE, "Latency", "p99"),
        yace_name(NAMESPACE, "Latency", "SampleCount"),
        "aws_lambda_invocations_sum".into(),
        "aws_lambda_errors_sum".into(),
        "aws_lambda_throttles_sum".into(),
        "aws_lambda_duration_p99".into(),
        "aws_lambda_concurrent_executions_maximum".into(),
        "aws_apigateway_count_sum".into(),
        "aws_apigateway_4xx_sum".into(),
        "aws_apigateway_5xx_sum".into(),
        "aws_apigateway_latency_p95".into(),
        "aws_dynamodb_consumed_read_capacity_units_sum".into(),
        "aws_dynamodb_consumed_write_capacity_units_sum".into(),
        "aws_dynamodb_throttled_requests_sum".into(),
        "aws_dynamodb_system_errors_sum".into(),
        "aws_dynamodb_successful_request_latency_average".into(),
    ];
    for name in want {
        assert!(names.contains(&name), "{name} is not exported");
    }
}

#[test]
fn generator_covers_the_catalogue_and_every_custom_series_has_a_value() {
    let lines = generator::emf_lines(1_700_000_000_000);
    let agg = Aggregator::ingest_all(lines.clone()).unwrap_or_else(|e| panic!("{e:?}"));
    for metric in CATALOGUE {
        for set in metric.dimension_sets {
            let want: BTreeSet<&str> = set.iter().copied().collect();
            let covered = agg.streams().any(|k| {
                k.metric == metric.name
                    && k.dimensions
                        .keys()
                        .map(String::as_str)
                        .collect::<BTreeSet<_>>()
                        == want
            });
            assert!(covered, "generator lacks {} {set:?}", metric.name);
        }
    }
    let config = config();
    assert!(config.unexported_streams(&agg).is_empty());
    let samples = yace_samples(lines, &config).unwrap_or_else(|e| panic!("{e}"));
    let produced: BTreeSet<&str> = samples.iter().map(|s| s.name.as_str()).collect();
    for name in config.series_names().unwrap_or_else(|e| panic!("{e}")) {
        assert!(produced.contains(name.as_str()), "no sample for {name}");
    }
    assert!(
        samples.iter().all(|s| s.value.is_finite()),
        "NaN or infinite sample"
    );
    // YACE's label consistency: the roll-up series carry the by-route labels as "".
    let rollup = samples.iter().find(|s| {
        s.name == "aws_veza_payouts_requests_sum" && s.labels["name"] == "veza-payouts-by-function"
    });
    assert_eq!(
        rollup.map(|s| s.labels["dimension_Route"].as_str()),
        Some("")
    );
}

#[test]
fn prometheus_configs_are_valid() {
    let ci = yaml("infra/prometheus/ci.yml");
    let target = &ci["scrape_configs"][0]["static_configs"][0]["targets"][0];
    assert_eq!(target.as_str(), Some("127.0.0.1:${EXPORTER_PORT}"));
    let deployed = yaml("infra/prometheus/prometheus.yml");
    assert_eq!(
        deployed["scrape_configs"][0]["job_name"].as_str(),
        Some("yace")
    );
    // promtool ships with Debian's prometheus package; use it when present.
    if let Ok(out) = Command::new("promtool")
        .arg("check")
        .arg("config")
        .arg(workspace_root().join("infra/prometheus/prometheus.yml"))
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn grafana_provisioning_has_a_fixed_datasource_uid_and_loads_dashboards() {
    let ds = yaml("infra/grafana/provisioning/datasources/prometheus.yml");
    assert_eq!(ds["apiVersion"].as_u64(), Some(1));
    assert_eq!(
        ds["datasources"][0]["uid"].as_str(),
        Some("veza-prometheus")
    );
    assert_eq!(ds["datasources"][0]["type"].as_str(), Some("prometheus"));
    let boards = yaml("infra/grafana/provisioning/dashboards/veza-payouts.yml");
    assert_eq!(boards["providers"][0]["type"].as_str(), Some("file"));
    assert!(boards["providers"][0]["options"]["path"].as_str().is_some());
}
