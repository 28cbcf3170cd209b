//! Running an action on a host (one its agent's own config names; the agent refuses any
//! other and the refusal is recorded), and revoking a host's credential (confirmed first).

use super::shell;
use crate::failure::{Failure, allowed};
use crate::i18n::msg;
use crate::page::see_other;
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::visitor::{Posted, Visitor};
use axum::Extension;
use axum::extract::Path;
use axum::response::Response;
use vigil_app::SystemClock;
use vigil_app::hosts::{HostError, RequestAction, get_host, request_action, revoke_host};
use vigil_domain::access::Action;
use vigil_domain::ids::AgentId;
use vigil_http::AgentLinks;

/// The action asked for.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct ActionForm {
    #[serde(default)]
    action: String,
}

fn agent_of(visitor: &Visitor, id: &str) -> Result<AgentId, Failure> {
    id.parse().map_err(|_| Failure::not_found(visitor))
}

/// `POST /hosts/{id}/actions`: signs and sends the request; the outcome shows in the
/// history when the agent answers (the page hears of it live).
pub(crate) async fn run(
    Path(id): Path<String>,
    links: Option<Extension<AgentLinks>>,
    posted: Posted<ActionForm>,
) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let agent = agent_of(&visitor, &id)?;
    let actor = allowed(&visitor, Action::ManageHosts)?;
    let link = AgentLinks::or_none(links);
    let cmd = RequestAction { agent, action: form.action };
    let notice = match request_action(&visitor.deps, link.as_ref(), &actor, cmd, SystemClock::now()).await {
        Ok(_) => "action_sent",
        // Recorded as undelivered: the history shows it.
        Err(HostError::NotConnected(_)) => "action_undelivered",
        Err(HostError::Invalid(_)) => "action_bad_name",
        Err(error) => return Err(Failure::of(&visitor, error)),
    };
    Ok(see_other(&visitor.link(&format!("/hosts/{agent}?notice={notice}#actions"))))
}

/// `GET /hosts/{id}/revoke`.
pub(crate) async fn confirm_revoke(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let agent = agent_of(&visitor, &id)?;
    let actor = allowed(&visitor, Action::ManageHosts)?;
    let view = get_host(&visitor.deps, &actor, agent).await.map_err(|e| Failure::of(&visitor, e))?;
    let shell = shell(&visitor, msg("hosts.revoke_title")).await?;
    let tr = &visitor.tr;
    let question = tr.a(msg("hosts.revoke_confirm"), "name", &view.host.name);
    let action = visitor.link(&format!("/hosts/{agent}/revoke"));
    let back = visitor.link(&format!("/hosts/{agent}"));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("hosts.revoke")).to_owned(), action, back))
}

/// `POST /hosts/{id}/revoke`: the agent is disconnected and refused from now on.
pub(crate) async fn revoke(
    Path(id): Path<String>,
    links: Option<Extension<AgentLinks>>,
    posted: Posted<Empty>,
) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let agent = agent_of(&visitor, &id)?;
    let actor = allowed(&visitor, Action::ManageHosts)?;
    let link = AgentLinks::or_none(links);
    revoke_host(&visitor.deps, link.as_ref(), &actor, agent, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link(&format!("/hosts/{agent}?notice=host_revoked"))))
}
