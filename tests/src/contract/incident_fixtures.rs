//! Values the incident and notification suites build on.

use super::fixtures::{monitor_id, t0};
use jiff::Timestamp;
use std::collections::BTreeSet;
use uuid::Uuid;
use vigil_domain::ids::{AlertRuleId, ChannelId, DeliveryId, IncidentId, TenantId, TimelineEntryId};
use vigil_domain::incident::{AnyIncident, Incident, IncidentCause, IncidentCore, IncidentSubject, Open, TimelineEntry, TimelineEvent};
use vigil_domain::notify::{Delivery, Notification, NotificationKind, Timer, TimerKind};

/// A monitor subject with a fresh id.
pub fn monitor_subject() -> IncidentSubject {
    IncidentSubject::Monitor(monitor_id())
}

/// An open incident of `subject` opened at `at`.
pub fn open_incident(tenant: TenantId, subject: IncidentSubject, at: Timestamp) -> Incident<Open> {
    Incident::open(IncidentCore {
        id: IncidentId::for_opening(subject.uuid(), at.as_millisecond()),
        tenant_id: tenant,
        subject,
        subject_name: "api".into(),
        subject_url: Some("https://api.example.com/health".into()),
        tags: BTreeSet::from(["prod".to_owned()]),
        cause: IncidentCause::described("status 503 is not one of the expected 2xx"),
        opened_at: at,
        silenced: None,
    })
}

/// A timeline entry of `incident` at `at`.
pub fn entry(incident: IncidentId, at: Timestamp, text: &str) -> TimelineEntry {
    TimelineEntry {
        id: TimelineEntryId::from_uuid(Uuid::now_v7()),
        incident_id: incident,
        at,
        event: TimelineEvent::Commented { by: "ann".into(), text: text.into() },
    }
}

/// A pending delivery of `kind` about `incident` to `channel`, due at `due`.
pub fn delivery(incident: &Incident<Open>, channel: ChannelId, kind: NotificationKind, due: Timestamp) -> Delivery {
    let any: AnyIncident = incident.clone().into();
    let base = "http://127.0.0.1:8080".parse().expect("url");
    let notification = Notification::of(&any, kind, incident.core().opened_at, &base);
    let mut delivery = Delivery::planned(
        DeliveryId::from_uuid(Uuid::now_v7()),
        incident.core().tenant_id,
        channel,
        Some(AlertRuleId::from_uuid(Uuid::now_v7())),
        notification,
        t0(),
    );
    delivery.next_attempt_at = Some(due);
    delivery
}

/// A fresh channel id.
pub fn channel_id() -> ChannelId {
    ChannelId::from_uuid(Uuid::now_v7())
}

/// An escalation timer of `incident` due at `due`.
pub fn timer(tenant: TenantId, incident: IncidentId, rule: AlertRuleId, kind: TimerKind, due: Timestamp) -> Timer {
    Timer { tenant_id: tenant, incident_id: incident, rule_id: rule, kind, due_at: due }
}
