//! What a notification says, whatever the channel: the facts a person needs to act (what is
//! down, what failed, since when, where to look) and, on resolution, how long it lasted.

use super::kind::NotificationKind;
use crate::ids::IncidentId;
use crate::incident::{AnyIncident, IncidentCause, IncidentStatus, IncidentSubject};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use url::Url;

/// The facts of one notification, frozen when it is planned so that every retry says the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// About which moment.
    pub kind: NotificationKind,
    /// The incident.
    pub incident_id: IncidentId,
    /// Where people read the incident.
    pub incident_url: String,
    /// The incident's status after the transition.
    pub status: IncidentStatus,
    /// What is down.
    pub subject: IncidentSubject,
    /// Its name.
    pub subject_name: String,
    /// The monitor's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_url: Option<String>,
    /// What failed.
    pub cause: IncidentCause,
    /// The kept failing response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artefact_url: Option<String>,
    /// Down since.
    pub opened_at: Timestamp,
    /// When the transition happened.
    pub at: Timestamp,
    /// Who acknowledged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_by: Option<String>,
    /// How it was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
    /// How long it was down (resolution only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtime_seconds: Option<i64>,
}

/// `base` joined with `path` (the base may carry a path prefix of its own).
fn link(base: &Url, path: &str) -> String {
    format!("{}{path}", base.as_str().trim_end_matches('/'))
}

/// A duration for people: `45 s`, `12 min 5 s`, `3 h 20 min`, `2 d 4 h`.
pub fn human_duration(duration: SignedDuration) -> String {
    let s = duration.as_secs().max(0);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        3600..86_400 => format!("{} h {} min", s / 3600, s % 3600 / 60),
        _ => format!("{} d {} h", s / 86_400, s % 86_400 / 3600),
    }
}

impl Notification {
    /// The notification of `kind` about `incident` at `at`; links start with `base`, the public
    /// address of the API.
    pub fn of(incident: &AnyIncident, kind: NotificationKind, at: Timestamp, base: &Url) -> Self {
        let core = incident.core();
        let artefact_url = match (core.subject, core.cause.check_id) {
            (IncidentSubject::Monitor(monitor), Some(check)) => Some(link(base, &format!("/v1/monitors/{monitor}/checks/{check}"))),
            _ => None,
        };
        let resolution = incident.resolution();
        Self {
            kind,
            incident_id: core.id,
            incident_url: link(base, &format!("/v1/incidents/{}", core.id)),
            status: incident.status(),
            subject: core.subject,
            subject_name: core.subject_name.clone(),
            subject_url: core.subject_url.clone(),
            cause: core.cause.clone(),
            artefact_url,
            opened_at: core.opened_at,
            at,
            acknowledged_by: incident.acknowledgement().map(|a| a.by.clone()),
            resolved_by: resolution.map(|r| r.by.to_string()),
            downtime_seconds: resolution.map(|r| r.at.duration_since(core.opened_at).as_secs()),
        }
    }

    /// A test message for the channel named `channel_name`: the shape of a real one, with a nil
    /// incident id.
    pub fn test(channel_name: &str, at: Timestamp, base: &Url) -> Self {
        Self {
            kind: NotificationKind::Test,
            incident_id: IncidentId::from_uuid(uuid::Uuid::nil()),
            incident_url: link(base, "/v1/incidents"),
            status: IncidentStatus::Open,
            subject: IncidentSubject::Monitor(crate::ids::MonitorId::from_uuid(uuid::Uuid::nil())),
            subject_name: channel_name.to_owned(),
            subject_url: None,
            cause: IncidentCause::described("This is a test message from Vigil: if you can read it, the channel works."),
            artefact_url: None,
            opened_at: at,
            at,
            acknowledged_by: None,
            resolved_by: None,
            downtime_seconds: None,
        }
    }

    /// One line saying what happened.
    pub fn title(&self) -> String {
        let name = &self.subject_name;
        let down_for = human_duration(self.at.duration_since(self.opened_at));
        match self.kind {
            NotificationKind::Opened => format!("[DOWN] {name} is down"),
            NotificationKind::Escalated { step } => {
                format!("[DOWN, escalation step {step}] {name} is down and unacknowledged for {down_for}")
            }
            NotificationKind::Reminder { .. } => format!("[STILL DOWN] {name} has been down for {down_for}"),
            NotificationKind::Acknowledged => {
                format!("[ACKNOWLEDGED] {name}: {} is on it", self.acknowledged_by.as_deref().unwrap_or("someone"))
            }
            NotificationKind::Resolved => {
                let downtime = human_duration(SignedDuration::from_secs(self.downtime_seconds.unwrap_or_default()));
                match self.resolved_by.as_deref() {
                    Some("recovery") | None => format!("[RESOLVED] {name} is up again after {downtime} down"),
                    Some(by) => format!("[RESOLVED] {name}: resolved by {by} after {downtime}"),
                }
            }
            NotificationKind::Test => format!("[TEST] {name}: a test message from Vigil"),
        }
    }

