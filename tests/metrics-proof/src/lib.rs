//! Proves that every Grafana dashboard query returns data, end to end (issue 7):
//!
//! EMF lines (validated by `interceptors::metrics::validate`) → CloudWatch's per-period statistics (`aggregate`,
//! `stats`) → the series YACE exports for infra/yace/config.yml (`yace`, `naming`, plus
//! SYNTHETIC AWS/* series in `synthetic`) → a loopback `/metrics` endpoint (`server`) → Debian's
//! Prometheus (`prometheus`) → every panel and variable query of dashboards/*.json (`checker`).
//!
//! Entry point: [`proof::prove_dashboards`], which takes any iterator of EMF lines. The
//! dashboards test (tests/dashboards.rs) feeds it every record the four functions wrote while
//! serving real traffic on the local stack (tests/traffic); `generator` is for unit tests only.

pub mod aggregate;
pub mod catalogue;
pub mod checker;
pub mod dashboards;
pub mod emf;
pub mod exclusions;
pub mod exposition;
pub mod generator;
pub mod lint;
pub mod naming;
pub mod prometheus;
pub mod proof;
pub mod server;
pub mod stats;
pub mod synthetic;
pub mod yace;

pub use naming::yace_name;
pub use proof::{ProofError, prove_dashboards, workspace_root};
