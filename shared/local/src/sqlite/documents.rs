//! Small per-tenant collections stored as JSON documents (channels, alert rules, maintenance
//! windows): a tenant has few of each and reads them whole.

use super::SqliteStore;
use super::codec::{backend, blob, decode_cursor, encode_cursor, ms};
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;
use vigil_domain::ids::{AlertRuleId, ChannelId, MaintenanceWindowId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::{AlertRule, Channel, MaintenanceWindow, Mute};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{AlertRuleRepository, ChannelRepository, SilenceRepository, StoreError};

/// One collection's table (a constant: table names are never built from input).
#[derive(Clone, Copy)]
pub(super) struct Table(&'static str);

const CHANNELS: Table = Table("channels");
const RULES: Table = Table("alert_rules");
const WINDOWS: Table = Table("maintenance_windows");
/// Rules on hosts.
pub(super) const HOST_RULES: Table = Table("host_rules");

impl SqliteStore {
    pub(super) async fn put_document<T: Serialize>(
        &self,
        table: Table,
        tenant: TenantId,
        id: Uuid,
        created_at: Timestamp,
        item: &T,
    ) -> Result<(), StoreError> {
        let body = serde_json::to_string(item).context("encoding a document").map_err(backend)?;
        self.db
            .write(move |conn| {
                conn.execute(
                    &format!("INSERT OR REPLACE INTO {} (tenant_id, id, created_at, body) VALUES (?1, ?2, ?3, ?4)", table.0),
                    params![blob(tenant.as_uuid()), blob(id), ms(created_at), body],
                )?;
                Ok(())
            })
            .await
            .with_context(|| format!("storing into {}", table.0))
            .map_err(backend)
    }

    pub(super) async fn get_document<T: DeserializeOwned + Send + 'static>(
        &self,
        table: Table,
        tenant: TenantId,
        id: Uuid,
    ) -> Result<Option<T>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached(&format!("SELECT body FROM {} WHERE tenant_id = ?1 AND id = ?2", table.0))?
                    .query_row(params![blob(tenant.as_uuid()), blob(id)], |row| row.get(0))
                    .optional()?;
                body.map(|b| serde_json::from_str(&b).with_context(|| format!("a stored row of {} does not parse", table.0))).transpose()
            })
            .await
            .map_err(backend)
    }

    pub(super) async fn page_documents<T: DeserializeOwned + Send + 'static>(
        &self,
        table: Table,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<(i64, Uuid, T)>, StoreError> {
        let after = page.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
        let limit = page.limit as usize;
        self.db
            .read(move |conn| {
                let (after_at, after_id) = match &after {
                    Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
                    None => (i64::MIN, Vec::new()),
                };
                let mut statement = conn.prepare_cached(&format!(
                    "SELECT created_at, id, body FROM {} WHERE tenant_id = ?1 AND (created_at, id) > (?2, ?3) \
                     ORDER BY created_at, id LIMIT ?4",
                    table.0
                ))?;
                let mut rows = statement.query(params![blob(tenant.as_uuid()), after_at, after_id, limit as i64 + 1])?;
                let mut items = Vec::new();
                while let Some(row) = rows.next()? {
                    let id = super::codec::uuid(&row.get::<_, Vec<u8>>(1)?)?;
                    let body: String = row.get(2)?;
                    let item = serde_json::from_str(&body).with_context(|| format!("a stored row of {} does not parse", table.0))?;
                    items.push((row.get::<_, i64>(0)?, id, item));
                }
                let next_cursor = (items.len() > limit).then(|| {
                    items.truncate(limit);
                    let (at, id, _) = &items[limit - 1];
                    encode_cursor(&[*at], Some(*id))
                });
                Ok(Page { items, next_cursor })
            })
            .await
            .map_err(backend)
    }

    pub(super) async fn all_documents<T: DeserializeOwned + Send + 'static>(
        &self,
        table: Table,
        tenant: TenantId,
    ) -> Result<Vec<T>, StoreError> {
        let mut out = Vec::new();
        let mut page = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
        loop {
            let read = self.page_documents::<T>(table, tenant, &page).await?;
            out.extend(read.items.into_iter().map(|(_, _, item)| item));
            match read.next_cursor {
                Some(cursor) => page.cursor = Some(cursor),
                None => return Ok(out),
            }
        }
    }

    pub(super) async fn delete_document(&self, table: Table, tenant: TenantId, id: Uuid) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                let deleted = conn.execute(
                    &format!("DELETE FROM {} WHERE tenant_id = ?1 AND id = ?2", table.0),
                    params![blob(tenant.as_uuid()), blob(id)],
                )?;
                Ok(deleted > 0)
            })
            .await
            .with_context(|| format!("deleting from {}", table.0))
            .map_err(backend)
    }
}

