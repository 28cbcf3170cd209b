//! Incidents: one per outage of a monitor or heartbeat task, with a lifecycle enforced by the
//! type system ([`lifecycle`]) and an append-only [`timeline`].

pub mod lifecycle;
pub mod subject;
pub mod timeline;

pub use lifecycle::{
    Acknowledged, Acknowledgement, AnyIncident, Incident, IncidentCore, IncidentStatus, Ongoing, Open, Resolution, Resolved, ResolvedBy,
};
pub use subject::{IncidentCause, IncidentSubject};
pub use timeline::{TimelineEntry, TimelineEvent};
