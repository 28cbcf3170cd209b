//! What subscribers are sent: the confirmation of an email subscription, and the updates of
//! public incidents, in the subscriber's language, each email with its one-click unsubscribe
//! link (RFC 8058), each webhook signed the Standard Webhooks way. The facts are frozen when the
//! message is planned, so that every retry says the same.

use super::component::ComponentStatus;
use super::health::Indicator;
use super::incident::PublicStatus;
use super::subscriber::SubscriberChannel;
use crate::accounts::Locale;
use crate::ids::{PublicIncidentId, PublicUpdateId, StatusPageId};
use crate::notify::OutboundMessage;
use crate::notify::signature::sign;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A component an update touches, as the message names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeComponent {
    /// Its name.
    pub name: String,
    /// Its state from this update on.
    pub status: ComponentStatus,
}

/// What a message is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoticeKind {
    /// The link that confirms an email subscription.
    Confirm {
        /// The link.
        link: String,
    },
    /// An update of a public incident.
    Update {
        /// The incident.
        incident_id: PublicIncidentId,
        /// The update.
        update_id: PublicUpdateId,
        /// The incident's title.
        name: String,
        /// Its status from this update on.
        status: PublicStatus,
        /// Its impact.
        impact: Indicator,
        /// What the update says.
        body: String,
        /// The components it touches.
        components: Vec<NoticeComponent>,
        /// Where the incident is read.
        url: String,
        /// When the update was posted.
        at: Timestamp,
        /// When the incident was posted.
        created_at: Timestamp,
    },
}

/// One message to one subscriber, as planned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriberNotice {
    /// What it says.
    pub kind: NoticeKind,
    /// The page.
    pub page_id: StatusPageId,
    /// The page's title.
    pub page_name: String,
    /// Where the page is read.
    pub page_url: String,
    /// The subscriber's language.
    pub locale: Locale,
    /// The subscriber's one-click unsubscribe link.
    pub unsubscribe_url: String,
}

/// A status in the reader's words.
pub fn status_words(status: PublicStatus, locale: Locale) -> &'static str {
    match (status, locale) {
        (PublicStatus::Investigating, Locale::En) => "Investigating",
        (PublicStatus::Identified, Locale::En) => "Identified",
        (PublicStatus::Monitoring, Locale::En) => "Monitoring",
        (PublicStatus::Resolved, Locale::En) => "Resolved",
        (PublicStatus::Investigating, Locale::Fr) => "Investigation en cours",
        (PublicStatus::Identified, Locale::Fr) => "Cause identifiée",
        (PublicStatus::Monitoring, Locale::Fr) => "Sous surveillance",
        (PublicStatus::Resolved, Locale::Fr) => "Résolu",
    }
}

/// A component state in the reader's words.
pub fn component_words(status: ComponentStatus, locale: Locale) -> &'static str {
    match (status, locale) {
        (ComponentStatus::Operational, Locale::En) => "operational",
        (ComponentStatus::UnderMaintenance, Locale::En) => "under maintenance",
        (ComponentStatus::DegradedPerformance, Locale::En) => "degraded performance",
        (ComponentStatus::PartialOutage, Locale::En) => "partial outage",
        (ComponentStatus::MajorOutage, Locale::En) => "major outage",
        (ComponentStatus::Operational, Locale::Fr) => "opérationnel",
        (ComponentStatus::UnderMaintenance, Locale::Fr) => "en maintenance",
        (ComponentStatus::DegradedPerformance, Locale::Fr) => "performances dégradées",
        (ComponentStatus::PartialOutage, Locale::Fr) => "panne partielle",
        (ComponentStatus::MajorOutage, Locale::Fr) => "panne majeure",
    }
}

