//! Remote actions: the server asks an agent to run one action by name, the agent's own config
//! says what that name does. The request carries no command: only the name, an id, a validity
//! window and a nonce, signed with the agent's [`ActionKey`]. The agent checks the signature,
//! then the validity, then the nonce, before it even looks the name up.

use super::credential::ActionKey;
use crate::ids::{ActionRequestId, AgentId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;

/// The longest a request may stay valid: long enough for a slow link, short enough that a
/// captured request is soon worthless.
pub const MAX_REQUEST_LIFETIME: SignedDuration = SignedDuration::from_mins(5);

/// How far ahead of the agent's clock a request may be issued (clocks drift).
pub const MAX_CLOCK_AHEAD: SignedDuration = SignedDuration::from_secs(60);

/// The name of an action an agent's config defines: 1 to 64 of `a-z 0-9 - _ .`, starting with
/// a letter or a digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ActionName(String);

/// Why an action name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("an action name is 1 to 64 of a-z, 0-9, '-', '_' and '.', starting with a letter or a digit; {0:?} is not")]
pub struct ActionNameError(pub String);

impl ActionName {
    /// Parses a name.
    pub fn parse(text: &str) -> Result<Self, ActionNameError> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.');
        let starts_well = text.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        if text.len() <= 64 && starts_well && text.chars().all(allowed) {
            Ok(Self(text.to_owned()))
        } else {
            Err(ActionNameError(text.to_owned()))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ActionName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A request to run one named action on one agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The request's id; the result and the history refer to it.
    pub id: ActionRequestId,
    /// The agent it is for: a request signed for one agent is refused by every other.
    pub agent_id: AgentId,
    /// The action, by the name the agent's config gives it.
    pub action: ActionName,
    /// When the server issued it.
    pub issued_at: Timestamp,
    /// After this, the agent refuses it.
    pub expires_at: Timestamp,
    /// Random, base64url: the agent refuses a nonce it has seen before the request expired.
    pub nonce: String,
}

impl ActionRequest {
    /// The bytes the signature covers: a fixed label, then every field in a fixed order, one
    /// a line. No field can hold a line break (ids, a validated name, timestamps, base64url),
    /// so no two requests share a canonical form.
    pub fn canonical(&self) -> String {
        format!("vigil-action-v1\n{}\n{}\n{}\n{}\n{}\n{}", self.agent_id, self.id, self.action, self.issued_at, self.expires_at, self.nonce)
    }

    /// The request, signed.
    pub fn sign(self, key: &ActionKey) -> SignedActionRequest {
        let signature = URL_SAFE_NO_PAD.encode(mac(key, &self.canonical()).finalize().into_bytes());
        SignedActionRequest { request: self, signature }
    }
}

fn mac(key: &ActionKey, canonical: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.key()).expect("HMAC takes keys of any size");
    mac.update(canonical.as_bytes());
    mac
}

/// A request and its HMAC-SHA256 signature (base64url) over [`ActionRequest::canonical`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedActionRequest {
    /// The request.
    pub request: ActionRequest,
    /// Its signature.
    pub signature: String,
}

impl SignedActionRequest {
    /// Checks, in this order, the signature (in constant time), that the request is for
    /// `agent`, that it is not expired, not issued in the future and not valid for too long.
    /// Only then may anything else about it be looked at.
    pub fn verify(&self, agent: AgentId, key: &ActionKey, now: Timestamp) -> Result<&ActionRequest, Refusal> {
        let request = &self.request;
        let signature = URL_SAFE_NO_PAD.decode(&self.signature).map_err(|_| Refusal::BadSignature)?;
        mac(key, &request.canonical()).verify_slice(&signature).map_err(|_| Refusal::BadSignature)?;
        if request.agent_id != agent {
            return Err(Refusal::OtherAgent);
        }
        if now >= request.expires_at {
            return Err(Refusal::Expired);
        }
        if request.issued_at > now + MAX_CLOCK_AHEAD {
            return Err(Refusal::IssuedInTheFuture);
        }
        if request.expires_at.duration_since(request.issued_at) > MAX_REQUEST_LIFETIME {
            return Err(Refusal::LifetimeTooLong);
        }
        Ok(request)
    }
}

