//! The tags YACE discovers the stack's AWS resources by (`infra/yace/config.yml`, `searchTags` of
//! every discovery job) are the tags the deploy sets: on every resource of the job's type in
//! `template.yaml` (SAM's `Globals.Function.Tags` included) and on the stack (`samconfig.toml`'s
//! `tags`, which CloudFormation propagates). Without them every AWS/* panel is empty after a real
//! deploy.

use std::collections::BTreeMap;

use serde_norway::Value;

const TEMPLATE: &str = store::schema::TEMPLATE;
const YACE: &str = include_str!("../../../infra/yace/config.yml");
const SAMCONFIG: &str = include_str!("../../../samconfig.toml");

/// The template resource types behind each YACE discovery job type.
fn resource_types(job_type: &str) -> &'static [&'static str] {
    match job_type {
        "AWS/Lambda" => &["AWS::Serverless::Function", "AWS::Lambda::Function"],
        "AWS/ApiGateway" => &["AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Stage"],
        "AWS/DynamoDB" => &["AWS::DynamoDB::Table"],
        "AWS/SQS" => &["AWS::SQS::Queue"],
        other => panic!("YACE job type {other}: map it to its template resource types here"),
    }
}

/// A YACE tag value is a regular expression; the deploy sets literals, so the search must be an
/// anchored literal (`^veza-payouts$`) to compare.
fn literal(pattern: &str) -> Result<&str, String> {
    pattern
        .strip_prefix('^')
        .and_then(|p| p.strip_suffix('$'))
        .filter(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .ok_or_else(|| format!("search tag value {pattern:?} is not an anchored literal"))
}

/// A discovery job: its type and its search tags (key, literal value).
type Job = (String, Vec<(String, String)>);

/// Every discovery job.
fn search_tags(yace: &str) -> Result<Vec<Job>, String> {
    let doc: Value = serde_norway::from_str(yace).map_err(|e| e.to_string())?;
    let jobs = doc["discovery"]["jobs"]
        .as_sequence()
        .ok_or("no discovery jobs")?;
    jobs.iter()
        .map(|job| {
            let kind = job["type"].as_str().ok_or("a job without type")?.to_owned();
            let tags = job["searchTags"]
                .as_sequence()
                .filter(|t| !t.is_empty())
                .ok_or_else(|| format!("job {kind}: no searchTags (it would find nothing)"))?
                .iter()
                .map(|t| {
                    let key = t["key"].as_str().ok_or("a search tag without key")?;
                    let value = literal(t["value"].as_str().ok_or("a search tag without value")?)?;
                    Ok((key.to_owned(), value.to_owned()))
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok((kind, tags))
        })
        .collect()
}

/// Tags as CloudFormation writes them: a map (SAM functions, API Gateway v2) or a list of
/// `{Key, Value}` (DynamoDB and most others).
fn tags_of(value: &Value) -> BTreeMap<String, String> {
    let text = |v: &Value| v.as_str().map(str::to_owned);
    match value {
        Value::Mapping(m) => m
            .iter()
            .filter_map(|(k, v)| Some((text(k)?, text(v)?)))
            .collect(),
        Value::Sequence(items) => items
            .iter()
            .filter_map(|t| Some((text(&t["Key"])?, text(&t["Value"])?)))
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// Each resource of `types` with the tags it gets (SAM functions: `Globals.Function.Tags`, then
/// its own).
fn template_resources(template: &str, types: &[&str]) -> Vec<(String, BTreeMap<String, String>)> {
    let doc: Value = serde_norway::from_str(template).expect("template.yaml parses");
    let global = tags_of(&doc["Globals"]["Function"]["Tags"]);
    doc["Resources"]
        .as_mapping()
        .expect("Resources")
        .iter()
        .filter(|(_, r)| r["Type"].as_str().is_some_and(|t| types.contains(&t)))
        .map(|(id, r)| {
            let mut tags = if r["Type"] == "AWS::Serverless::Function" {
                global.clone()
            } else {
                BTreeMap::new()
            };
            tags.extend(tags_of(&r["Properties"]["Tags"]));
            (id.as_str().unwrap_or("?").to_owned(), tags)
        })
        .collect()
}

/// The stack tags of `sam deploy` (`[default.deploy.parameters]` `tags`: space-separated
/// `key=value` pairs, values optionally double-quoted, the whole a TOML string).
fn stack_tags(samconfig: &str) -> BTreeMap<String, String> {
    let mut section = "";
    let mut tags = BTreeMap::new();
    for line in samconfig.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let Some(value) = line
            .strip_prefix("tags")
            .map(str::trim_start)
            .and_then(|l| l.strip_prefix('='))
        else {
            continue;
        };
        if section != "[default.deploy.parameters]" {
            continue;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value)
            .replace("\\\"", "\"");
        for pair in value.split_whitespace() {
            if let Some((k, v)) = pair.split_once('=') {
                tags.insert(
                    k.trim_matches('"').to_owned(),
                    v.trim_matches('"').to_owned(),
                );
            }
        }
    }
    tags
}

/// Everything that disagrees, one line each.
fn disagreements(template: &str, yace: &str, samconfig: &str) -> Vec<String> {
    let jobs = match search_tags(yace) {
        Ok(jobs) if !jobs.is_empty() => jobs,
        Ok(_) => return vec!["infra/yace/config.yml has no discovery job".into()],
        Err(e) => return vec![format!("infra/yace/config.yml: {e}")],
    };
    let stack = stack_tags(samconfig);
    let mut problems = Vec::new();
    for (kind, wanted) in &jobs {
        let resources = template_resources(template, resource_types(kind));
        if resources.is_empty() {
            problems.push(format!("{kind}: no resource of its types in template.yaml"));
        }
        for (key, value) in wanted {
            for (id, tags) in &resources {
                if tags.get(key) != Some(value) {
                    problems.push(format!(
                        "{kind}: template.yaml {id} lacks the tag {key}={value} (has {tags:?})"
                    ));
                }
            }
            if stack.get(key) != Some(value) {
                problems.push(format!(
                    "{kind}: samconfig.toml's stack tags lack {key}={value} (has {stack:?})"
                ));
            }
        }
    }
    problems.sort();
    problems.dedup();
    problems
}

#[test]
fn yace_finds_what_the_deploy_tags() {
    let problems = disagreements(TEMPLATE, YACE, SAMCONFIG);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_discovery_job_searches_the_app_tag() {
    let jobs = search_tags(YACE).unwrap_or_else(|e| panic!("{e}"));
    assert!(jobs.len() >= 3, "{jobs:?}");
    for (kind, tags) in jobs {
        assert_eq!(tags, [("app".into(), "veza-payouts".into())], "{kind}");
    }
}

#[test]
fn a_missing_or_different_tag_is_reported() {
    let yace = "discovery:\n  jobs:\n    - type: AWS/DynamoDB\n      searchTags:\n        - key: app\n          value: ^veza-payouts$\n";
    let template = "Resources:\n  T:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      Tags:\n        - Key: app\n          Value: other\n";
    let samconfig =
        "[default.deploy.parameters]\ntags = \"app=\\\"veza-payouts\\\" team=\\\"x\\\"\"\n";
    assert_eq!(
        disagreements(template, yace, samconfig),
        ["AWS/DynamoDB: template.yaml T lacks the tag app=veza-payouts (has {\"app\": \"other\"})"]
    );
    assert_eq!(
        stack_tags(samconfig),
        BTreeMap::from([
            ("app".into(), "veza-payouts".into()),
            ("team".into(), "x".into())
        ])
    );
    assert_eq!(
        disagreements("Resources: {}\n", yace, ""),
        [
            "AWS/DynamoDB: no resource of its types in template.yaml",
            "AWS/DynamoDB: samconfig.toml's stack tags lack app=veza-payouts (has {})",
        ]
    );
    assert!(literal("^veza.*$").is_err());
}