impl SubscriberNotice {
    /// The subject line and plain text of the email.
    pub fn email(&self) -> (String, String) {
        let page = &self.page_name;
        let (subject, mut text) = match (&self.kind, self.locale) {
            (NoticeKind::Confirm { link }, Locale::En) => (
                format!("Confirm your subscription to {page}"),
                format!(
                    "Someone, hopefully you, asked for the status updates of {page} at this address.\n\nConfirm within 48 hours:\n{link}\n\nIf it was not you, ignore this mail: nothing more will be sent.\n"
                ),
            ),
            (NoticeKind::Confirm { link }, Locale::Fr) => (
                format!("Confirmez votre abonnement à {page}"),
                format!(
                    "Quelqu'un, vous sans doute, a demandé à recevoir les nouvelles de {page} à cette adresse.\n\nConfirmez sous 48 heures :\n{link}\n\nSi ce n'était pas vous, ignorez ce message : rien d'autre ne sera envoyé.\n"
                ),
            ),
            (NoticeKind::Update { name, status, body, components, url, at, .. }, locale) => {
                let words = status_words(*status, locale);
                let mut text = format!("{words}: {body}\n\n");
                if !components.is_empty() {
                    let list: Vec<String> =
                        components.iter().map(|c| format!("{} ({})", c.name, component_words(c.status, locale))).collect();
                    let label = if locale == Locale::Fr { "Composants touchés" } else { "Affected" };
                    let colon = if locale == Locale::Fr { " : " } else { ": " };
                    text.push_str(&format!("{label}{colon}{}\n\n", list.join(", ")));
                }
                let when = at.strftime("%Y-%m-%d %H:%M UTC");
                text.push_str(&match locale {
                    Locale::En => format!("Posted {when}. Follow the incident: {url}\n"),
                    Locale::Fr => format!("Publié le {when}. Suivre l'incident : {url}\n"),
                });
                (format!("[{page}] {name}: {words}"), text)
            }
        };
        text.push_str(&match self.locale {
            Locale::En => format!(
                "\n--\nYou receive this because you subscribed to {page} ({}).\nUnsubscribe: {}\n",
                self.page_url, self.unsubscribe_url
            ),
            Locale::Fr => format!(
                "\n--\nVous recevez ce message car vous êtes abonné à {page} ({}).\nSe désabonner : {}\n",
                self.page_url, self.unsubscribe_url
            ),
        });
        (subject, text)
    }

    /// The JSON a webhook subscriber receives.
    pub fn payload(&self, at: Timestamp) -> serde_json::Value {
        let page = json!({"id": self.page_id, "name": self.page_name, "url": self.page_url});
        match &self.kind {
            NoticeKind::Confirm { .. } => json!({"type": "status_page.subscription", "timestamp": at, "data": {"page": page}}),
            NoticeKind::Update { incident_id, update_id, name, status, impact, body, components, url, at: posted, created_at } => json!({
                "type": "status_page.incident_update",
                "timestamp": at,
                "data": {
                    "page": page,
                    "incident": {"id": incident_id, "name": name, "status": status, "impact": impact, "url": url, "created_at": created_at, "updated_at": posted},
                    "update": {
                        "id": update_id,
                        "status": status,
                        "body": body,
                        "created_at": posted,
                        "affected_components": components.iter().map(|c| json!({"name": c.name, "new_status": c.status})).collect::<Vec<_>>(),
                    },
                    "unsubscribe_url": self.unsubscribe_url,
                }
            }),
        }
    }

