//! The resource commands: monitors, tasks, incidents, channels, rules, windows. A resource is
//! named by its id, the first or last characters of its id, its name, or its logical name in a
//! monitoring file.

use clap::{Args, Subcommand};
use std::path::PathBuf;

/// A resource, by id, id prefix, name or logical name.
pub type Reference = String;

/// `vigil monitors`.
#[derive(Subcommand)]
pub enum MonitorCommand {
    /// List monitors.
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  vigil monitors list\n  vigil monitors list --tag prod --status down\n  vigil monitors list -o json | jq '.[].url'"
    )]
    List {
        /// Only those with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Only those in this status (pending, up, suspicious, down, recovering, paused).
        #[arg(long)]
        status: Option<String>,
    },
    /// Show a monitor and its latest check.
    #[command(after_help = "Examples:\n  vigil monitors get api\n  vigil monitors get 0192f3a4")]
    Get {
        /// The monitor.
        monitor: Reference,
    },
    /// Create a monitor.
    #[command(
        after_help = "Examples:\n  vigil monitors create --name API --url https://api.example.com/health --interval 30 \\\n      --assert '[BODY].status == UP' --assert '[RESPONSE_TIME] < 800' --tag prod\n  vigil monitors create --from monitor.yaml"
    )]
    Create(MonitorFields),
    /// Change some fields of a monitor.
    #[command(after_help = "Examples:\n  vigil monitors edit api --interval 60\n  vigil monitors edit api --from changes.json")]
    Edit {
        /// The monitor.
        monitor: Reference,
        /// The fields to change.
        #[command(flatten)]
        fields: MonitorFields,
    },
    /// Delete a monitor and its history.
    #[command(after_help = "Example:\n  vigil monitors delete api")]
    Delete {
        /// The monitor.
        monitor: Reference,
    },
    /// Stop checking a monitor.
    #[command(after_help = "Example:\n  vigil monitors pause api")]
    Pause {
        /// The monitor.
        monitor: Reference,
    },
    /// Check a paused monitor again.
    #[command(after_help = "Example:\n  vigil monitors resume api")]
    Resume {
        /// The monitor.
        monitor: Reference,
    },
    /// Check a monitor now and show the result.
    #[command(after_help = "Example:\n  vigil monitors check api")]
    Check {
        /// The monitor.
        monitor: Reference,
    },
    /// A monitor's recent checks, newest first.
    #[command(after_help = "Example:\n  vigil monitors checks api --limit 50")]
    Checks {
        /// The monitor.
        monitor: Reference,
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// A monitor's uptime and latency over 24 h, 7 d and 30 d.
    #[command(after_help = "Example:\n  vigil monitors uptime api")]
    Uptime {
        /// The monitor.
        monitor: Reference,
    },
    /// Notify nobody about a monitor, for a while or until unmuted.
    #[command(after_help = "Examples:\n  vigil monitors mute api --for 2h\n  vigil monitors mute api")]
    Mute {
        /// The monitor.
        monitor: Reference,
        /// For how long (`30m`, `2h`, `1h30m`); until unmuted without it.
        #[arg(long = "for", value_name = "DURATION")]
        duration: Option<String>,
    },
    /// Notify about a muted monitor again.
    #[command(after_help = "Example:\n  vigil monitors unmute api")]
    Unmute {
        /// The monitor.
        monitor: Reference,
    },
}

/// The fields of a monitor, as flags or from a file.
#[derive(Args, Default)]
pub struct MonitorFields {
    /// A JSON or YAML file of fields (as `POST /v1/monitors` takes them); flags override it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Target URL.
    #[arg(long)]
    pub url: Option<String>,
    /// HTTP method.
    #[arg(long)]
    pub method: Option<String>,
    /// Seconds between checks.
    #[arg(long, value_name = "SECONDS")]
    pub interval: Option<u32>,
    /// Milliseconds a check may take.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// An acceptable status: a code, a class (2xx) or a range (200-299); repeatable.
    #[arg(long = "expect", value_name = "STATUS")]
    pub expected_status: Vec<String>,
    /// An assertion, like '[BODY].status == UP'; repeatable.
    #[arg(long = "assert", value_name = "CONDITION")]
    pub assertions: Vec<String>,
    /// A request header, 'Name: value'; repeatable.
    #[arg(long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Request body.
    #[arg(long)]
    pub body: Option<String>,
    /// A tag; repeatable.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// Consecutive failures before Down.
    #[arg(long)]
    pub failure_threshold: Option<u8>,
    /// Consecutive successes before Up again.
    #[arg(long)]
    pub recovery_threshold: Option<u8>,
}

