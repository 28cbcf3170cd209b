//! Notification channels: where messages go, and the secrets they need. Secrets never appear in
//! `Debug` output, and the API shows them masked after creation.

use super::{InvalidInput, Problems};
use crate::ids::{ChannelId, TenantId};
use crate::managed::Managed;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::Timestamp;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};
use std::fmt;
use url::Url;

/// The per-channel secret that signs webhook messages (Standard Webhooks): `whsec_` and the
/// base64 of the key bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSecret(Vec<u8>);

impl SigningSecret {
    /// Prefix of the text form.
    pub const PREFIX: &'static str = "whsec_";

    /// A secret of random bytes.
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self(bytes.to_vec())
    }

    /// Parses `whsec_<base64>`; the key must be 24 to 64 bytes, as the specification asks.
    pub fn parse(text: &str) -> Result<Self, String> {
        let encoded = text.strip_prefix(Self::PREFIX).ok_or("must start with whsec_")?;
        let bytes = STANDARD.decode(encoded).map_err(|_| "must be whsec_ followed by base64".to_owned())?;
        if !(24..=64).contains(&bytes.len()) {
            return Err("must hold between 24 and 64 bytes of key".into());
        }
        Ok(Self(bytes))
    }

    /// The key bytes (what HMAC uses).
    pub fn key(&self) -> &[u8] {
        &self.0
    }

    /// The text form, to show once.
    pub fn expose(&self) -> String {
        format!("{}{}", Self::PREFIX, STANDARD.encode(&self.0))
    }

    /// A form safe to display: the prefix and the last four characters.
    pub fn masked(&self) -> String {
        mask(&self.expose())
    }
}

impl fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningSecret(…)")
    }
}

impl Serialize for SigningSecret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.expose())
    }
}

impl<'de> Deserialize<'de> for SigningSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A secret string (a PagerDuty routing key, a webhook URL that is its own credential).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretText(pub String);

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretText(…)")
    }
}

/// `…` and the last four characters of a secret.
fn mask(secret: &str) -> String {
    let tail: String = secret.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
    if secret.starts_with(SigningSecret::PREFIX) { format!("{}…{tail}", SigningSecret::PREFIX) } else { format!("…{tail}") }
}

/// A URL whose path is a credential (Slack, Discord and Teams webhooks): only scheme and host
/// are shown.
fn masked_url(url: &Url) -> String {
    format!("{}://{}/…", url.scheme(), url.host_str().unwrap_or_default())
}

/// Where and how a channel delivers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChannelConfig {
    /// A generic webhook, signed per the Standard Webhooks specification.
    Webhook {
        /// Where to POST.
        url: Url,
        /// The signing secret.
        secret: SigningSecret,
    },
    /// A Slack incoming webhook.
    Slack {
        /// The webhook URL (a credential).
        url: SecretText,
    },
    /// A Discord webhook.
    Discord {
        /// The webhook URL (a credential).
        url: SecretText,
    },
    /// A Microsoft Teams webhook (Workflows or incoming webhook).
    Teams {
        /// The webhook URL (a credential).
        url: SecretText,
    },
    /// PagerDuty Events API v2.
    Pagerduty {
        /// The integration's routing key.
        routing_key: SecretText,
    },
    /// Email (SMTP self-hosted, SES on AWS).
    Email {
        /// Recipients.
        to: Vec<String>,
    },
    /// SMS (SNS on AWS).
    Sms {
        /// An E.164 phone number.
        to: String,
    },
}

/// The kinds of channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// Generic signed webhook.
    Webhook,
    /// Slack.
    Slack,
    /// Discord.
    Discord,
    /// Microsoft Teams.
    Teams,
    /// PagerDuty.
    Pagerduty,
    /// Email.
    Email,
    /// SMS.
    Sms,
}

impl ChannelKind {
    /// The wire name (`webhook`, `slack`...).
    pub const fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Slack => "slack",
            ChannelKind::Discord => "discord",
            ChannelKind::Teams => "teams",
            ChannelKind::Pagerduty => "pagerduty",
            ChannelKind::Email => "email",
            ChannelKind::Sms => "sms",
        }
    }
}

impl ChannelConfig {
    /// The kind.
    pub fn kind(&self) -> ChannelKind {
        match self {
            ChannelConfig::Webhook { .. } => ChannelKind::Webhook,
            ChannelConfig::Slack { .. } => ChannelKind::Slack,
            ChannelConfig::Discord { .. } => ChannelKind::Discord,
            ChannelConfig::Teams { .. } => ChannelKind::Teams,
            ChannelConfig::Pagerduty { .. } => ChannelKind::Pagerduty,
            ChannelConfig::Email { .. } => ChannelKind::Email,
            ChannelConfig::Sms { .. } => ChannelKind::Sms,
        }
    }

