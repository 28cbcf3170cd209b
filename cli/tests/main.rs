//! The `vigil` binary and its library, black-box: a module per area.

mod support;

mod accounts;
mod binary;
mod cli;
mod hosts;
mod schemathesis;
