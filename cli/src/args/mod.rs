//! The command line of `vigil`: every command, its flags, and its help with examples.

mod accounts;
mod hosts;
mod resources;
mod serve;
mod status_pages;

pub use accounts::{AuditArgs, KeyCommand, MemberCommand, OrgCommand};
pub use hosts::{HostCommand, HostRuleCommand};
pub use resources::*;
pub use serve::{BackupArgs, Policy, Security, ServeArgs};
pub use status_pages::{BadgeCommand, ComponentArgs, ComponentCommand, PageSettingsArgs, StatusPageCommand};

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

const EXAMPLES: &str = "Examples:
  vigil serve                                   run Vigil on this machine
  vigil login http://127.0.0.1:8080 --key vk_…  remember a server and its key
  vigil login https://vigil.example.com --email ann@example.com   sign in as a person
  vigil status                                  what is down (exit 1 if anything is)
  vigil monitors create --name API --url https://api.example.com/health --assert '[STATUS] == 200'
  vigil run --task backup -- ./backup.sh        run a job and report it as a heartbeat
  vigil apply vigil.yaml                        make the server match a monitoring file

Exit codes: 0 done, 1 refused or not all up, 2 usage, 3 not found, 4 no valid key,
5 server fault or unreachable; `vigil run` exits with its command's status.";

/// Uptime and heartbeat monitoring. `vigil serve` runs everything in one process; the other
/// commands drive a Vigil server through its HTTP API.
#[derive(Parser)]
#[command(name = "vigil", version, after_help = EXAMPLES)]
pub struct Cli {
    /// Where and how to talk to the server, and how to print.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command takes.
#[derive(Args)]
pub struct Global {
    /// The server's URL, instead of the context's.
    #[arg(long, env = "VIGIL_URL", global = true, value_name = "URL")]
    pub server: Option<String>,
    /// The API key, instead of the context's.
    #[arg(long, env = "VIGIL_KEY", global = true, hide_env_values = true)]
    pub key: Option<String>,
    /// The context (a server and its key or sign-in, see `vigil login`) to use instead of the
    /// current one.
    #[arg(long, short = 'c', env = "VIGIL_CONTEXT", global = true)]
    pub context: Option<String>,
    /// Tables for people, or JSON for scripts.
    #[arg(long, short = 'o', value_enum, default_value_t = Format::Table, global = true)]
    pub output: Format,
    /// Colours: on a terminal unless NO_COLOR is set (auto), always, or never.
    #[arg(long, value_enum, default_value_t = Colour::Auto, global = true)]
    pub color: Colour,
}

/// How results are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Tables (and YAML for files).
    Table,
    /// JSON.
    Json,
}

/// When to colour.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The log format of `vigil serve`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// JSON lines.
    Json,
    /// Text for people.
    Text,
}