/// `vigil tasks`.
#[derive(Subcommand)]
pub enum TaskCommand {
    /// List tasks.
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil tasks list -o json")]
    List,
    /// Show a task and its ping URLs.
    #[command(after_help = "Example:\n  vigil tasks get backup")]
    Get {
        /// The task.
        task: Reference,
    },
    /// Create a task.
    #[command(
        after_help = "Examples:\n  vigil tasks create --name 'Nightly backup' --cron '0 2 * * *' --timezone Europe/Riga --grace 1800\n  vigil tasks create --name sync --period 300 --slug sync"
    )]
    Create(TaskFields),
    /// Change some fields of a task.
    #[command(after_help = "Example:\n  vigil tasks edit backup --cron '30 2 * * *' --grace 3600")]
    Edit {
        /// The task.
        task: Reference,
        /// The fields to change.
        #[command(flatten)]
        fields: TaskFields,
    },
    /// Delete a task and its history.
    #[command(after_help = "Example:\n  vigil tasks delete backup")]
    Delete {
        /// The task.
        task: Reference,
    },
    /// Stop watching a task.
    #[command(after_help = "Example:\n  vigil tasks pause backup")]
    Pause {
        /// The task.
        task: Reference,
    },
    /// Watch a paused task again.
    #[command(after_help = "Example:\n  vigil tasks resume backup")]
    Resume {
        /// The task.
        task: Reference,
    },
    /// A task's runs, newest first, with their logs.
    #[command(after_help = "Example:\n  vigil tasks runs backup --limit 5")]
    Runs {
        /// The task.
        task: Reference,
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// A task's pings, newest first.
    #[command(after_help = "Example:\n  vigil tasks pings backup")]
    Pings {
        /// The task.
        task: Reference,
        /// How many.
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
}

/// The fields of a task, as flags or from a file.
#[derive(Args, Default)]
pub struct TaskFields {
    /// A JSON or YAML file of fields (as `POST /v1/tasks` takes them); flags override it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// Slug, for /ping/<ping-key>/<slug> URLs.
    #[arg(long)]
    pub slug: Option<String>,
    /// Seconds between runs.
    #[arg(long, value_name = "SECONDS")]
    pub period: Option<u32>,
    /// A cron expression.
    #[arg(long)]
    pub cron: Option<String>,
    /// The time zone of the cron expression.
    #[arg(long)]
    pub timezone: Option<String>,
    /// Seconds a run may be late.
    #[arg(long, value_name = "SECONDS")]
    pub grace: Option<u32>,
    /// Longest a run may take, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub max_run: Option<u32>,
}

/// `vigil incidents`.
#[derive(Subcommand)]
pub enum IncidentCommand {
    /// List incidents, newest first.
    #[command(
        visible_alias = "ls",
        after_help = "Examples:\n  vigil incidents list --status open\n  vigil incidents list --limit 100 -o json"
    )]
    List {
        /// Only those in this status (open, acknowledged, resolved).
        #[arg(long)]
        status: Option<String>,
        /// How many at most.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show an incident with its timeline and deliveries.
    #[command(after_help = "Example:\n  vigil incidents get 0192f3a4")]
    Get {
        /// The incident (its id, or its first or last characters).
        incident: Reference,
    },
    /// Acknowledge an incident: someone is on it, escalation stops.
    #[command(visible_alias = "acknowledge", after_help = "Example:\n  vigil incidents ack 0192f3a4 --by ann")]
    Ack {
        /// The incident.
        incident: Reference,
        /// Who (the API key by default).
        #[arg(long)]
        by: Option<String>,
    },
    /// Add a comment to an incident's timeline.
    #[command(after_help = "Example:\n  vigil incidents comment 0192f3a4 'rolling back the deploy'")]
    Comment {
        /// The incident.
        incident: Reference,
        /// The comment.
        text: String,
        /// Who (the API key by default).
        #[arg(long)]
        by: Option<String>,
    },
    /// Resolve an incident by hand (refused while its subject is still down).
    #[command(after_help = "Example:\n  vigil incidents resolve 0192f3a4 --by ann --note 'fixed by the rollback'")]
    Resolve {
        /// The incident.
        incident: Reference,
        /// Who (the API key by default).
        #[arg(long)]
        by: Option<String>,
        /// Why.
        #[arg(long)]
        note: Option<String>,
    },
}

/// `vigil channels`.
#[derive(Subcommand)]
pub enum ChannelCommand {
    /// List channels (secrets masked).
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil channels list")]
    List,
    /// Show a channel.
    #[command(after_help = "Example:\n  vigil channels get ops")]
    Get {
        /// The channel.
        channel: Reference,
    },
    /// Create a channel; a webhook's signing secret is shown this once.
    #[command(
        after_help = "Examples:\n  vigil channels create --name ops --type webhook --url https://ops.example.com/vigil\n  vigil channels create --name alerts --type slack --url \"$SLACK_WEBHOOK_URL\"\n  vigil channels create --name oncall --type email --to ops@example.com --to dev@example.com"
    )]
    Create(ChannelFields),
    /// Delete a channel.
    #[command(after_help = "Example:\n  vigil channels delete ops")]
    Delete {
        /// The channel.
        channel: Reference,
    },
    /// Send a test message.
    #[command(after_help = "Example:\n  vigil channels test ops")]
    Test {
        /// The channel.
        channel: Reference,
    },
}

