//! Enrolments and enrolled hosts.

use crate::agent::protocol::{HostInfo, SampleBatch};
use crate::agent::rule::RuleStatus;
use crate::agent::{ActionKey, AgentSecret, EnrolmentToken};
use crate::ids::{AgentId, EnrolmentId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;

/// A one-time token an admin made for a host to be, until an agent spends it. The token
/// itself is shown once; only its digest is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// Identity (to list and withdraw it).
    pub id: EnrolmentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// [`EnrolmentToken::digest`] of the token.
    pub token_digest: String,
    /// The name the host gets; its host name when absent.
    pub name: Option<String>,
    /// The tags the host gets (alert rules and maintenance windows select hosts by them).
    pub tags: BTreeSet<String>,
    /// The silence rule the host gets at enrolment ("silent for N s": the host is Down), if any.
    pub silent_after_seconds: Option<u32>,
    /// When it was made.
    pub created_at: Timestamp,
    /// After this, the token enrols nothing.
    pub expires_at: Timestamp,
    /// Who made it, as the audit log names them.
    pub created_by: String,
}

impl Enrolment {
    /// Whether `token` is this enrolment's.
    pub fn is_for(&self, token: &EnrolmentToken) -> bool {
        constant_time_eq(self.token_digest.as_bytes(), token.digest().as_bytes())
    }
}

/// What the server keeps of an agent's secret: never the secret itself.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostCredential {
    /// [`AgentSecret::verifier`]: checks a `hello`.
    pub verifier: String,
    /// [`ActionKey::expose`]: signs action requests.
    pub action_key: String,
}

impl HostCredential {
    /// What to keep of `secret`.
    pub fn of(secret: &AgentSecret) -> Self {
        Self { verifier: secret.verifier(), action_key: secret.action_key().expose() }
    }

    /// Whether `secret` is the one this was made of (in constant time).
    pub fn accepts(&self, secret: &AgentSecret) -> bool {
        constant_time_eq(self.verifier.as_bytes(), secret.verifier().as_bytes())
    }

    /// The key action requests are signed with.
    pub fn action_key(&self) -> Option<ActionKey> {
        ActionKey::parse(&self.action_key)
    }
}

impl fmt::Debug for HostCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HostCredential(…)")
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the server holds of an agent's stream, advanced with every batch stored.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostProgress {
    /// The highest batch number held.
    pub acked_through: Option<u64>,
    /// Batches the agent dropped unsent (its running total).
    pub dropped_total: u64,
    /// When the newest sample held was taken.
    pub last_sample_at: Option<Timestamp>,
    /// When the server last stored a batch of the agent.
    pub last_seen_at: Option<Timestamp>,
}

impl HostProgress {
    /// Whether a batch numbered `seq` is held already (the agent sends it again after a
    /// reconnection until it sees it acknowledged).
    pub fn holds(&self, seq: u64) -> bool {
        self.acked_through.is_some_and(|through| seq <= through)
    }

    /// The progress once `batch`, received at `received_at`, is held too.
    pub fn after(&self, batch: &SampleBatch, received_at: Timestamp) -> Self {
        let newest = batch.samples.iter().map(|s| s.at).max();
        Self {
            acked_through: self.acked_through.max(Some(batch.seq)),
            dropped_total: self.dropped_total.max(batch.dropped_total),
            last_sample_at: self.last_sample_at.max(newest),
            last_seen_at: self.last_seen_at.max(Some(received_at)),
        }
    }
}

/// An enrolled host: its agent's id, name, credential and what it has sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Host {
    /// The agent's id.
    pub id: AgentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Its name in Vigil.
    pub name: String,
    /// Its tags.
    pub tags: BTreeSet<String>,
    /// What the agent said about the host at its latest connection.
    pub info: HostInfo,
    /// The agent's credential.
    pub credential: HostCredential,
    /// When it enrolled.
    pub enrolled_at: Timestamp,
    /// When an admin revoked its credential: it can no longer connect.
    #[serde(default)]
    pub revoked_at: Option<Timestamp>,
    /// What it has sent. Stores advance it with every batch and never from a whole-record
    /// update, so that an update of the name or tags cannot undo it.
    #[serde(default)]
    pub progress: HostProgress,
}

/// How a host is, as a person reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HostStatus {
    /// Enrolled; no sample yet.
    Pending,
    /// Reporting, no rule firing.
    Up,
    /// Reporting, and a threshold rule is firing.
    Alerting,
    /// A silence rule is firing: the host stopped reporting.
    Down,
    /// Its credential was revoked.
    Revoked,
}

impl HostStatus {
    /// The name used in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            HostStatus::Pending => "pending",
            HostStatus::Up => "up",
            HostStatus::Alerting => "alerting",
            HostStatus::Down => "down",
            HostStatus::Revoked => "revoked",
        }
    }
}

impl Host {
    /// Its status, from its firing rules: `(is a silence rule, status)` of each watch.
    pub fn status(&self, watches: impl IntoIterator<Item = (bool, RuleStatus)>) -> HostStatus {
        if self.revoked_at.is_some() {
            return HostStatus::Revoked;
        }
        let firing: Vec<bool> = watches.into_iter().filter(|(_, s)| *s == RuleStatus::Firing).map(|(silence, _)| silence).collect();
        if firing.iter().any(|silence| *silence) {
            HostStatus::Down
        } else if self.progress.last_sample_at.is_none() {
            HostStatus::Pending
        } else if firing.is_empty() {
            HostStatus::Up
        } else {
            HostStatus::Alerting
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::tests::cpu_at;

    #[test]
    fn credentials_keep_no_secret_and_accept_only_theirs() {
        let secret = AgentSecret::from_random([3; 32]);
        let credential = HostCredential::of(&secret);
        assert!(credential.accepts(&secret));
        assert!(!credential.accepts(&AgentSecret::from_random([4; 32])));
        assert_eq!(credential.action_key(), Some(secret.action_key()));
        let text = serde_json::to_string(&credential).unwrap();
        assert!(!text.contains(&secret.expose()[4..]), "{text}");
        assert_eq!(format!("{credential:?}"), "HostCredential(…)");
    }

    #[test]
    fn progress_only_moves_forward() {
        let batch = |seq, dropped, second| SampleBatch { seq, dropped_total: dropped, samples: vec![cpu_at(second, 1.0)] };
        let start = HostProgress::default();
        assert!(!start.holds(1));
        let one = start.after(&batch(3, 2, 10), cpu_at(11, 0.0).at);
        assert_eq!((one.acked_through, one.dropped_total), (Some(3), 2));
        assert!(one.holds(1) && one.holds(3) && !one.holds(4));
        let replayed = one.after(&batch(2, 1, 5), cpu_at(12, 0.0).at);
        assert_eq!(replayed.acked_through, Some(3), "an old batch moves nothing back");
        assert_eq!(replayed.dropped_total, 2);
        assert_eq!(replayed.last_sample_at, one.last_sample_at);
        assert_eq!(replayed.last_seen_at, Some(cpu_at(12, 0.0).at));
        let empty = one.after(&SampleBatch { seq: 4, dropped_total: 2, samples: vec![] }, cpu_at(13, 0.0).at);
        assert_eq!(empty.last_sample_at, one.last_sample_at, "an empty batch has no newest sample");
    }
}
