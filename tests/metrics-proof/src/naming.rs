//! YACE's series naming, ported from `pkg/promutil` (`BuildMetricName` and `PromString`) so the
//! proof exports exactly the names the real exporter would, and dashboards are checked against
//! them. Any divergence from YACE would make the proof pass on names production never has, hence
//! the golden vectors below, taken from YACE's own tests and docs (../shared/OBSERVABILITY.md).

/// YACE's `PromString`: separators become `_`, `%` becomes `_percent`, camel case is split
/// (an upper-case letter after a lower-case letter or a digit gets a `_` before it), and
/// everything is lower-cased.
///
/// Go's `unicode.IsUpper/IsLower/IsDigit` and Rust's `char` predicates agree on ASCII, which is
/// all CloudWatch metric names use; they may differ on exotic non-ASCII letters.
pub fn prom_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    for c in text.chars() {
        match c {
            ' ' | ',' | '\t' | '/' | '\\' | '.' | '-' | ':' | '=' | '@' | '<' | '>' | '(' | ')'
            | '\u{201C}' => out.push('_'),
            '%' => out.push_str("_percent"),
            _ => {
                let after_lower_or_digit = prev.is_some_and(|p| p.is_lowercase() || p.is_numeric());
                if c.is_uppercase() && after_lower_or_digit {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
        }
        prev = Some(c);
    }
    out
}

/// YACE's `BuildMetricName(namespace, metricName, statistic)`: the Prometheus series name of one
/// statistic of one CloudWatch metric, e.g. (`Veza/Payouts`, `Requests`, `Sum`) →
/// `aws_veza_payouts_requests_sum`.
pub fn yace_name(namespace: &str, metric: &str, statistic: &str) -> String {
    let lowered = prom_string(&namespace.to_lowercase());
    // Namespaces such as /aws/sagemaker/TrainingJobs start with a `/`, i.e. a `_` here.
    let ns = lowered.strip_prefix('_').unwrap_or(&lowered);
    let mut out = String::new();
    if !ns.starts_with("aws") {
        out.push_str("aws_");
    }
    out.push_str(ns);
    out.push('_');
    // YACE trims each namespace piece in turn as a plain string prefix (not piece-aware), which
    // is why `PayoutsCreated` in `Veza/Payouts` exports as `..._created_...`.
    let mut metric_name = prom_string(metric);
    for part in ns.split('_') {
        if let Some(rest) = metric_name.strip_prefix(part) {
            metric_name = rest.to_string();
        }
    }
    out.push_str(metric_name.strip_prefix('_').unwrap_or(&metric_name));
    if !statistic.is_empty() {
        out.push('_');
        out.push_str(&prom_string(statistic));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every vector of OBSERVABILITY.md's table, plus the Veza examples it derives.
    const GOLDEN: &[(&str, &str, &str, &str)] = &[
        (
            "AWS/ElastiCache",
            "CPUUtilization",
            "Average",
            "aws_elasticache_cpuutilization_average",
        ),
        (
            "/aws/sagemaker/TrainingJobs",
            "CPUUtilization",
            "Average",
            "aws_sagemaker_trainingjobs_cpuutilization_average",
        ),
        (
            "Glue",
            "glue.driver.aggregate.bytesRead",
            "Average",
            "aws_glue_driver_aggregate_bytes_read_average",
        ),
        (
            "Glue",
            "aggregate.glue.jobs.bytesRead",
            "Average",
            "aws_glue_aggregate_glue_jobs_bytes_read_average",
        ),
        (
            "AWS/Lambda",
            "Invocations",
            "Sum",
            "aws_lambda_invocations_sum",
        ),
        (
            "AWS/ApiGateway",
            "4XXError",
            "Sum",
            "aws_apigateway_4_xxerror_sum",
        ),
        (
            "Veza/Payouts",
            "Requests",
            "Sum",
            "aws_veza_payouts_requests_sum",
        ),
        (
            "Veza/Payouts",
            "PayoutsCreated",
            "Sum",
            "aws_veza_payouts_created_sum",
        ),
    ];

    /// More vectors from YACE's migrate_test.go, and the names our config relies on.
    const MORE: &[(&str, &str, &str, &str)] = &[
        (
            "AWS/ElastiCache",
            "FreeableMemory",
            "Average",
            "aws_elasticache_freeable_memory_average",
        ),
        (
            "AWS/ElastiCache",
            "NetworkBytesIn",
            "Average",
            "aws_elasticache_network_bytes_in_average",
        ),
        ("AWS/ApiGateway", "4xx", "Sum", "aws_apigateway_4xx_sum"),
        (
            "AWS/Lambda",
            "ConcurrentExecutions",
            "Maximum",
            "aws_lambda_concurrent_executions_maximum",
        ),
        (
            "Veza/Payouts",
            "Latency",
            "p95",
            "aws_veza_payouts_latency_p95",
        ),
        (
            "Veza/Payouts",
            "Latency",
            "SampleCount",
            "aws_veza_payouts_latency_sample_count",
        ),
        (
            "Veza/Payouts",
            "Latency",
            "p99.9",
            "aws_veza_payouts_latency_p99_9",
        ),
        (
            "Veza/Payouts",
            "PaymentsRejected",
            "Sum",
            "aws_veza_payouts_payments_rejected_sum",
        ),
        (
            "Veza/Payouts",
            "ColdStarts",
            "Sum",
            "aws_veza_payouts_cold_starts_sum",
        ),
        (
            "AWS/DynamoDB",
            "ConsumedReadCapacityUnits",
            "Sum",
            "aws_dynamodb_consumed_read_capacity_units_sum",
        ),
    ];

    #[test]
    fn matches_every_golden_vector() {
        for (ns, metric, stat, want) in GOLDEN.iter().chain(MORE) {
            assert_eq!(
                yace_name(ns, metric, stat),
                *want,
                "yace_name({ns:?}, {metric:?}, {stat:?})"
            );
        }
    }

    #[test]
    fn statistics_are_converted_like_names() {
        assert_eq!(prom_string("Sum"), "sum");
        assert_eq!(prom_string("SampleCount"), "sample_count");
        assert_eq!(prom_string("p99.9"), "p99_9");
    }

    #[test]
    fn prom_string_replaces_separators_and_percent() {
        assert_eq!(
            prom_string("a b,c\td/e\\f.g-h:i=j@k<l>m(n)o"),
            "a_b_c_d_e_f_g_h_i_j_k_l_m_n_o"
        );
        // `%` is the previous char of `S`, so no camel-case split there (as in YACE).
        assert_eq!(prom_string("IHaveA%Sign"), "ihave_a_percentsign");
        assert_eq!(prom_string("\u{201C}quoted"), "_quoted");
    }

    #[test]
    fn empty_statistic_has_no_suffix() {
        // YACE uses this form for its `_info` series.
        assert_eq!(
            yace_name("AWS/ElastiCache", "info", ""),
            "aws_elasticache_info"
        );
    }
}
