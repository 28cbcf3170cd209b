//! The `vigil` binary's library half: `vigil serve` wiring, usable by tests to start a real
//! server on a free port, and `vigil backup` / `vigil restore`.

pub mod backup;
pub mod serve;
