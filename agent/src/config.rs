//! The agent's configuration: a TOML file, then environment variables over it. Every problem
//! is reported at once, each with its field.
//!
//! ```toml
//! server = "wss://vigil.example.com/v1/agent"
//! enrolment_token = "vet_…"          # first start only; or VIGIL_AGENT_TOKEN
//! state_dir = "/var/lib/vigil-agent"
//! interval_seconds = 10
//! buffer_max_batches = 8640          # a day at 10 s
//! docker_socket = "/var/run/docker.sock"   # "" to leave containers alone
//!
//! [actions]
//! enabled = true                     # off unless said
//!
//! [[actions.allow]]
//! name = "restart-nginx"
//! program = "/usr/bin/systemctl"
//! args = ["restart", "nginx"]
//! timeout_seconds = 60
//! output_cap_bytes = 65536
//!
//! [[actions.allow]]
//! name = "restart-api"
//! container = "api"
//! operation = "restart"
//! ```
//!
//! Remote actions come from the file only: no environment variable can add one.

use crate::collect::Sources;
use crate::docker::ContainerOperation;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;
use vigil_domain::agent::{ActionName, EnrolmentToken};

/// One action the server may ask for, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedAction {
    /// Its name.
    pub name: ActionName,
    /// What it does.
    pub kind: ActionKind,
    /// How long it may run.
    pub timeout: Duration,
    /// How much of its output's end is kept and reported.
    pub output_cap_bytes: usize,
}

/// What an action does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Runs a fixed program with fixed arguments (no shell).
    Program {
        /// The program, an absolute path.
        program: PathBuf,
        /// Its arguments.
        args: Vec<String>,
    },
    /// Starts, stops or restarts a named container through the Docker Engine API.
    Container {
        /// The container's name.
        container: String,
        /// What to do to it.
        operation: ContainerOperation,
    },
}

/// Remote actions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActionsConfig {
    /// Off by default.
    pub enabled: bool,
    /// Most actions running at once.
    pub max_running: usize,
    /// The only actions that may run.
    pub allow: Vec<AllowedAction>,
}