    /// The facts, as (label, value) pairs in reading order.
    pub fn facts(&self) -> Vec<(&'static str, String)> {
        let label = match self.subject {
            IncidentSubject::Monitor(_) => "Monitor",
            IncidentSubject::Task(_) => "Task",
            IncidentSubject::Host(_) => "Host",
        };
        let mut facts = vec![(label, self.subject_name.clone())];
        if let Some(url) = &self.subject_url {
            facts.push(("URL", url.clone()));
        }
        facts.push(("What failed", self.cause.summary.clone()));
        if let Some(code) = self.cause.status_code {
            facts.push(("Status code", code.to_string()));
        }
        if let Some(assertion) = &self.cause.assertion {
            facts.push(("Assertion", assertion.clone()));
        }
        facts.push(("Down since", self.opened_at.to_string()));
        if let Some(seconds) = self.downtime_seconds {
            facts.push(("Downtime", human_duration(SignedDuration::from_secs(seconds))));
        }
        if let Some(by) = &self.acknowledged_by {
            facts.push(("Acknowledged by", by.clone()));
        }
        facts.push(("Incident", self.incident_url.clone()));
        if let Some(url) = &self.artefact_url {
            facts.push(("Failing response", url.clone()));
        }
        facts
    }

    /// The title and the facts as plain text (email, SMS).
    pub fn text(&self) -> String {
        let mut text = self.title();
        text.push_str("\n\n");
        for (label, value) in self.facts() {
            text.push_str(&format!("{label}: {value}\n"));
        }
        text
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::check::{CheckFailure, CheckOutcome, FailureClass};
    use crate::ids::{CheckId, MonitorId, TenantId};
    use crate::incident::{Incident, IncidentCore, Resolution, ResolvedBy};
    use uuid::Uuid;

    pub(crate) fn sample() -> Incident<crate::incident::Open> {
        let monitor = MonitorId::from_uuid(Uuid::from_u128(0x0199_0000_0000_7000_8000_0000_0000_0001));
        let at: Timestamp = "2026-03-01T10:00:00Z".parse().unwrap();
        let check = CheckId::for_planned_check(monitor, at.as_millisecond());
        let outcome = CheckOutcome::Down {
            failure: CheckFailure {
                class: FailureClass::BadStatus,
                message: "status 503 is not one of the expected 2xx".into(),
                assertion: None,
            },
        };
        Incident::open(IncidentCore {
            id: IncidentId::for_opening(monitor.as_uuid(), at.as_millisecond()),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            subject: IncidentSubject::Monitor(monitor),
            subject_name: "API health".into(),
            subject_url: Some("https://api.example.com/health".into()),
            tags: Default::default(),
            cause: IncidentCause::of_check(check, Some(at), &outcome, Some(503)),
            opened_at: at,
            silenced: None,
        })
    }

    #[test]
    fn durations_for_people() {
        let cases = [(0, "0 s"), (59, "59 s"), (61, "1 min 1 s"), (3_600, "1 h 0 min"), (7_530, "2 h 5 min"), (90_000, "1 d 1 h")];
        for (seconds, text) in cases {
            assert_eq!(human_duration(SignedDuration::from_secs(seconds)), text);
        }
    }

    #[test]
    fn messages_say_what_failed_since_when_and_for_how_long() {
        let base: Url = "https://vigil.example.com/".parse().unwrap();
        let open = sample();
        let opened_at = open.core().opened_at;
        let n = Notification::of(&open.clone().into(), NotificationKind::Opened, opened_at, &base);
        assert_eq!(n.title(), "[DOWN] API health is down");
        let text = n.text();
        for needle in [
            "https://api.example.com/health",
            "status 503",
            "Status code: 503",
            "Down since: 2026-03-01T10:00:00Z",
            "https://vigil.example.com/v1/incidents/",
        ] {
            assert!(text.contains(needle), "{needle} in {text}");
        }
        assert!(n.artefact_url.as_deref().unwrap().contains("/checks/"));

        let later = opened_at + SignedDuration::from_secs(754);
        let resolved = open.resolve(Resolution { at: later, by: ResolvedBy::Recovery });
        let n = Notification::of(&resolved.into(), NotificationKind::Resolved, later, &base);
        assert_eq!(n.title(), "[RESOLVED] API health is up again after 12 min 34 s down");
        assert_eq!(n.downtime_seconds, Some(754));
        assert!(n.text().contains("Downtime: 12 min 34 s"));
    }
}
