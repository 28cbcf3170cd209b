//! HTTP monitors: what to check ([`spec`]), when ([`schedule`]) and what their state is ([`status`]).

pub mod draft;
pub mod schedule;
pub mod secret_headers;
pub mod spec;
pub mod status;
pub mod transition;

pub use draft::{MonitorDraft, StatusCodeInput};
pub use schedule::CheckInterval;
pub use spec::{FieldError, HttpMethod, HttpMonitorSpec, SpecErrors, StatusCodeRange, Thresholds};
pub use status::{HealthChange, MonitorHealth, MonitorStatus, Verdict};
pub use transition::{StatusTransition, TransitionCause};

use crate::ids::{MonitorId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// A stored HTTP monitor: its validated specification and bookkeeping. Its live state is
/// [`MonitorHealth`], kept beside it in [`MonitorRecord`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HttpMonitor {
    /// Identity.
    pub id: MonitorId,
    /// Owner.
    pub tenant_id: TenantId,
    /// What to check and how to judge it.
    pub spec: HttpMonitorSpec,
    /// Incremented on every change of `spec`; guards concurrent edits.
    pub revision: u64,
    /// When it was created.
    pub created_at: Timestamp,
    /// When `spec` last changed.
    pub updated_at: Timestamp,
}

/// A monitor as stored: the monitor, its health, and when its next check is due (`None` while
/// paused).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonitorRecord {
    /// The monitor.
    pub monitor: HttpMonitor,
    /// Its current health.
    pub health: MonitorHealth,
    /// The planned time of its next scheduled check; `None` while paused.
    pub next_due_at: Option<Timestamp>,
}
