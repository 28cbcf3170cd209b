//! Support for Vigil's end-to-end tests: a target server whose behaviour each test controls,
//! the real app started on a free port, and a real OpenID provider with a browser to sign in
//! through it.

pub mod agent_server;
pub mod app;
pub mod browser;
pub mod contract;
pub mod emulator;
pub mod fault_proxy;
pub mod heartbeat;
pub mod isolation;
pub mod lambda;
pub mod oidc_provider;
pub mod receiver;
pub mod runtime_api;
pub mod smtp_sink;
pub mod target;
