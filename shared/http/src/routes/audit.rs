//! The audit log.

use crate::extract::{Caller, QueryParams, page_request};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use vigil_api::{AuditEntry, AuditLogQuery, Page};
use vigil_app::Deps;
use vigil_app::accounts::list_audit_log;
use vigil_domain::access::ActorId;
use vigil_domain::accounts::AuditQuery;

fn parse_actor(text: &str) -> Result<ActorId, ApiError> {
    let bad = || ApiError::bad_request(format!("`actor` is `user:<id>`, `key:<id>` or `system`, not `{text}`"));
    match text.split_once(':') {
        Some(("user", id)) => id.parse().map(ActorId::User).map_err(|_| bad()),
        Some(("key", id)) => id.parse().map(ActorId::Key).map_err(|_| bad()),
        None if text == "system" => Ok(ActorId::System),
        _ => Err(bad()),
    }
}

/// The audit log, newest first, filtered (admins): every change made by a person, a key or
/// Vigil itself, with its fields before and after (secrets masked).
#[utoipa::path(get, path = "/audit-log", tag = "audit", operation_id = "list_audit_log",
    params(AuditLogQuery),
    responses((status = 200, description = "A page of entries", body = Page<AuditEntry>)))]
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<AuditLogQuery>,
) -> Result<Json<Page<AuditEntry>>, ApiError> {
    let query = AuditQuery {
        actor: params.actor.as_deref().map(parse_actor).transpose()?,
        action: params.action,
        target_kind: params.target_kind,
        target_id: params.target_id,
        since: params.since,
        until: params.until,
        page: page_request(params.cursor.as_deref(), params.limit)?,
    };
    let page = list_audit_log(&deps, &actor, query).await?;
    Ok(Json(Page { items: page.items, next_cursor: page.next_cursor.map(|c| c.0) }))
}
