//! Who may do what in an organisation: roles, the actions they are checked against, the one
//! permission table, API key scopes, and the [`Actor`] every use case receives.
//!
//! A use case asks `actor.require(Action::…)` before it reads or changes anything, so the rule
//! lives beside the behaviour it guards, not in the HTTP handlers.

mod action;
mod actor;
mod permissions;
mod role;
mod scope;

pub use action::Action;
pub use actor::{Actor, ActorId, Forbidden, Grant, Origin};
pub use permissions::role_permits;
pub use role::Role;
pub use scope::KeyScope;
