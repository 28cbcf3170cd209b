use super::DynamoStore;
use super::documents::{DOC, parse_doc};
use super::keys::{TENANTS_PK, api_key_item, tenant_item};
use super::toolkit::attributes::{Item, ItemExt, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_put_new};
use super::toolkit::update::Update;
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

/// Sort key, in its tenant's partition, of the pointer to a key's item (keys are found by
/// hash on every request, and listed per tenant in settings).
fn key_pointer(tenant: TenantId, id: ApiKeyId) -> Item {
    key(tenant_item(tenant).0, format!("KEYREF#{id}"))
}

fn encoded(key: &ApiKey) -> Result<String, StoreError> {
    serde_json::to_string(key).context("encoding a key").map_err(decode)
}

/// The item of a key: its hash item, with the whole key as a document.
fn key_item(api_key: &ApiKey) -> Result<Item, StoreError> {
    let (pk, sk) = api_key_item(&api_key.hash.0);
    let mut item = key(pk, sk);
    item.extend([
        ("key_id".to_owned(), s(api_key.id.to_string())),
        ("tenant_id".to_owned(), s(api_key.tenant_id.to_string())),
        ("name".to_owned(), s(&api_key.name)),
        ("prefix".to_owned(), s(&api_key.prefix)),
        ("created_at".to_owned(), n(api_key.created_at.as_millisecond())),
        (DOC.to_owned(), s(encoded(api_key)?)),
    ]);
    Ok(item)
}

fn pointer_item(api_key: &ApiKey) -> Item {
    let mut item = key_pointer(api_key.tenant_id, api_key.id);
    item.insert("hash".to_owned(), s(&api_key.hash.0));
    item
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

#[async_trait]
impl TenantDirectory for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let (tenant_pk, tenant_sk) = tenant_item(tenant.id);
        let mut tenant_record = key(tenant_pk, tenant_sk);
        tenant_record.extend([("name".to_owned(), s(&tenant.name)), ("created_at".to_owned(), n(tenant.created_at.as_millisecond()))]);
        let items = vec![
            transact_put_new(&self.table, tenant_record)?,
            transact_put_new(&self.table, key(TENANTS_PK, tenant.id.to_string()))?,
            transact_put_new(&self.table, key_item(first_key)?)?,
            transact_put_new(&self.table, pointer_item(first_key))?,
        ];
        // A tenant is created once, at bootstrap: losing a race to another bootstrap is a
        // conflict as much as finding the tenant there.
        match self.transact("creating a tenant", items).await? {
            Outcome::Written => Ok(()),
            Outcome::Refused(_) | Outcome::Raced => Err(StoreError::Conflict),
        }
    }

    async fn has_tenants(&self) -> Result<bool, StoreError> {
        let any = self.query_up_to(&KeyQuery::partition(TENANTS_PK, "looking for tenants").consistent(), Some(1)).await?;
        Ok(!any.is_empty())
    }

    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        let (pk, sk) = api_key_item(&hash.0);
        // Strongly consistent: a revocation takes effect at the next request.
        let item = self.get_item(key(pk, sk), Read::Strong, &[], "looking up an API key").await?;
        item.map(|item| key_from_item(&item, hash)).transpose()
    }

    async fn insert_key(&self, api_key: &ApiKey) -> Result<(), StoreError> {
        let items = vec![transact_put_new(&self.table, key_item(api_key)?)?, transact_put_new(&self.table, pointer_item(api_key))?];
        match self.transact_settled("storing an API key", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        let Some(pointer) = self.get_item(key_pointer(tenant, id), Read::Strong, &[], "reading an API key's pointer").await? else {
            return Ok(None);
        };
        let hash = ApiKeyHash(pointer.string("hash").map_err(decode)?.to_owned());
        self.find_key(&hash).await
    }

    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        let query = KeyQuery::partition(tenant_item(tenant).0, "listing API keys").prefix("KEYREF#").consistent();
        let pointers = self.query_all(&query).await?;
        let mut keys = Vec::with_capacity(pointers.len());
        for pointer in pointers {
            let hash = ApiKeyHash(pointer.string("hash").map_err(decode)?.to_owned());
            if let Some(found) = self.find_key(&hash).await? {
                keys.push(found);
            }
        }
        keys.sort_by_key(|k| (k.created_at, k.id));
        Ok(keys)
    }

    async fn update_key(&self, api_key: &ApiKey) -> Result<(), StoreError> {
        let (pk, sk) = api_key_item(&api_key.hash.0);
        let mut update = Update::default();
        update.set(DOC, s(encoded(api_key)?));
        update.require_equal("key_id", s(api_key.id.to_string()));
        if self.update_item(key(pk, sk), update, "updating an API key").await? { Ok(()) } else { Err(StoreError::NotFound) }
    }
}
