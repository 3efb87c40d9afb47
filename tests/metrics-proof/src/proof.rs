//! The whole chain: EMF lines → CloudWatch statistics → YACE series (named and labelled as YACE
//! does, for the jobs of infra/yace/config.yml) → `/metrics` → real Prometheus (configured by
//! infra/prometheus/ci.yml) → every dashboard query.

use crate::aggregate::{Aggregator, RejectedRecord};
use crate::checker::{self, PromApi, Report};
use crate::exposition::{Sample, ensure_label_consistency, render};
use crate::prometheus::{PrometheusError, PrometheusServer};
use crate::server::MetricsServer;
use crate::yace::YaceConfig;
use crate::{dashboards, exclusions, synthetic};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Time allowed for Prometheus to start and for the first scrapes to be ingested.
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    #[error("{}", describe_rejected(.0))]
    InvalidEmf(Vec<RejectedRecord>),
    #[error("metric streams no YACE job exports (wrong dimension set, or missing from infra/yace/config.yml):\n{}", .0.join("\n"))]
    Unexported(Vec<String>),
    #[error("{0}")]
    Setup(String),
    #[error(transparent)]
    Prometheus(#[from] PrometheusError),
}

fn describe_rejected(rejected: &[RejectedRecord]) -> String {
    let mut out = format!("{} EMF record(s) violate EMF's limits:", rejected.len());
    for r in rejected {
        let excerpt: String = r.line.chars().take(300).collect();
        let _ = write!(
            out,
            "\n  line {}: {}\n    {excerpt}",
            r.line_number, r.error
        );
    }
    out
}

/// The repository root (this crate lives in tests/metrics-proof).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

/// What YACE would serve for these EMF lines: the custom-namespace series computed from them plus
/// the SYNTHETIC discovery series (see `synthetic`), with YACE's label consistency applied.
pub fn yace_samples(
    lines: impl IntoIterator<Item = String>,
    config: &YaceConfig,
) -> Result<Vec<Sample>, ProofError> {
    let agg = Aggregator::ingest_all(lines).map_err(ProofError::InvalidEmf)?;
    let unexported: Vec<String> = config
        .unexported_streams(&agg)
        .iter()
        .map(|k| format!("  {k:?}"))
        .collect();
    if !unexported.is_empty() {
        return Err(ProofError::Unexported(unexported));
    }
    let mut samples = config
        .custom_namespace_samples(&agg)
        .map_err(ProofError::Setup)?;
    samples.extend(synthetic::discovery_samples(config).map_err(ProofError::Setup)?);
    Ok(ensure_label_consistency(samples))
}

/// Runs the proof for `lines` (EMF records: those the real functions printed, see
/// tests/traffic; `generator::emf_lines` in unit tests) against the repository's YACE config,
/// Prometheus CI config and dashboards.
/// Returns the report; the caller asserts it has no failures.
pub async fn prove_dashboards(
    lines: impl IntoIterator<Item = String>,
) -> Result<Report, ProofError> {
    let root = workspace_root();
    let config =
        YaceConfig::load(&root.join("infra/yace/config.yml")).map_err(ProofError::Setup)?;
    let samples = yace_samples(lines, &config)?;
    let exporter = MetricsServer::start(render(&samples))
        .await
        .map_err(|e| ProofError::Setup(format!("exporter: {e}")))?;
    let prometheus = PrometheusServer::start(
        &root.join("infra/prometheus/ci.yml"),
        exporter.addr(),
        STARTUP_TIMEOUT,
    )
    .await?;
    prometheus
        .wait_for_series(samples.len(), STARTUP_TIMEOUT)
        .await?;
    let boards = dashboards::load_all(&root.join("dashboards")).map_err(ProofError::Setup)?;
    if boards.is_empty() {
        return Err(ProofError::Setup("no dashboards/*.json found".into()));
    }
    let api = PromApi::new(prometheus.base_url()).map_err(ProofError::Setup)?;
    let report = checker::check(&api, &boards, exclusions::EXCLUSIONS).await;
    // Dropping `prometheus` and `exporter` here stops both.
    Ok(report)
}
