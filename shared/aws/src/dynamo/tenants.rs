use super::DynamoStore;
use super::attributes::{Item, ItemExt, n, s};
use super::documents::{DOC, parse_doc};
use super::errors::{Cancelled, backend, cancellation, decode};
use super::keys::{PK, SK, TENANTS_PK, api_key_item, tenant_item};
use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use jiff::Timestamp;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

/// Sort key, in its tenant's partition, of the pointer to a key's item (keys are found by
/// hash on every request, and listed per tenant in settings).
fn key_pointer(tenant: TenantId, id: ApiKeyId) -> (String, String) {
    (tenant_item(tenant).0, format!("KEYREF#{id}"))
}

/// The item of a key: its hash item, with the whole key as a document.
fn key_item(key: &ApiKey) -> Result<Item, StoreError> {
    let (key_pk, key_sk) = api_key_item(&key.hash.0);
    Ok(Item::from([
        (PK.to_owned(), s(key_pk)),
        (SK.to_owned(), s(key_sk)),
        ("key_id".to_owned(), s(key.id.to_string())),
        ("tenant_id".to_owned(), s(key.tenant_id.to_string())),
        ("name".to_owned(), s(&key.name)),
        ("prefix".to_owned(), s(&key.prefix)),
        ("created_at".to_owned(), n(key.created_at.as_millisecond())),
        (DOC.to_owned(), s(serde_json::to_string(key).context("encoding a key").map_err(decode)?)),
    ]))
}

fn pointer_item(key: &ApiKey) -> Item {
    let (pk, sk) = key_pointer(key.tenant_id, key.id);
    Item::from([(PK.to_owned(), s(pk)), (SK.to_owned(), s(sk)), ("hash".to_owned(), s(&key.hash.0))])
}

/// A key from its item: the document, or for keys stored before keys had scopes, the first
/// admin key it was.
fn key_from_item(item: &Item, hash: &ApiKeyHash) -> Result<ApiKey, StoreError> {
    if item.contains_key(DOC) {
        return parse_doc(item).map_err(decode);
    }
    let decode_key = || -> anyhow::Result<ApiKey> {
        Ok(ApiKey::first_admin(
            item.string("key_id")?.parse().context("key id")?,
            item.string("tenant_id")?.parse().context("tenant id")?,
            item.string("prefix")?.to_owned(),
            hash.clone(),
            Timestamp::from_millisecond(item.number("created_at")?)?,
        ))
    };
    decode_key().map_err(decode)
}

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
            put(&self.table, key_item(first_key)?)?,
            put(&self.table, pointer_item(first_key))?,
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
        output.item.map(|item| key_from_item(&item, hash)).transpose()
    }

    async fn insert_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let items = vec![put(&self.table, key_item(key)?)?, put(&self.table, pointer_item(key))?];
        match self.client.transact_write_items().set_transact_items(Some(items)).send().await {
            Ok(_) => Ok(()),
            Err(error) => match cancellation(&error) {
                Some(Cancelled::Conditions(_)) | Some(Cancelled::Conflict) => Err(StoreError::Conflict),
                None => Err(backend("storing an API key", error)),
            },
        }
    }

    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        let (pk, sk) = key_pointer(tenant, id);
        let Some(pointer) = self.get_raw(pk, sk, "reading an API key's pointer").await? else { return Ok(None) };
        let hash = ApiKeyHash(pointer.string("hash").map_err(decode)?.to_owned());
        self.find_key(&hash).await
    }

    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        let pointers = self.query_all(&tenant_item(tenant).0, "KEYREF#", "listing API keys").await?;
        let mut keys = Vec::with_capacity(pointers.len());
        for pointer in pointers {
            let hash = ApiKeyHash(pointer.string("hash").map_err(decode)?.to_owned());
            if let Some(key) = self.find_key(&hash).await? {
                keys.push(key);
            }
        }
        keys.sort_by_key(|key| (key.created_at, key.id));
        Ok(keys)
    }

    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let (pk, sk) = api_key_item(&key.hash.0);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, s(pk))
            .key(SK, s(sk))
            .update_expression("SET #doc = :doc")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#doc", DOC)
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":doc", s(serde_json::to_string(key).context("encoding a key").map_err(decode)?))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(error) if super::errors::is_condition_failure(&error) => Err(StoreError::NotFound),
            Err(error) => Err(backend("updating an API key", error)),
        }
    }
}
