//! The YACE configuration (infra/yace/config.yml) and what YACE would export for it.
//!
//! The proof reads the real config, so the exported series are exactly the jobs, metrics and
//! statistics production has: a metric the config forgets fails the dashboards that use it.

use crate::aggregate::{Aggregator, StreamKey};
use crate::exposition::Sample;
use crate::naming::yace_name;
use crate::stats::Statistic;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// account_id label of the proof's series; YACE takes the real one from STS.
pub const PROOF_ACCOUNT_ID: &str = "000000000000";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct YaceConfig {
    pub api_version: String,
    #[serde(rename = "sts-region", default)]
    pub sts_region: Option<String>,
    #[serde(default)]
    pub custom_namespace: Vec<CustomNamespaceJob>,
    #[serde(default)]
    pub discovery: Option<Discovery>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Discovery {
    #[serde(default)]
    pub jobs: Vec<DiscoveryJob>,
}

/// Job-level defaults that a metric may override (YACE: "General Setting for all metrics").
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MetricConfig {
    #[serde(default)]
    pub name: String,
    pub statistics: Option<Vec<String>>,
    pub period: Option<i64>,
    pub length: Option<i64>,
    pub delay: Option<i64>,
    pub nil_to_zero: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomNamespaceJob {
    pub name: String,
    pub namespace: String,
    pub regions: Vec<String>,
    #[serde(default)]
    pub dimension_name_requirements: Vec<String>,
    pub statistics: Option<Vec<String>>,
    pub period: Option<i64>,
    pub length: Option<i64>,
    pub delay: Option<i64>,
    pub nil_to_zero: Option<bool>,
    pub metrics: Vec<MetricConfig>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchTag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DiscoveryJob {
    #[serde(rename = "type")]
    pub namespace: String,
    pub regions: Vec<String>,
    #[serde(default)]
    pub search_tags: Vec<SearchTag>,
    #[serde(default)]
    pub dimension_name_requirements: Vec<String>,
    pub statistics: Option<Vec<String>>,
    pub period: Option<i64>,
    pub length: Option<i64>,
    pub delay: Option<i64>,
    pub nil_to_zero: Option<bool>,
    pub metrics: Vec<MetricConfig>,
}

/// A metric with the job defaults applied and its statistics parsed.
#[derive(Debug, Clone)]
pub struct EffectiveMetric {
    pub name: String,
    pub statistics: Vec<Statistic>,
    pub period: i64,
    pub nil_to_zero: bool,
}

fn effective(
    job: &MetricConfig,
    metric: &MetricConfig,
    where_: &str,
) -> Result<EffectiveMetric, String> {
    let names = metric
        .statistics
        .as_ref()
        .or(job.statistics.as_ref())
        .cloned()
        .unwrap_or_default();
    if names.is_empty() {
        return Err(format!(
            "{where_}: metric {} has no statistics",
            metric.name
        ));
    }
    let statistics = names
        .iter()
        .map(|s| s.parse())
        .collect::<Result<Vec<Statistic>, _>>();
    let statistics = statistics.map_err(|e| format!("{where_}: metric {}: {e}", metric.name))?;
    let period = metric.period.or(job.period).unwrap_or(0);
    let length = metric.length.or(job.length).unwrap_or(0);
    if period <= 0 || length < period {
        return Err(format!(
            "{where_}: metric {}: need period > 0 and length >= period",
            metric.name
        ));
    }
    let nil_to_zero = metric.nil_to_zero.or(job.nil_to_zero).unwrap_or(false);
    Ok(EffectiveMetric {
        name: metric.name.clone(),
        statistics,
        period,
        nil_to_zero,
    })
}

impl CustomNamespaceJob {
    pub fn metrics(&self) -> Result<Vec<EffectiveMetric>, String> {
        let job = MetricConfig {
            statistics: self.statistics.clone(),
            period: self.period,
            length: self.length,
            delay: self.delay,
            nil_to_zero: self.nil_to_zero,
            ..MetricConfig::default()
        };
        self.metrics
            .iter()
            .map(|m| effective(&job, m, &self.name))
            .collect()
    }
}

impl DiscoveryJob {
    pub fn metrics(&self) -> Result<Vec<EffectiveMetric>, String> {
        let job = MetricConfig {
            statistics: self.statistics.clone(),
            period: self.period,
            length: self.length,
            delay: self.delay,
            nil_to_zero: self.nil_to_zero,
            ..MetricConfig::default()
        };
        self.metrics
            .iter()
            .map(|m| effective(&job, m, &self.namespace))
            .collect()
    }
}

impl YaceConfig {
    /// Loads and validates the config (YACE refuses a config that fails these checks).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: Self =
            serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        config.validate()?;
        Ok(config)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.api_version != "v1alpha1" {
            return Err(format!(
                "apiVersion must be v1alpha1, not {}",
                self.api_version
            ));
        }
        let mut names = BTreeSet::new();
        for job in &self.custom_namespace {
            if job.name.is_empty() || !names.insert(job.name.as_str()) {
                return Err(format!(
                    "custom namespace job names must be unique and set: {:?}",
                    job.name
                ));
            }
            if job.namespace.is_empty() || job.regions.is_empty() || job.metrics.is_empty() {
                return Err(format!(
                    "job {}: namespace, regions and metrics are required",
                    job.name
                ));
            }
            job.metrics()?;
        }
        for job in self.discovery.iter().flat_map(|d| &d.jobs) {
            if job.regions.is_empty() || job.metrics.is_empty() {
                return Err(format!(
                    "discovery job {}: regions and metrics are required",
                    job.namespace
                ));
            }
            job.metrics()?;
        }
        Ok(())
    }

    /// What YACE would export for the custom namespace jobs, given the streams CloudWatch has.
    /// The first region of a job stands for all of them: the proof's records carry no region.
    pub fn custom_namespace_samples(&self, agg: &Aggregator) -> Result<Vec<Sample>, String> {
        let mut out = Vec::new();
        for job in &self.custom_namespace {
            let required: BTreeSet<&str> = job
                .dimension_name_requirements
                .iter()
                .map(String::as_str)
                .collect();
            let region = job.regions.first().cloned().unwrap_or_default();
            for metric in job.metrics()? {
                let streams = agg.streams().filter(|k| {
                    k.namespace == job.namespace
                        && k.metric == metric.name
                        && (required.is_empty()
                            || k.dimensions
                                .keys()
                                .map(String::as_str)
                                .eq(required.iter().copied()))
                });
                for stream in streams {
                    let values = agg
                        .latest_period(stream, metric.period)
                        .map(|(_, v)| v)
                        .unwrap_or_default();
                    for stat in &metric.statistics {
                        let value = match stat.compute(&values) {
                            Some(v) => v,
                            None if metric.nil_to_zero => 0.0,
                            None => f64::NAN,
                        };
                        let mut labels = BTreeMap::from([
                            ("name".to_string(), job.name.clone()),
                            ("region".to_string(), region.clone()),
                            ("account_id".to_string(), PROOF_ACCOUNT_ID.to_string()),
                        ]);
                        for (dim, v) in &stream.dimensions {
                            labels.insert(format!("dimension_{dim}"), v.clone());
                        }
                        let name = yace_name(&job.namespace, &metric.name, &stat.to_string());
                        out.push(Sample {
                            name,
                            labels,
                            value,
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Streams of a configured custom namespace that no job exports (metric not listed, or its
    /// dimension set matches no job's `dimensionNameRequirements`): CloudWatch would have them,
    /// but no dashboard could ever show them.
    pub fn unexported_streams<'a>(&self, agg: &'a Aggregator) -> Vec<&'a StreamKey> {
        let exported_by = |job: &CustomNamespaceJob, k: &StreamKey| {
            let names: BTreeSet<&str> = job
                .dimension_name_requirements
                .iter()
                .map(String::as_str)
                .collect();
            job.namespace == k.namespace
                && job.metrics.iter().any(|m| m.name == k.metric)
                && (names.is_empty()
                    || k.dimensions
                        .keys()
                        .map(String::as_str)
                        .eq(names.iter().copied()))
        };
        agg.streams()
            .filter(|k| {
                self.custom_namespace
                    .iter()
                    .any(|j| j.namespace == k.namespace)
            })
            .filter(|k| !self.custom_namespace.iter().any(|j| exported_by(j, k)))
            .collect()
    }

    /// Every series name the config can export (custom namespaces and discovery jobs).
    pub fn series_names(&self) -> Result<BTreeSet<String>, String> {
        let mut names = BTreeSet::new();
        for job in &self.custom_namespace {
            for m in job.metrics()? {
                names.extend(
                    m.statistics
                        .iter()
                        .map(|s| yace_name(&job.namespace, &m.name, &s.to_string())),
                );
            }
        }
        for job in self.discovery.iter().flat_map(|d| &d.jobs) {
            for m in job.metrics()? {
                names.extend(
                    m.statistics
                        .iter()
                        .map(|s| yace_name(&job.namespace, &m.name, &s.to_string())),
                );
            }
        }
        Ok(names)
    }
}
