//! The incident lifecycle as typestate: `Incident<Open>` can be acknowledged or resolved,
//! `Incident<Acknowledged>` can be resolved, `Incident<Resolved>` can do nothing. A transition
//! consumes the incident, so a resolved incident cannot be acknowledged afterwards. The legal
//! paths compile:
//!
//! ```
//! use vigil_domain::incident::{Incident, Open, Resolution, ResolvedBy};
//! fn handle(incident: Incident<Open>) {
//!     let acknowledged = incident.acknowledge("ann".into(), jiff::Timestamp::UNIX_EPOCH);
//!     let _resolved = acknowledged.resolve(Resolution { at: jiff::Timestamp::UNIX_EPOCH, by: ResolvedBy::Recovery });
//! }
//! ```
//!
//! and the illegal ones do not:
//!
//! ```compile_fail
//! use vigil_domain::incident::Incident;
//! fn reopen(incident: Incident<vigil_domain::incident::Resolved>) {
//!     let _ = incident.acknowledge("ann".into(), jiff::Timestamp::UNIX_EPOCH);
//! }
//! ```
//!
//! ```compile_fail
//! use vigil_domain::incident::{Incident, Acknowledged};
//! fn ack_twice(incident: Incident<Acknowledged>) {
//!     let _ = incident.acknowledge("bob".into(), jiff::Timestamp::UNIX_EPOCH);
//! }
//! ```
//!
//! [`AnyIncident`] holds an incident in any state; it exists for storage and listings only.

use super::subject::{IncidentCause, IncidentSubject};
use crate::ids::{IncidentId, TenantId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// What every incident has, whatever its state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentCore {
    /// Identity (derived from the subject and the opening time).
    pub id: IncidentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The monitor or task that is down.
    pub subject: IncidentSubject,
    /// The subject's name when the incident opened.
    pub subject_name: String,
    /// The monitor's URL, for monitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_url: Option<String>,
    /// The subject's tags when the incident opened (alert rules and maintenance windows match
    /// them).
    #[serde(default)]
    pub tags: BTreeSet<String>,
    /// Why it opened.
    pub cause: IncidentCause,
    /// When the subject went down.
    pub opened_at: Timestamp,
    /// Why nobody is notified about this incident (a maintenance window, a mute), decided when
    /// it opened; `None` when it notifies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silenced: Option<String>,
}

/// The state of an incident nobody has acknowledged yet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Open {}

/// Who acknowledged an incident, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// A person or key, as given.
    pub by: String,
    /// When.
    pub at: Timestamp,
}

/// The state of an incident someone is handling.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledged {
    /// Who took it, and when.
    pub acknowledged: Acknowledgement,
}

/// How an incident ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResolvedBy {
    /// The subject came back up.
    Recovery,
    /// The subject was paused, so nobody watches it any more.
    SubjectPaused,
    /// The subject was deleted.
    SubjectDeleted,
    /// Someone resolved it by hand.
    Person {
        /// Who.
        name: String,
        /// Why, if they said.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
}

impl fmt::Display for ResolvedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolvedBy::Recovery => f.write_str("recovery"),
            ResolvedBy::SubjectPaused => f.write_str("pausing its subject"),
            ResolvedBy::SubjectDeleted => f.write_str("deleting its subject"),
            ResolvedBy::Person { name, .. } => f.write_str(name),
        }
    }
}

/// When and how an incident ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// When.
    pub at: Timestamp,
    /// How.
    pub by: ResolvedBy,
}

/// The state of an incident that is over.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolved {
    /// The acknowledgement, if it had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged: Option<Acknowledgement>,
    /// The end.
    pub resolved: Resolution,
}

/// An incident in state `S`. Its fields are private so that an incident in a given state can only
/// come from [`Incident::open`] and the transitions (or from storage, where they wrote it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incident<S> {
    #[serde(flatten)]
    core: IncidentCore,
    #[serde(flatten)]
    state: S,
}

impl<S> Incident<S> {
    /// What every state has.
    pub fn core(&self) -> &IncidentCore {
        &self.core
    }

    /// What this state adds.
    pub fn state(&self) -> &S {
        &self.state
    }
}

impl Incident<Open> {
    /// A new incident.
    pub fn open(core: IncidentCore) -> Self {
        Self { core, state: Open {} }
    }

    /// Someone takes the incident.
    pub fn acknowledge(self, by: String, at: Timestamp) -> Incident<Acknowledged> {
        Incident { core: self.core, state: Acknowledged { acknowledged: Acknowledgement { by, at } } }
    }