/// The commands.
#[derive(Subcommand)]
pub enum Command {
    /// Run the API, scheduler, probe engine, heartbeats, incidents and notifications in one
    /// process on an embedded SQLite store.
    #[command(
        after_help = "Examples:\n  vigil serve\n  vigil serve --listen 0.0.0.0:8080 --public-url https://vigil.example.com\n  vigil serve --config vigil.yaml        apply a monitoring file at start and on every change"
    )]
    Serve(Box<ServeArgs>),
    /// Copy the database to FILE while `vigil serve` runs (a consistent snapshot).
    #[command(after_help = "Example:\n  vigil backup --data-dir /var/lib/vigil vigil-2026-03-01.db")]
    Backup(BackupArgs),
    /// Put a backup back as the database; `vigil serve` must be stopped. The database it
    /// replaces is kept beside it.
    #[command(after_help = "Example:\n  vigil restore --data-dir /var/lib/vigil vigil-2026-03-01.db")]
    Restore(BackupArgs),
    /// Remember a server as a named context (in the user's configuration directory, readable by
    /// its owner only): with an API key, checked first, or signed in as a person with an email
    /// and password (and a two-factor code when it is on). A sign-in keeps a refresh token;
    /// access tokens are refreshed as needed.
    #[command(
        after_help = "Examples:\n  vigil login http://127.0.0.1:8080 --key vk_…\n  echo \"$KEY\" | vigil login https://vigil.example.com --context prod\n  vigil login https://vigil.example.com --context prod     asks for the key\n  vigil login https://vigil.example.com --email ann@example.com     asks for the password (and a code)\n  vigil login https://vigil.example.com --email ann@example.com --organisation Acme"
    )]
    Login(LoginArgs),
    /// Forget a context (the current one by default); a signed-in context signs out first
    /// (its refresh token is revoked).
    #[command(after_help = "Examples:\n  vigil logout --context prod\n  vigil logout")]
    Logout(LogoutArgs),
    /// List the contexts, or switch to one.
    #[command(after_help = "Examples:\n  vigil contexts\n  vigil contexts use prod")]
    Contexts(ContextsArgs),
    /// Every monitor and task with its status; exits 1 unless all are well (up, paused, or a
    /// task never pinged yet).
    #[command(after_help = "Examples:\n  vigil status\n  vigil status --output json\n  vigil status || page-someone")]
    Status,
    /// HTTP monitors.
    #[command(subcommand)]
    Monitors(MonitorCommand),
    /// Heartbeat tasks.
    #[command(subcommand)]
    Tasks(TaskCommand),
    /// Incidents.
    #[command(subcommand)]
    Incidents(IncidentCommand),
    /// Notification channels.
    #[command(subcommand)]
    Channels(ChannelCommand),
    /// Alert rules.
    #[command(subcommand)]
    Rules(RuleCommand),
    /// Maintenance windows.
    #[command(subcommand)]
    Windows(WindowCommand),
    /// Hosts running the agent: enrolment, metrics, remote actions and their history.
    #[command(subcommand)]
    Hosts(HostCommand),
    /// Threshold and silence rules on hosts.
    #[command(subcommand, name = "host-rules")]
    HostRules(HostRuleCommand),
    /// Public status pages: their components, public incidents and subscribers.
    #[command(subcommand, name = "status-pages", visible_alias = "pages")]
    StatusPages(StatusPageCommand),
    /// Badges of monitors, tasks and components (SVG and Shields.io endpoint).
    #[command(subcommand)]
    Badges(BadgeCommand),
    /// API keys: list, make (the secret shown once), revoke.
    #[command(subcommand)]
    Keys(KeyCommand),
    /// The organisation's members: list, invite, change a role, remove.
    #[command(subcommand)]
    Members(MemberCommand),
    /// The organisations you belong to, and which one this context acts in.
    #[command(subcommand)]
    Orgs(OrgCommand),
    /// The audit log: who changed what, newest first (admins).
    #[command(
        after_help = "Examples:\n  vigil audit\n  vigil audit --action monitor --since 24h\n  vigil audit --actor ann@example.com --limit 200 -o json\n  vigil audit --target-kind key --since 2026-03-01T00:00:00Z"
    )]
    Audit(AuditArgs),
    /// Run a command as a heartbeat task's job: ping start, run it, then ping its exit status
    /// with the tail of its output as the run's log; exit with its status.
    #[command(
        after_help = "Examples:\n  vigil run --task backup -- ./backup.sh --full\n  vigil run --ping-url https://vigil.example.com/ping/5f0c… -- pg_dump mydb\n\nIn a crontab:\n  0 2 * * * vigil run --task backup -- /usr/local/bin/backup.sh\n\nWith --ping-url no API key is needed: the URL is the secret."
    )]
    Run(RunArgs),
    /// Check a monitoring file offline: its shape, assertions, cron expressions, references and
    /// environment variables, each problem with its line and column.
    #[command(after_help = "Example:\n  vigil validate vigil.yaml")]
    Validate(FileArgs),
    /// Show what applying a monitoring file would change on the server.
    #[command(after_help = "Examples:\n  vigil plan vigil.yaml\n  vigil plan vigil.yaml --prune --output json")]
    Plan(PlanArgs),
    /// Make the server match a monitoring file.
    #[command(
        after_help = "Examples:\n  vigil apply vigil.yaml\n  vigil apply vigil.yaml --prune      also delete what the file no longer has (only what it manages)"
    )]
    Apply(PlanArgs),
    /// Write the server's resources as a monitoring file that applies back with no change.
    #[command(after_help = "Examples:\n  vigil export > vigil.yaml\n  vigil export --source prod --output json > prod.json")]
    Export(ExportArgs),
    /// Turn another tool's configuration into a Vigil monitoring file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Print the JSON Schema of monitoring files.
    #[command(after_help = "Example:\n  vigil schema > vigil.schema.json")]
    Schema,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  vigil completions bash > /etc/bash_completion.d/vigil\n  vigil completions zsh > \"${fpath[1]}/_vigil\"\n  vigil completions fish > ~/.config/fish/completions/vigil.fish"
    )]
    Completions(CompletionsArgs),
}

