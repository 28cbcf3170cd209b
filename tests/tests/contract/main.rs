//! The port contract suites, run on every adapter: a module per family of adapters.

mod dynamodb;
mod local;
