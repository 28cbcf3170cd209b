//! The `vigil` binary's library half: `vigil serve` wiring (usable by tests to start a real
//! server on a free port), `vigil backup` / `vigil restore`, the command line, and the commands
//! that drive a server through the API client, monitoring as code among them.

pub mod args;
pub mod backup;
pub mod commands;
pub mod context;
pub mod failure;
pub mod manifest;
pub mod output;
pub mod serve;
pub mod token_store;
