use serde::Serialize;

/// What an actor asks to do; checked against the permission table by the use case itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read monitors, checks, incidents, channels, rules, windows, status pages, hosts, members.
    Read,
    /// Read heartbeat tasks, their runs and pings (all a ping-only key may read).
    ReadTasks,
    /// Create, change, pause, resume, check now and delete monitors.
    EditMonitors,
    /// Create, change, pause, resume and delete heartbeat tasks.
    EditTasks,
    /// Channels, alert rules, maintenance windows and mutes.
    EditAlerting,
    /// Acknowledge, comment on and resolve incidents.
    RespondToIncidents,
    /// Status pages, their components, public incidents and subscribers.
    EditStatusPages,
    /// Invite, change the role of and remove members (not owners, unless the actor is one).
    ManageMembers,
    /// Make, list and revoke one's own API keys.
    ManageOwnKeys,
    /// Make service keys and revoke anyone's keys.
    ManageAllKeys,
    /// Read the audit log.
    ReadAuditLog,
    /// Host agents: enrol, revoke, run remote actions.
    ManageHosts,
    /// Threshold and silence rules on hosts' metrics.
    EditHostRules,
    /// The organisation itself: its name, sign-in settings, OIDC mapping, retention.
    ManageOrganisation,
}

impl Action {
    /// Every action, for tables that must cover them all.
    pub const ALL: [Action; 14] = [
        Action::Read,
        Action::ReadTasks,
        Action::EditMonitors,
        Action::EditTasks,
        Action::EditAlerting,
        Action::RespondToIncidents,
        Action::EditStatusPages,
        Action::ManageMembers,
        Action::ManageOwnKeys,
        Action::ManageAllKeys,
        Action::ReadAuditLog,
        Action::ManageHosts,
        Action::EditHostRules,
        Action::ManageOrganisation,
    ];

    /// The name used in messages and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::ReadTasks => "read heartbeat tasks",
            Action::EditMonitors => "edit monitors",
            Action::EditTasks => "edit heartbeat tasks",
            Action::EditAlerting => "edit alerting",
            Action::RespondToIncidents => "respond to incidents",
            Action::EditStatusPages => "edit status pages",
            Action::ManageMembers => "manage members",
            Action::ManageOwnKeys => "manage their own API keys",
            Action::ManageAllKeys => "manage every API key",
            Action::ReadAuditLog => "read the audit log",
            Action::ManageHosts => "manage hosts",
            Action::EditHostRules => "edit host rules",
            Action::ManageOrganisation => "manage the organisation",
        }
    }
}