    /// The configuration with every secret masked, for the API after creation.
    pub fn redacted(&self) -> Value {
        match self {
            ChannelConfig::Webhook { url, secret } => json!({"type": "webhook", "url": url, "secret": secret.masked()}),
            ChannelConfig::Slack { url } => json!({"type": "slack", "url": redact_url(url)}),
            ChannelConfig::Discord { url } => json!({"type": "discord", "url": redact_url(url)}),
            ChannelConfig::Teams { url } => json!({"type": "teams", "url": redact_url(url)}),
            ChannelConfig::Pagerduty { routing_key } => json!({"type": "pagerduty", "routing_key": mask(&routing_key.0)}),
            ChannelConfig::Email { to } => json!({"type": "email", "to": to}),
            ChannelConfig::Sms { to } => json!({"type": "sms", "to": mask(to)}),
        }
    }

    /// The fingerprint of the channel's secret (signing secret, credential URL, routing key,
    /// phone number); `None` for email, which has none.
    pub fn secret_fingerprint(&self) -> Option<String> {
        let secret = match self {
            ChannelConfig::Webhook { secret, .. } => secret.expose(),
            ChannelConfig::Slack { url } | ChannelConfig::Discord { url } | ChannelConfig::Teams { url } => url.0.clone(),
            ChannelConfig::Pagerduty { routing_key } => routing_key.0.clone(),
            ChannelConfig::Sms { to } => to.clone(),
            ChannelConfig::Email { .. } => return None,
        };
        Some(crate::fingerprint::of_secret(&secret))
    }

    /// `draft`, a replacement of this channel by one of the same type, with the secret it
    /// leaves out taken from this one: a client that never saw the secret (it is masked) can
    /// replace everything else.
    pub fn keep_secret_in(&self, draft: &mut ChannelDraft) {
        if draft.kind.as_deref() != Some(self.kind().as_str()) {
            return;
        }
        match self {
            ChannelConfig::Webhook { secret, .. } => {
                draft.secret.get_or_insert_with(|| secret.expose());
            }
            ChannelConfig::Slack { url } | ChannelConfig::Discord { url } | ChannelConfig::Teams { url } => {
                draft.url.get_or_insert_with(|| url.0.clone());
            }
            ChannelConfig::Pagerduty { routing_key } => {
                draft.routing_key.get_or_insert_with(|| routing_key.0.clone());
            }
            ChannelConfig::Sms { to } => {
                draft.to.get_or_insert_with(|| Value::String(to.clone()));
            }
            ChannelConfig::Email { .. } => {}
        }
    }
}

fn redact_url(url: &SecretText) -> String {
    Url::parse(&url.0).map(|u| masked_url(&u)).unwrap_or_else(|_| "…".into())
}

/// A stored channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Channel {
    /// Identity.
    pub id: ChannelId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// Where and how.
    pub config: ChannelConfig,
    /// When it was created.
    pub created_at: Timestamp,
    /// The monitoring-as-code file managing the channel, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

/// A channel as a client sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({"name": "ops hook", "type": "webhook", "url": "http://127.0.0.1:9/vigil"})))]
#[serde(deny_unknown_fields)]
pub struct ChannelDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `webhook`, `slack`, `discord`, `teams`, `pagerduty`, `email` or `sms`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Webhook URL (webhook, slack, discord, teams).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Signing secret (webhook), `whsec_` and base64; generated when absent (and kept when a
    /// replacement leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    /// Routing key (pagerduty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing_key: Option<String>,
    /// Recipients: a list of addresses (email) or one phone number (sms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schema(schema_with = recipients_schema))]
    pub to: Option<Value>,
    /// The monitoring-as-code file managing the channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

/// `to`: one address or phone number, or a list of addresses.
#[cfg(feature = "schema")]
fn recipients_schema() -> utoipa::openapi::schema::Schema {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(ArrayBuilder::new().items(ObjectBuilder::new().schema_type(Type::String)))
        .description(Some("One address or phone number, or a list of email addresses."))
        .build()
        .into()
}

/// Limits on channels.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 200;
    /// Most email recipients.
    pub const EMAIL_RECIPIENTS: usize = 20;
}

