//! Subscribers of a status page: email addresses, confirmed by a link before anything else is
//! sent to them (double opt-in), and webhooks added by editors; each may choose components.

use crate::accounts::{Email, Locale, SecretToken, TokenHash};
use crate::ids::{ComponentId, StatusPageId, SubscriberId, TenantId};
use crate::notify::SigningSecret;
use crate::notify::selector::parse_ids;
use crate::notify::{InvalidInput, Problems};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use url::Url;

/// How long a confirmation link works.
pub const CONFIRMATION_LIFETIME: SignedDuration = SignedDuration::from_hours(48);
/// A pending address asking again within this is not mailed again (nobody is flooded through
/// the public form).
pub const RESEND_AFTER: SignedDuration = SignedDuration::from_mins(10);

/// Where a subscriber is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubscriberChannel {
    /// By email.
    Email {
        /// The address.
        address: Email,
    },
    /// By a webhook, signed the Standard Webhooks way.
    Webhook {
        /// Where to POST.
        url: Url,
        /// The signing secret.
        secret: SigningSecret,
    },
}

/// Whether a subscriber has confirmed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Confirmation {
    /// Waiting for the link to be followed.
    Pending {
        /// The hash of the link's token.
        token: TokenHash,
        /// When the link was sent.
        sent_at: Timestamp,
    },
    /// Confirmed.
    Confirmed {
        /// When.
        at: Timestamp,
    },
}

/// A subscriber of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscriber {
    /// Identity.
    pub id: SubscriberId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The page.
    pub page_id: StatusPageId,
    /// Where they are told.
    pub channel: SubscriberChannel,
    /// The components they follow; empty for all.
    #[serde(default)]
    pub components: BTreeSet<ComponentId>,
    /// The language of their messages.
    #[serde(default)]
    pub locale: Locale,
    /// Whether they confirmed.
    pub confirmation: Confirmation,
    /// The token of the unsubscribe link every message carries.
    pub unsubscribe_token: String,
    /// When they subscribed.
    pub created_at: Timestamp,
}

/// Why a confirmation link was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfirmRefusal {
    /// Not this subscriber's link.
    #[error("the confirmation link is not valid")]
    Wrong,
    /// Older than its lifetime.
    #[error("the confirmation link has expired: subscribe again")]
    Expired,
}

impl Subscriber {
    /// Whether messages go to them.
    pub fn is_confirmed(&self) -> bool {
        matches!(self.confirmation, Confirmation::Confirmed { .. })
    }

    /// Whether an update touching `components` concerns them: they follow all, the update
    /// touches none in particular, or it touches one they follow.
    pub fn follows(&self, components: &[ComponentId]) -> bool {
        self.components.is_empty() || components.is_empty() || components.iter().any(|c| self.components.contains(c))
    }

    /// The address, for an email subscriber.
    pub fn email(&self) -> Option<&Email> {
        match &self.channel {
            SubscriberChannel::Email { address } => Some(address),
            SubscriberChannel::Webhook { .. } => None,
        }
    }

    /// The subscriber after following the link with `token` at `now` (confirming twice is
    /// harmless).
    pub fn confirm(&self, token: &SecretToken, now: Timestamp) -> Result<Subscriber, ConfirmRefusal> {
        match &self.confirmation {
            Confirmation::Confirmed { .. } => Ok(self.clone()),
            Confirmation::Pending { token: expected, sent_at } => {
                if !same(&token.hash().0, &expected.0) {
                    return Err(ConfirmRefusal::Wrong);
                }
                if now > *sent_at + CONFIRMATION_LIFETIME {
                    return Err(ConfirmRefusal::Expired);
                }
                Ok(Subscriber { confirmation: Confirmation::Confirmed { at: now }, ..self.clone() })
            }
        }
    }

    /// Whether `token` is their unsubscribe token.
    pub fn may_unsubscribe_with(&self, token: &str) -> bool {
        same(token, &self.unsubscribe_token)
    }
}

/// Compares secrets in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A subscription as a reader (an email) or an editor (a webhook) asks for it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({"type": "webhook", "url": "https://hooks.example.com/status"})))]
#[serde(deny_unknown_fields)]
pub struct SubscriberDraft {
    /// `email` or `webhook`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The address, for `email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Where to POST, for `webhook`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The components to follow; empty for all.
    #[serde(default)]
    pub components: Vec<String>,
    /// `en` or `fr`: the language of the messages (the page's by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// A validated subscription request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// Where: an email address, or a webhook URL (its secret is made by the use case).
    pub target: SubscriptionTarget,
    /// The components followed.
    pub components: BTreeSet<ComponentId>,
    /// The language, if one was named.
    pub locale: Option<Locale>,
}

/// Where a validated subscription goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriptionTarget {
    /// An address.
    Email(Email),
    /// A URL.
    Webhook(Url),
}

