//! Vigil's storage ports in memory, and fakes of the ports that reach out (the prober, the
//! notifier, the event publisher, randomness, password hashing).
//!
//! [`MemoryStore`] keeps every storage port with the semantics of the SQLite and DynamoDB
//! stores (conditional writes, duplicates, conflicts, due-indexes, pagination) and runs the same
//! contract suites, so a use case tested over it is tested against the ports' contracts, without
//! SQLite, an emulator or HTTP.

mod accounts;
mod artefacts;
mod cursor;
mod hosts;
mod incidents;
mod link;
mod monitors;
mod notifications;
mod notifier;
mod passwords;
mod prober;
mod publisher;
mod random;
mod schedule;
mod state;
mod status_pages;
mod tasks;
mod tenants;

pub use link::RecordingLink;
pub use notifier::ScriptedNotifier;
pub use passwords::InstantPasswords;
pub use prober::ScriptedProber;
pub use publisher::RecordingPublisher;
pub use random::SequentialRandom;

use state::State;
use std::sync::{Arc, Mutex, MutexGuard};

/// Every storage port, in memory. Clones share their data.
#[derive(Clone, Debug, Default)]
pub struct MemoryStore {
    state: Arc<Mutex<State>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The data, for one synchronous step: no lock is held across an `.await`, so every port
    /// method is atomic, as a database transaction is.
    fn state(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock leaves data worth reading still.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
