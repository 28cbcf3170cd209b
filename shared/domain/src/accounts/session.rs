use super::TokenHash;
use crate::ids::{TenantId, UserId};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A signed-in browser: kept on the server, named by the hash of the cookie's secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserSession {
    /// The hash of the cookie's value.
    pub hash: TokenHash,
    /// Who.
    pub user_id: UserId,
    /// The organisation being looked at (switchable).
    pub tenant_id: TenantId,
    /// The token every state-changing form and request must carry (synchroniser token).
    pub csrf: String,
    /// When it was made: the absolute timeout counts from here.
    pub created_at: Timestamp,
    /// Last request: the idle timeout counts from here.
    pub last_seen_at: Timestamp,
    /// Where it was made from.
    pub ip: Option<String>,
    /// The browser.
    pub user_agent: Option<String>,
}

/// How long sessions live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Without a request for this long, a session ends.
    pub idle: SignedDuration,
    /// Whatever happens, a session ends this long after sign-in.
    pub absolute: SignedDuration,
    /// `last_seen_at` is written at most this often (each write costs a store round trip).
    pub touch_every: SignedDuration,
}

impl Default for SessionPolicy {
    /// Twelve hours idle (a wall screen refreshes itself, so it stays signed in), thirty days
    /// at most.
    fn default() -> Self {
        Self {
            idle: SignedDuration::from_hours(12),
            absolute: SignedDuration::from_hours(24 * 30),
            touch_every: SignedDuration::from_mins(1),
        }
    }
}

impl SessionPolicy {
    /// Whether `session` still works at `now`.
    pub fn is_live(&self, session: &BrowserSession, now: Timestamp) -> bool {
        now.duration_since(session.last_seen_at) < self.idle && now.duration_since(session.created_at) < self.absolute
    }

    /// Whether `last_seen_at` is stale enough to be written again.
    pub fn needs_touch(&self, session: &BrowserSession, now: Timestamp) -> bool {
        now.duration_since(session.last_seen_at) >= self.touch_every
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn sessions_end_on_idle_and_absolute_timeouts() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let policy = SessionPolicy::default();
        let session = |created: Timestamp, seen: Timestamp| BrowserSession {
            hash: TokenHash("h".into()),
            user_id: UserId::from_uuid(Uuid::nil()),
            tenant_id: TenantId::from_uuid(Uuid::nil()),
            csrf: "c".into(),
            created_at: created,
            last_seen_at: seen,
            ip: None,
            user_agent: None,
        };
        let h = SignedDuration::from_hours;
        let cases = [
            (t0, t0, t0 + h(11), true),
            (t0, t0, t0 + h(12), false),
            (t0, t0 + h(700), t0 + h(710), true),
            (t0, t0 + h(715), t0 + h(720), false),
        ];
        for (created, seen, now, live) in cases {
            assert_eq!(policy.is_live(&session(created, seen), now), live, "{created} {seen} {now}");
        }
    }
}