impl SubscriberDraft {
    /// Validates the draft for a page holding `known` components.
    pub fn validate(self, known: &[ComponentId]) -> Result<Subscription, InvalidInput> {
        let mut problems = Problems::default();
        let target = match self.kind.trim() {
            "email" => match Email::parse(self.email.as_deref().unwrap_or_default()) {
                Ok(email) => Some(SubscriptionTarget::Email(email)),
                Err(error) => {
                    problems.add("email", error.to_string());
                    None
                }
            },
            "webhook" => match self.url.as_deref().map(str::trim).map(Url::parse) {
                Some(Ok(url)) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(SubscriptionTarget::Webhook(url)),
                Some(_) => {
                    problems.add("url", "must be an http(s) URL");
                    None
                }
                None => {
                    problems.add("url", "is required for a webhook");
                    None
                }
            },
            other => {
                problems.add("type", format!("`{other}` is not one of email, webhook"));
                None
            }
        };
        let components: BTreeSet<ComponentId> = parse_ids("components", &self.components, "component", &mut problems).into_iter().collect();
        for (i, id) in components.iter().enumerate() {
            if !known.contains(id) {
                problems.add(format!("components[{i}]"), "is not a component of this page");
            }
        }
        let locale = match self.locale.as_deref() {
            None | Some("") => None,
            Some(tag) => Locale::parse(tag).or_else(|| {
                problems.add("locale", format!("`{tag}` is not one of en, fr"));
                None
            }),
        };
        problems.finish(|| Subscription { target: target.expect("a target when there is no problem"), components, locale })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + s).unwrap()
    }

    fn subscriber(token: &SecretToken) -> Subscriber {
        Subscriber {
            id: SubscriberId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            page_id: StatusPageId::from_uuid(Uuid::from_u128(3)),
            channel: SubscriberChannel::Email { address: Email::parse("ann@example.com").unwrap() },
            components: [ComponentId::from_uuid(Uuid::from_u128(7))].into(),
            locale: Locale::Fr,
            confirmation: Confirmation::Pending { token: token.hash(), sent_at: at(0) },
            unsubscribe_token: "u".repeat(43),
            created_at: at(0),
        }
    }

    #[test]
    fn a_link_confirms_once_and_only_its_own() {
        let token = SecretToken::from_random([1; 32]);
        let pending = subscriber(&token);
        assert!(!pending.is_confirmed());
        assert_eq!(pending.confirm(&SecretToken::from_random([2; 32]), at(10)), Err(ConfirmRefusal::Wrong));
        assert_eq!(pending.confirm(&token, at(49 * 3600)), Err(ConfirmRefusal::Expired));
        let confirmed = pending.confirm(&token, at(10)).unwrap();
        assert!(confirmed.is_confirmed());
        assert_eq!(confirmed.confirm(&SecretToken::from_random([2; 32]), at(20)), Ok(confirmed.clone()), "twice is harmless");
        assert!(confirmed.may_unsubscribe_with(&"u".repeat(43)) && !confirmed.may_unsubscribe_with("u"));
    }

    #[test]
    fn subscribers_follow_their_components() {
        let s = subscriber(&SecretToken::from_random([1; 32]));
        let (c7, c8) = (ComponentId::from_uuid(Uuid::from_u128(7)), ComponentId::from_uuid(Uuid::from_u128(8)));
        assert!(s.follows(&[c7, c8]));
        assert!(!s.follows(&[c8]));
        assert!(s.follows(&[]), "an incident touching no component concerns everyone");
        assert!(Subscriber { components: BTreeSet::new(), ..s }.follows(&[c8]));
    }

    #[test]
    fn drafts_are_checked_field_by_field() {
        let c7 = ComponentId::from_uuid(Uuid::from_u128(7));
        let fields = |d: SubscriberDraft| d.validate(&[c7]).unwrap_err().0.into_iter().map(|e| e.field).collect::<Vec<_>>();
        assert_eq!(
            fields(SubscriberDraft { kind: "email".into(), email: Some("nope".into()), locale: Some("de".into()), ..Default::default() }),
            ["email", "locale"]
        );
        assert_eq!(fields(SubscriberDraft { kind: "webhook".into(), url: Some("ftp://x".into()), ..Default::default() }), ["url"]);
        assert_eq!(
            fields(SubscriberDraft { kind: "sms".into(), components: vec![Uuid::from_u128(9).to_string()], ..Default::default() }),
            ["type", "components[0]"]
        );
        let ok = SubscriberDraft {
            kind: "email".into(),
            email: Some(" Ann@Example.com ".into()),
            components: vec![c7.to_string()],
            ..Default::default()
        };
        let sub = ok.validate(&[c7]).unwrap();
        assert_eq!(sub.target, SubscriptionTarget::Email(Email::parse("ann@example.com").unwrap()));
        assert_eq!(sub.components.len(), 1);
    }
}