/// Why an agent refused a request. Reported to the server, which records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The signature does not match the request.
    #[error("the signature does not match")]
    BadSignature,
    /// Signed for another agent.
    #[error("the request is for another agent")]
    OtherAgent,
    /// Past its expiry.
    #[error("the request has expired")]
    Expired,
    /// Issued more than a minute ahead of the agent's clock.
    #[error("the request is issued in the future (check the clocks)")]
    IssuedInTheFuture,
    /// Valid for longer than [`MAX_REQUEST_LIFETIME`].
    #[error("the request is valid for longer than five minutes")]
    LifetimeTooLong,
    /// Its nonce was already used.
    #[error("the request was already received (replay)")]
    Replayed,
    /// Remote actions are off in the agent's config.
    #[error("remote actions are disabled on this agent")]
    ActionsDisabled,
    /// The agent's config defines no action of that name.
    #[error("this agent's config does not allow that action")]
    NotAllowed,
    /// The action would stop or kill the agent itself.
    #[error("the action would act on the agent itself")]
    ActsOnItself,
    /// Too many actions are running already.
    #[error("too many actions are running on this agent")]
    Busy,
}

/// How a started action ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionResult {
    /// The request.
    pub request_id: ActionRequestId,
    /// The action.
    pub action: ActionName,
    /// When it started (the agent's clock).
    pub started_at: Timestamp,
    /// How long it ran, in milliseconds.
    pub duration_ms: u64,
    /// The process's exit code, or 0/1 for a container operation that succeeded/failed;
    /// absent when it was killed (by a signal, or at its timeout).
    #[serde(default)]
    pub exit_code: Option<i32>,
    /// Killed at its timeout.
    pub timed_out: bool,
    /// The end of its output (stdout and stderr as they came), lossy UTF-8, at most the
    /// action's output cap.
    pub output_tail: String,
    /// Bytes of output before the tail that were not kept.
    pub output_dropped_bytes: u64,
}

/// A request the agent refused, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionRefusal {
    /// The request.
    pub request_id: ActionRequestId,
    /// The action it named.
    pub action: ActionName,
    /// Why.
    pub reason: Refusal,
}

/// The nonces of the requests an agent accepted, each kept until its request expires, so that
/// a replay within the validity window is refused. Bounded: when full, new requests are
/// refused as [`Refusal::Busy`] rather than forgetting a nonce early.
#[derive(Clone, Debug, Default)]
pub struct SeenNonces {
    expiries: BTreeMap<String, Timestamp>,
}

impl SeenNonces {
    /// The most nonces held at once.
    pub const CAPACITY: usize = 4096;

