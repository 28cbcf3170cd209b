//! The audit log.

use crate::extract::{Caller, QueryParams, page_request};
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use jiff::Timestamp;
use serde::Deserialize;
use vigil_api::Page as PageBody;
use vigil_app::Deps;
use vigil_app::accounts::list_audit_log;
use vigil_domain::access::ActorId;
use vigil_domain::accounts::{AuditEntry, AuditQuery};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditParams {
    /// `user:<id>`, `key:<id>` or `system`.
    actor: Option<String>,
    action: Option<String>,
    target_kind: Option<String>,
    target_id: Option<String>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
    cursor: Option<String>,
    limit: Option<u32>,
}

fn parse_actor(text: &str) -> Result<ActorId, ApiError> {
    let bad = || ApiError::bad_request(format!("`actor` is `user:<id>`, `key:<id>` or `system`, not `{text}`"));
    match text.split_once(':') {
        Some(("user", id)) => id.parse().map(ActorId::User).map_err(|_| bad()),
        Some(("key", id)) => id.parse().map(ActorId::Key).map_err(|_| bad()),
        None if text == "system" => Ok(ActorId::System),
        _ => Err(bad()),
    }
}

/// `GET /v1/audit-log`: newest first, filtered, paginated (admins).
pub(crate) async fn list(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Json<PageBody<AuditEntry>>, ApiError> {
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
    Ok(Json(PageBody { items: page.items, next_cursor: page.next_cursor.map(|c| c.0) }))
}
