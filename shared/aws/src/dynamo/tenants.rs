use super::DynamoStore;
use super::keys::{TENANTS_PK, api_key_item, tenant_item};
use super::toolkit::attributes::{ItemExt, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_put_new};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

#[async_trait]
impl TenantDirectory for DynamoStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let (tenant_pk, tenant_sk) = tenant_item(tenant.id);
        let mut tenant_record = key(tenant_pk, tenant_sk);
        tenant_record.extend([("name".to_owned(), s(&tenant.name)), ("created_at".to_owned(), n(tenant.created_at.as_millisecond()))]);
        let (key_pk, key_sk) = api_key_item(&first_key.hash.0);
        let mut key_record = key(key_pk, key_sk);
        key_record.extend([
            ("key_id".to_owned(), s(first_key.id.to_string())),
            ("tenant_id".to_owned(), s(first_key.tenant_id.to_string())),
            ("name".to_owned(), s(&first_key.name)),
            ("prefix".to_owned(), s(&first_key.prefix)),
            ("created_at".to_owned(), n(first_key.created_at.as_millisecond())),
        ]);
        let items = vec![
            transact_put_new(&self.table, tenant_record)?,
            transact_put_new(&self.table, key(TENANTS_PK, tenant.id.to_string()))?,
            transact_put_new(&self.table, key_record)?,
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
        let Some(item) = self.get_item(key(pk, sk), Read::Eventual, &[], "looking up an API key").await? else { return Ok(None) };
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
