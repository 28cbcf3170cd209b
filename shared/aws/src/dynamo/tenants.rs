use super::DynamoStore;
use super::attributes::{Item, ItemExt, n, s};
use super::errors::{Cancelled, backend, cancellation, decode};
use super::keys::{PK, SK, TENANTS_PK, api_key_item, tenant_item};
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use jiff::Timestamp;
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

fn put(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("attribute_not_exists(#pk)")
        .expression_attribute_names("#pk", PK)
        .build()
        .map_err(StoreError::backend)?;
    Ok(TransactWriteItem::builder().put(put).build())
}

#[async_trait]
impl TenantDirectory for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let (tenant_pk, tenant_sk) = tenant_item(tenant.id);
        let (key_pk, key_sk) = api_key_item(&first_key.hash.0);
        let items = vec![
            put(
                &self.table,
                Item::from([
                    (PK.to_owned(), s(tenant_pk)),
                    (SK.to_owned(), s(tenant_sk)),
                    ("name".to_owned(), s(&tenant.name)),
                    ("created_at".to_owned(), n(tenant.created_at.as_millisecond())),
                ]),
            )?,
            put(&self.table, Item::from([(PK.to_owned(), s(TENANTS_PK)), (SK.to_owned(), s(tenant.id.to_string()))]))?,
            put(
                &self.table,
                Item::from([
                    (PK.to_owned(), s(key_pk)),
                    (SK.to_owned(), s(key_sk)),
                    ("key_id".to_owned(), s(first_key.id.to_string())),
                    ("tenant_id".to_owned(), s(first_key.tenant_id.to_string())),
                    ("name".to_owned(), s(&first_key.name)),
                    ("prefix".to_owned(), s(&first_key.prefix)),
                    ("created_at".to_owned(), n(first_key.created_at.as_millisecond())),
                ]),
            )?,
        ];
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(error) => match cancellation(&error) {
                Some(Cancelled::Conditions(_)) | Some(Cancelled::Conflict) => Err(StoreError::Conflict),
                None => Err(backend("creating a tenant", error)),
            },
        }
    }

    async fn has_tenants(&self) -> Result<bool, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(TENANTS_PK))
            .limit(1)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| backend("looking for tenants", e))?;
        Ok(output.count > 0)
    }

    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        let (pk, sk) = api_key_item(&hash.0);
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .send()
            .await
            .map_err(|e| backend("looking up an API key", e))?;
        let Some(item) = output.item else { return Ok(None) };
        let decode_key = || -> anyhow::Result<ApiKey> {
            Ok(ApiKey {
                id: item.string("key_id")?.parse().context("key id")?,
                tenant_id: item.string("tenant_id")?.parse().context("tenant id")?,
                name: item.string("name")?.to_owned(),
                prefix: item.string("prefix")?.to_owned(),
                hash: hash.clone(),
                created_at: Timestamp::from_millisecond(item.number("created_at")?)?,
            })
        };
        decode_key().map(Some).map_err(decode)
    }
}
