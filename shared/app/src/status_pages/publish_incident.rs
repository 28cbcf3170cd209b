use super::StatusPageError;
use super::publish::{Post, publish};
use super::stored::page_for;
use crate::Deps;
use jiff::Timestamp;
use serde_json::Value;
use vigil_domain::access::{Action, Actor};
use vigil_domain::ids::{IncidentId, StatusPageId};
use vigil_domain::status_page::PublicIncident;

/// Post an internal incident on a status page, with one action.
#[derive(Clone, Debug)]
pub struct PublishIncident {
    /// Who asks, in which organisation.
    pub actor: Actor,
    /// The internal incident.
    pub incident_id: IncidentId,
    /// The page.
    pub page_id: StatusPageId,
    /// A title; left out, one naming the components touched.
    pub name: Option<String>,
    /// The first update's text; left out, that it is being investigated.
    pub body: Option<String>,
    /// Tell subscribers (the default).
    pub notify: bool,
    /// Resolve the post when the internal incident resolves (the default).
    pub follow: bool,
}

/// Posts the incident: touching the page's components its monitor or task feeds, never naming
/// the monitor or task itself. Publishing an incident a second time on the same page answers the
/// post already made. Returns the post and whether it is new.
#[tracing::instrument(name = "publish_incident", skip_all, fields(tenant = %cmd.actor.tenant_id, incident = %cmd.incident_id))]
pub async fn publish_incident(deps: &Deps, cmd: PublishIncident, now: Timestamp) -> Result<(PublicIncident, bool), StatusPageError> {
    let page = page_for(deps, &cmd.actor, cmd.page_id, Action::EditStatusPages).await?;
    let incident = deps.stores.incidents.get(cmd.actor.tenant_id, cmd.incident_id).await?.ok_or(StatusPageError::NotFound("incident"))?;
    let post = Post { name: cmd.name, body: cmd.body, notify: cmd.notify, follows: cmd.follow, by: &cmd.actor.label };
    let (public, new) = publish(deps, &page, &incident, post, now).await?;
    if new {
        crate::accounts::audit_trail::changed(
            deps,
            &cmd.actor,
            "public_incident.publish",
            "public_incident",
            public.id,
            Some(&public.name),
            Value::Null,
            crate::accounts::audit_trail::snapshot(&public),
            now,
        )
        .await?;
    }
    Ok((public, new))
}
