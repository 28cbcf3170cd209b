//! Reading the audit log, and keeping it to its retention.

use super::AccountError;
use crate::Deps;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::access::{Action, Actor};
use vigil_domain::accounts::{AuditEntry, AuditQuery};
use vigil_domain::page::Page;

/// A page of the actor's organisation's log, newest first (admins).
#[tracing::instrument(name = "list_audit_log", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn list_audit_log(deps: &Deps, actor: &Actor, query: AuditQuery) -> Result<Page<AuditEntry>, AccountError> {
    actor.require(Action::ReadAuditLog)?;
    Ok(deps.stores.audit.entries(actor.tenant_id, &query).await?)
}

/// Deletes every organisation's entries older than its retention; how many went.
#[tracing::instrument(name = "purge_audit_logs", skip_all)]
pub async fn purge_audit_logs(deps: &Deps, now: Timestamp) -> Result<u64, AccountError> {
    let mut purged = 0;
    for tenant in deps.stores.organisations.tenants().await? {
        let keep = SignedDuration::from_hours(24 * i64::from(tenant.settings.audit_retention_days));
        purged += deps.stores.audit.purge_audit(tenant.id, now - keep).await?;
    }
    Ok(purged)
}