/// The fields of a channel, as flags or from a file.
#[derive(Args, Default)]
pub struct ChannelFields {
    /// A JSON or YAML file of fields (as `POST /v1/channels` takes them); flags override it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// webhook, slack, discord, teams, pagerduty, email or sms.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// The webhook URL.
    #[arg(long)]
    pub url: Option<String>,
    /// The PagerDuty routing key.
    #[arg(long)]
    pub routing_key: Option<String>,
    /// An email address (repeatable) or the phone number.
    #[arg(long)]
    pub to: Vec<String>,
}

/// `vigil rules`.
#[derive(Subcommand)]
pub enum RuleCommand {
    /// List alert rules.
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil rules list")]
    List,
    /// Show an alert rule.
    #[command(after_help = "Example:\n  vigil rules get prod")]
    Get {
        /// The rule.
        rule: Reference,
    },
    /// Create an alert rule.
    #[command(
        after_help = "Examples:\n  vigil rules create --name prod --tag prod --channel ops --channel alerts\n  vigil rules create --name everything --all --channel ops\n  vigil rules create --from rule.yaml"
    )]
    Create(RuleFields),
    /// Delete an alert rule.
    #[command(after_help = "Example:\n  vigil rules delete prod")]
    Delete {
        /// The rule.
        rule: Reference,
    },
}

/// Which monitors and tasks a rule or window covers.
#[derive(Args, Default)]
pub struct SelectFlags {
    /// Every monitor and task.
    #[arg(long)]
    pub all: bool,
    /// Monitors and tasks with this tag; repeatable.
    #[arg(long = "tag")]
    pub tags: Vec<String>,
    /// A monitor; repeatable.
    #[arg(long = "monitor")]
    pub monitors: Vec<Reference>,
    /// A task; repeatable.
    #[arg(long = "task")]
    pub tasks: Vec<Reference>,
}

impl SelectFlags {
    /// Whether any was given.
    pub fn given(&self) -> bool {
        self.all || !self.tags.is_empty() || !self.monitors.is_empty() || !self.tasks.is_empty()
    }
}

/// The fields of a rule, as flags or from a file.
#[derive(Args, Default)]
pub struct RuleFields {
    /// A JSON or YAML file of fields (as `POST /v1/alert-rules` takes them); flags add to it.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// What it covers.
    #[command(flatten)]
    pub select: SelectFlags,
    /// A channel to notify; repeatable.
    #[arg(long = "channel")]
    pub channels: Vec<Reference>,
}

/// `vigil windows`.
#[derive(Subcommand)]
pub enum WindowCommand {
    /// List maintenance windows.
    #[command(visible_alias = "ls")]
    #[command(after_help = "Example:\n  vigil windows list")]
    List,
    /// Show a maintenance window.
    #[command(after_help = "Example:\n  vigil windows get sundays")]
    Get {
        /// The window.
        window: Reference,
    },
    /// Create a maintenance window.
    #[command(
        after_help = "Examples:\n  vigil windows create --name upgrade --tag prod --from-time 2026-03-01T10:00:00Z --until 2026-03-01T12:00:00Z\n  vigil windows create --name sundays --all --every sun --at 02:00 --minutes 90 --timezone Europe/Paris"
    )]
    Create(Box<WindowFields>),
    /// Delete a maintenance window.
    #[command(after_help = "Example:\n  vigil windows delete sundays")]
    Delete {
        /// The window.
        window: Reference,
    },
}

/// The fields of a window, as flags or from a file.
#[derive(Args, Default)]
pub struct WindowFields {
    /// A JSON or YAML file of fields (as `POST /v1/maintenance-windows` takes them).
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,
    /// Display name.
    #[arg(long)]
    pub name: Option<String>,
    /// What it covers.
    #[command(flatten)]
    pub select: SelectFlags,
    /// One-off: the start (RFC 3339).
    #[arg(long = "from-time", value_name = "TIME")]
    pub starts_at: Option<String>,
    /// One-off: the end (RFC 3339).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Recurring: a day it starts on (mon … sun); repeatable; every day without it.
    #[arg(long = "every", value_name = "DAY")]
    pub days: Vec<String>,
    /// Recurring: local start time, HH:MM.
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// Recurring: how long, in minutes.
    #[arg(long)]
    pub minutes: Option<u32>,
    /// Recurring: the time zone (UTC by default).
    #[arg(long)]
    pub timezone: Option<String>,
}