    /// The incident ends before anyone took it.
    pub fn resolve(self, resolved: Resolution) -> Incident<Resolved> {
        Incident { core: self.core, state: Resolved { acknowledged: None, resolved } }
    }
}

impl Incident<Acknowledged> {
    /// The incident ends.
    pub fn resolve(self, resolved: Resolution) -> Incident<Resolved> {
        Incident { core: self.core, state: Resolved { acknowledged: Some(self.state.acknowledged), resolved } }
    }
}

impl Incident<Resolved> {
    /// How long the subject was down.
    pub fn downtime(&self) -> SignedDuration {
        self.state.resolved.at.duration_since(self.core.opened_at)
    }
}

/// The three states, as stored and filtered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    /// Nobody took it yet.
    Open,
    /// Someone took it.
    Acknowledged,
    /// Over.
    Resolved,
}

impl IncidentStatus {
    /// Every status.
    pub const ALL: [IncidentStatus; 3] = [IncidentStatus::Open, IncidentStatus::Acknowledged, IncidentStatus::Resolved];

    /// The wire and storage name.
    pub const fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Acknowledged => "acknowledged",
            IncidentStatus::Resolved => "resolved",
        }
    }

    /// Parses the wire and storage name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == s)
    }

    /// Whether the incident is still going on (holds its subject's one ongoing slot).
    pub const fn is_ongoing(self) -> bool {
        !matches!(self, IncidentStatus::Resolved)
    }
}

impl fmt::Display for IncidentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incident that is still going on: open or acknowledged. What a subject's one ongoing slot
/// holds; it can always be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ongoing {
    /// Nobody took it yet.
    Open(Incident<Open>),
    /// Someone took it.
    Acknowledged(Incident<Acknowledged>),
}

impl Ongoing {
    /// What every state has.
    pub fn core(&self) -> &IncidentCore {
        match self {
            Ongoing::Open(i) => &i.core,
            Ongoing::Acknowledged(i) => &i.core,
        }
    }

    /// The state.
    pub fn status(&self) -> IncidentStatus {
        match self {
            Ongoing::Open(_) => IncidentStatus::Open,
            Ongoing::Acknowledged(_) => IncidentStatus::Acknowledged,
        }
    }

    /// Ends the incident, whichever of the two states it is in.
    pub fn resolve(self, resolved: Resolution) -> Incident<Resolved> {
        match self {
            Ongoing::Open(i) => i.resolve(resolved),
            Ongoing::Acknowledged(i) => i.resolve(resolved),
        }
    }
}

impl From<Incident<Open>> for Ongoing {
    fn from(incident: Incident<Open>) -> Self {
        Ongoing::Open(incident)
    }
}

impl From<Incident<Acknowledged>> for Ongoing {
    fn from(incident: Incident<Acknowledged>) -> Self {
        Ongoing::Acknowledged(incident)
    }
}

impl From<Ongoing> for AnyIncident {
    fn from(incident: Ongoing) -> Self {
        match incident {
            Ongoing::Open(i) => AnyIncident::Open(i),
            Ongoing::Acknowledged(i) => AnyIncident::Acknowledged(i),
        }
    }
}

/// An incident in whichever state it is; only for storage and listings, where the state is
/// not known at compile time. Match on it to get a typed incident back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AnyIncident {
    /// Open.
    Open(Incident<Open>),
    /// Acknowledged.
    Acknowledged(Incident<Acknowledged>),
    /// Resolved.
    Resolved(Incident<Resolved>),
}

impl AnyIncident {
    /// What every state has.
    pub fn core(&self) -> &IncidentCore {
        match self {
            AnyIncident::Open(i) => &i.core,
            AnyIncident::Acknowledged(i) => &i.core,
            AnyIncident::Resolved(i) => &i.core,
        }
    }

    /// The state.
    pub fn status(&self) -> IncidentStatus {
        match self {
            AnyIncident::Open(_) => IncidentStatus::Open,
            AnyIncident::Acknowledged(_) => IncidentStatus::Acknowledged,
            AnyIncident::Resolved(_) => IncidentStatus::Resolved,
        }
    }

    /// The acknowledgement, if any.
    pub fn acknowledgement(&self) -> Option<&Acknowledgement> {
        match self {
            AnyIncident::Open(_) => None,
            AnyIncident::Acknowledged(i) => Some(&i.state.acknowledged),
            AnyIncident::Resolved(i) => i.state.acknowledged.as_ref(),
        }
    }

