//! The `vigil` binary's library half: `vigil serve` wiring, usable by tests to start a real
//! server on a free port.

pub mod serve;