impl ChannelDraft {
    /// Validates the draft. `generated_secret` signs webhook messages when the client gave no
    /// secret of its own.
    pub fn validate(&self, generated_secret: [u8; 32]) -> Result<(String, ChannelConfig), InvalidInput> {
        let mut problems = Problems::default();
        let name = self.name.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if name.is_empty() || name.chars().count() > limits::NAME_CHARS {
            problems.add("name", format!("is required, 1 to {} characters", limits::NAME_CHARS));
        }
        let url = |problems: &mut Problems| match self.url.as_deref().map(|u| Url::parse(u.trim())) {
            Some(Ok(url)) if matches!(url.scheme(), "http" | "https") && url.host_str().is_some() => Some(url),
            Some(_) => {
                problems.add("url", "must be an http or https URL");
                None
            }
            None => {
                problems.add("url", "is required for this type");
                None
            }
        };
        let config = match self.kind.as_deref() {
            Some("webhook") => {
                let secret = match self.secret.as_deref() {
                    Some(text) => SigningSecret::parse(text.trim()).map_err(|e| problems.add("secret", e)).ok(),
                    None => Some(SigningSecret::from_random(generated_secret)),
                };
                url(&mut problems).zip(secret).map(|(url, secret)| ChannelConfig::Webhook { url, secret })
            }
            Some("slack") => url(&mut problems).map(|u| ChannelConfig::Slack { url: SecretText(u.to_string()) }),
            Some("discord") => url(&mut problems).map(|u| ChannelConfig::Discord { url: SecretText(u.to_string()) }),
            Some("teams") => url(&mut problems).map(|u| ChannelConfig::Teams { url: SecretText(u.to_string()) }),
            Some("pagerduty") => match self.routing_key.as_deref().map(str::trim) {
                Some(key) if (20..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                    Some(ChannelConfig::Pagerduty { routing_key: SecretText(key.to_owned()) })
                }
                _ => {
                    problems.add("routing_key", "is required: the 32-character integration key of a PagerDuty Events API v2 integration");
                    None
                }
            },
            Some("email") => {
                let to: Vec<String> = match &self.to {
                    Some(Value::String(one)) => vec![one.trim().to_owned()],
                    Some(Value::Array(many)) => many.iter().map(|v| v.as_str().unwrap_or_default().trim().to_owned()).collect(),
                    _ => Vec::new(),
                };
                if to.is_empty() || to.len() > limits::EMAIL_RECIPIENTS {
                    problems.add("to", format!("must list 1 to {} email addresses", limits::EMAIL_RECIPIENTS));
                }
                for (i, address) in to.iter().enumerate() {
                    if !is_email(address) {
                        problems.add(format!("to[{i}]"), "is not an email address");
                    }
                }
                Some(ChannelConfig::Email { to })
            }
            Some("sms") => match self.to.as_ref().and_then(Value::as_str).map(str::trim) {
                Some(phone) if is_e164(phone) => Some(ChannelConfig::Sms { to: phone.to_owned() }),
                _ => {
                    problems.add("to", "must be a phone number in E.164 form, like +14155550100");
                    None
                }
            },
            _ => {
                problems.add("type", "must be one of webhook, slack, discord, teams, pagerduty, email, sms");
                None
            }
        };
        let unused = |field: &str, present: bool, problems: &mut Problems| {
            if present {
                problems.add(field, "does not apply to this type of channel");
            }
        };
        let kind = config.as_ref().map(ChannelConfig::kind);
        unused("secret", self.secret.is_some() && kind != Some(ChannelKind::Webhook), &mut problems);
        unused("routing_key", self.routing_key.is_some() && kind != Some(ChannelKind::Pagerduty), &mut problems);
        unused("to", self.to.is_some() && !matches!(kind, Some(ChannelKind::Email | ChannelKind::Sms) | None), &mut problems);
        unused(
            "url",
            self.url.is_some() && matches!(kind, Some(ChannelKind::Pagerduty | ChannelKind::Email | ChannelKind::Sms)),
            &mut problems,
        );
        for problem in self.managed.as_ref().map(|m| m.problems("managed")).unwrap_or_default() {
            problems.add(problem.field, problem.message);
        }
        match config {
            Some(config) => problems.finish(|| (name, config)),
            None => Err(InvalidInput(problems.0)),
        }
    }
}

fn is_email(address: &str) -> bool {
    let Some((local, domain)) = address.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && address.len() <= 254
        && address.chars().all(|c| c.is_ascii_graphic() && c != '<' && c != '>' && c != ',')
        && !domain.contains('@')
}