#[async_trait]
impl ChannelRepository for SqliteStore {
    async fn insert(&self, channel: &Channel) -> Result<(), StoreError> {
        self.put_document(CHANNELS, channel.tenant_id, channel.id.as_uuid(), channel.created_at, channel).await
    }

    async fn get(&self, tenant: TenantId, id: ChannelId) -> Result<Option<Channel>, StoreError> {
        self.get_document(CHANNELS, tenant, id.as_uuid()).await
    }

    async fn list(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Channel>, StoreError> {
        Ok(self.page_documents(CHANNELS, tenant, page).await?.map(|(_, _, channel)| channel))
    }

    async fn delete(&self, tenant: TenantId, id: ChannelId) -> Result<bool, StoreError> {
        self.delete_document(CHANNELS, tenant, id.as_uuid()).await
    }
}

#[async_trait]
impl AlertRuleRepository for SqliteStore {
    async fn put(&self, rule: &AlertRule) -> Result<(), StoreError> {
        self.put_document(RULES, rule.tenant_id, rule.id.as_uuid(), rule.created_at, rule).await
    }

    async fn get(&self, tenant: TenantId, id: AlertRuleId) -> Result<Option<AlertRule>, StoreError> {
        self.get_document(RULES, tenant, id.as_uuid()).await
    }

    async fn all(&self, tenant: TenantId) -> Result<Vec<AlertRule>, StoreError> {
        self.all_documents(RULES, tenant).await
    }

    async fn delete(&self, tenant: TenantId, id: AlertRuleId) -> Result<bool, StoreError> {
        self.delete_document(RULES, tenant, id.as_uuid()).await
    }
}

#[async_trait]
impl SilenceRepository for SqliteStore {
    async fn put_window(&self, window: &MaintenanceWindow) -> Result<(), StoreError> {
        self.put_document(WINDOWS, window.tenant_id, window.id.as_uuid(), window.created_at, window).await
    }

    async fn windows(&self, tenant: TenantId) -> Result<Vec<MaintenanceWindow>, StoreError> {
        self.all_documents(WINDOWS, tenant).await
    }

    async fn delete_window(&self, tenant: TenantId, id: MaintenanceWindowId) -> Result<bool, StoreError> {
        self.delete_document(WINDOWS, tenant, id.as_uuid()).await
    }

    async fn put_mute(&self, mute: &Mute) -> Result<(), StoreError> {
        let mute = mute.clone();
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT OR REPLACE INTO mutes (tenant_id, subject_kind, subject_id, body) VALUES (?1, ?2, ?3, ?4)",
                    params![blob(mute.tenant_id.as_uuid()), mute.subject.kind(), blob(mute.subject.uuid()), serde_json::to_string(&mute)?],
                )?;
                Ok(())
            })
            .await
            .context("muting")
            .map_err(backend)
    }

    async fn delete_mute(&self, tenant: TenantId, subject: IncidentSubject) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                let deleted = conn.execute(
                    "DELETE FROM mutes WHERE tenant_id = ?1 AND subject_kind = ?2 AND subject_id = ?3",
                    params![blob(tenant.as_uuid()), subject.kind(), blob(subject.uuid())],
                )?;
                Ok(deleted > 0)
            })
            .await
            .context("unmuting")
            .map_err(backend)
    }

    async fn mutes(&self, tenant: TenantId) -> Result<Vec<Mute>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT body FROM mutes WHERE tenant_id = ?1")?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(serde_json::from_str(&row.get::<_, String>(0)?).context("a stored mute does not parse")?);
                }
                Ok(out)
            })
            .await
            .map_err(backend)
    }
}
