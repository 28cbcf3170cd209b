use super::{Action, Role};
use serde::{Deserialize, Serialize};

/// What an API key may do at most. A key made by a person never has more rights than that
/// person has now: its rights are the scope's and the creator's current role's, both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum KeyScope {
    /// Reads everything the creator may read.
    Read,
    /// Reads and changes monitors, tasks, alerting and incidents (as an editor at most).
    Write,
    /// Heartbeat management only: reads and edits heartbeat tasks and nothing else, for scripts
    /// that provision their own heartbeats. Pings themselves need no key.
    PingOnly,
    /// Everything the creator may do (the admin key made at first start has it, with no
    /// creator: an owner's rights).
    Admin,
}

impl KeyScope {
    /// Every scope.
    pub const ALL: [KeyScope; 4] = [KeyScope::Read, KeyScope::Write, KeyScope::PingOnly, KeyScope::Admin];

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyScope::Read => "read",
            KeyScope::Write => "write",
            KeyScope::PingOnly => "ping-only",
            KeyScope::Admin => "admin",
        }
    }

    /// The scope named `name` in the API.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == name)
    }

    /// Whether the scope alone allows `action`.
    pub fn permits(self, action: Action) -> bool {
        use Action::*;
        match self {
            KeyScope::Admin => true,
            KeyScope::Write => crate::access::role_permits(Role::Editor, action) && action != ManageOwnKeys,
            KeyScope::Read => matches!(action, Read | ReadTasks),
            KeyScope::PingOnly => matches!(action, ReadTasks | EditTasks),
        }
    }

    /// The least role a person must hold to make a key of this scope.
    pub fn least_role(self) -> Role {
        match self {
            KeyScope::Admin => Role::Admin,
            KeyScope::Write => Role::Editor,
            KeyScope::PingOnly => Role::Editor,
            KeyScope::Read => Role::Viewer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_case_by_case() {
        use Action::*;
        let table: [(KeyScope, &[Action]); 4] = [
            (KeyScope::Admin, &Action::ALL),
            (
                KeyScope::Write,
                &[Read, ReadTasks, EditMonitors, EditTasks, EditAlerting, RespondToIncidents, EditStatusPages, EditHostRules],
            ),
            (KeyScope::PingOnly, &[ReadTasks, EditTasks]),
            (KeyScope::Read, &[Read, ReadTasks]),
        ];
        for (scope, allowed) in table {
            for action in Action::ALL {
                assert_eq!(scope.permits(action), allowed.contains(&action), "{scope:?} / {action:?}");
            }
            assert_eq!(KeyScope::parse(scope.as_str()), Some(scope));
        }
    }
}
