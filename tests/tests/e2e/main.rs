//! End-to-end tests: the real app on a free port, checking targets the tests control.

mod checks;
mod errors;
mod heartbeats;
mod heartbeats_api;
mod monitors_api;
mod restart;
mod scheduler;
mod ssrf;
