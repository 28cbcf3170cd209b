//! Vigil's use cases. Each is one async function in its own file taking the [`Deps`], a
//! command and `now`, so that `vigil serve`, the Lambda functions and the tests all run the
//! same code over different adapters.

pub mod accounts;
mod argon2_passwords;
pub mod checks;
mod deps;
pub mod heartbeats;
pub mod hosts;
pub mod incidents;
pub mod jobs;
pub mod monitors;
pub mod notifications;
pub mod status;
pub mod status_pages;
mod stores;
mod system_clock;
mod system_random;
pub mod tasks;
pub mod tenants;
#[cfg(test)]
mod world;

/// How many times a use case that reads, decides and writes conditionally tries before it
/// reports a conflict: the loser of a race re-reads and decides again, and races on one record
/// are rare, so a few attempts settle every real one.
pub(crate) const CONFLICT_ATTEMPTS: usize = 5;

pub use argon2_passwords::{Argon2Passwords, LANES as ARGON2_LANES, MEMORY_KIB as ARGON2_MEMORY_KIB, PASSES as ARGON2_PASSES};
pub use deps::{AccountSettings, Deps, HeartbeatSettings, HostSettings, NotificationSettings, Settings};
pub use stores::{Blobs, Database, Stores};
pub use system_clock::SystemClock;
pub use system_random::SystemRandom;
