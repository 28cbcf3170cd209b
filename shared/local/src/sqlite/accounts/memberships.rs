use super::super::SqliteStore;
use super::super::codec::{at, backend, blob, ms, uuid};
use super::super::tenants::tenant_by_id;
use anyhow::{Context, anyhow};
use async_trait::async_trait;
use rusqlite::{Row, params};
use vigil_domain::access::Role;
use vigil_domain::accounts::Membership;
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::ports::{Memberships, StoreError};
use vigil_domain::tenant::Tenant;

fn membership_from_row(row: &Row<'_>) -> anyhow::Result<Membership> {
    let role: String = row.get(2)?;
    Ok(Membership {
        tenant_id: TenantId::from_uuid(uuid(&row.get::<_, Vec<u8>>(0)?)?),
        user_id: UserId::from_uuid(uuid(&row.get::<_, Vec<u8>>(1)?)?),
        role: Role::parse(&role).ok_or_else(|| anyhow!("unknown stored role `{role}`"))?,
        since: at(row.get(3)?)?,
    })
}

#[async_trait]
impl Memberships for SqliteStore {
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError> {
        let m = membership.clone();
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT INTO memberships (tenant_id, user_id, role, since) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (tenant_id, user_id) DO UPDATE SET role = excluded.role",
                    params![blob(m.tenant_id.as_uuid()), blob(m.user_id.as_uuid()), m.role.as_str(), ms(m.since)],
                )?;
                Ok(())
            })
            .await
            .context("storing a membership")
            .map_err(backend)
    }

    async fn membership(&self, tenant: TenantId, user: UserId) -> Result<Option<Membership>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement =
                    conn.prepare_cached("SELECT tenant_id, user_id, role, since FROM memberships WHERE tenant_id = ?1 AND user_id = ?2")?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), blob(user.as_uuid())])?;
                rows.next()?.map(membership_from_row).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn members(&self, tenant: TenantId) -> Result<Vec<Membership>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT tenant_id, user_id, role, since FROM memberships WHERE tenant_id = ?1 ORDER BY since, user_id",
                )?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut members = Vec::new();
                while let Some(row) = rows.next()? {
                    members.push(membership_from_row(row)?);
                }
                Ok(members)
            })
            .await
            .map_err(backend)
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT tenant_id, user_id, role, since FROM memberships WHERE user_id = ?1 ORDER BY since, tenant_id",
                )?;
                let mut rows = statement.query([blob(user.as_uuid())])?;
                let mut found = Vec::new();
                while let Some(row) = rows.next()? {
                    let membership = membership_from_row(row)?;
                    let tenant = tenant_by_id(conn, &blob(membership.tenant_id.as_uuid()))?;
                    found.push((membership, tenant));
                }
                Ok(found)
            })
            .await
            .map_err(backend)
    }

    async fn remove_membership(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError> {
        self.db
            .write(move |conn| {
                let removed = conn.execute(
                    "DELETE FROM memberships WHERE tenant_id = ?1 AND user_id = ?2",
                    params![blob(tenant.as_uuid()), blob(user.as_uuid())],
                )?;
                Ok(if removed == 0 { Err(StoreError::NotFound) } else { Ok(()) })
            })
            .await
            .context("removing a membership")
            .map_err(backend)?
    }
}
