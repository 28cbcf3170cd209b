//! Badges: made, listed and revoked by editors; read by anyone holding a token.

use super::StatusPageError;
use super::snapshot::current_snapshot;
use crate::Deps;
use jiff::Timestamp;
use vigil_domain::access::{Action, Actor};
use vigil_domain::accounts::SecretToken;
use vigil_domain::heartbeat::{RunState, TaskStatus};
use vigil_domain::ids::{BadgeId, MonitorId, TaskId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::monitor::MonitorStatus;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{IncidentQuery, StoreError};
use vigil_domain::status_page::health::from_sources;
use vigil_domain::status_page::history::{check_uptime, mean, time_uptime};
use vigil_domain::status_page::{Badge, BadgeDraft, BadgeFigures, BadgeTarget, SourceState, StatusFigure};
use vigil_domain::uptime::UptimeWindow;

/// Make a badge.
#[derive(Clone, Debug)]
pub struct CreateBadge {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// What the editor sent.
    pub draft: BadgeDraft,
}

/// Makes a badge of a monitor, task or component of the organisation, with a new token.
#[tracing::instrument(name = "create_badge", skip_all, fields(tenant = %cmd.actor.tenant_id))]
pub async fn create_badge(deps: &Deps, cmd: CreateBadge, now: Timestamp) -> Result<Badge, StatusPageError> {
    cmd.actor.require(Action::EditStatusPages)?;
    let (target, label) = cmd.draft.validate()?;
    let tenant = cmd.actor.tenant_id;
    let exists = match target {
        BadgeTarget::Monitor { id } => deps.stores.monitors.get(tenant, id).await?.is_some(),
        BadgeTarget::Task { id } => deps.stores.tasks.get(tenant, id).await?.is_some(),
        BadgeTarget::Component { page_id, id } => {
            deps.stores.status_pages.page(tenant, page_id).await?.is_some_and(|p| p.component(id).is_some())
        }
    };
    if !exists {
        return Err(vigil_domain::notify::InvalidInput::field("id", "names nothing of this organisation").into());
    }
    let badge = Badge {
        id: BadgeId::from_uuid(deps.random.new_id(now)),
        tenant_id: tenant,
        token: SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned(),
        target,
        label,
        created_at: now,
    };
    deps.stores.badges.insert_badge(&badge).await?;
    crate::accounts::audit_trail::changed(
        deps,
        &cmd.actor,
        "badge.create",
        "badge",
        badge.id,
        badge.label.as_deref(),
        serde_json::Value::Null,
        serde_json::json!({"target": badge.target}),
        now,
    )
    .await?;
    Ok(badge)
}

/// The organisation's badges, oldest first.
pub async fn list_badges(deps: &Deps, actor: &Actor) -> Result<Vec<Badge>, StatusPageError> {
    actor.require(Action::Read)?;
    Ok(deps.stores.badges.badges(actor.tenant_id).await?)
}

/// Revokes a badge: its token stops working.
pub async fn delete_badge(deps: &Deps, actor: &Actor, id: BadgeId, now: Timestamp) -> Result<(), StatusPageError> {
    actor.require(Action::EditStatusPages)?;
    if !deps.stores.badges.delete_badge(actor.tenant_id, id).await? {
        return Err(StatusPageError::NotFound("badge"));
    }
    crate::accounts::audit_trail::changed(
        deps,
        actor,
        "badge.delete",
        "badge",
        id,
        None,
        serde_json::json!({}),
        serde_json::Value::Null,
        now,
    )
    .await?;
    Ok(())
}

/// A monitor's figures: its status, uptime from its checks, mean response time over 24 hours.
async fn monitor_figures(deps: &Deps, tenant: TenantId, id: MonitorId, now: Timestamp) -> Result<Option<BadgeFigures>, StoreError> {
    let Some(record) = deps.stores.monitors.get(tenant, id).await? else { return Ok(None) };
    let status = match record.health.status {
        MonitorStatus::Paused => StatusFigure::Paused,
        MonitorStatus::Pending => StatusFigure::Unknown,
        status => StatusFigure::Known(from_sources(&[SourceState::Monitor(status)])),
    };
    let mut uptime = [None; 3];
    let mut response_ms = None;
    for (i, window) in UptimeWindow::ALL.into_iter().enumerate() {
        let tally = deps.stores.checks.tally(tenant, id, window.start(now), now).await?;
        uptime[i] = check_uptime(tally.up, tally.down);
        if window == UptimeWindow::Day {
            response_ms = tally.latency.mean().map(|d| d.as_secs_f64() * 1000.0);
        }
    }
    Ok(Some(BadgeFigures { status, uptime, response_ms }))
}

/// A task's figures: its status, uptime from its incidents, its last run's duration.
async fn task_figures(deps: &Deps, tenant: TenantId, id: TaskId, now: Timestamp) -> Result<Option<BadgeFigures>, StoreError> {
    let Some(record) = deps.stores.tasks.get(tenant, id).await? else { return Ok(None) };
    let status = match record.state.reported.status {
        TaskStatus::Paused => StatusFigure::Paused,
        TaskStatus::New => StatusFigure::Unknown,
        status => StatusFigure::Known(from_sources(&[SourceState::Task(status)])),
    };
    let since = UptimeWindow::Month.start(now);
    let query = IncidentQuery {
        status: None,
        subject: Some(IncidentSubject::Task(id)),
        opened_from: None,
        opened_before: None,
        page: PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT },
    };
    let outages: Vec<_> = deps
        .stores
        .incidents
        .list(tenant, &query)
        .await?
        .items
        .iter()
        .map(|i| (i.core().opened_at, i.resolution().map(|r| r.at)))
        .filter(|(_, resolved)| resolved.is_none_or(|r| r >= since))
        .collect();
    let uptime = UptimeWindow::ALL.map(|w| time_uptime(&outages, w.start(now), now, now, record.task.created_at));
    let runs = deps.stores.task_history.list_runs(tenant, id, &PageRequest { cursor: None, limit: 5 }).await?;
    let response_ms = runs.items.iter().find_map(|run| match &run.state {
        RunState::Completed(c) => c.started_at.map(|s| c.finished_at.duration_since(s)),
        RunState::Failed(f) => f.started_at.map(|s| f.finished_at.duration_since(s)),
        RunState::Running(_) => None,
    });
    Ok(Some(BadgeFigures { status, uptime, response_ms: response_ms.map(|d| d.as_secs_f64() * 1000.0) }))
}

