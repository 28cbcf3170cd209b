//! Rules on hosts.

use crate::extract::{Caller, HostRulePath, JsonBody};
use crate::host_views;
use crate::problem::ApiError;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use vigil_api::{HostRule, Page};
use vigil_app::hosts::{create_host_rule, delete_host_rule, list_host_rules};
use vigil_app::{Deps, SystemClock};
use vigil_domain::host::HostRuleDraft;
use vigil_domain::ids::HostRuleId;

/// Make a rule on one host or every host (admins): a metric's average over a window
/// (`metric` with `above` or `below`), a container down (`container_down`), or a host silent
/// (`silent_seconds`). It opens and resolves incidents through alert rules as monitors do.
#[utoipa::path(post, path = "/host-rules", tag = "hosts", operation_id = "create_host_rule",
    request_body = HostRuleDraft,
    responses((status = 201, description = "The rule", body = HostRule)))]
pub(crate) async fn create(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    JsonBody(draft): JsonBody<HostRuleDraft>,
) -> Result<(StatusCode, Json<HostRule>), ApiError> {
    let rule = create_host_rule(&deps, &actor, draft, SystemClock::now()).await?;
    let view = list_host_rules(&deps, &actor).await?.into_iter().find(|v| v.rule.id == rule.id);
    let view = view.unwrap_or(vigil_app::hosts::RuleView { rule, hosts: Vec::new() });
    Ok((StatusCode::CREATED, Json(host_views::rule(&view))))
}

/// List the rules on hosts, oldest first, with their state on each host they watch.
#[utoipa::path(get, path = "/host-rules", tag = "hosts", operation_id = "list_host_rules",
    responses((status = 200, description = "Every rule", body = Page<HostRule>)))]
pub(crate) async fn list(State(deps): State<Deps>, Caller(actor): Caller) -> Result<Json<Page<HostRule>>, ApiError> {
    let rules = list_host_rules(&deps, &actor).await?;
    Ok(Json(Page { items: rules.iter().map(host_views::rule).collect(), next_cursor: None }))
}

/// Delete a rule (admins); the incidents it has open resolve.
#[utoipa::path(delete, path = "/host-rules/{id}", tag = "hosts", operation_id = "delete_host_rule",
    params(("id" = HostRuleId, Path, description = "The rule")),
    responses((status = 204, description = "Deleted")))]
pub(crate) async fn delete(
    State(deps): State<Deps>,
    Caller(actor): Caller,
    HostRulePath(id): HostRulePath,
) -> Result<StatusCode, ApiError> {
    delete_host_rule(&deps, &actor, id, SystemClock::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
