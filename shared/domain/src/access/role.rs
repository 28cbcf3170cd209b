use serde::{Deserialize, Serialize};
use std::fmt;

/// A member's role in an organisation, from most to least powerful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including the organisation itself and its owners.
    Owner,
    /// Everything but the organisation's own settings and its owners.
    Admin,
    /// Monitors, tasks, alerting and incidents; no members, keys of others or audit log.
    Editor,
    /// Acknowledges, comments on and resolves incidents; reads the rest.
    Responder,
    /// Reads.
    Viewer,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [Role::Owner, Role::Admin, Role::Editor, Role::Responder, Role::Viewer];

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Responder => "responder",
            Role::Viewer => "viewer",
        }
    }

    /// The role named `name` in the API.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == name)
    }

    /// Whether this role has at least the rights of `other`.
    pub fn at_least(self, other: Role) -> bool {
        self <= other
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
