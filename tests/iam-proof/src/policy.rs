//! Each function's IAM policy, read from the template's `AWS::Serverless::Function` resources
//! (their inline `Policies: - Statement: ...`) and rendered for one [`Stack`]: its region, its
//! account and the tables' and queues' physical names.
//!
//! Only what can be evaluated exactly is accepted: inline statements with `Effect`, `Action` and
//! `Resource` (literal ARNs, `!GetAtt Table.Arn` or `Queue.Arn`, `!Sub` over table ARNs and names and the pseudo
//! parameters). A managed policy, a SAM policy template, a role defined elsewhere, a permissions
//! boundary, `Condition`, `NotAction` or `NotResource` is refused with the function's name, so a
//! policy cannot pass unexamined.

use std::collections::BTreeMap;

use serde_yaml::{Mapping, Value};
use settings::TableNames;

use crate::recorder::Access;
use crate::render::{render, strings};

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("template.yaml: {0}")]
    Template(String),
    #[error("template.yaml: {function}: {reason}")]
    Unsupported { function: String, reason: String },
}

/// Where the policies are evaluated: the ARNs' region and account, and each table's physical
/// name by logical id.
#[derive(Clone, Debug)]
pub struct Stack {
    pub region: String,
    pub account: String,
    /// Logical id (`SellerAccountsTable`) → physical name.
    pub tables: BTreeMap<String, String>,
    /// Logical id (`TransferQueue`) → the SQS queue's physical name.
    pub queues: BTreeMap<String, String>,
}

impl Stack {
    pub const PARTITION: &str = "aws";

    /// A stack holding the template's tables under the names a test created them with
    /// (`harness::tables`), in moto's default region and account.
    pub fn for_tables(names: &TableNames) -> Result<Stack, PolicyError> {
        let defs = store::schema::tables().map_err(|e| PolicyError::Template(e.to_string()))?;
        let mut tables = BTreeMap::new();
        for def in defs {
            let physical = match def.env_var().as_str() {
                "SELLER_ACCOUNTS_TABLE" => &names.seller_accounts,
                "PAYOUT_LEDGER_TABLE" => &names.payout_ledger,
                "WEBHOOK_EVENTS_TABLE" => &names.webhook_events,
                "BALANCE_CACHE_TABLE" => &names.balance_cache,
                other => return Err(PolicyError::Template(format!("no test table for {other}"))),
            };
            tables.insert(def.logical_id, physical.clone());
        }
        Ok(Stack {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            tables,
            queues: BTreeMap::new(),
        })
    }

    /// The same stack with the queue `logical` (e.g. `TransferQueue`) named `physical`.
    pub fn with_queue(mut self, logical: &str, physical: &str) -> Stack {
        self.queues.insert(logical.to_owned(), physical.to_owned());
        self
    }

    pub fn queue_arn(&self, physical: &str) -> String {
        let (partition, region, account) = (Self::PARTITION, &self.region, &self.account);
        format!("arn:{partition}:sqs:{region}:{account}:{physical}")
    }

    pub fn table_arn(&self, physical: &str) -> String {
        if physical.starts_with("arn:") {
            return physical.to_owned();
        }
        let (partition, region, account) = (Self::PARTITION, &self.region, &self.account);
        format!("arn:{partition}:dynamodb:{region}:{account}:table/{physical}")
    }

    /// The resource IAM checks `access` against: (its ARN, the same with the table's logical id
    /// for a label, e.g. `PayoutLedgerTable/index/open`).
    pub fn resource_of(&self, access: &Access) -> (String, String) {
        if access.action.starts_with("sqs:") {
            // An SQS access names its queue (`Access::table` holds the queue's name).
            let logical = self
                .queues
                .iter()
                .find(|(_, physical)| **physical == access.table)
                .map_or(access.table.as_str(), |(logical, _)| logical);
            return (self.queue_arn(&access.table), logical.to_owned());
        }
        let logical = self
            .tables
            .iter()
            .find(|(_, physical)| **physical == access.table)
            .map_or(access.table.as_str(), |(logical, _)| logical);
        let index = access
            .index
            .as_ref()
            .map(|i| format!("/index/{i}"))
            .unwrap_or_default();
        (
            format!("{}{index}", self.table_arn(&access.table)),
            format!("{logical}{index}"),
        )
    }
}

