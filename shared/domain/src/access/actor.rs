use super::{Action, KeyScope, Role, role_permits};
use crate::ids::{AgentId, ApiKeyId, TenantId, UserId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who acts: a person, a key, a host agent or Vigil itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum ActorId {
    /// A person signed in through a session or an access token.
    User(UserId),
    /// An API key.
    Key(ApiKeyId),
    /// A host agent, authenticated by its own credential.
    Agent(AgentId),
    /// Vigil itself: schedulers, sweepers, a configuration file applied at start.
    System,
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActorId::User(id) => write!(f, "user {id}"),
            ActorId::Key(id) => write!(f, "key {id}"),
            ActorId::Agent(id) => write!(f, "agent {id}"),
            ActorId::System => f.write_str("system"),
        }
    }
}

/// What an actor holds: the rights are always recomputed from what is true now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// A member with this role.
    Member(Role),
    /// A key of this scope, bounded by a role: its creator's current role, or for a service
    /// key the role its maker had.
    Key {
        /// What the key was made for.
        scope: KeyScope,
        /// The most its maker may do now.
        ceiling: Role,
    },
    /// A host agent: it reports about its own host and nothing in the permission table is
    /// granted to it.
    Agent,
    /// Vigil itself.
    System,
}

impl Grant {
    /// Whether this grant allows `action`.
    pub fn permits(self, action: Action) -> bool {
        match self {
            Grant::Member(role) => role_permits(role, action),
            Grant::Key { scope, ceiling } => scope.permits(action) && role_permits(ceiling, action),
            Grant::Agent => false,
            Grant::System => true,
        }
    }
}

/// The actor of a request, acting in one organisation. Every use case that reads or changes
/// an organisation's data takes one and checks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The organisation acted in.
    pub tenant_id: TenantId,
    /// Who.
    pub id: ActorId,
    /// What they hold.
    pub grant: Grant,
    /// How the audit log names them (an email, a key's name).
    pub label: String,
    /// Where the request came from, for the audit log.
    pub origin: Origin,
}

/// Where a request came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
pub struct Origin {
    /// The client's address.
    pub ip: Option<String>,
    /// The client's `User-Agent`.
    pub user_agent: Option<String>,
}

/// An actor asked for something its grant does not allow.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{who} may not {}", .action.as_str())]
pub struct Forbidden {
    /// The actor, as the audit log names it.
    pub who: String,
    /// What was refused.
    pub action: Action,
}

impl Actor {
    /// Vigil itself, in `tenant_id`.
    pub fn system(tenant_id: TenantId) -> Self {
        Self { tenant_id, id: ActorId::System, grant: Grant::System, label: "system".into(), origin: Origin::default() }
    }

    /// The agent `agent` of `tenant_id`, named `label` in the audit log.
    pub fn agent(tenant_id: TenantId, agent: AgentId, label: impl Into<String>, origin: Origin) -> Self {
        Self { tenant_id, id: ActorId::Agent(agent), grant: Grant::Agent, label: label.into(), origin }
    }

    /// The agent behind the actor, if it is one.
    pub fn as_agent(&self) -> Option<AgentId> {
        match self.id {
            ActorId::Agent(agent) => Some(agent),
            _ => None,
        }
    }

    /// A member of `tenant_id` with `role` (tests and first-run set-up).
    pub fn member(tenant_id: TenantId, user: UserId, role: Role, label: impl Into<String>) -> Self {
        Self { tenant_id, id: ActorId::User(user), grant: Grant::Member(role), label: label.into(), origin: Origin::default() }
    }

    /// Whether the actor may do `action`.
    pub fn may(&self, action: Action) -> bool {
        self.grant.permits(action)
    }

    /// `Ok` if the actor may do `action`, the refusal otherwise.
    pub fn require(&self, action: Action) -> Result<(), Forbidden> {
        if self.may(action) { Ok(()) } else { Err(Forbidden { who: self.label.clone(), action }) }
    }

    /// The person behind the actor: the user, or none for keys and the system.
    pub fn user(&self) -> Option<UserId> {
        match self.id {
            ActorId::User(user) => Some(user),
            _ => None,
        }
    }

    /// The role the actor acts with: a member's, a key's ceiling, an owner's for the system,
    /// a viewer's (the least) for an agent.
    pub fn effective_role(&self) -> Role {
        match self.grant {
            Grant::Member(role) => role,
            Grant::Key { ceiling, .. } => ceiling,
            Grant::Agent => Role::Viewer,
            Grant::System => Role::Owner,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn key(scope: KeyScope, ceiling: Role) -> Actor {
        Actor {
            tenant_id: TenantId::from_uuid(Uuid::nil()),
            id: ActorId::Key(ApiKeyId::from_uuid(Uuid::nil())),
            grant: Grant::Key { scope, ceiling },
            label: "ci key".into(),
            origin: Origin::default(),
        }
    }

    #[test]
    fn a_key_has_the_rights_of_both_its_scope_and_its_ceiling() {
        let cases = [
            (KeyScope::Admin, Role::Viewer, Action::EditMonitors, false),
            (KeyScope::Admin, Role::Editor, Action::EditMonitors, true),
            (KeyScope::Admin, Role::Editor, Action::ManageMembers, false),
            (KeyScope::Write, Role::Owner, Action::ManageMembers, false),
            (KeyScope::Write, Role::Owner, Action::EditAlerting, true),
            (KeyScope::Write, Role::Responder, Action::EditAlerting, false),
            (KeyScope::Write, Role::Responder, Action::RespondToIncidents, true),
            (KeyScope::Read, Role::Owner, Action::RespondToIncidents, false),
            (KeyScope::PingOnly, Role::Owner, Action::EditTasks, true),
            (KeyScope::PingOnly, Role::Owner, Action::Read, false),
            (KeyScope::PingOnly, Role::Viewer, Action::EditTasks, false),
        ];
        for (scope, ceiling, action, allowed) in cases {
            assert_eq!(key(scope, ceiling).may(action), allowed, "{scope:?} under {ceiling} / {action:?}");
        }
    }

    #[test]
    fn a_refusal_names_who_and_what() {
        let refused = key(KeyScope::Read, Role::Owner).require(Action::EditMonitors).unwrap_err();
        assert_eq!(refused.to_string(), "ci key may not edit monitors");
        assert!(Actor::system(TenantId::from_uuid(Uuid::nil())).require(Action::ManageOrganisation).is_ok());
    }
}
