//! Status pages, public incidents, subscribers, badges and page snapshots: JSON documents
//! beside the columns their uniqueness and listings need (a page's slug and domain and a badge's
//! token unique across tenants, one subscriber per address and page).

use super::SqliteStore;
use super::codec::{backend, blob, decode_cursor, encode_cursor, ms, uuid};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};
use serde::de::DeserializeOwned;
use vigil_domain::accounts::Email;
use vigil_domain::ids::{BadgeId, PublicIncidentId, StatusPageId, SubscriberId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{Badges, IncidentWrite, PageWrite, PublicIncidents, StatusPages, StatusSnapshots, StoreError, Subscribers};
use vigil_domain::status_page::{Badge, PageSnapshot, PublicIncident, StatusPage, Subscriber};

fn parse<T: DeserializeOwned>(body: &str, what: &str) -> anyhow::Result<T> {
    serde_json::from_str(body).with_context(|| format!("a stored {what} does not parse"))
}

/// Whether an error is a broken UNIQUE (or primary key) constraint.
fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _) if e.code == ErrorCode::ConstraintViolation)
}

/// Which other page holds the slug or domain of `page`, if one does.
fn page_clash(conn: &Connection, page: &StatusPage) -> anyhow::Result<Option<PageWrite>> {
    let id = blob(page.id.as_uuid());
    let slug: bool =
        conn.query_row("SELECT EXISTS (SELECT 1 FROM status_pages WHERE slug = ?1 AND id <> ?2)", params![page.slug.as_str(), id], |r| {
            r.get(0)
        })?;
    if slug {
        return Ok(Some(PageWrite::SlugTaken));
    }
    let domain: bool = match &page.custom_domain {
        Some(domain) => conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM status_pages WHERE domain = ?1 AND id <> ?2)",
            params![domain.as_str(), id],
            |r| r.get(0),
        )?,
        None => false,
    };
    Ok(domain.then_some(PageWrite::DomainTaken))
}