/// The badge with `token` and its figures now; `None` for a token that names nothing (revoked,
/// or its target gone).
pub async fn badge_figures(deps: &Deps, token: &str, now: Timestamp) -> Result<Option<(Badge, BadgeFigures)>, StoreError> {
    let Some(badge) = deps.stores.badges.badge_by_token(token).await? else { return Ok(None) };
    let tenant = badge.tenant_id;
    let figures = match badge.target {
        BadgeTarget::Monitor { id } => monitor_figures(deps, tenant, id, now).await?,
        BadgeTarget::Task { id } => task_figures(deps, tenant, id, now).await?,
        BadgeTarget::Component { page_id, id } => {
            let Some(page) = deps.stores.status_pages.page(tenant, page_id).await? else { return Ok(None) };
            let Some(component) = page.component(id).cloned() else { return Ok(None) };
            let snapshot = current_snapshot(deps, &page, now).await?;
            let status = snapshot.component(id).map_or(StatusFigure::Unknown, |c| StatusFigure::Known(c.status));
            let mut sources = Vec::new();
            for monitor in &component.sources.monitors {
                sources.extend(monitor_figures(deps, tenant, *monitor, now).await?);
            }
            for task in &component.sources.tasks {
                sources.extend(task_figures(deps, tenant, *task, now).await?);
            }
            let uptime = [0, 1, 2].map(|i| mean(sources.iter().map(|f| f.uptime[i])));
            Some(BadgeFigures { status, uptime, response_ms: mean(sources.iter().map(|f| f.response_ms)) })
        }
    };
    Ok(figures.map(|f| (badge, f)))
}
