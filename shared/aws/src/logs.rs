//! Logs as JSON lines on stderr, which Lambda forwards to CloudWatch.

/// Installs the subscriber with the filter from `VIGIL_LOG`.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_new(crate::config::log_filter()).unwrap_or_else(|_| "info".into());
    // Lambda stamps every line itself; a second timestamp would only cost bytes.
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).json().flatten_event(true).without_time().try_init();
}
