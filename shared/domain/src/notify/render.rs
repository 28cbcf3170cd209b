//! What goes on the wire for each kind of channel. Pure: the message id and the time of the
//! attempt come in as parameters, and signing happens here so that adapters only send bytes.

use super::channel::ChannelConfig;
use super::kind::NotificationKind;
use super::message::Notification;
use super::signature::sign;
use jiff::Timestamp;
use serde_json::{Value, json};
use url::Url;

/// What the renderer needs beyond the channel and the notification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderContext {
    /// PagerDuty's Events API v2 endpoint.
    pub pagerduty_events_url: Url,
}

impl Default for RenderContext {
    fn default() -> Self {
        Self { pagerduty_events_url: Url::parse("https://events.pagerduty.com/v2/enqueue").expect("a valid URL") }
    }
}

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutboundMessage {
    /// An HTTP POST.
    Http {
        /// Where.
        url: String,
        /// Headers (content type and, for signed webhooks, the signature).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// An email.
    Email {
        /// Recipients.
        to: Vec<String>,
        /// Subject line.
        subject: String,
        /// Plain text body.
        text: String,
        /// Headers beyond the ones every mail has (`List-Unsubscribe`…).
        headers: Vec<(String, String)>,
    },
    /// A text message.
    Sms {
        /// An E.164 number.
        to: String,
        /// The text.
        text: String,
    },
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn header((name, value): (&str, &str)) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

/// Discord embed colours: red while down, amber when acknowledged, green when resolved.
fn colour(kind: NotificationKind) -> u32 {
    match kind {
        NotificationKind::Acknowledged => 0xF5_A6_23,
        NotificationKind::Resolved => 0x2E_B8_6E,
        NotificationKind::Test => 0x4A_90_E2,
        _ => 0xD0_02_1B,
    }
}

/// The message for `channel` about `n`. `message_id` is the same on every retry of one
/// delivery (receivers deduplicate by it); `at` is when this attempt is made.
pub fn render(channel: &ChannelConfig, n: &Notification, message_id: &str, at: Timestamp, context: &RenderContext) -> OutboundMessage {
    let title = n.title();
    let post = |url: &str, body: Value, mut headers: Vec<(String, String)>| {
        headers.insert(0, header(JSON));
        OutboundMessage::Http { url: url.to_owned(), headers, body: body.to_string().into_bytes() }
    };
    match channel {
        ChannelConfig::Webhook { url, secret } => {
            let body = json!({
                "type": n.kind.event_type(),
                "timestamp": at,
                "data": {
                    "title": title,
                    "notification": n.kind,
                    "incident_id": n.incident_id,
                    "incident_url": n.incident_url,
                    "status": n.status,
                    "subject": {"kind": n.subject.kind(), "id": n.subject.uuid(), "name": n.subject_name, "url": n.subject_url},
                    "cause": n.cause,
                    "artefact_url": n.artefact_url,
                    "opened_at": n.opened_at,
                    "acknowledged_by": n.acknowledged_by,
                    "resolved_by": n.resolved_by,
                    "downtime_seconds": n.downtime_seconds,
                }
            })
            .to_string()
            .into_bytes();
            let seconds = at.as_second();
            let headers = vec![
                header(JSON),
                ("webhook-id".into(), message_id.to_owned()),
                ("webhook-timestamp".into(), seconds.to_string()),
                ("webhook-signature".into(), sign(secret, message_id, seconds, &body)),
            ];
            OutboundMessage::Http { url: url.to_string(), headers, body }
        }
        ChannelConfig::Slack { url } => {
            let fields: Vec<Value> =
                n.facts().into_iter().map(|(label, value)| json!({"type": "mrkdwn", "text": format!("*{label}*\n{value}")})).collect();
            let body = json!({
                "text": title,
                "blocks": [
                    {"type": "section", "text": {"type": "mrkdwn", "text": format!("*<{}|{}>*", n.incident_url, escape_slack(&title))}},
                    // Slack shows at most 10 fields in a section.
                    {"type": "section", "fields": fields.into_iter().take(10).collect::<Vec<_>>()},
                ]
            });
            post(&url.0, body, Vec::new())
        }
        ChannelConfig::Discord { url } => {
            let fields: Vec<Value> =
                n.facts().into_iter().map(|(label, value)| json!({"name": label, "value": value, "inline": value.len() < 40})).collect();
            let body = json!({
                // Names come from users: never let them ping @everyone.
                "allowed_mentions": {"parse": []},
                "embeds": [{"title": title, "url": n.incident_url, "color": colour(n.kind), "fields": fields, "timestamp": n.at}]
            });
            post(&url.0, body, Vec::new())
        }
        ChannelConfig::Teams { url } => {
            let facts: Vec<Value> = n.facts().into_iter().map(|(label, value)| json!({"title": label, "value": value})).collect();
            let body = json!({
                "type": "message",
                "attachments": [{
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "content": {
                        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                        "type": "AdaptiveCard",
                        "version": "1.4",
                        "body": [
                            {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": true, "text": title},
                            {"type": "FactSet", "facts": facts}
                        ],
                        "actions": [{"type": "Action.OpenUrl", "title": "Open the incident", "url": n.incident_url}]
                    }
                }]
            });
            post(&url.0, body, Vec::new())
        }
        ChannelConfig::Pagerduty { routing_key } => {
            // One dedup key per incident, so PagerDuty's acknowledge and resolve close what the
            // trigger opened; a test gets its own so it never touches a real incident.
            let dedup_key =
                if n.kind == NotificationKind::Test { format!("vigil-test-{message_id}") } else { format!("vigil-{}", n.incident_id) };
            let action = match n.kind {
                NotificationKind::Acknowledged => "acknowledge",
                NotificationKind::Resolved => "resolve",
                _ => "trigger",
            };
            let mut body = json!({"routing_key": routing_key.0, "event_action": action, "dedup_key": dedup_key});
            if action == "trigger" {
                let details: serde_json::Map<String, Value> =
                    n.facts().into_iter().map(|(label, value)| (label.to_owned(), Value::String(value))).collect();
                body["payload"] = json!({
                    "summary": cut(&title, 1024),
                    "source": n.subject_url.clone().unwrap_or_else(|| n.subject_name.clone()),
                    "severity": "critical",
                    "timestamp": n.opened_at,
                    "component": n.subject_name,
                    "custom_details": details,
                });
                // Optional fields are left out rather than sent as null.
                if let Some(class) = n.cause.failure_class {
                    body["payload"]["class"] = json!(class);
                }
                body["links"] = json!([{"href": n.incident_url, "text": "Vigil incident"}]);
                body["client"] = json!("Vigil");
                body["client_url"] = json!(n.incident_url);
            }
            post(context.pagerduty_events_url.as_str(), body, Vec::new())
        }
        ChannelConfig::Email { to } => OutboundMessage::Email { to: to.clone(), subject: title, text: n.text(), headers: Vec::new() },
        ChannelConfig::Sms { to } => {
            // One SMS segment of plain text holds 160 characters; long titles are cut.
            let mut text: String = title.chars().take(120).collect();
            text.push(' ');
            text.push_str(&n.incident_url);
            OutboundMessage::Sms { to: to.clone(), text }
        }
    }
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Slack's mrkdwn treats `&`, `<` and `>` as control characters.
fn escape_slack(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::{Resolution, ResolvedBy};
    use crate::notify::channel::{SecretText, SigningSecret};
    use crate::notify::message::tests::sample;
    use crate::notify::signature::verify;
    use jiff::SignedDuration;

    fn body(message: &OutboundMessage) -> (Value, &[(String, String)]) {
        match message {
            OutboundMessage::Http { body, headers, .. } => (serde_json::from_slice(body).unwrap(), headers),
            other => panic!("expected HTTP, got {other:?}"),
        }
    }

    fn header<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
        headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap()
    }

    #[test]
    fn every_channel_kind_renders_what_a_person_needs() {
        let base: Url = "https://vigil.example.com".parse().unwrap();
        let incident = sample();
        let opened = incident.core().opened_at;
        let down = Notification::of(&incident.clone().into(), NotificationKind::Opened, opened, &base);
        let at = opened + SignedDuration::from_secs(3);
        let context = RenderContext::default();
        let secret = SigningSecret::from_random([1; 32]);
        let url = |u: &str| SecretText(u.into());
        let cases: Vec<(ChannelConfig, &str)> = vec![
            (ChannelConfig::Webhook { url: "https://h.example/hook".parse().unwrap(), secret: secret.clone() }, "/data/title"),
            (ChannelConfig::Slack { url: url("https://hooks.slack.com/services/x") }, "/text"),
            (ChannelConfig::Discord { url: url("https://discord.com/api/webhooks/x") }, "/embeds/0/title"),
            (ChannelConfig::Teams { url: url("https://x.webhook.office.com/x") }, "/attachments/0/content/body/0/text"),
            (ChannelConfig::Pagerduty { routing_key: url("R0123456789abcdef0123456789abcdef") }, "/payload/summary"),
        ];
        for (channel, title_at) in cases {
            let message = render(&channel, &down, "msg_1", at, &context);
            let (json, _) = body(&message);
            assert_eq!(json.pointer(title_at).and_then(Value::as_str), Some("[DOWN] API health is down"), "{:?}", channel.kind());
            assert!(json.to_string().contains("/v1/incidents/"), "{:?} links the incident", channel.kind());
        }

        let webhook = ChannelConfig::Webhook { url: "https://h.example/hook".parse().unwrap(), secret: secret.clone() };
        let message = render(&webhook, &down, "msg_1", at, &context);
        let OutboundMessage::Http { body: raw, headers, .. } = &message else { panic!() };
        assert_eq!(header(headers, "webhook-id"), "msg_1");
        let ts: i64 = header(headers, "webhook-timestamp").parse().unwrap();
        assert_eq!(ts, at.as_second());
        assert_eq!(verify(&secret, "msg_1", ts, raw, header(headers, "webhook-signature"), ts, 300), Ok(()));
        let (json, _) = body(&message);
        assert_eq!(json["type"], "incident.opened");
        assert_eq!(json["data"]["cause"]["status_code"], 503);
        assert_eq!(json["data"]["subject"]["url"], "https://api.example.com/health");

        let pd = ChannelConfig::Pagerduty { routing_key: url("R0123456789abcdef0123456789abcdef") };
        let (trigger, _) = body(&render(&pd, &down, "m", at, &context));
        let later = opened + SignedDuration::from_secs(600);
        let resolved = incident.resolve(Resolution { at: later, by: ResolvedBy::Recovery });
        let up = Notification::of(&resolved.into(), NotificationKind::Resolved, later, &base);
        let (resolve, _) = body(&render(&pd, &up, "m2", later, &context));
        assert_eq!(trigger["event_action"], "trigger");
        assert_eq!(resolve["event_action"], "resolve");
        assert_eq!(trigger["dedup_key"], resolve["dedup_key"], "PagerDuty closes what Vigil opened");
        assert!(resolve.get("payload").is_none());
        assert_eq!(trigger["payload"]["class"], "bad_status");
        assert_eq!(cut("abcdef", 4), "abc…");
        assert_eq!(cut("abc", 4), "abc");

        let OutboundMessage::Email { subject, text, .. } =
            render(&ChannelConfig::Email { to: vec!["a@b.c".into()] }, &up, "m", later, &context)
        else {
            panic!()
        };
        assert_eq!(subject, "[RESOLVED] API health is up again after 10 min 0 s down");
        assert!(text.contains("Downtime: 10 min 0 s"));
        let OutboundMessage::Sms { text, .. } = render(&ChannelConfig::Sms { to: "+14155550100".into() }, &up, "m", later, &context) else {
            panic!()
        };
        assert!(text.len() <= 200 && text.contains("/v1/incidents/"), "{text}");
    }
}
