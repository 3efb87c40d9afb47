//! The template's table properties as written, and their check and conversion to SDK types.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ProvisionedThroughput, ScalarAttributeType,
};
use serde::Deserialize;

use super::{SchemaError, TableDef};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Props {
    attribute_definitions: Vec<Attr>,
    key_schema: Vec<Key>,
    billing_mode: Option<String>,
    provisioned_throughput: Option<Throughput>,
    #[serde(default)]
    global_secondary_indexes: Vec<Index>,
    /// Not supported yet: refused rather than silently dropped.
    local_secondary_indexes: Option<serde_norway::Value>,
    time_to_live_specification: Option<Ttl>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Attr {
    attribute_name: String,
    attribute_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Key {
    attribute_name: String,
    key_type: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Index {
    index_name: String,
    key_schema: Vec<Key>,
    projection: Proj,
    provisioned_throughput: Option<Throughput>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Proj {
    projection_type: Option<String>,
    non_key_attributes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Throughput {
    read_capacity_units: i64,
    write_capacity_units: i64,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Ttl {
    attribute_name: String,
    enabled: bool,
}

/// Checks one table resource and turns it into CreateTable input.
pub(super) fn table(id: String, properties: serde_norway::Value) -> Result<TableDef, SchemaError> {
    let invalid = |reason: String| SchemaError::Invalid {
        table: id.clone(),
        reason,
    };
    let props: Props = serde_norway::from_value(properties).map_err(|e| invalid(e.to_string()))?;
    if props.local_secondary_indexes.is_some() {
        return Err(invalid(
            "LocalSecondaryIndexes are not supported by schema.rs".into(),
        ));
    }
    let attributes = props
        .attribute_definitions
        .iter()
        .map(|a| {
            let kind =
                one_of::<ScalarAttributeType>(&a.attribute_type, ScalarAttributeType::values())
                    .map_err(&invalid)?;
            build(
                AttributeDefinition::builder()
                    .attribute_name(&a.attribute_name)
                    .attribute_type(kind)
                    .build(),
            )
            .map_err(&invalid)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let key_schema = keys(&props.key_schema).map_err(&invalid)?;
    let global_indexes = props
        .global_secondary_indexes
        .iter()
        .map(|i| index(i).map_err(|e| invalid(format!("index {}: {e}", i.index_name))))
        .collect::<Result<Vec<_>, _>>()?;
    let billing = props.billing_mode.as_deref().unwrap_or("PROVISIONED");
    let billing_mode = one_of::<BillingMode>(billing, BillingMode::values()).map_err(&invalid)?;
    let throughput = props
        .provisioned_throughput
        .as_ref()
        .map(throughput)
        .transpose()
        .map_err(&invalid)?;
    if billing_mode == BillingMode::Provisioned && throughput.is_none() {
        return Err(invalid(
            "PROVISIONED billing needs ProvisionedThroughput".into(),
        ));
    }
    // Every key attribute must be defined, and every definition used by a key (CreateTable's rule).
    let used: Vec<&str> = key_schema
        .iter()
        .chain(global_indexes.iter().flat_map(|i| i.key_schema()))
        .map(|k| k.attribute_name())
        .collect();
    for a in &attributes {
        if !used.contains(&a.attribute_name()) {
            return Err(invalid(format!(
                "attribute {} is defined but no key uses it",
                a.attribute_name()
            )));
        }
    }
    for name in &used {
        if !attributes.iter().any(|a| a.attribute_name() == *name) {
            return Err(invalid(format!(
                "key attribute {name} has no AttributeDefinition"
            )));
        }
    }
    Ok(TableDef {
        logical_id: id.clone(),
        attributes,
        key_schema,
        global_indexes,
        billing_mode,
        throughput,
        ttl_attribute: props
            .time_to_live_specification
            .filter(|t| t.enabled)
            .map(|t| t.attribute_name),
    })
}

fn index(i: &Index) -> Result<GlobalSecondaryIndex, String> {
    let kind = i.projection.projection_type.as_deref().unwrap_or("ALL");
    let projection = Projection::builder()
        .projection_type(one_of::<ProjectionType>(kind, ProjectionType::values())?)
        .set_non_key_attributes(i.projection.non_key_attributes.clone())
        .build();
    build(
        GlobalSecondaryIndex::builder()
            .index_name(&i.index_name)
            .set_key_schema(Some(keys(&i.key_schema)?))
            .projection(projection)
            .set_provisioned_throughput(
                i.provisioned_throughput
                    .as_ref()
                    .map(throughput)
                    .transpose()?,
            )
            .build(),
    )
}

fn keys(keys: &[Key]) -> Result<Vec<KeySchemaElement>, String> {
    if !(1..=2).contains(&keys.len()) {
        return Err(format!(
            "a key schema has 1 or 2 elements, not {}",
            keys.len()
        ));
    }
    keys.iter()
        .map(|k| {
            let kind = one_of::<KeyType>(&k.key_type, KeyType::values())?;
            build(
                KeySchemaElement::builder()
                    .attribute_name(&k.attribute_name)
                    .key_type(kind)
                    .build(),
            )
        })
        .collect()
}

fn throughput(t: &Throughput) -> Result<ProvisionedThroughput, String> {
    build(
        ProvisionedThroughput::builder()
            .read_capacity_units(t.read_capacity_units)
            .write_capacity_units(t.write_capacity_units)
            .build(),
    )
}

/// An SDK enum from its wire value, refusing values the SDK does not know.
fn one_of<T: From<&'static str>>(value: &str, allowed: &[&'static str]) -> Result<T, String> {
    allowed
        .iter()
        .find(|a| **a == value)
        .map(|a| T::from(*a))
        .ok_or_else(|| format!("{value:?} is not one of {allowed:?}"))
}

fn build<T>(built: Result<T, aws_sdk_dynamodb::error::BuildError>) -> Result<T, String> {
    built.map_err(|e| e.to_string())
}
