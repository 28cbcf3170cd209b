use super::SqliteStore;
use super::codec::{at, backend, blob, ms, uuid};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{OptionalExtension, params};
use vigil_domain::ids::{ApiKeyId, TenantId};
use vigil_domain::ports::{StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

#[async_trait]
impl TenantDirectory for SqliteStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let (tenant, key) = (tenant.clone(), first_key.clone());
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT INTO tenants (id, name, created_at) VALUES (?1, ?2, ?3)",
                    params![blob(tenant.id.as_uuid()), tenant.name, ms(tenant.created_at)],
                )?;
                conn.execute(
                    "INSERT INTO api_keys (id, tenant_id, name, prefix, hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![blob(key.id.as_uuid()), blob(key.tenant_id.as_uuid()), key.name, key.prefix, key.hash.0, ms(key.created_at)],
                )?;
                Ok(())
            })
            .await
            .context("creating a tenant")
            .map_err(backend)
    }

    async fn has_tenants(&self) -> Result<bool, StoreError> {
        self.db.read(|conn| Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM tenants)", [], |row| row.get(0))?)).await.map_err(backend)
    }

    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        let hash = hash.clone();
        self.db
            .read(move |conn| {
                let row = conn
                    .prepare_cached("SELECT id, tenant_id, name, prefix, created_at FROM api_keys WHERE hash = ?1")?
                    .query_row([&hash.0], |row| {
                        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Vec<u8>>(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
                    })
                    .optional()?;
                row.map(|(id, tenant, name, prefix, created)| {
                    Ok(ApiKey {
                        id: ApiKeyId::from_uuid(uuid(&id)?),
                        tenant_id: TenantId::from_uuid(uuid(&tenant)?),
                        name,
                        prefix,
                        hash,
                        created_at: at(created)?,
                    })
                })
                .transpose()
            })
            .await
            .map_err(backend)
    }
}

impl SqliteStore {
    /// The first API key created (the admin key `vigil serve` made on its first start), with its
    /// tenant: whom a monitoring file given to `vigil serve --config` acts as.
    pub async fn first_api_key(&self) -> anyhow::Result<Option<(TenantId, ApiKeyId)>> {
        self.db
            .read(|conn| {
                let row = conn
                    .query_row("SELECT tenant_id, id FROM api_keys ORDER BY created_at, id LIMIT 1", [], |row| {
                        Ok((row.get::<_, Vec<u8>>(0)?, row.get::<_, Vec<u8>>(1)?))
                    })
                    .optional()?;
                row.map(|(tenant, id)| Ok((TenantId::from_uuid(uuid(&tenant)?), ApiKeyId::from_uuid(uuid(&id)?)))).transpose()
            })
            .await
    }
}
