//! The table's definition, as the tests and the bench create it on the emulator. infra/ declares
//! the same table for real deployments; docs/aws.md describes it.

use super::keys::{BY_CREATION_INDEX, CREATION_KEY, DUE_AT, DUE_INDEX, DUE_SHARD, EXPIRES_AT, PK, SK};
use super::monitor_item::INTERVAL;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, LocalSecondaryIndex, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use aws_smithy_types::error::display::DisplayErrorContext;

fn key(name: &str, kind: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder().attribute_name(name).key_type(kind).build()?)
}

fn attribute(name: &str, kind: ScalarAttributeType) -> anyhow::Result<AttributeDefinition> {
    Ok(AttributeDefinition::builder().attribute_name(name).attribute_type(kind).build()?)
}

/// Creates the table (on-demand capacity) with its two indexes, and turns on TTL.
///
/// - `by_creation` (local, keys only): a tenant's monitors in creation order. Keys only, so the
///   frequent writes to a monitor (claims, health) never write to it.
/// - `due` (global, sparse, sharded): monitors by next due time, projecting the interval that a
///   claim needs; paused monitors carry no index attributes and cost it nothing.
pub async fn create_table(client: &Client, name: &str) -> anyhow::Result<()> {
    let by_creation = LocalSecondaryIndex::builder()
        .index_name(BY_CREATION_INDEX)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(CREATION_KEY, KeyType::Range)?)
        .projection(Projection::builder().projection_type(ProjectionType::KeysOnly).build())
        .build()?;
    let due = GlobalSecondaryIndex::builder()
        .index_name(DUE_INDEX)
        .key_schema(key(DUE_SHARD, KeyType::Hash)?)
        .key_schema(key(DUE_AT, KeyType::Range)?)
        .projection(Projection::builder().projection_type(ProjectionType::Include).non_key_attributes(INTERVAL).build())
        .build()?;
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(PK, KeyType::Hash)?)
        .key_schema(key(SK, KeyType::Range)?)
        .attribute_definitions(attribute(PK, ScalarAttributeType::S)?)
        .attribute_definitions(attribute(SK, ScalarAttributeType::S)?)
        .attribute_definitions(attribute(CREATION_KEY, ScalarAttributeType::S)?)
        .attribute_definitions(attribute(DUE_SHARD, ScalarAttributeType::S)?)
        .attribute_definitions(attribute(DUE_AT, ScalarAttributeType::N)?)
        .local_secondary_indexes(by_creation)
        .global_secondary_indexes(due)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("creating table {name}: {}", DisplayErrorContext(&e)))?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(TimeToLiveSpecification::builder().attribute_name(EXPIRES_AT).enabled(true).build()?)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("enabling TTL on {name}: {}", DisplayErrorContext(&e)))?;
    Ok(())
}
