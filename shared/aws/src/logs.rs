//! Logs as JSON lines on stderr, which Lambda forwards to CloudWatch.

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// Installs the subscriber with the filter from `VIGIL_LOG` (`info`, `debug,hyper=info`, …).
/// Targets and levels only: the full env-filter syntax would bring a regex engine into every
/// function for directives nobody needs on Lambda.
pub fn init() {
    let filter: Targets = crate::config::log_filter().parse().unwrap_or_else(|_| Targets::new().with_default(tracing::Level::INFO));
    // Lambda stamps every line itself; a second timestamp would only cost bytes.
    let lines = tracing_subscriber::fmt::layer().json().flatten_event(true).without_time().with_writer(std::io::stderr);
    let _ = tracing_subscriber::registry().with(lines.with_filter(filter)).try_init();
}
