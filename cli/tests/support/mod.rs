//! The real `vigil` binary, as a person or a script runs it: `vigil serve` on a free loopback
//! port with a data directory of its own, and the other commands against it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;
use tempfile::TempDir;

/// The admin key of every server started here.
pub const KEY: &str = "vk_cli_test_key_0123456789abcdef";

/// The `vigil` binary.
pub fn vigil() -> Command {
    Command::new(env!("CARGO_BIN_EXE_vigil"))
}

/// A running `vigil serve`, stopped when dropped.
pub struct Serve {
    child: Child,
    /// Its base URL.
    pub base: String,
    /// Its data directory.
    pub data: TempDir,
}

impl Serve {
    /// Starts `vigil serve` with `extra` arguments on a fresh data directory.
    // The child is killed and reaped in `Drop`.
    #[allow(clippy::zombie_processes)]
    pub fn start(extra: &[&str]) -> Serve {
        let data = tempfile::tempdir().expect("a data directory");
        let mut child = vigil()
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .args(extra)
            .env("VIGIL_ADMIN_KEY", KEY)
            .env("VIGIL_LOG_FORMAT", "text")
            .env("VIGIL_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting vigil serve");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).expect("reading stdout") == 0 {
                panic!("vigil serve exited early: {:?}", child.wait());
            }
            if let Some(rest) = line.strip_prefix("Vigil is listening on ") {
                let base = rest.split_whitespace().next().expect("an address").to_owned();
                std::thread::spawn(move || for _ in reader.lines() {});
                return Serve { child, base, data };
            }
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A home for the CLI's configuration: `VIGIL_CONFIG` points into a directory of its own.
pub struct Cli {
    dir: TempDir,
}

impl Cli {
    /// A CLI with no configuration yet.
    pub fn new() -> Cli {
        Cli { dir: tempfile::tempdir().expect("a config directory") }
    }

    /// Where its configuration file is.
    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("config.toml")
    }

    /// A scratch directory for files the test writes.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// `vigil` with this configuration, no colours and no key from the environment.
    pub fn command(&self) -> Command {
        let mut command = vigil();
        command.env("VIGIL_CONFIG", self.config_file()).env_remove("VIGIL_KEY").env_remove("VIGIL_URL").env("NO_COLOR", "1");
        command
    }

    /// Runs `vigil args…` and returns what it did.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(self.command().args(args).output().expect("running vigil"))
    }

    /// Runs `vigil args…` with `input` on its standard input (a password, a code: one a line).
    pub fn run_input(&self, args: &[&str], input: &str) -> Run {
        use std::io::Write;
        let mut child =
            self.command().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("vigil");
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("writing stdin");
        Run::of(child.wait_with_output().expect("running vigil"))
    }

    /// Runs `vigil args…` with `env` set.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        Run::of(self.command().args(args).envs(env.iter().copied()).output().expect("running vigil"))
    }

    /// Logs in to `serve` as the context `default`.
    pub fn login(&self, serve: &Serve) -> &Self {
        let run = self.run(&["login", &serve.base, "--key", KEY]);
        assert_eq!(run.code, 0, "login: {run:?}");
        self
    }
}

/// What a command did.
#[derive(Debug)]
pub struct Run {
    /// Its exit code.
    pub code: i32,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

impl Run {
    fn of(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {self:?}"))
    }
}

/// Waits until `condition` holds, for at most `seconds`.
pub fn eventually(seconds: u64, mut condition: impl FnMut() -> bool) -> bool {
    for _ in 0..seconds * 10 {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