fn is_e164(phone: &str) -> bool {
    phone.strip_prefix('+').is_some_and(|digits| (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(json: Value) -> ChannelDraft {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn drafts_table() {
        let cases: Vec<(Value, Result<ChannelKind, &str>)> = vec![
            (json!({"name": "hook", "type": "webhook", "url": "https://example.com/hook"}), Ok(ChannelKind::Webhook)),
            (json!({"name": "s", "type": "slack", "url": "https://hooks.slack.com/services/T/B/X"}), Ok(ChannelKind::Slack)),
            (json!({"name": "d", "type": "discord", "url": "https://discord.com/api/webhooks/1/x"}), Ok(ChannelKind::Discord)),
            (json!({"name": "t", "type": "teams", "url": "https://example.webhook.office.com/x"}), Ok(ChannelKind::Teams)),
            (json!({"name": "p", "type": "pagerduty", "routing_key": "R0123456789abcdef0123456789abcdef"}), Ok(ChannelKind::Pagerduty)),
            (json!({"name": "e", "type": "email", "to": ["ops@example.com", "dev@example.org"]}), Ok(ChannelKind::Email)),
            (json!({"name": "e", "type": "email", "to": "ops@example.com"}), Ok(ChannelKind::Email)),
            (json!({"name": "m", "type": "sms", "to": "+14155550100"}), Ok(ChannelKind::Sms)),
            (json!({"name": "", "type": "slack", "url": "https://h/x"}), Err("name")),
            (json!({"name": "x", "type": "carrier-pigeon"}), Err("type")),
            (json!({"name": "x", "type": "webhook", "url": "ftp://h/x"}), Err("url")),
            (json!({"name": "x", "type": "webhook", "url": "https://h/x", "secret": "nope"}), Err("secret")),
            (json!({"name": "x", "type": "pagerduty", "routing_key": "short"}), Err("routing_key")),
            (json!({"name": "x", "type": "email", "to": ["not-an-address"]}), Err("to[0]")),
            (json!({"name": "x", "type": "email", "to": []}), Err("to")),
            (json!({"name": "x", "type": "sms", "to": "0612345678"}), Err("to")),
            (json!({"name": "x", "type": "slack", "url": "https://h/x", "routing_key": "R0123456789abcdef0123"}), Err("routing_key")),
        ];
        for (json, expected) in cases {
            let result = draft(json.clone()).validate([9; 32]);
            match expected {
                Ok(kind) => assert_eq!(result.map(|(_, c)| c.kind()).map_err(|e| e.to_string()), Ok(kind), "{json}"),
                Err(field) => {
                    let errors = result.unwrap_err().0;
                    assert!(errors.iter().any(|e| e.field == field), "{json}: expected an error on {field}, got {errors:?}");
                }
            }
        }
    }

    #[test]
    fn secrets_are_generated_kept_and_masked() {
        let (_, config) = draft(json!({"name": "h", "type": "webhook", "url": "https://h/x"})).validate([7; 32]).unwrap();
        let ChannelConfig::Webhook { secret, .. } = &config else { panic!("a webhook") };
        assert_eq!(secret.key(), &[7; 32]);
        assert_eq!(SigningSecret::parse(&secret.expose()).unwrap(), *secret);
        assert!(!format!("{config:?}").contains(&secret.expose()[6..]));
        let shown = config.redacted().to_string();
        assert!(!shown.contains(&secret.expose()), "{shown}");
        assert!(shown.contains("whsec_…"), "{shown}");

        let given = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let (_, config) = draft(json!({"name": "h", "type": "webhook", "url": "https://h/x", "secret": given})).validate([7; 32]).unwrap();
        let ChannelConfig::Webhook { secret, .. } = &config else { panic!("a webhook") };
        assert_eq!(secret.expose(), given);

        let (_, slack) =
            draft(json!({"name": "s", "type": "slack", "url": "https://hooks.slack.com/services/T1/B2/SECRET"})).validate([0; 32]).unwrap();
        assert_eq!(slack.redacted()["url"], "https://hooks.slack.com/…");
        let stored = serde_json::to_string(&slack).unwrap();
        assert_eq!(serde_json::from_str::<ChannelConfig>(&stored).unwrap(), slack);
    }

    #[test]
    fn a_replacement_without_the_secret_keeps_it() {
        let cases = [
            json!({"name": "h", "type": "webhook", "url": "https://h/x", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}),
            json!({"name": "s", "type": "slack", "url": "https://hooks.slack.com/services/T1/B2/SECRET"}),
            json!({"name": "p", "type": "pagerduty", "routing_key": "R0123456789abcdef0123456789abcdef"}),
            json!({"name": "m", "type": "sms", "to": "+14155550100"}),
        ];
        for json in cases {
            let (_, stored) = draft(json.clone()).validate([1; 32]).unwrap();
            let secret_field = match json["type"].as_str() {
                Some("webhook") => "secret",
                Some("pagerduty") => "routing_key",
                Some("sms") => "to",
                _ => "url",
            };
            let mut without_secret = json.clone();
            without_secret.as_object_mut().unwrap().remove(secret_field);
            without_secret["name"] = json!("renamed");
            let mut replacement = draft(without_secret);
            stored.keep_secret_in(&mut replacement);
            let (name, config) = replacement.validate([2; 32]).unwrap();
            assert_eq!((name.as_str(), &config), ("renamed", &stored), "{json}");
            assert_eq!(config.secret_fingerprint(), stored.secret_fingerprint());
            let mut other_type = draft(json!({"name": "e", "type": "email", "to": ["a@example.com"]}));
            stored.keep_secret_in(&mut other_type);
            assert_eq!(other_type.url, None, "a change of type keeps nothing: {json}");
        }
    }
}
