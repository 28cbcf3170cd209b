//! JSON views of incidents, channels, rules, windows and deliveries. Secrets appear only in the
//! answer to the creation of their channel.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::{Value, json};
use vigil_domain::incident::{AnyIncident, IncidentSubject, TimelineEntry};
use vigil_domain::notify::{AlertRule, Channel, ChannelConfig, Delivery, DeliveryAttempt, MaintenanceWindow};

/// An incident.
#[derive(Debug, Serialize)]
pub(crate) struct IncidentBody {
    id: String,
    status: &'static str,
    subject: Value,
    tags: Vec<String>,
    cause: vigil_domain::incident::IncidentCause,
    #[serde(skip_serializing_if = "Option::is_none")]
    artefact: Option<String>,
    opened_at: Timestamp,
    acknowledged: Option<Value>,
    resolved: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    downtime_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    silenced: Option<String>,
}

impl IncidentBody {
    pub(crate) fn new(incident: &AnyIncident) -> Self {
        let core = incident.core();
        let artefact = match (core.subject, core.cause.check_id) {
            (IncidentSubject::Monitor(monitor), Some(check)) => Some(format!("/v1/monitors/{monitor}/checks/{check}")),
            _ => None,
        };
        let resolution = incident.resolution();
        Self {
            id: core.id.to_string(),
            status: incident.status().as_str(),
            subject: json!({"kind": core.subject.kind(), "id": core.subject.uuid(), "name": core.subject_name, "url": core.subject_url}),
            tags: core.tags.iter().cloned().collect(),
            cause: core.cause.clone(),
            artefact,
            opened_at: core.opened_at,
            acknowledged: incident.acknowledgement().map(|a| json!({"by": a.by, "at": a.at})),
            resolved: resolution.map(|r| json!({"at": r.at, "by": r.by})),
            downtime_seconds: resolution.map(|r| r.at.duration_since(core.opened_at).as_secs()),
            silenced: core.silenced.clone(),
        }
    }
}

/// An incident with its timeline and deliveries.
#[derive(Debug, Serialize)]
pub(crate) struct IncidentDetailBody {
    #[serde(flatten)]
    incident: IncidentBody,
    timeline: Vec<TimelineEntry>,
    deliveries: Vec<DeliveryBody>,
}

impl IncidentDetailBody {
    pub(crate) fn new(detail: &vigil_app::incidents::IncidentDetail) -> Self {
        Self {
            incident: IncidentBody::new(&detail.incident),
            timeline: detail.timeline.clone(),
            deliveries: detail.deliveries.iter().map(|(d, attempts)| DeliveryBody::new(d, Some(attempts))).collect(),
        }
    }
}

/// A delivery, with its attempts when known.
#[derive(Debug, Serialize)]
pub(crate) struct DeliveryBody {
    id: String,
    incident_id: String,
    channel_id: String,
    notification: vigil_domain::notify::NotificationKind,
    status: &'static str,
    attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_status_code: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_error: Option<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<Vec<DeliveryAttempt>>,
}

impl DeliveryBody {
    pub(crate) fn new(delivery: &Delivery, attempts: Option<&Vec<DeliveryAttempt>>) -> Self {
        Self {
            id: delivery.id.to_string(),
            incident_id: delivery.incident_id.to_string(),
            channel_id: delivery.channel_id.to_string(),
            notification: delivery.notification.kind,
            status: delivery.status.as_str(),
            attempts: delivery.attempts,
            next_attempt_at: delivery.next_attempt_at,
            last_status_code: delivery.last_status_code,
            last_error: delivery.last_error.clone(),
            created_at: delivery.created_at,
            updated_at: delivery.updated_at,
            log: attempts.cloned(),
        }
    }
}

/// A channel, secrets masked; on creation a webhook's signing secret is shown once.
pub(crate) fn channel_body(channel: &Channel, reveal_secret: bool) -> Value {
    let mut body = json!({
        "id": channel.id,
        "name": channel.name,
        "created_at": channel.created_at,
    });
    if let Value::Object(config) = channel.config.redacted() {
        body.as_object_mut().expect("an object").extend(config);
    }
    if reveal_secret && let ChannelConfig::Webhook { secret, .. } = &channel.config {
        body["secret"] = Value::String(secret.expose());
    }
    body
}

/// An alert rule.
pub(crate) fn rule_body(rule: &AlertRule) -> Value {
    json!({
        "id": rule.id,
        "name": rule.name,
        "select": rule.select,
        "channels": rule.channels,
        "notify_on": rule.notify_on,
        "escalation": rule.escalation,
        "repeat_every_seconds": rule.repeat_every_seconds,
        "created_at": rule.created_at,
    })
}

/// A maintenance window.
pub(crate) fn window_body(window: &MaintenanceWindow, active: bool) -> Value {
    json!({
        "id": window.id,
        "name": window.name,
        "select": window.select,
        "schedule": window.schedule,
        "active": active,
        "created_at": window.created_at,
    })
}
