//! The client against scripted transports: a module per concern.

mod behaviour;
mod tokens;