/// `vigil login`.
#[derive(Args)]
pub struct LoginArgs {
    /// The server's URL, like http://127.0.0.1:8080. The context saved is --context, or
    /// `default`; the key is --key, or read from standard input.
    pub url: String,
    /// Sign in as this person instead of using a key (--key is then ignored): the password
    /// (then a two-factor code, if it is on) is asked for, or read line by line from standard
    /// input.
    #[arg(long)]
    pub email: Option<String>,
    /// The organisation to act in after signing in (by name or id); the first one by default.
    #[arg(long, requires = "email")]
    pub organisation: Option<String>,
}

/// `vigil logout`.
#[derive(Args)]
pub struct LogoutArgs {
    /// The context to forget (the current one by default).
    pub name: Option<String>,
}

/// `vigil contexts`.
#[derive(Args)]
pub struct ContextsArgs {
    /// `use NAME` to make NAME the current context.
    #[command(subcommand)]
    pub action: Option<ContextAction>,
}

/// What to do with contexts.
#[derive(Subcommand)]
pub enum ContextAction {
    /// Make a context the current one.
    #[command(after_help = "Example:\n  vigil contexts use prod")]
    Use {
        /// The context.
        name: String,
    },
}

/// `vigil run`.
#[derive(Args)]
pub struct RunArgs {
    /// The task, by name, slug, logical name or id (needs an API key).
    #[arg(long, env = "VIGIL_TASK", conflicts_with = "ping_url")]
    pub task: Option<String>,
    /// The task's ping URL (no API key needed).
    #[arg(long, env = "VIGIL_PING_URL")]
    pub ping_url: Option<String>,
    /// How many bytes of output to send as the run's log (its last ones).
    #[arg(long, default_value_t = 10_000)]
    pub log_bytes: usize,
    /// The command and its arguments.
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// A monitoring file.
#[derive(Args)]
pub struct FileArgs {
    /// The file (YAML or JSON).
    pub file: PathBuf,
}

/// `vigil plan` and `vigil apply`.
#[derive(Args)]
pub struct PlanArgs {
    /// The file (YAML or JSON).
    pub file: PathBuf,
    /// Delete what the file manages but no longer has (resources it does not manage are never
    /// touched).
    #[arg(long)]
    pub prune: bool,
}

/// `vigil export`.
#[derive(Args)]
pub struct ExportArgs {
    /// Export what this source manages (and what nobody manages); the one source in use, or
    /// `vigil`, by default.
    #[arg(long)]
    pub source: Option<String>,
}

/// `vigil import`.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// A Gatus configuration: endpoints, conditions, intervals, alerting where it maps. The
    /// Vigil file goes to standard output, what did not map to standard error.
    #[command(after_help = "Example:\n  vigil import gatus config/config.yaml > vigil.yaml && vigil validate vigil.yaml")]
    Gatus {
        /// The Gatus configuration file.
        file: PathBuf,
        /// The `source` of the file written (`gatus` by default).
        #[arg(long, default_value = "gatus")]
        source: String,
    },
}

/// `vigil completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

    /// Every command a person can run has examples in its help.
    #[test]
    fn every_command_has_examples() {
        fn walk(command: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", command.get_name());
            let leaves: Vec<_> = command.get_subcommands().filter(|c| c.get_name() != "help").collect();
            if leaves.is_empty() {
                let help = command.get_after_help().map(ToString::to_string).unwrap_or_default();
                if !help.contains("Example") {
                    missing.push(path);
                }
            } else {
                leaves.into_iter().for_each(|c| walk(c, &path, missing));
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "", &mut missing);
        assert!(missing.is_empty(), "no examples in the help of: {missing:?}");
        Cli::command().debug_assert();
    }
}
