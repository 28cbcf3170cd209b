//! Hosts as the server keeps them: enrolments (one-time tokens an admin made), enrolled hosts
//! with their credential and what they have sent, the rules that watch them and each rule's
//! state per host, the history of remote actions, and connection events. The pure judgement
//! of a host's rules ([`judge`]) is here too; the rules themselves are in [`crate::agent::rule`].

pub mod action;
pub mod connection;
pub mod judge;
pub mod record;
pub mod rule;

pub use action::{ActionOutcome, ActionRecord, AlreadyFinished};
pub use connection::{ConnectionEvent, ConnectionKind, Side};
pub use judge::{Judged, Which, judge, samples_needed};
pub use record::{Enrolment, Host, HostCredential, HostProgress, HostStatus};
pub use rule::{HostRule, HostRuleDraft, RuleWatch};
