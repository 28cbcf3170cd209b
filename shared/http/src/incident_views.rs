//! Incidents, channels, rules, windows and deliveries as the API shows them. Secrets appear
//! only in the answer to the creation of their channel.

use serde_json::Value;
use vigil_api::{Acknowledgement, Channel, Delivery, Incident, IncidentDetail, IncidentSubjectRef, Recipients, Resolution};
use vigil_domain::incident::{AnyIncident, IncidentSubject};
use vigil_domain::notify::{AlertRule, ChannelConfig, DeliveryAttempt, MaintenanceWindow};

/// An incident.
pub(crate) fn incident(incident: &AnyIncident) -> Incident {
    let core = incident.core();
    let artefact = match (core.subject, core.cause.check_id) {
        (IncidentSubject::Monitor(monitor), Some(check)) => Some(format!("/v1/monitors/{monitor}/checks/{check}")),
        _ => None,
    };
    let resolution = incident.resolution();
    Incident {
        id: core.id,
        status: incident.status(),
        subject: IncidentSubjectRef {
            kind: core.subject.kind().to_owned(),
            id: core.subject.uuid().to_string(),
            name: core.subject_name.clone(),
            url: core.subject_url.clone(),
        },
        tags: core.tags.iter().cloned().collect(),
        cause: core.cause.clone(),
        artefact,
        opened_at: core.opened_at,
        acknowledged: incident.acknowledgement().map(|a| Acknowledgement { by: a.by.clone(), at: a.at }),
        resolved: resolution.map(|r| Resolution { at: r.at, by: r.by.clone() }),
        downtime_seconds: resolution.map(|r| r.at.duration_since(core.opened_at).as_secs()),
        silenced: core.silenced.clone(),
    }
}

/// An incident with its timeline and deliveries.
pub(crate) fn incident_detail(detail: &vigil_app::incidents::IncidentDetail) -> IncidentDetail {
    IncidentDetail {
        incident: incident(&detail.incident),
        timeline: detail.timeline.clone(),
        deliveries: detail.deliveries.iter().filter_map(|(d, attempts)| delivery(d, Some(attempts))).collect(),
    }
}

/// A delivery to a channel, with its attempts when known; `None` for one to a status page's
/// subscriber, which the incident wire type cannot describe.
pub(crate) fn delivery(delivery: &vigil_domain::notify::Delivery, attempts: Option<&Vec<DeliveryAttempt>>) -> Option<Delivery> {
    let message = delivery.channel_message()?;
    Some(Delivery {
        id: delivery.id,
        incident_id: message.incident_id,
        channel_id: message.channel_id,
        notification: message.notification.kind,
        status: delivery.status,
        attempts: delivery.attempts,
        next_attempt_at: delivery.next_attempt_at,
        last_status_code: delivery.last_status_code,
        last_error: delivery.last_error.clone(),
        created_at: delivery.created_at,
        updated_at: delivery.updated_at,
        log: attempts.cloned(),
    })
}

/// A channel, secrets masked; on creation a webhook's signing secret is shown once.
pub(crate) fn channel(channel: &vigil_domain::notify::Channel, reveal_secret: bool) -> Channel {
    let shown = channel.config.redacted();
    let text = |name: &str| shown.get(name).and_then(Value::as_str).map(str::to_owned);
    let secret = match &channel.config {
        ChannelConfig::Webhook { secret, .. } if reveal_secret => Some(secret.expose()),
        _ => text("secret"),
    };
    Channel {
        id: channel.id,
        name: channel.name.clone(),
        kind: channel.config.kind(),
        url: text("url"),
        secret,
        routing_key: text("routing_key"),
        to: match shown.get("to") {
            Some(Value::String(one)) => Some(Recipients::One(one.clone())),
            Some(Value::Array(many)) => Some(Recipients::Many(many.iter().filter_map(Value::as_str).map(str::to_owned).collect())),
            _ => None,
        },
        secret_fingerprint: channel.config.secret_fingerprint(),
        managed: channel.managed.clone(),
        created_at: channel.created_at,
    }
}

/// An alert rule.
pub(crate) fn rule(rule: &AlertRule) -> vigil_api::AlertRule {
    vigil_api::AlertRule {
        id: rule.id,
        name: rule.name.clone(),
        select: rule.select.clone(),
        channels: rule.channels.clone(),
        notify_on: rule.notify_on,
        escalation: rule.escalation.clone(),
        repeat_every_seconds: rule.repeat_every_seconds,
        managed: rule.managed.clone(),
        created_at: rule.created_at,
    }
}

/// A maintenance window.
pub(crate) fn window(window: &MaintenanceWindow, active: bool) -> vigil_api::MaintenanceWindow {
    vigil_api::MaintenanceWindow {
        id: window.id,
        name: window.name.clone(),
        select: window.select.clone(),
        schedule: window.schedule.clone(),
        active,
        managed: window.managed.clone(),
        public: window.public.clone(),
        created_at: window.created_at,
    }
}