/// The agent's configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// The server's agent WebSocket (`ws://` or `wss://`).
    pub server: Url,
    /// A one-time enrolment token, for the first start.
    pub enrolment_token: Option<EnrolmentToken>,
    /// Where the credential and the backlog live.
    pub state_dir: PathBuf,
    /// Time between samples.
    pub interval: Duration,
    /// The most batches kept unsent.
    pub buffer_max_batches: usize,
    /// The Docker Engine API socket, if containers are watched.
    pub docker_socket: Option<PathBuf>,
    /// A PEM file of extra CA certificates to trust (a private CA of a self-hosted server).
    pub ca_file: Option<PathBuf>,
    /// Where to read the host's metrics.
    pub sources: Sources,
    /// Remote actions.
    pub actions: ActionsConfig,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct File {
    server: Option<String>,
    enrolment_token: Option<String>,
    state_dir: Option<PathBuf>,
    interval_seconds: Option<u64>,
    buffer_max_batches: Option<usize>,
    docker_socket: Option<String>,
    ca_file: Option<PathBuf>,
    host_root: Option<PathBuf>,
    proc_dir: Option<PathBuf>,
    sys_dir: Option<PathBuf>,
    mounts: Option<Vec<String>>,
    #[serde(default)]
    actions: FileActions,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileActions {
    #[serde(default)]
    enabled: bool,
    max_running: Option<usize>,
    #[serde(default)]
    allow: Vec<FileAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileAction {
    name: String,
    program: Option<PathBuf>,
    #[serde(default)]
    args: Vec<String>,
    container: Option<String>,
    operation: Option<ContainerOperation>,
    timeout_seconds: Option<u64>,
    output_cap_bytes: Option<usize>,
}

/// Every problem found in the configuration.
#[derive(Debug, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the configuration is not valid:")?;
        for problem in &self.0 {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// The default number of batches kept unsent: a day at the default interval.
pub const DEFAULT_BUFFER_MAX_BATCHES: usize = 8640;

fn container_name_ok(name: &str) -> bool {
    // Docker's own rule for names.
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && name.len() <= 128
}

/// Reads the environment variable `name` through `env`, trimmed, empty as absent.
fn var(env: &dyn Fn(&str) -> Option<String>, name: &str) -> Option<String> {
    env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

impl Config {
    /// Reads `file` (if given), then the `VIGIL_AGENT_*` variables through `env`, and checks
    /// it all. `own_exe` is the agent's executable, which no action may run.
    pub fn load(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>, own_exe: Option<&Path>) -> Result<Config, ConfigError> {
        let mut problems = Vec::new();
        let parsed = match file {
            Some(path) => match std::fs::read_to_string(path) {
                Ok(text) => toml::from_str::<File>(&text).unwrap_or_else(|e| {
                    problems.push(format!("{}: {}", path.display(), e.to_string().trim_end()));
                    File::default()
                }),
                Err(e) => {
                    problems.push(format!("{}: {e}", path.display()));
                    File::default()
                }
            },
            None => File::default(),
        };
        let config = Self::check(parsed, env, own_exe, &mut problems);
        if problems.is_empty() { Ok(config) } else { Err(ConfigError(problems)) }
    }

    fn check(file: File, env: &dyn Fn(&str) -> Option<String>, own_exe: Option<&Path>, problems: &mut Vec<String>) -> Config {
        let server_text = var(env, "VIGIL_AGENT_SERVER").or(file.server);
        let server = match server_text.as_deref().map(Url::parse) {
            Some(Ok(url)) if matches!(url.scheme(), "ws" | "wss") && url.host_str().is_some() => url,
            Some(Ok(_)) => {
                problems.push("server: must be a ws:// or wss:// URL".into());
                Url::parse("ws://invalid/").expect("a valid URL")
            }
            Some(Err(e)) => {
                problems.push(format!("server: {e}"));
                Url::parse("ws://invalid/").expect("a valid URL")
            }
            None => {
                problems.push("server: required (in the file, or VIGIL_AGENT_SERVER)".into());
                Url::parse("ws://invalid/").expect("a valid URL")
            }
        };
        let enrolment_token = var(env, "VIGIL_AGENT_TOKEN")
            .or(file.enrolment_token)
            .and_then(|t| EnrolmentToken::parse(&t).map_err(|e| problems.push(format!("enrolment_token: {e}"))).ok());
        let number = |name: &str,
                      variable: &str,
                      from_file: Option<u64>,
                      default: u64,
                      range: std::ops::RangeInclusive<u64>,
                      problems: &mut Vec<String>| {
            let value = match var(env, variable) {
                Some(text) => text.parse::<u64>().map_err(|_| problems.push(format!("{name}: {variable} must be a whole number"))).ok(),
                None => from_file,
            }
            .unwrap_or(default);
            if !range.contains(&value) {
                problems.push(format!("{name}: must be between {} and {}", range.start(), range.end()));
            }
            value
        };
        let interval = number("interval_seconds", "VIGIL_AGENT_INTERVAL_SECONDS", file.interval_seconds, 10, 1..=3600, problems);
        let buffer_max_batches = number(
            "buffer_max_batches",
            "VIGIL_AGENT_BUFFER_MAX_BATCHES",
            file.buffer_max_batches.map(|b| b as u64),
            DEFAULT_BUFFER_MAX_BATCHES as u64,
            1..=1_000_000,
            problems,
        );
        let docker_socket = match env("VIGIL_AGENT_DOCKER_SOCKET").or(file.docker_socket) {
            Some(text) if text.trim().is_empty() => None,
            Some(text) => Some(PathBuf::from(text.trim())),
            None => Some(PathBuf::from("/var/run/docker.sock")),
        };
        let host_root = var(env, "VIGIL_AGENT_HOST_ROOT").map(PathBuf::from).or(file.host_root).unwrap_or_else(|| "/".into());
        let sources = Sources {
            proc: file.proc_dir.unwrap_or_else(|| host_root.join("proc")),
            sys: file.sys_dir.unwrap_or_else(|| host_root.join("sys")),
            host_root,
            mounts: file.mounts,
        };
        let actions = check_actions(file.actions, docker_socket.is_some(), own_exe, problems);
        Config {
            server,
            enrolment_token,
            state_dir: var(env, "VIGIL_AGENT_STATE_DIR")
                .map(PathBuf::from)
                .or(file.state_dir)
                .unwrap_or_else(|| "/var/lib/vigil-agent".into()),
            interval: Duration::from_secs(interval),
            buffer_max_batches: buffer_max_batches as usize,
            docker_socket,
            ca_file: var(env, "VIGIL_AGENT_CA_FILE").map(PathBuf::from).or(file.ca_file),
            sources,
            actions,
        }
    }
}

fn check_actions(file: FileActions, docker: bool, own_exe: Option<&Path>, problems: &mut Vec<String>) -> ActionsConfig {
    let mut names = BTreeSet::new();
    let mut allow = Vec::new();
    let max_running = file.max_running.unwrap_or(2);
    if !(1..=16).contains(&max_running) {
        problems.push("actions.max_running: must be between 1 and 16".into());
    }
    for (i, action) in file.allow.into_iter().enumerate() {
        let at = format!("actions.allow[{i}]");
        let name = match ActionName::parse(&action.name) {
            Ok(name) if names.insert(name.clone()) => Some(name),
            Ok(name) => {
                problems.push(format!("{at}.name: {name} is defined twice"));
                None
            }
            Err(e) => {
                problems.push(format!("{at}.name: {e}"));
                None
            }
        };
        let kind = match (action.program, action.container, action.operation) {
            (Some(program), None, None) => check_program(&at, program, action.args, own_exe, problems),
            (None, Some(container), Some(operation)) if action.args.is_empty() => {
                if !container_name_ok(&container) {
                    problems.push(format!("{at}.container: {container:?} is not a container name"));
                }
                if !docker {
                    problems.push(format!("{at}: a container action needs docker_socket"));
                }
                Some(ActionKind::Container { container, operation })
            }
            (None, Some(_), None) => {
                problems.push(format!("{at}.operation: required with container (start, stop or restart)"));
                None
            }
            _ => {
                problems.push(format!("{at}: needs either program (and args) or container and operation"));
                None
            }
        };
        let timeout = action.timeout_seconds.unwrap_or(60);
        if !(1..=3600).contains(&timeout) {
            problems.push(format!("{at}.timeout_seconds: must be between 1 and 3600"));
        }
        let output_cap_bytes = action.output_cap_bytes.unwrap_or(64 * 1024);
        if !(1..=1 << 20).contains(&output_cap_bytes) {
            problems.push(format!("{at}.output_cap_bytes: must be between 1 and 1048576"));
        }
        if let (Some(name), Some(kind)) = (name, kind) {
            allow.push(AllowedAction { name, kind, timeout: Duration::from_secs(timeout), output_cap_bytes });
        }
    }
    ActionsConfig { enabled: file.enabled, max_running, allow }
}

fn check_program(at: &str, program: PathBuf, args: Vec<String>, own_exe: Option<&Path>, problems: &mut Vec<String>) -> Option<ActionKind> {
    if !program.is_absolute() {
        problems.push(format!("{at}.program: must be an absolute path (no search in PATH)"));
        return None;
    }
    match program.canonicalize() {
        Ok(resolved) if own_exe.is_some_and(|own| own == resolved) => {
            problems.push(format!("{at}.program: is the agent itself"));
            return None;
        }
        Ok(_) => {}
        Err(e) => problems.push(format!("{at}.program: {}: {e}", program.display())),
    }
    if args.iter().any(|a| a.contains('\0')) {
        problems.push(format!("{at}.args: an argument holds a NUL byte"));
    }
    Some(ActionKind::Program { program, args })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.toml");
        std::fs::write(&path, text).unwrap();
        let vars: Vec<(String, String)> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let env = move |name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
        Config::load(Some(&path), &env, Some(Path::new("/usr/bin/vigil-agent-test")))
    }

    #[test]
    fn defaults_and_environment_over_the_file() {
        let config = load("server = \"wss://vigil.example.com/v1/agent\"\n", &[]).unwrap();
        assert_eq!(config.interval, Duration::from_secs(10));
        assert_eq!(config.buffer_max_batches, DEFAULT_BUFFER_MAX_BATCHES);
        assert_eq!(config.docker_socket.as_deref(), Some(Path::new("/var/run/docker.sock")));
        assert!(!config.actions.enabled, "actions are off by default");
        assert_eq!(config.sources.proc, Path::new("/proc"));
        let token = EnrolmentToken::from_random([4; 32]).expose();
        let config = load(
            "server = \"wss://a.example/\"\ninterval_seconds = 30\n",
            &[
                ("VIGIL_AGENT_SERVER", "ws://127.0.0.1:9/agent"),
                ("VIGIL_AGENT_INTERVAL_SECONDS", "5"),
                ("VIGIL_AGENT_TOKEN", &token),
                ("VIGIL_AGENT_DOCKER_SOCKET", ""),
                ("VIGIL_AGENT_HOST_ROOT", "/host"),
            ],
        )
        .unwrap();
        assert_eq!(config.server.as_str(), "ws://127.0.0.1:9/agent");
        assert_eq!(config.interval, Duration::from_secs(5));
        assert_eq!(config.enrolment_token.map(|t| t.expose()), Some(token));
        assert_eq!(config.docker_socket, None);
        assert_eq!((config.sources.proc.as_path(), config.sources.sys.as_path()), (Path::new("/host/proc"), Path::new("/host/sys")));
    }

    #[test]
    fn actions_from_the_file() {
        let text = r#"
server = "wss://vigil.example.com/"
[actions]
enabled = true
[[actions.allow]]
name = "say-hi"
program = "/bin/echo"
args = ["hi", "there; reboot"]
timeout_seconds = 5
[[actions.allow]]
name = "restart-api"
container = "api"
operation = "restart"
"#;
        let actions = load(text, &[]).unwrap().actions;
        assert!(actions.enabled);
        assert_eq!(actions.allow.len(), 2);
        assert_eq!(
            actions.allow[0].kind,
            ActionKind::Program { program: "/bin/echo".into(), args: vec!["hi".into(), "there; reboot".into()] },
            "arguments are passed as they are, never to a shell"
        );
        assert_eq!(actions.allow[0].timeout, Duration::from_secs(5));
        assert_eq!(actions.allow[1].kind, ActionKind::Container { container: "api".into(), operation: ContainerOperation::Restart });
        assert_eq!(actions.allow[1].output_cap_bytes, 65536);
    }

    #[test]
    fn every_problem_is_listed_with_its_field() {
        let text = r#"
server = "https://vigil.example.com/"
interval_seconds = 0
enrolment_token = "hello"
[actions]
max_running = 99
[[actions.allow]]
name = "Bad Name"
program = "echo"
[[actions.allow]]
name = "twice"
program = "/bin/echo"
[[actions.allow]]
name = "twice"
container = "api"
[[actions.allow]]
name = "both"
program = "/bin/echo"
container = "api"
operation = "stop"
[[actions.allow]]
name = "bad-container"
container = "-x"
operation = "start"
timeout_seconds = 0
output_cap_bytes = 0
"#;
        let ConfigError(problems) = load(text, &[("VIGIL_AGENT_DOCKER_SOCKET", "")]).unwrap_err();
        assert_eq!(
            problems,
            vec![
                "server: must be a ws:// or wss:// URL",
                "enrolment_token: an enrolment token must be vet_ followed by 43 characters of base64url (32 bytes)",
                "interval_seconds: must be between 1 and 3600",
                "actions.max_running: must be between 1 and 16",
                "actions.allow[0].name: an action name is 1 to 64 of a-z, 0-9, '-', '_' and '.', starting with a letter or a digit; \"Bad Name\" is not",
                "actions.allow[0].program: must be an absolute path (no search in PATH)",
                "actions.allow[2].name: twice is defined twice",
                "actions.allow[2].operation: required with container (start, stop or restart)",
                "actions.allow[3]: needs either program (and args) or container and operation",
                "actions.allow[4].container: \"-x\" is not a container name",
                "actions.allow[4]: a container action needs docker_socket",
                "actions.allow[4].timeout_seconds: must be between 1 and 3600",
                "actions.allow[4].output_cap_bytes: must be between 1 and 1048576",
            ]
        );
    }

    #[test]
    fn unknown_keys_and_missing_server_are_refused() {
        let ConfigError(problems) = load("sever = \"wss://typo/\"\n", &[]).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("unknown field `sever`"), "{problems:?}");
        assert_eq!(problems[1], "server: required (in the file, or VIGIL_AGENT_SERVER)");
    }

    #[test]
    fn the_agent_itself_is_no_action() {
        let own = std::env::current_exe().unwrap().canonicalize().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("agent.toml");
        let text = format!("server = \"wss://x.example/\"\n[[actions.allow]]\nname = \"me\"\nprogram = \"{}\"\n", own.display());
        std::fs::write(&path, text).unwrap();
        let ConfigError(problems) = Config::load(Some(&path), &|_| None, Some(&own)).unwrap_err();
        assert_eq!(problems, vec!["actions.allow[0].program: is the agent itself"]);
    }
}
