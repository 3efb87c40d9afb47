//! SYNTHETIC series for YACE's discovery jobs (AWS/Lambda, AWS/ApiGateway, AWS/DynamoDB,
//! AWS/SQS).
//!
//! These metrics are published by AWS itself, not by our EMF records, so no local traffic can
//! produce them. Rather than exclude their dashboard queries, the proof feeds made-up values
//! under exactly the names and labels YACE gives them (name = resource ARN, dimension_* labels
//! from `dimensionNameRequirements`), so every such query is still parsed, run and checked
//! against series shaped like production's. The values prove nothing about AWS; the names and
//! labels prove the queries match what YACE exports.

use crate::exposition::Sample;
use crate::naming::yace_name;
use crate::yace::{DiscoveryJob, PROOF_ACCOUNT_ID, YaceConfig};
use std::collections::BTreeMap;

/// Made-up dimension values per AWS dimension name.
fn dimension_values(dimension: &str) -> Option<&'static [&'static str]> {
    Some(match dimension {
        "FunctionName" => &[
            "veza-payouts-onboard",
            "veza-payouts-callback",
            "veza-payouts-balance",
            "veza-payouts-webhook",
            "veza-payouts-transfer",
            "veza-payouts-reconcile",
        ],
        // CloudFormation names the queues `<stack>-<logical id>-<suffix>`.
        "QueueName" => &[
            "veza-payouts-TransferQueue-1A2B3C4D5E6F",
            "veza-payouts-TransferDeadLetterQueue-6F5E4D3C2B1A",
        ],
        "ApiId" => &["a1b2c3d4e5"],
        "Stage" => &["$default"],
        "TableName" => &["veza-payouts-sellers", "veza-payouts-ledger"],
        "Operation" => &[
            "GetItem",
            "PutItem",
            "UpdateItem",
            "Query",
            "TransactWriteItems",
        ],
        _ => return None,
    })
}

/// The ARN YACE would put in the `name` label for a discovered resource.
fn resource_arn(
    namespace: &str,
    region: &str,
    dims: &BTreeMap<String, String>,
) -> Result<String, String> {
    let dim = |name: &str| {
        dims.get(name)
            .cloned()
            .ok_or(format!("{namespace}: no {name} dimension"))
    };
    Ok(match namespace {
        "AWS/Lambda" => format!(
            "arn:aws:lambda:{region}:{PROOF_ACCOUNT_ID}:function:{}",
            dim("FunctionName")?
        ),
        "AWS/ApiGateway" => match dims.get("Stage") {
            Some(stage) => format!(
                "arn:aws:apigateway:{region}::/apis/{}/stages/{stage}",
                dim("ApiId")?
            ),
            None => format!("arn:aws:apigateway:{region}::/apis/{}", dim("ApiId")?),
        },
        "AWS/DynamoDB" => format!(
            "arn:aws:dynamodb:{region}:{PROOF_ACCOUNT_ID}:table/{}",
            dim("TableName")?
        ),
        "AWS/SQS" => format!(
            "arn:aws:sqs:{region}:{PROOF_ACCOUNT_ID}:{}",
            dim("QueueName")?
        ),
        other => return Err(format!("no synthetic resources for discovery type {other}")),
    })
}

/// Every combination of the made-up values of the job's dimensions.
fn combinations(job: &DiscoveryJob) -> Result<Vec<BTreeMap<String, String>>, String> {
    if job.dimension_name_requirements.is_empty() {
        return Err(format!(
            "{}: set dimensionNameRequirements so the exported labels are known",
            job.namespace
        ));
    }
    let mut combos = vec![BTreeMap::new()];
    for dim in &job.dimension_name_requirements {
        let values = dimension_values(dim)
            .ok_or(format!("{}: no synthetic values for {dim}", job.namespace))?;
        combos = combos
            .into_iter()
            .flat_map(|c| {
                values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.insert(dim.clone(), v.to_string());
                    c
                })
            })
            .collect();
    }
    Ok(combos)
}

/// SYNTHETIC samples for every discovery job, metric and statistic of the config.
pub fn discovery_samples(config: &YaceConfig) -> Result<Vec<Sample>, String> {
    let mut out = Vec::new();
    for job in config.discovery.iter().flat_map(|d| &d.jobs) {
        let region = job.regions.first().cloned().unwrap_or_default();
        let combos = combinations(job)?;
        for metric in job.metrics()? {
            for (i, dims) in combos.iter().enumerate() {
                let arn = resource_arn(&job.namespace, &region, dims)?;
                for stat in &metric.statistics {
                    let mut labels = BTreeMap::from([
                        ("name".to_string(), arn.clone()),
                        ("region".to_string(), region.clone()),
                        ("account_id".to_string(), PROOF_ACCOUNT_ID.to_string()),
                    ]);
                    labels.extend(
                        dims.iter()
                            .map(|(k, v)| (format!("dimension_{k}"), v.clone())),
                    );
                    // Small, positive, distinct values: enough for every query to have a sample.
                    let value = 1.0 + (i % 7) as f64;
                    out.push(Sample {
                        name: yace_name(&job.namespace, &metric.name, &stat.to_string()),
                        labels,
                        value,
                    });
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arns_follow_aws_formats() {
        let dims = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(
            resource_arn("AWS/Lambda", "eu-west-1", &dims(&[("FunctionName", "f")])),
            Ok("arn:aws:lambda:eu-west-1:000000000000:function:f".into())
        );
        assert_eq!(
            resource_arn(
                "AWS/ApiGateway",
                "eu-west-1",
                &dims(&[("ApiId", "a"), ("Stage", "$default")])
            ),
            Ok("arn:aws:apigateway:eu-west-1::/apis/a/stages/$default".into())
        );
        assert_eq!(
            resource_arn("AWS/DynamoDB", "eu-west-1", &dims(&[("TableName", "t")])),
            Ok("arn:aws:dynamodb:eu-west-1:000000000000:table/t".into())
        );
        assert!(resource_arn("AWS/SQS", "eu-west-1", &dims(&[])).is_err());
    }
}
