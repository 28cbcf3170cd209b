//! Support for Vigil's end-to-end tests: a target server whose behaviour each test controls,
//! and the real app started on a free port.

pub mod agent_server;
pub mod app;
pub mod contract;
pub mod emulator;
pub mod fault_proxy;
pub mod heartbeat;
pub mod lambda;
pub mod receiver;
pub mod runtime_api;
pub mod smtp_sink;
pub mod target;
