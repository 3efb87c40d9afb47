//! The table definitions, read from `template.yaml`: the single definition of the schema.
//!
//! The local stack (`store-tables`) and the tests create their tables from the template's
//! `AWS::DynamoDB::Table` resources, so they cannot drift from what is deployed. Only the
//! properties that shape the data are used (attributes, keys, indexes, billing, TTL);
//! encryption, PITR and deletion protection are deployment concerns.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    ProvisionedThroughput, TimeToLiveSpecification, TimeToLiveStatus,
};
use serde::Deserialize;

mod raw;

/// The project's template, compiled in (cargo rebuilds when it changes).
pub const TEMPLATE: &str = include_str!("../../../template.yaml");

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("template.yaml: {0}")]
    Parse(String),
    #[error("template.yaml: table {table}: {reason}")]
    Invalid { table: String, reason: String },
    #[error("dynamodb {op} {table}: {message}")]
    Aws {
        op: &'static str,
        table: String,
        message: String,
    },
}

/// One `AWS::DynamoDB::Table` resource, as CreateTable input.
#[derive(Clone, Debug, PartialEq)]
pub struct TableDef {
    /// The resource's logical id, e.g. `SellerAccountsTable`.
    pub logical_id: String,
    pub attributes: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeySchemaElement>,
    pub global_indexes: Vec<GlobalSecondaryIndex>,
    pub billing_mode: BillingMode,
    pub throughput: Option<ProvisionedThroughput>,
    /// The TTL attribute, when TTL is enabled.
    pub ttl_attribute: Option<String>,
}

/// Every table of the project's template.
pub fn tables() -> Result<Vec<TableDef>, SchemaError> {
    parse(TEMPLATE)
}

/// Every `AWS::DynamoDB::Table` of a CloudFormation/SAM template, in template order.
/// Intrinsic functions (`!If`, `!Ref`, ...) are fine anywhere except in the properties used here.
pub fn parse(yaml: &str) -> Result<Vec<TableDef>, SchemaError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Template {
        #[serde(default)]
        resources: serde_norway::Mapping,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Resource {
        #[serde(rename = "Type")]
        kind: String,
        #[serde(default)]
        properties: serde_norway::Value,
    }
    let template: Template =
        serde_norway::from_str(yaml).map_err(|e| SchemaError::Parse(e.to_string()))?;
    let mut tables = Vec::new();
    for (id, resource) in template.resources {
        let id = id
            .as_str()
            .ok_or_else(|| SchemaError::Parse("a resource id is not a string".into()))?
            .to_owned();
        let resource: Resource = serde_norway::from_value(resource)
            .map_err(|e| SchemaError::Parse(format!("resource {id}: {e}")))?;
        if resource.kind == "AWS::DynamoDB::Table" {
            tables.push(raw::table(id, resource.properties)?);
        }
    }
    Ok(tables)
}

impl TableDef {
    /// The environment variable that names this table at run time:
    /// `SellerAccountsTable` -> `SELLER_ACCOUNTS_TABLE`.
    pub fn env_var(&self) -> String {
        let base = self
            .logical_id
            .strip_suffix("Table")
            .unwrap_or(&self.logical_id);
        format!("{}_TABLE", words(base).join("_").to_ascii_uppercase())
    }

    /// The local stack's default name: `SellerAccountsTable` -> `seller-accounts`.
    pub fn default_name(&self) -> String {
        let base = self
            .logical_id
            .strip_suffix("Table")
            .unwrap_or(&self.logical_id);
        words(base).join("-").to_ascii_lowercase()
    }

    /// Creates the table as `name` and enables its TTL; `Ok(false)` if it already existed
    /// (then only a missing TTL is added). Waits until the table is active.
    pub async fn create(&self, client: &Client, name: &str) -> Result<bool, SchemaError> {
        let aws = |op: &'static str, message: String| SchemaError::Aws {
            op,
            table: name.to_owned(),
            message,
        };
        let sent = client
            .create_table()
            .table_name(name)
            .set_attribute_definitions(Some(self.attributes.clone()))
            .set_key_schema(Some(self.key_schema.clone()))
            .set_global_secondary_indexes(
                (!self.global_indexes.is_empty()).then(|| self.global_indexes.clone()),
            )
            .billing_mode(self.billing_mode.clone())
            .set_provisioned_throughput(self.throughput.clone())
            .send()
            .await;
        let created = match sent {
            Ok(_) => true,
            Err(e) => match e.into_service_error() {
                CreateTableError::ResourceInUseException(_) => false,
                e => return Err(aws("CreateTable", describe(&e))),
            },
        };
        client
            .wait_until_table_exists()
            .table_name(name)
            .wait(std::time::Duration::from_secs(120))
            .await
            .map_err(|e| aws("DescribeTable", DisplayErrorContext(&e).to_string()))?;
        let Some(attribute) = &self.ttl_attribute else {
            return Ok(created);
        };
        let ttl = client
            .describe_time_to_live()
            .table_name(name)
            .send()
            .await
            .map_err(|e| aws("DescribeTimeToLive", describe(&e.into_service_error())))?;
        let status = ttl
            .time_to_live_description()
            .and_then(|d| d.time_to_live_status());
        if !matches!(
            status,
            Some(TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling)
        ) {
            let spec = TimeToLiveSpecification::builder()
                .attribute_name(attribute)
                .enabled(true)
                .build()
                .map_err(|e| aws("UpdateTimeToLive", e.to_string()))?;
            client
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(spec)
                .send()
                .await
                .map_err(|e| aws("UpdateTimeToLive", describe(&e.into_service_error())))?;
        }
        Ok(created)
    }
}

fn describe<E: ProvideErrorMetadata + std::error::Error>(e: &E) -> String {
    match e.code() {
        Some(code) => format!("{code}: {}", e.message().unwrap_or("")),
        None => DisplayErrorContext(e).to_string(),
    }
}

/// Splits `SellerAccounts` into `["Seller", "Accounts"]`.
fn words(camel: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (i, c) in camel.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&camel[start..i]);
            start = i;
        }
    }
    words.push(&camel[start..]);
    words
}