/// A rendered `Resource` entry: the ARN pattern IAM matches, and a label as the template
/// writes it (tables by logical id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    pub arn: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// `Effect: Allow` (else `Deny`).
    pub allow: bool,
    pub actions: Vec<String>,
    pub resources: Vec<Resource>,
}

/// One function's policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionPolicy {
    /// The resource's logical id, e.g. `OnboardFunction`.
    pub logical_id: String,
    /// The function's binary (`Metadata.BuildProperties.Binary`), e.g. `onboard`: the name the
    /// traffic records its calls under.
    pub function: String,
    pub statements: Vec<Statement>,
}

/// The policy of every `AWS::Serverless::Function` of `template`, in template order.
pub fn policies(template: &str, stack: &Stack) -> Result<Vec<FunctionPolicy>, PolicyError> {
    let root: Value =
        serde_yaml::from_str(template).map_err(|e| PolicyError::Template(e.to_string()))?;
    let resources = root
        .get("Resources")
        .and_then(Value::as_mapping)
        .ok_or_else(|| PolicyError::Template("no Resources".into()))?;
    let mut found = Vec::new();
    for (id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let id = id.as_str().unwrap_or_default().to_owned();
        let unsupported = |reason: String| PolicyError::Unsupported {
            function: id.clone(),
            reason,
        };
        found.push(function(&id, resource, stack).map_err(unsupported)?);
    }
    Ok(found)
}

fn function(id: &str, resource: &Value, stack: &Stack) -> Result<FunctionPolicy, String> {
    let binary = resource
        .get("Metadata")
        .and_then(|m| m.get("BuildProperties"))
        .and_then(|b| b.get("Binary"))
        .and_then(Value::as_str)
        .ok_or("no Metadata.BuildProperties.Binary (the function's name in the traffic)")?;
    let empty = Value::Mapping(Mapping::new());
    let properties = resource.get("Properties").unwrap_or(&empty);
    for key in ["Role", "PermissionsBoundary"] {
        if properties.get(key).is_some() {
            return Err(format!("{key} is not modelled by the IAM proof"));
        }
    }
    let documents = match properties.get("Policies") {
        None => vec![],
        Some(Value::Sequence(list)) => list.iter().collect(),
        Some(one) => vec![one],
    };
    let mut statements = Vec::new();
    for document in documents {
        let Some(listed) = document.get("Statement") else {
            return Err(format!(
                "policy {document:?} is not an inline `Statement` document (a managed policy or \
                 a SAM policy template is not modelled by the IAM proof)"
            ));
        };
        let listed = match listed {
            Value::Sequence(list) => list.iter().collect(),
            one => vec![one],
        };
        for raw in listed {
            statements.push(statement(raw, stack)?);
        }
    }
    Ok(FunctionPolicy {
        logical_id: id.to_owned(),
        function: binary.to_owned(),
        statements,
    })
}

fn statement(raw: &Value, stack: &Stack) -> Result<Statement, String> {
    let map = raw
        .as_mapping()
        .ok_or_else(|| format!("statement {raw:?} is not a mapping"))?;
    for key in map.keys() {
        let known = ["Sid", "Effect", "Action", "Resource"];
        if !known.iter().any(|k| key.as_str() == Some(k)) {
            return Err(format!(
                "statement key {key:?} is not modelled by the IAM proof"
            ));
        }
    }
    let allow = match raw.get("Effect").and_then(Value::as_str) {
        Some("Allow") => true,
        Some("Deny") => false,
        other => return Err(format!("statement Effect {other:?}")),
    };
    let actions = strings(raw.get("Action")).map_err(|e| format!("Action: {e}"))?;
    let resources = match raw.get("Resource") {
        Some(Value::Sequence(list)) => list.iter().map(|r| render(r, stack)).collect(),
        Some(one) => render(one, stack).map(|r| vec![r]),
        None => Err("a statement without Resource".to_owned()),
    }?;
    if actions.is_empty() || resources.is_empty() {
        return Err(format!("statement {raw:?} grants nothing"));
    }
    Ok(Statement {
        allow,
        actions,
        resources,
    })
}

#[cfg(test)]
#[path = "policy_tests.rs"]
pub(crate) mod tests;
