//! `vigil hosts` and `vigil host-rules`: host agents, their metrics, rules and remote actions.

use clap::Subcommand;
use std::path::PathBuf;

/// `vigil hosts`.
#[derive(Subcommand)]
pub enum HostCommand {
    /// List hosts with their status and firing rules.
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil hosts list -o json")]
    List,
    /// Show a host (by name or id).
    #[command(after_help = "Example:\n  vigil hosts get web-1")]
    Get {
        /// The host.
        host: String,
    },
    /// Make a one-time enrolment token for a new host's agent (shown once; admins).
    #[command(after_help = "Example:\n  vigil hosts enrol --name web-1 --tag prod --silent-after 120")]
    Enrol {
        /// The host's name; its hostname when absent.
        #[arg(long)]
        name: Option<String>,
        /// A tag; repeatable.
        #[arg(long = "tag")]
        tags: Vec<String>,
        /// Seconds without a sample before the host counts as silent.
        #[arg(long)]
        silent_after: Option<u32>,
    },
    /// Revoke a host's agent credential: it is disconnected and refused from now on (admins).
    #[command(after_help = "Example:\n  vigil hosts revoke web-1")]
    Revoke {
        /// The host.
        host: String,
    },
    /// The host's latest sample, metric by metric.
    #[command(after_help = "Examples:\n  vigil hosts metrics web-1\n  vigil hosts metrics web-1 --metric 'disk.used_percent[/]'")]
    Metrics {
        /// The host.
        host: String,
        /// Instead, one metric over the last hour, point by point.
        #[arg(long)]
        metric: Option<String>,
    },
    /// Ask a host's agent to run an action its own config names (admins); waits for its answer.
    #[command(after_help = "Example:\n  vigil hosts run web-1 restart-nginx")]
    Run {
        /// The host.
        host: String,
        /// The action's name, as the agent's config defines it.
        action: String,
    },
    /// The action history, newest first: of one host, or of all.
    #[command(after_help = "Examples:\n  vigil hosts actions\n  vigil hosts actions web-1 -o json")]
    Actions {
        /// The host.
        host: Option<String>,
    },
}

/// `vigil host-rules`.
#[derive(Subcommand)]
pub enum HostRuleCommand {
    /// List the rules on hosts with their state on each host.
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil host-rules list")]
    List,
    /// Create a rule from a JSON or YAML file of its fields (as `POST /v1/host-rules` takes them).
    #[command(
        after_help = "Example:\n  vigil host-rules create rule.yaml\n\nrule.yaml:\n  name: disk full\n  metric: disk.used_percent[/]\n  above: 85\n  resolve_at: 80\n  window_seconds: 300"
    )]
    Create {
        /// The file.
        file: PathBuf,
    },
    /// Delete a rule (by name or id); its open incidents resolve.
    #[command(after_help = "Example:\n  vigil host-rules delete 'disk full'")]
    Delete {
        /// The rule.
        rule: String,
    },
}
