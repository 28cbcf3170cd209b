//! `vigil-agent`: the Vigil host agent. Every interval it samples the host (CPU, load, memory,
//! disks, network, temperatures) and, when a Docker Engine API socket is there, its
//! containers; it keeps each batch in a bounded, crash-safe backlog on disk and streams the
//! backlog in order over one outbound WebSocket; it runs only the remote actions its own
//! configuration names.

pub mod actions;
pub mod agent;
pub mod collect;
pub mod config;
pub mod credential;
pub mod docker;
pub mod link;
pub mod sampler;
pub mod spool;
pub mod tls;