/// A page of rows `(created_at, id, body)` listed by `(created_at, id)`; `sql` takes the
/// tenant `?1`, the page `?2`, the cursor's position `?3`, `?4` and the limit `?5`.
fn keyed_page<T: DeserializeOwned>(
    conn: &Connection,
    sql: &str,
    keys: ([u8; 16], [u8; 16]),
    request: &PageRequest,
    newest_first: bool,
    what: &str,
) -> anyhow::Result<Page<T>> {
    let after = request.cursor.as_ref().map(|c| decode_cursor(c, 1, true)).transpose()?;
    let (position, id) = match &after {
        Some((at, id)) => (at[0], id.map(|id| blob(id).to_vec()).unwrap_or_default()),
        None if newest_first => (i64::MAX, Vec::new()),
        None => (i64::MIN, Vec::new()),
    };
    let limit = request.limit as usize;
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(params![keys.0, keys.1, position, id, limit as i64 + 1])?;
    let mut items = Vec::new();
    while let Some(row) = rows.next()? {
        let (created, id, body): (i64, Vec<u8>, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
        items.push((created, uuid(&id)?, parse::<T>(&body, what)?));
    }
    let next_cursor = (items.len() > limit).then(|| {
        items.truncate(limit);
        let (created, id, _) = &items[limit - 1];
        encode_cursor(&[*created], Some(*id))
    });
    Ok(Page { items: items.into_iter().map(|(_, _, item)| item).collect(), next_cursor })
}

#[async_trait]
impl StatusPages for SqliteStore {
    async fn insert_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let page = page.clone();
        self.db
            .write(move |conn| {
                if let Some(clash) = page_clash(conn, &page)? {
                    return Ok(clash);
                }
                let inserted = conn.execute(
                    "INSERT INTO status_pages (tenant_id, id, slug, domain, revision, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![
                        blob(page.tenant_id.as_uuid()),
                        blob(page.id.as_uuid()),
                        page.slug.as_str(),
                        page.custom_domain.as_ref().map(|d| d.as_str().to_owned()),
                        page.revision as i64,
                        ms(page.created_at),
                        serde_json::to_string(&page)?
                    ],
                );
                match inserted {
                    Ok(_) => Ok(PageWrite::Written),
                    Err(error) if is_unique_violation(&error) => Ok(PageWrite::Stale),
                    Err(error) => Err(error.into()),
                }
            })
            .await
            .context("storing a status page")
            .map_err(backend)
    }

    async fn page(&self, tenant: TenantId, id: StatusPageId) -> Result<Option<StatusPage>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM status_pages WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |r| r.get(0))
                    .optional()?;
                body.map(|b| parse(&b, "status page")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn pages(&self, tenant: TenantId) -> Result<Vec<StatusPage>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT body FROM status_pages WHERE tenant_id = ?1 ORDER BY created_at, id")?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(parse(&row.get::<_, String>(0)?, "status page")?);
                }
                Ok(out)
            })
            .await
            .map_err(backend)
    }

    async fn update_page(&self, page: &StatusPage) -> Result<PageWrite, StoreError> {
        let page = page.clone();
        self.db
            .write(move |conn| {
                let stored: Option<i64> = conn
                    .query_row(
                        "SELECT revision FROM status_pages WHERE tenant_id = ?1 AND id = ?2",
                        params![blob(page.tenant_id.as_uuid()), blob(page.id.as_uuid())],
                        |r| r.get(0),
                    )
                    .optional()?;
                match stored {
                    None => return Ok(Err(StoreError::NotFound)),
                    Some(revision) if revision as u64 + 1 != page.revision => return Ok(Ok(PageWrite::Stale)),
                    Some(_) => {}
                }
                if let Some(clash) = page_clash(conn, &page)? {
                    return Ok(Ok(clash));
                }
                conn.execute(
                    "UPDATE status_pages SET slug = ?3, domain = ?4, revision = ?5, body = ?6 WHERE tenant_id = ?1 AND id = ?2",
                    params![
                        blob(page.tenant_id.as_uuid()),
                        blob(page.id.as_uuid()),
                        page.slug.as_str(),
                        page.custom_domain.as_ref().map(|d| d.as_str().to_owned()),
                        page.revision as i64,
                        serde_json::to_string(&page)?
                    ],
                )?;
                Ok(Ok(PageWrite::Written))
            })
            .await
            .context("updating a status page")
            .map_err(backend)?
    }

    async fn delete_page(&self, tenant: TenantId, id: StatusPageId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn.execute(
                    "DELETE FROM status_pages WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid())],
                )? > 0)
            })
            .await
            .context("deleting a status page")
            .map_err(backend)
    }

    async fn page_by_slug(&self, slug: &str) -> Result<Option<StatusPage>, StoreError> {
        let slug = slug.to_owned();
        self.db
            .read(move |conn| {
                let body: Option<String> =
                    conn.prepare_cached("SELECT body FROM status_pages WHERE slug = ?1")?.query_row([slug], |r| r.get(0)).optional()?;
                body.map(|b| parse(&b, "status page")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn page_by_domain(&self, domain: &str) -> Result<Option<StatusPage>, StoreError> {
        let domain = domain.to_owned();
        self.db
            .read(move |conn| {
                let body: Option<String> =
                    conn.prepare_cached("SELECT body FROM status_pages WHERE domain = ?1")?.query_row([domain], |r| r.get(0)).optional()?;
                body.map(|b| parse(&b, "status page")).transpose()
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl PublicIncidents for SqliteStore {
    async fn put_incident(&self, incident: &PublicIncident) -> Result<IncidentWrite, StoreError> {
        let incident = incident.clone();
        self.db
            .write(move |conn| {
                let (tenant, id) = (blob(incident.tenant_id.as_uuid()), blob(incident.id.as_uuid()));
                let body = serde_json::to_string(&incident)?;
                if incident.revision == 1 {
                    let inserted = conn.execute(
                        "INSERT OR IGNORE INTO public_incidents (tenant_id, id, page_id, revision, created_at, body) VALUES (?1, ?2, ?3, 1, ?4, ?5)",
                        params![tenant, id, blob(incident.page_id.as_uuid()), ms(incident.created_at), body],
                    )?;
                    return Ok(Ok(if inserted == 1 { IncidentWrite::Written } else { IncidentWrite::Duplicate }));
                }
                let changed = conn.execute(
                    "UPDATE public_incidents SET revision = ?3, body = ?4 WHERE tenant_id = ?1 AND id = ?2 AND revision = ?5",
                    params![tenant, id, incident.revision as i64, body, incident.revision as i64 - 1],
                )?;
                if changed == 1 {
                    return Ok(Ok(IncidentWrite::Written));
                }
                let exists: bool =
                    conn.query_row("SELECT EXISTS (SELECT 1 FROM public_incidents WHERE tenant_id = ?1 AND id = ?2)", params![tenant, id], |r| r.get(0))?;
                Ok(if exists { Ok(IncidentWrite::Stale) } else { Err(StoreError::NotFound) })
            })
            .await
            .context("storing a public incident")
            .map_err(backend)?
    }

    async fn incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<Option<PublicIncident>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM public_incidents WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |r| r.get(0))
                    .optional()?;
                body.map(|b| parse(&b, "public incident")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn incidents(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<PublicIncident>, StoreError> {
        // A bad cursor is the caller's error, not the store's.
        if let Some(cursor) = &request.cursor {
            decode_cursor(cursor, 1, true)?;
        }
        let request = request.clone();
        self.db
            .read(move |conn| {
                keyed_page(
                    conn,
                    "SELECT created_at, id, body FROM public_incidents WHERE tenant_id = ?1 AND page_id = ?2 AND (created_at, id) < (?3, ?4) \
                     ORDER BY created_at DESC, id DESC LIMIT ?5",
                    (blob(tenant.as_uuid()), blob(page.as_uuid())),
                    &request,
                    true,
                    "public incident",
                )
            })
            .await
            .map_err(backend)
    }

    async fn delete_incident(&self, tenant: TenantId, id: PublicIncidentId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn.execute(
                    "DELETE FROM public_incidents WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid())],
                )? > 0)
            })
            .await
            .context("deleting a public incident")
            .map_err(backend)
    }
}

#[async_trait]
impl Subscribers for SqliteStore {
    async fn insert_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let subscriber = subscriber.clone();
        self.db
            .write(move |conn| {
                let inserted = conn.execute(
                    "INSERT INTO subscribers (tenant_id, id, page_id, email, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![
                        blob(subscriber.tenant_id.as_uuid()),
                        blob(subscriber.id.as_uuid()),
                        blob(subscriber.page_id.as_uuid()),
                        subscriber.email().map(|e| e.as_str().to_owned()),
                        ms(subscriber.created_at),
                        serde_json::to_string(&subscriber)?
                    ],
                );
                match inserted {
                    Ok(_) => Ok(Ok(())),
                    Err(error) if is_unique_violation(&error) => Ok(Err(StoreError::Conflict)),
                    Err(error) => Err(error.into()),
                }
            })
            .await
            .context("storing a subscriber")
            .map_err(backend)?
    }

    async fn subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<Option<Subscriber>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM subscribers WHERE tenant_id = ?1 AND id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(id.as_uuid())], |r| r.get(0))
                    .optional()?;
                body.map(|b| parse(&b, "subscriber")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn subscriber_by_email(&self, tenant: TenantId, page: StatusPageId, address: &Email) -> Result<Option<Subscriber>, StoreError> {
        let address = address.as_str().to_owned();
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM subscribers WHERE page_id = ?1 AND email = ?2 AND tenant_id = ?3")?
                    .query_row(params![blob(page.as_uuid()), address, blob(tenant.as_uuid())], |r| r.get(0))
                    .optional()?;
                body.map(|b| parse(&b, "subscriber")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn update_subscriber(&self, subscriber: &Subscriber) -> Result<(), StoreError> {
        let subscriber = subscriber.clone();
        self.db
            .write(move |conn| {
                let changed = conn.execute(
                    "UPDATE subscribers SET body = ?3 WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(subscriber.tenant_id.as_uuid()), blob(subscriber.id.as_uuid()), serde_json::to_string(&subscriber)?],
                )?;
                Ok(if changed == 1 { Ok(()) } else { Err(StoreError::NotFound) })
            })
            .await
            .context("updating a subscriber")
            .map_err(backend)?
    }

    async fn delete_subscriber(&self, tenant: TenantId, id: SubscriberId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn.execute(
                    "DELETE FROM subscribers WHERE tenant_id = ?1 AND id = ?2",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid())],
                )? > 0)
            })
            .await
            .context("deleting a subscriber")
            .map_err(backend)
    }

    async fn subscribers(&self, tenant: TenantId, page: StatusPageId, request: &PageRequest) -> Result<Page<Subscriber>, StoreError> {
        // A bad cursor is the caller's error, not the store's.
        if let Some(cursor) = &request.cursor {
            decode_cursor(cursor, 1, true)?;
        }
        let request = request.clone();
        self.db
            .read(move |conn| {
                keyed_page(
                    conn,
                    "SELECT created_at, id, body FROM subscribers WHERE tenant_id = ?1 AND page_id = ?2 AND (created_at, id) > (?3, ?4) \
                     ORDER BY created_at, id LIMIT ?5",
                    (blob(tenant.as_uuid()), blob(page.as_uuid())),
                    &request,
                    false,
                    "subscriber",
                )
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl Badges for SqliteStore {
    async fn insert_badge(&self, badge: &Badge) -> Result<(), StoreError> {
        let badge = badge.clone();
        self.db
            .write(move |conn| {
                let inserted = conn.execute(
                    "INSERT INTO badges (tenant_id, id, token, created_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        blob(badge.tenant_id.as_uuid()),
                        blob(badge.id.as_uuid()),
                        badge.token,
                        ms(badge.created_at),
                        serde_json::to_string(&badge)?
                    ],
                );
                match inserted {
                    Ok(_) => Ok(Ok(())),
                    Err(error) if is_unique_violation(&error) => Ok(Err(StoreError::Conflict)),
                    Err(error) => Err(error.into()),
                }
            })
            .await
            .context("storing a badge")
            .map_err(backend)?
    }

    async fn badge_by_token(&self, token: &str) -> Result<Option<Badge>, StoreError> {
        let token = token.to_owned();
        self.db
            .read(move |conn| {
                let body: Option<String> =
                    conn.prepare_cached("SELECT body FROM badges WHERE token = ?1")?.query_row([token], |r| r.get(0)).optional()?;
                body.map(|b| parse(&b, "badge")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn badges(&self, tenant: TenantId) -> Result<Vec<Badge>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached("SELECT body FROM badges WHERE tenant_id = ?1 ORDER BY created_at, id")?;
                let mut rows = statement.query([blob(tenant.as_uuid())])?;
                let mut out = Vec::new();
                while let Some(row) = rows.next()? {
                    out.push(parse(&row.get::<_, String>(0)?, "badge")?);
                }
                Ok(out)
            })
            .await
            .map_err(backend)
    }

    async fn delete_badge(&self, tenant: TenantId, id: BadgeId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                Ok(conn
                    .execute("DELETE FROM badges WHERE tenant_id = ?1 AND id = ?2", params![blob(tenant.as_uuid()), blob(id.as_uuid())])?
                    > 0)
            })
            .await
            .context("deleting a badge")
            .map_err(backend)
    }
}

#[async_trait]
impl StatusSnapshots for SqliteStore {
    async fn put_snapshot(&self, snapshot: &PageSnapshot) -> Result<(), StoreError> {
        let (tenant, page, computed) = (blob(snapshot.tenant_id.as_uuid()), blob(snapshot.page_id.as_uuid()), ms(snapshot.computed_at));
        let body = serde_json::to_string(snapshot).context("encoding a snapshot").map_err(backend)?;
        self.db
            .write(move |conn| {
                // Of two computations racing, the later one stays.
                conn.execute(
                    "INSERT INTO status_snapshots (tenant_id, page_id, computed_at, body) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (tenant_id, page_id) DO UPDATE SET computed_at = excluded.computed_at, body = excluded.body \
                     WHERE excluded.computed_at >= status_snapshots.computed_at",
                    params![tenant, page, computed, body],
                )?;
                Ok(())
            })
            .await
            .context("storing a snapshot")
            .map_err(backend)
    }

    async fn snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<Option<PageSnapshot>, StoreError> {
        self.db
            .read(move |conn| {
                let body: Option<String> = conn
                    .prepare_cached("SELECT body FROM status_snapshots WHERE tenant_id = ?1 AND page_id = ?2")?
                    .query_row(params![blob(tenant.as_uuid()), blob(page.as_uuid())], |r| r.get(0))
                    .optional()?;
                body.map(|b| parse(&b, "snapshot")).transpose()
            })
            .await
            .map_err(backend)
    }

    async fn delete_snapshot(&self, tenant: TenantId, page: StatusPageId) -> Result<(), StoreError> {
        self.db
            .write(move |conn| {
                conn.execute(
                    "DELETE FROM status_snapshots WHERE tenant_id = ?1 AND page_id = ?2",
                    params![blob(tenant.as_uuid()), blob(page.as_uuid())],
                )?;
                Ok(())
            })
            .await
            .context("deleting a snapshot")
            .map_err(backend)
    }
}