    /// Records the nonce of a verified request; refuses it if seen before.
    pub fn admit(&mut self, request: &ActionRequest, now: Timestamp) -> Result<(), Refusal> {
        self.expiries.retain(|_, expires_at| *expires_at > now);
        if self.expiries.contains_key(&request.nonce) {
            return Err(Refusal::Replayed);
        }
        if self.expiries.len() >= Self::CAPACITY {
            return Err(Refusal::Busy);
        }
        self.expiries.insert(request.nonce.clone(), request.expires_at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::credential::AgentSecret;
    use super::*;
    use uuid::Uuid;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    fn agent() -> AgentId {
        AgentId::from_uuid(Uuid::from_u128(1))
    }

    fn request(issued: i64, expires: i64) -> ActionRequest {
        ActionRequest {
            id: ActionRequestId::from_uuid(Uuid::from_u128(2)),
            agent_id: agent(),
            action: ActionName::parse("restart-nginx").unwrap(),
            issued_at: at(issued),
            expires_at: at(expires),
            nonce: "bm9uY2U".into(),
        }
    }

    #[test]
    fn names() {
        for good in ["restart-nginx", "a", "0", "db.vacuum_full", &"a".repeat(64)] {
            assert!(ActionName::parse(good).is_ok(), "{good}");
        }
        for bad in ["", "-x", "_x", "Restart", "rm -rf /", "a\nb", "sh;reboot", &"a".repeat(65), "é"] {
            assert!(ActionName::parse(bad).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<ActionName>(r#""rm -rf""#).is_err());
    }

    #[test]
    fn verification_table() {
        let secret = AgentSecret::from_random([5; 32]);
        let key = secret.action_key();
        let other_key = AgentSecret::from_random([6; 32]).action_key();
        let good = request(1000, 1060).sign(&key);
        let tampered = |change: fn(&mut ActionRequest)| {
            let mut signed = good.clone();
            change(&mut signed.request);
            signed
        };
        type Case<'a> = (&'a str, SignedActionRequest, &'a ActionKey, i64, Result<(), Refusal>);
        let cases: Vec<Case> = vec![
            ("good", good.clone(), &key, 1000, Ok(())),
            ("good, just before expiry", good.clone(), &key, 1059, Ok(())),
            ("good, clock a minute behind", good.clone(), &key, 940, Ok(())),
            ("other key", good.clone(), &other_key, 1000, Err(Refusal::BadSignature)),
            ("action renamed", tampered(|r| r.action = ActionName::parse("reboot").unwrap()), &key, 1000, Err(Refusal::BadSignature)),
            ("expiry extended", tampered(|r| r.expires_at = at(9999)), &key, 1000, Err(Refusal::BadSignature)),
            ("nonce changed", tampered(|r| r.nonce = "other".into()), &key, 1000, Err(Refusal::BadSignature)),
            ("agent changed", tampered(|r| r.agent_id = AgentId::from_uuid(Uuid::from_u128(9))), &key, 1000, Err(Refusal::BadSignature)),
            ("signature garbage", SignedActionRequest { signature: "!!".into(), ..good.clone() }, &key, 1000, Err(Refusal::BadSignature)),
            ("signature empty", SignedActionRequest { signature: String::new(), ..good.clone() }, &key, 1000, Err(Refusal::BadSignature)),
            ("at expiry", good.clone(), &key, 1060, Err(Refusal::Expired)),
            ("long after", good.clone(), &key, 5000, Err(Refusal::Expired)),
            ("issued too far ahead", good.clone(), &key, 939, Err(Refusal::IssuedInTheFuture)),
            ("valid too long", request(1000, 1301).sign(&key), &key, 1000, Err(Refusal::LifetimeTooLong)),
            ("valid exactly the longest", request(1000, 1300).sign(&key), &key, 1000, Ok(())),
        ];
        for (name, signed, key, now, expected) in cases {
            assert_eq!(signed.verify(agent(), key, at(now)).map(|_| ()), expected, "{name}");
        }
        let for_other = request(1000, 1060);
        let signed = ActionRequest { agent_id: AgentId::from_uuid(Uuid::from_u128(9)), ..for_other }.sign(&key);
        assert_eq!(signed.verify(agent(), &key, at(1000)).map(|_| ()), Err(Refusal::OtherAgent), "signed for another agent");
    }

    #[test]
    fn signatures_survive_the_wire() {
        let key = AgentSecret::from_random([5; 32]).action_key();
        let mut r = request(1000, 1060);
        r.issued_at = Timestamp::new(1000, 123_456_789).unwrap();
        let signed = r.sign(&key);
        let again: SignedActionRequest = serde_json::from_str(&serde_json::to_string(&signed).unwrap()).unwrap();
        assert_eq!(again.verify(agent(), &key, at(1001)).map(|_| ()), Ok(()));
    }

    #[test]
    fn nonces_are_refused_until_their_request_expires() {
        let mut seen = SeenNonces::default();
        let first = request(1000, 1060);
        assert_eq!(seen.admit(&first, at(1000)), Ok(()));
        assert_eq!(seen.admit(&first, at(1030)), Err(Refusal::Replayed));
        let other = ActionRequest { nonce: "b3RoZXI".into(), ..first.clone() };
        assert_eq!(seen.admit(&other, at(1030)), Ok(()));
        assert_eq!(seen.admit(&first, at(1060)), Ok(()), "once expired the request itself is refused, so its nonce is forgotten");
    }

    #[test]
    fn a_full_nonce_book_refuses_rather_than_forgets() {
        let mut seen = SeenNonces::default();
        for i in 0..SeenNonces::CAPACITY {
            let r = ActionRequest { nonce: format!("n{i}"), ..request(1000, 1060) };
            assert_eq!(seen.admit(&r, at(1000)), Ok(()));
        }
        let one_more = ActionRequest { nonce: "last".into(), ..request(1000, 1060) };
        assert_eq!(seen.admit(&one_more, at(1000)), Err(Refusal::Busy));
        assert_eq!(seen.admit(&one_more, at(1060)), Ok(()), "room again once the others expired");
    }
}
