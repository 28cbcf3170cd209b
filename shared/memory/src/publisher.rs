//! An event publisher that keeps what it is given, and can be made to fail.

use async_trait::async_trait;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use vigil_domain::events::DomainEvent;
use vigil_domain::ports::{EventPublisher, StoreError};

/// Keeps every event published, in order; while failing, refuses them (and keeps nothing).
/// Clones share their events.
#[derive(Clone, Debug, Default)]
pub struct RecordingPublisher {
    events: Arc<Mutex<Vec<DomainEvent>>>,
    failing: Arc<AtomicBool>,
}

impl RecordingPublisher {
    /// A publisher that accepts everything.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every event accepted so far.
    pub fn events(&self) -> Vec<DomainEvent> {
        self.events.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Refuses events from now on (`true`) or accepts them again.
    pub fn fail(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }
}

#[async_trait]
impl EventPublisher for RecordingPublisher {
    async fn publish(&self, events: &[DomainEvent]) -> Result<(), StoreError> {
        if self.failing.load(Ordering::SeqCst) {
            return Err(StoreError::backend("the event transport is down (a test said so)"));
        }
        self.events.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(events);
        Ok(())
    }
}