    /// The resolution, if resolved.
    pub fn resolution(&self) -> Option<&Resolution> {
        match self {
            AnyIncident::Resolved(i) => Some(&i.state.resolved),
            _ => None,
        }
    }

    /// The incident if it is still going on; `None` if it is resolved.
    pub fn ongoing(self) -> Option<Ongoing> {
        match self {
            AnyIncident::Open(i) => Some(Ongoing::Open(i)),
            AnyIncident::Acknowledged(i) => Some(Ongoing::Acknowledged(i)),
            AnyIncident::Resolved(_) => None,
        }
    }
}

impl From<Incident<Open>> for AnyIncident {
    fn from(incident: Incident<Open>) -> Self {
        AnyIncident::Open(incident)
    }
}

impl From<Incident<Acknowledged>> for AnyIncident {
    fn from(incident: Incident<Acknowledged>) -> Self {
        AnyIncident::Acknowledged(incident)
    }
}

impl From<Incident<Resolved>> for AnyIncident {
    fn from(incident: Incident<Resolved>) -> Self {
        AnyIncident::Resolved(incident)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MonitorId;
    use uuid::Uuid;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn opened() -> Incident<Open> {
        let monitor = MonitorId::from_uuid(Uuid::from_u128(7));
        Incident::open(IncidentCore {
            id: IncidentId::for_opening(monitor.as_uuid(), t(0).as_millisecond()),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            subject: IncidentSubject::Monitor(monitor),
            subject_name: "api".into(),
            subject_url: Some("https://api.example.com/health".into()),
            tags: BTreeSet::new(),
            cause: IncidentCause::described("status 503"),
            opened_at: t(0),
            silenced: None,
        })
    }

    /// Every legal path, as (name, steps, final status, acknowledged by, downtime seconds).
    #[test]
    fn transition_table() {
        type Path = fn(Incident<Open>) -> AnyIncident;
        type Case = (&'static str, Path, IncidentStatus, Option<&'static str>, Option<i64>);
        let cases: Vec<Case> = vec![
            ("open stays open", |i| i.into(), IncidentStatus::Open, None, None),
            ("open -> acknowledged", |i| i.acknowledge("ann".into(), t(60)).into(), IncidentStatus::Acknowledged, Some("ann"), None),
            (
                "open -> resolved",
                |i| i.resolve(Resolution { at: t(300), by: ResolvedBy::Recovery }).into(),
                IncidentStatus::Resolved,
                None,
                Some(300),
            ),
            (
                "open -> acknowledged -> resolved",
                |i| {
                    i.acknowledge("bob".into(), t(60))
                        .resolve(Resolution { at: t(900), by: ResolvedBy::Person { name: "bob".into(), note: None } })
                        .into()
                },
                IncidentStatus::Resolved,
                Some("bob"),
                Some(900),
            ),
        ];
        for (name, path, status, acked_by, downtime) in cases {
            let incident = path(opened());
            assert_eq!(incident.status(), status, "{name}");
            assert_eq!(incident.acknowledgement().map(|a| a.by.as_str()), acked_by, "{name}");
            let resolved = match &incident {
                AnyIncident::Resolved(i) => Some(i.downtime().as_secs()),
                _ => None,
            };
            assert_eq!(resolved, downtime, "{name}");
            assert_eq!(incident.status().is_ongoing(), status != IncidentStatus::Resolved, "{name}");
            let stored = serde_json::to_string(&incident).unwrap();
            assert_eq!(serde_json::from_str::<AnyIncident>(&stored).unwrap(), incident, "{name} round-trips through storage");
        }
    }

    #[test]
    fn a_resolved_incident_resolves_no_more() {
        let done: AnyIncident = opened().resolve(Resolution { at: t(5), by: ResolvedBy::Recovery }).into();
        assert!(done.ongoing().is_none(), "a resolved incident is not ongoing, so it cannot be resolved again");
        let acked: AnyIncident = opened().acknowledge("ann".into(), t(1)).into();
        let ongoing = acked.ongoing().unwrap();
        assert_eq!(ongoing.status(), IncidentStatus::Acknowledged);
        let resolved = ongoing.resolve(Resolution { at: t(9), by: ResolvedBy::SubjectPaused });
        assert_eq!(resolved.state.acknowledged.unwrap().by, "ann", "the acknowledgement is kept");
    }

    #[test]
    fn statuses_parse_their_names() {
        for status in IncidentStatus::ALL {
            assert_eq!(IncidentStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(IncidentStatus::parse("closed"), None);
    }
}
