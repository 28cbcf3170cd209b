//! Vigil's domain: what a monitor is, how a check is judged, how status moves, and the ports
//! through which the outside world is reached.
//!
//! Nothing in this crate performs I/O or reads the clock: time arrives as a `now` parameter and
//! randomness through the [`ports::RandomSource`] port, so every rule here is a pure function that
//! table tests can pin down.

pub mod access;
pub mod accounts;
pub mod agent;
pub mod assertion;
pub mod check;
pub mod compact_check;
pub mod digest;
pub mod events;
pub mod fingerprint;
pub mod heartbeat;
pub mod host;
pub mod ids;
pub mod incident;
pub mod job;
pub mod latency;
pub mod managed;
pub mod monitor;
pub mod notify;
pub mod page;
pub mod ports;
pub mod probe;
pub mod status_page;
pub mod tenant;
pub mod time;
pub mod trial;
pub mod uptime;
mod varint;
pub mod xml;

#[cfg(test)]
mod fuzz;
#[cfg(any(test, feature = "fuzzing"))]
pub mod fuzzing;

pub use jiff::Timestamp;
