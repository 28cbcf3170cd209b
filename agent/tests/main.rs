//! The agent's parts against real files, processes and sockets: a module per part.

mod actions;
mod collectors;
mod containers;
mod spool;
