//! How the CLI ends: exit codes that tell usage errors, missing things, refused keys and
//! server faults apart, and messages that quote the server's problem details.

use std::fmt;
use vigil_client::Error;

/// The exit codes of `vigil` (besides 0: done, and `vigil run`'s, which is its command's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 1: the command ran and the answer is no (a refused change, `vigil status` with
    /// something down, `vigil validate` with problems).
    Failed = 1,
    /// 2: the command line or a file is wrong.
    Usage = 2,
    /// 3: what the command names does not exist.
    NotFound = 3,
    /// 4: no key, or the key was refused.
    Auth = 4,
    /// 5: the server failed or could not be reached.
    Server = 5,
}

/// Why a command failed, for a person.
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: Exit,
    /// What went wrong.
    pub message: String,
}

impl Failure {
    /// A failure of `code`.
    pub fn new(code: Exit, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    /// A usage error (2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    /// Nothing by that name (3).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, message)
    }

    /// A refusal (1).
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Exit::Failed, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        if let Error::SignedOut = error {
            return Failure::new(Exit::Auth, "this context is signed out: `vigil login URL --email EMAIL` signs in again");
        }
        let code = match error.status() {
            Some(404) => Exit::NotFound,
            Some(401 | 403) => Exit::Auth,
            Some(status) if status >= 500 => Exit::Server,
            Some(_) => Exit::Failed,
            None if error.is_server_fault() => Exit::Server,
            None => Exit::Usage,
        };
        let message = match &error {
            Error::Problem(problem) if !problem.errors.is_empty() => {
                let mut text = format!("{} ({}):", problem.title, problem.status);
                for field in &problem.errors {
                    text.push_str(&format!("\n  {}: {}", field.field, field.message));
                }
                text
            }
            Error::Problem(problem) => {
                let mut text = format!("{} ({}): {}", problem.title, problem.status, problem.detail);
                if problem.status == 401 {
                    text.push_str("\n  log in with `vigil login URL --key KEY` or `vigil login URL --email EMAIL`, or give --key");
                }
                text
            }
            other => other.to_string(),
        };
        Failure { code, message }
    }
}
