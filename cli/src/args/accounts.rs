//! The commands about people and access: API keys, members and invitations, organisations and
//! the audit log.

use super::Reference;
use clap::{Args, Subcommand};

/// `vigil keys`.
#[derive(Subcommand)]
pub enum KeyCommand {
    /// List the organisation's API keys: every key for admins, one's own otherwise.
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  vigil keys list\n  vigil keys list --all -o json      revoked and expired keys too"
    )]
    List {
        /// Revoked and expired keys too.
        #[arg(long)]
        all: bool,
    },
    /// Make an API key. Its secret is shown this once: keep it safe.
    #[command(
        after_help = "Examples:\n  vigil keys create --name ci --scope write\n  vigil keys create --name heartbeats --scope ping-only --expires 90d\n  vigil keys create --name exporter --scope read --service     tied to nobody (admins)\n\nScopes: read, write, ping-only (heartbeat tasks only), admin. A key never has more\nrights than the person who made it has now."
    )]
    Create {
        /// Its label.
        #[arg(long)]
        name: String,
        /// What it may do at most: read, write, ping-only or admin.
        #[arg(long, default_value = "read")]
        scope: String,
        /// When it stops working: a duration from now (`90d`, `12h`) or an RFC 3339 time.
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
        /// A service key, tied to no person (admins).
        #[arg(long)]
        service: bool,
    },
    /// Revoke an API key: it stops working at once.
    #[command(after_help = "Examples:\n  vigil keys revoke ci\n  vigil keys revoke 0192f3a4")]
    Revoke {
        /// The key, by id, id prefix or name. (Not named `key`: that is the global --key.)
        #[arg(value_name = "KEY")]
        which: Reference,
    },
}

/// `vigil members`.
#[derive(Subcommand)]
pub enum MemberCommand {
    /// List the organisation's members and their roles.
    #[command(visible_alias = "ls", after_help = "Examples:\n  vigil members list\n  vigil members list -o json")]
    List,
    /// Invite someone by email. The link is mailed, and printed for you to pass on when mail
    /// is not set up; it works once, for 72 hours.
    #[command(
        after_help = "Examples:\n  vigil members invite ann@example.com --role editor\n  vigil members invite bob@example.com      a viewer"
    )]
    Invite {
        /// Their email address.
        email: String,
        /// Their role: owner, admin, editor, responder or viewer.
        #[arg(long, default_value = "viewer")]
        role: String,
    },
    /// Give a member another role.
    #[command(after_help = "Examples:\n  vigil members role ann@example.com admin\n  vigil members role 0192f3a4 responder")]
    Role {
        /// The member, by email, name or id.
        member: Reference,
        /// owner, admin, editor, responder or viewer.
        role: String,
    },
    /// Remove a member from the organisation; their keys stop working.
    #[command(after_help = "Example:\n  vigil members remove bob@example.com")]
    Remove {
        /// The member, by email, name or id.
        member: Reference,
    },
}

/// `vigil orgs`.
#[derive(Subcommand)]
pub enum OrgCommand {
    /// List the organisations you belong to; `*` marks the one this context acts in.
    #[command(visible_alias = "ls", after_help = "Examples:\n  vigil orgs list\n  vigil orgs list -o json")]
    List,
    /// Make this context act in another of your organisations (signed-in contexts).
    #[command(after_help = "Examples:\n  vigil orgs switch Acme\n  vigil orgs switch 0192f3a4")]
    Switch {
        /// The organisation, by name or id.
        organisation: Reference,
    },
}

/// `vigil audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// Only entries by this actor: a member's email, `user:<id>`, `key:<id>` or `system`.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only this action, or the actions under it (`monitor` matches `monitor.create`).
    #[arg(long)]
    pub action: Option<String>,
    /// Only entries on targets of this kind (monitor, task, channel, member, key…).
    #[arg(long, value_name = "KIND")]
    pub target_kind: Option<String>,
    /// Only entries on the target with this id.
    #[arg(long, value_name = "ID")]
    pub target_id: Option<String>,
    /// Only entries at or after this time: a duration ago (`2h`, `7d`) or an RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub since: Option<String>,
    /// Only entries before this time: a duration ago or an RFC 3339 time.
    #[arg(long, value_name = "WHEN")]
    pub until: Option<String>,
    /// How many entries at most, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Entries read per request (1 to 500); pages follow one another up to --limit.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub page_size: u32,
}
