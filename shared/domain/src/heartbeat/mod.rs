//! Heartbeat tasks: jobs (cron jobs, backups, scripts) that ping Vigil when they run, and are
//! reported when a ping is late, missing, failed or too long.

pub mod cron;
mod status;

pub use status::TaskStatus;
