//! Organisations: making a new one, reading and changing the current one.

use super::profile::person;
use super::{AccountError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;
use vigil_domain::access::{Action, Actor, Role};
use vigil_domain::accounts::{Membership, OrganisationSettings, valid_name};
use vigil_domain::ids::TenantId;
use vigil_domain::tenant::Tenant;

/// Makes a new organisation with the actor (a person) as its owner.
#[tracing::instrument(name = "create_organisation", skip_all)]
pub async fn create_organisation(deps: &Deps, actor: &Actor, name: &str, now: Timestamp) -> Result<Tenant, AccountError> {
    let user = person(deps, actor).await?;
    let name = valid_name(name).map_err(|m| AccountError::invalid("name", m))?;
    let tenant = Tenant::new(TenantId::from_uuid(deps.random.new_id(now)), name, now);
    deps.stores.organisations.insert_tenant(&tenant).await?;
    deps.stores.memberships.put_membership(&Membership { tenant_id: tenant.id, user_id: user.id, role: Role::Owner, since: now }).await?;
    let in_new = Actor { tenant_id: tenant.id, ..actor.clone() };
    let change = audit_trail::Change {
        action: "organisation.create",
        kind: "organisation",
        id: tenant.id.to_string(),
        name: Some(tenant.name.clone()),
        before: serde_json::Value::Null,
        after: json!({"name": tenant.name, "owner": user.email}),
    };
    audit_trail::record(deps, &in_new, change, now).await?;
    Ok(tenant)
}

/// The actor's organisation.
#[tracing::instrument(name = "get_organisation", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn get_organisation(deps: &Deps, actor: &Actor) -> Result<Tenant, AccountError> {
    actor.require(Action::Read)?;
    deps.stores.organisations.tenant(actor.tenant_id).await?.ok_or(AccountError::NotFound("organisation"))
}

/// A change to the organisation; absent fields stay.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDraft {
    /// Its name.
    pub name: Option<String>,
    /// Its sign-in and retention settings, whole.
    pub settings: Option<OrganisationSettings>,
}

/// Renames the organisation or changes its settings (owners only).
#[tracing::instrument(name = "update_organisation", skip_all, fields(tenant = %actor.tenant_id))]
pub async fn update_organisation(deps: &Deps, actor: &Actor, draft: OrganisationDraft, now: Timestamp) -> Result<Tenant, AccountError> {
    actor.require(Action::ManageOrganisation)?;
    let before = deps.stores.organisations.tenant(actor.tenant_id).await?.ok_or(AccountError::NotFound("organisation"))?;
    let mut after = before.clone();
    if let Some(name) = &draft.name {
        after.name = valid_name(name).map_err(|m| AccountError::invalid("name", m))?;
    }
    if let Some(settings) = draft.settings {
        settings.validate().map_err(|errors| {
            AccountError::Invalid(vigil_domain::monitor::SpecErrors(
                errors.0.into_iter().map(|e| vigil_domain::monitor::FieldError { field: format!("settings.{}", e.field), ..e }).collect(),
            ))
        })?;
        after.settings = settings;
    }
    deps.stores.organisations.update_tenant(&after).await?;
    let change = audit_trail::Change {
        action: "organisation.update",
        kind: "organisation",
        id: after.id.to_string(),
        name: Some(after.name.clone()),
        before: audit_trail::snapshot(&json!({"name": before.name, "settings": before.settings})),
        after: audit_trail::snapshot(&json!({"name": after.name, "settings": after.settings})),
    };
    audit_trail::record(deps, actor, change, now).await?;
    Ok(after)
}
