//! What every function does before it serves an event.

use crate::config::ConfigError;

/// The configuration, or the end of the process: a cold start with a bad configuration prints
/// one line naming every problem and exits, so the deployment fails at once and visibly instead
/// of at the first event.
pub fn config_or_exit<T>(config: Result<T, ConfigError>) -> T {
    match config {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(78)
        }
    }
}
