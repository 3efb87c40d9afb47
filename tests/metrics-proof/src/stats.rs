//! CloudWatch's per-period statistics over the raw values of one metric stream.
//!
//! EMF records carry raw values (not statistic sets), so CloudWatch can compute every statistic,
//! including exact percentiles, from them; this module does the same for the proof.

use std::fmt;
use std::str::FromStr;

/// A statistic YACE can request: `Sum`, `SampleCount`, `Average`, `Minimum`, `Maximum`, `pNN`.
#[derive(Debug, Clone, PartialEq)]
pub enum Statistic {
    Sum,
    SampleCount,
    Average,
    Minimum,
    Maximum,
    /// `pNN` / `pNN.NN`: the raw spelling (it names the series) and the percentile (0..=100).
    Percentile {
        raw: String,
        percent: f64,
    },
}

impl FromStr for Statistic {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "Sum" => Self::Sum,
            "SampleCount" => Self::SampleCount,
            "Average" => Self::Average,
            "Minimum" => Self::Minimum,
            "Maximum" => Self::Maximum,
            _ => match parse_percentile(s) {
                Some(percent) => Self::Percentile {
                    raw: s.to_string(),
                    percent,
                },
                None => return Err(format!("unknown statistic {s:?}")),
            },
        })
    }
}

impl fmt::Display for Statistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Sum => "Sum",
            Self::SampleCount => "SampleCount",
            Self::Average => "Average",
            Self::Minimum => "Minimum",
            Self::Maximum => "Maximum",
            Self::Percentile { raw, .. } => raw,
        };
        f.write_str(name)
    }
}

/// YACE accepts percentiles matching `^p(\d{1,2}(\.\d{0,2})?|100)$`; anything else is a config error.
fn parse_percentile(s: &str) -> Option<f64> {
    let digits = s.strip_prefix('p')?;
    if digits == "100" {
        return Some(100.0);
    }
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (digits, None),
    };
    let int_ok = (1..=2).contains(&int.len()) && int.bytes().all(|b| b.is_ascii_digit());
    let frac_ok = frac.is_none_or(|f| f.len() <= 2 && f.bytes().all(|b| b.is_ascii_digit()));
    if !(int_ok && frac_ok) {
        return None;
    }
    digits.trim_end_matches('.').parse().ok()
}

impl Statistic {
    /// The statistic over one period's raw values, or `None` where CloudWatch returns no
    /// datapoint: an empty period, or a percentile over values that include a negative number
    /// (CloudWatch does not compute percentiles then).
    pub fn compute(&self, values: &[f64]) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        let sum: f64 = values.iter().sum();
        let count = values.len() as f64;
        match self {
            Self::Sum => Some(sum),
            Self::SampleCount => Some(count),
            Self::Average => Some(sum / count),
            Self::Minimum => values.iter().copied().reduce(f64::min),
            Self::Maximum => values.iter().copied().reduce(f64::max),
            Self::Percentile { percent, .. } => nearest_rank(values, *percent),
        }
    }
}

/// Nearest-rank percentile: the smallest value with at least `percent`% of the values at or
/// below it, i.e. the value of rank ceil(p/100 · n) in ascending order.
fn nearest_rank(values: &[f64], percent: f64) -> Option<f64> {
    if values.iter().any(|v| *v < 0.0) {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    // p·n first, then /100: exact for integral percentiles, so p95 of 20 values is rank 19.
    let rank = (percent * n as f64 / 100.0).ceil() as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(s: &str) -> Statistic {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn basic_statistics() {
        let v = [3.0, 1.0, 2.0, 10.0];
        assert_eq!(stat("Sum").compute(&v), Some(16.0));
        assert_eq!(stat("SampleCount").compute(&v), Some(4.0));
        assert_eq!(stat("Average").compute(&v), Some(4.0));
        assert_eq!(stat("Minimum").compute(&v), Some(1.0));
        assert_eq!(stat("Maximum").compute(&v), Some(10.0));
    }

    #[test]
    fn empty_period_has_no_datapoint() {
        for s in ["Sum", "SampleCount", "Average", "Minimum", "Maximum", "p99"] {
            assert_eq!(stat(s).compute(&[]), None, "{s}");
        }
    }

    #[test]
    fn percentiles_use_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).rev().collect();
        assert_eq!(stat("p95").compute(&v), Some(19.0));
        assert_eq!(stat("p99").compute(&v), Some(20.0));
        assert_eq!(stat("p50").compute(&v), Some(10.0));
        assert_eq!(stat("p5").compute(&v), Some(1.0));
        assert_eq!(stat("p100").compute(&v), Some(20.0));
        assert_eq!(stat("p0").compute(&v), Some(1.0));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(stat("p99.5").compute(&hundred), Some(100.0));
        assert_eq!(stat("p95").compute(&hundred), Some(95.0));
        assert_eq!(stat("p99").compute(&[7.5]), Some(7.5));
    }

    #[test]
    fn no_percentile_over_negative_values() {
        assert_eq!(stat("p50").compute(&[1.0, -1.0]), None);
        assert_eq!(stat("Sum").compute(&[1.0, -1.0]), Some(0.0));
    }

    #[test]
    fn statistic_names_follow_yace() {
        for ok in ["p9", "p99", "p99.9", "p99.99", "p100", "p0"] {
            assert!(ok.parse::<Statistic>().is_ok(), "{ok}");
        }
        for bad in [
            "p", "p101", "p999", "p99.999", "P99", "sum", "Avg", "p-1", "p9x",
        ] {
            assert!(bad.parse::<Statistic>().is_err(), "{bad}");
        }
        assert_eq!(stat("p99.9").to_string(), "p99.9");
        assert_eq!(stat("SampleCount").to_string(), "SampleCount");
    }
}