    /// The message for `channel`. `message_id` is the same on every retry of one delivery
    /// (webhook receivers deduplicate by it); `at` is when this attempt is made.
    pub fn render(&self, channel: &SubscriberChannel, message_id: &str, at: Timestamp) -> OutboundMessage {
        match channel {
            SubscriberChannel::Email { address } => {
                let (subject, text) = self.email();
                OutboundMessage::Email {
                    to: vec![address.to_string()],
                    subject,
                    text,
                    headers: vec![
                        ("List-Unsubscribe".into(), format!("<{}>", self.unsubscribe_url)),
                        ("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into()),
                    ],
                }
            }
            SubscriberChannel::Webhook { url, secret } => {
                let body = self.payload(at).to_string().into_bytes();
                let seconds = at.as_second();
                let headers = vec![
                    ("content-type".into(), "application/json".into()),
                    ("webhook-id".into(), message_id.to_owned()),
                    ("webhook-timestamp".into(), seconds.to_string()),
                    ("webhook-signature".into(), sign(secret, message_id, seconds, &body)),
                ];
                OutboundMessage::Http { url: url.to_string(), headers, body }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Email;
    use crate::notify::SigningSecret;
    use crate::notify::signature::verify;
    use uuid::Uuid;

    fn update(locale: Locale) -> SubscriberNotice {
        SubscriberNotice {
            kind: NoticeKind::Update {
                incident_id: PublicIncidentId::from_uuid(Uuid::from_u128(1)),
                update_id: PublicUpdateId::from_uuid(Uuid::from_u128(2)),
                name: "Slow logins".into(),
                status: PublicStatus::Identified,
                impact: Indicator::Major,
                body: "A database node is overloaded.".into(),
                components: vec![NoticeComponent { name: "Login".into(), status: ComponentStatus::PartialOutage }],
                url: "https://status.acme.test/incidents/1".into(),
                at: "2026-03-01T10:00:00Z".parse().unwrap(),
                created_at: "2026-03-01T09:40:00Z".parse().unwrap(),
            },
            page_id: StatusPageId::from_uuid(Uuid::from_u128(3)),
            page_name: "Acme".into(),
            page_url: "https://status.acme.test".into(),
            locale,
            unsubscribe_url: "https://status.acme.test/unsubscribe?s=1&t=abc".into(),
        }
    }

    #[test]
    fn emails_say_what_happened_in_the_readers_language_and_how_to_leave() {
        let to = SubscriberChannel::Email { address: Email::parse("ann@example.com").unwrap() };
        let at: Timestamp = "2026-03-01T10:00:01Z".parse().unwrap();
        let cases = [
            (
                Locale::En,
                "[Acme] Slow logins: Identified",
                ["Affected: Login (partial outage)", "Unsubscribe: https://status.acme.test/unsubscribe?s=1&t=abc"],
            ),
            (
                Locale::Fr,
                "[Acme] Slow logins: Cause identifiée",
                ["Composants touchés : Login (panne partielle)", "Se désabonner : https://status.acme.test/unsubscribe?s=1&t=abc"],
            ),
        ];
        for (locale, subject_want, needles) in cases {
            let OutboundMessage::Email { subject, text, headers, .. } = update(locale).render(&to, "m1", at) else { panic!() };
            assert_eq!(subject, subject_want);
            for needle in needles {
                assert!(text.contains(needle), "{needle} in {text}");
            }
            assert!(headers.contains(&("List-Unsubscribe".into(), "<https://status.acme.test/unsubscribe?s=1&t=abc>".into())));
            assert!(headers.contains(&("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into())));
        }
        let confirm = SubscriberNotice { kind: NoticeKind::Confirm { link: "https://x.test/confirm?t=1".into() }, ..update(Locale::Fr) };
        let (subject, text) = confirm.email();
        assert_eq!(subject, "Confirmez votre abonnement à Acme");
        assert!(text.contains("https://x.test/confirm?t=1") && text.contains("Se désabonner"));
    }

    #[test]
    fn webhooks_are_signed_the_standard_webhooks_way() {
        let secret = SigningSecret::from_random([4; 32]);
        let hook = SubscriberChannel::Webhook { url: "https://hooks.example.com/s".parse().unwrap(), secret: secret.clone() };
        let at: Timestamp = "2026-03-01T10:00:01Z".parse().unwrap();
        let OutboundMessage::Http { headers, body, url } = update(Locale::En).render(&hook, "dlv_1", at) else { panic!() };
        assert_eq!(url, "https://hooks.example.com/s");
        let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap();
        assert_eq!(header("webhook-id"), "dlv_1");
        let ts: i64 = header("webhook-timestamp").parse().unwrap();
        assert_eq!(verify(&secret, "dlv_1", ts, &body, &header("webhook-signature"), ts, 300), Ok(()));
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["type"], "status_page.incident_update");
        assert_eq!(json["data"]["update"]["affected_components"][0]["new_status"], "partial_outage");
        assert_eq!(json["data"]["incident"]["impact"], "major");
    }
}
