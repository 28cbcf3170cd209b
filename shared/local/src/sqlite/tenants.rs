use super::SqliteStore;
use super::codec::{at, backend, blob, ms, uuid};
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use rusqlite::{Connection, OptionalExtension, Row, params};
use vigil_domain::access::{KeyScope, Role};
use vigil_domain::ids::{ApiKeyId, TenantId, UserId};
use vigil_domain::ports::{Organisations, StoreError, TenantDirectory};
use vigil_domain::tenant::{ApiKey, ApiKeyHash, Tenant};

const KEY_COLUMNS: &str =
    "id, tenant_id, name, prefix, hash, created_at, scope, created_by, service_ceiling, expires_at, last_used_at, revoked_at";

fn key_from_row(row: &Row<'_>) -> anyhow::Result<ApiKey> {
    let scope: String = row.get(6)?;
    let ceiling: String = row.get(8)?;
    Ok(ApiKey {
        id: ApiKeyId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
        name: row.get(2)?,
        prefix: row.get(3)?,
        hash: ApiKeyHash(row.get(4)?),
        created_at: at(row.get(5)?)?,
        scope: KeyScope::parse(&scope).ok_or_else(|| anyhow!("unknown stored key scope `{scope}`"))?,
        created_by: row.get::<_, Option<Vec<u8>>>(7)?.map(|b| uuid(&b).map(UserId::from_uuid)).transpose()?,
        service_ceiling: Role::parse(&ceiling).ok_or_else(|| anyhow!("unknown stored role `{ceiling}`"))?,
        expires_at: row.get::<_, Option<i64>>(9)?.map(at).transpose()?,
        last_used_at: row.get::<_, Option<i64>>(10)?.map(at).transpose()?,
        revoked_at: row.get::<_, Option<i64>>(11)?.map(at).transpose()?,
    })
}

fn insert_key(conn: &Connection, key: &ApiKey) -> rusqlite::Result<usize> {
    conn.execute(
        &format!("INSERT OR IGNORE INTO api_keys ({KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
        params![
            blob(key.id.as_uuid()),
            blob(key.tenant_id.as_uuid()),
            key.name,
            key.prefix,
            key.hash.0,
            ms(key.created_at),
            key.scope.as_str(),
            key.created_by.map(|u| blob(u.as_uuid()).to_vec()),
            key.service_ceiling.as_str(),
            key.expires_at.map(ms),
            key.last_used_at.map(ms),
            key.revoked_at.map(ms),
        ],
    )
}

fn insert_tenant(conn: &Connection, tenant: &Tenant) -> anyhow::Result<usize> {
    Ok(conn.execute(
        "INSERT OR IGNORE INTO tenants (id, name, created_at, settings) VALUES (?1, ?2, ?3, ?4)",
        params![blob(tenant.id.as_uuid()), tenant.name, ms(tenant.created_at), serde_json::to_string(&tenant.settings)?],
    )?)
}

fn tenant_from_row(row: &Row<'_>) -> anyhow::Result<Tenant> {
    let settings: String = row.get(3)?;
    Ok(Tenant {
        id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        name: row.get(1)?,
        created_at: at(row.get(2)?)?,
        settings: if settings == "{}" {
            Default::default()
        } else {
            serde_json::from_str(&settings).context("stored organisation settings")?
        },
    })
}

#[async_trait]
impl TenantDirectory for SqliteStore {
    async fn create_tenant(&self, tenant: &Tenant, first_key: &ApiKey) -> Result<(), StoreError> {
        let (tenant, key) = (tenant.clone(), first_key.clone());
        self.db
            .write(move |conn| {
                if insert_tenant(conn, &tenant)? == 0 || insert_key(conn, &key)? == 0 {
                    return Ok(Err(StoreError::Conflict));
                }
                Ok(Ok(()))
            })
            .await
            .context("creating a tenant")
            .map_err(backend)?
    }

    async fn has_tenants(&self) -> Result<bool, StoreError> {
        self.db.read(|conn| Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM tenants)", [], |row| row.get(0))?)).await.map_err(backend)
    }

    async fn find_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKey>, StoreError> {
        let hash = hash.clone();
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE hash = ?1"))?;
                let mut rows = statement.query([&hash.0])?;
                rows.next()?.map(key_from_row).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn insert_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let key = key.clone();
        self.db
            .write(move |conn| Ok(if insert_key(conn, &key)? == 0 { Err(StoreError::Conflict) } else { Ok(()) }))
            .await
            .context("storing an API key")
            .map_err(backend)?
    }

    async fn key(&self, tenant: TenantId, id: ApiKeyId) -> Result<Option<ApiKey>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = ?1 AND id = ?2"))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(id.as_uuid())])?;
                rows.next()?.map(key_from_row).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn keys(&self, tenant: TenantId) -> Result<Vec<ApiKey>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached(&format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE tenant_id = ?1 ORDER BY created_at, id"))?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut keys = Vec::new();
                while let Some(row) = rows.next()? {
                    keys.push(key_from_row(row)?);
                }
                Ok(keys)
            })
            .await
            .map_err(backend)
    }

    async fn update_key(&self, key: &ApiKey) -> Result<(), StoreError> {
        let key = key.clone();
        self.db
            .write(move |conn| {
                let changed = conn.execute(
                    "UPDATE api_keys SET last_used_at = ?3, revoked_at = ?4 WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(key.tenant_id.as_uuid()), blob(key.id.as_uuid()), key.last_used_at.map(ms), key.revoked_at.map(ms)],
                )?;
                Ok(if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) })
            })
            .await
            .context("updating an API key")
            .map_err(backend)?
    }
}

#[async_trait]
impl Organisations for SqliteStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let tenant = tenant.clone();
        self.db
            .write(move |conn| Ok(if insert_tenant(conn, &tenant)? == 0 { Err(StoreError::Conflict) } else { Ok(()) }))
            .await
            .context("creating an organisation")
            .map_err(backend)?
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT id, name, created_at, settings FROM tenants WHERE id = ?1")?;
                let mut rows = statement.query([blob(id.as_uuid())])?;
                rows.next()?.map(tenant_from_row).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let tenant = tenant.clone();
        self.db
            .write(move |conn| {
                let changed = conn.execute(
                    "UPDATE tenants SET name = ?2, settings = ?3 WHERE id = ?1",
                    params![blob(tenant.id.as_uuid()), tenant.name, serde_json::to_string(&tenant.settings)?],
                )?;
                Ok(if changed == 0 { Err(StoreError::NotFound) } else { Ok(()) })
            })
            .await
            .context("updating an organisation")
            .map_err(backend)?
    }

    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT id, name, created_at, settings FROM tenants ORDER BY created_at, id")?;
                let mut rows = statement.query([])?;
                let mut tenants = Vec::new();
                while let Some(row) = rows.next()? {
                    tenants.push(tenant_from_row(row)?);
                }
                Ok(tenants)
            })
            .await
            .map_err(backend)
    }
}

/// The organisations of `tenant_ids`' rows, for the membership listing.
pub(super) fn tenant_by_id(conn: &Connection, id: &[u8]) -> anyhow::Result<Tenant> {
    conn.prepare_cached("SELECT id, name, created_at, settings FROM tenants WHERE id = ?1")?
        .query_row([id], |row| Ok(tenant_from_row(row)))
        .optional()?
        .ok_or_else(|| anyhow!("a membership names an organisation that is gone"))?
}
