//! Typed identifiers. Each is a UUID underneath; the type keeps a monitor id from being passed
//! where a tenant id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID underneath.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        #[cfg(feature = "schema")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                uuid_schema()
            }
        }

        #[cfg(feature = "schema")]
        impl utoipa::ToSchema for $name {}
    };
}

/// Every id is a UUID in its hyphenated text form.
#[cfg(feature = "schema")]
fn uuid_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
    ObjectBuilder::new().schema_type(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))).into()
}

uuid_id!(
    /// The owner of every stored item: keys and queries are scoped by it.
    TenantId
);
uuid_id!(
    /// An HTTP monitor.
    MonitorId
);
uuid_id!(
    /// An API key (not the secret itself).
    ApiKeyId
);
uuid_id!(
    /// A heartbeat task: a job that pings Vigil when it runs.
    TaskId
);
uuid_id!(
    /// One run of a heartbeat task: from its first signal (a start, or a finish without one)
    /// to its end.
    RunId
);
uuid_id!(
    /// One ping received for a heartbeat task.
    PingId
);
uuid_id!(
    /// One check of one monitor. Derived from the monitor and the planned time, so a redelivered
    /// job produces the same id and storage can refuse the duplicate.
    CheckId
);

uuid_id!(
    /// An incident: one outage of one monitor or task, from opening to resolution. Derived from
    /// the subject and the time it went down, so a redelivered event opens nothing new.
    IncidentId
);
uuid_id!(
    /// A notification channel (a webhook, a Slack incoming webhook, an email list...).
    ChannelId
);
uuid_id!(
    /// An alert rule: which subjects notify which channels, and how to escalate.
    AlertRuleId
);
uuid_id!(
    /// A maintenance window.
    MaintenanceWindowId
);
uuid_id!(
    /// One message to one channel about one incident transition.
    DeliveryId
);
uuid_id!(
    /// One entry of an incident's timeline.
    TimelineEntryId
);
uuid_id!(
    /// A host agent: one enrolled `vigil-agent` and its credential.
    AgentId
);
uuid_id!(
    /// One request to run a named action on an agent.
    ActionRequestId
);
uuid_id!(
    /// A threshold or silence rule on host metrics.
    HostRuleId
);
uuid_id!(
    /// A pending enrolment: a one-time token an admin made, until an agent spends it.
    EnrolmentId
);
uuid_id!(
    /// One rule watching one host: the subject of the incidents that rule opens for that host.
    /// Derived from the two, so every store and every evaluation names it alike.
    HostWatchId
);
uuid_id!(
    /// One connection event of an agent (connected, disconnected).
    ConnectionEventId
);

uuid_id!(
    /// A person who signs in. One user may belong to several organisations.
    UserId
);
uuid_id!(
    /// An invitation to join an organisation.
    InvitationId
);
uuid_id!(
    /// A family of refresh tokens: one sign-in of an API client and its rotations.
    RefreshFamilyId
);
uuid_id!(
    /// One entry of an organisation's audit log.
    AuditEntryId
);

uuid_id!(
    /// A public status page.
    StatusPageId
);
uuid_id!(
    /// A component of a status page (a group of components too).
    ComponentId
);
uuid_id!(
    /// An incident posted on a status page, apart from the internal incidents.
    PublicIncidentId
);
uuid_id!(
    /// One update of a public incident.
    PublicUpdateId
);
uuid_id!(
    /// A subscriber of a status page (an email address or a webhook).
    SubscriberId
);
uuid_id!(
    /// A badge: a picture of a monitor's, task's or component's status, by an unguessable token.
    BadgeId
);

/// A UUIDv8 whose first 48 bits are `at_ms`, so ids sort by time as UUIDv7 ids do, and whose
/// remaining bits come from the whole `seed`.
fn time_prefixed(seed: Uuid, at_ms: i64) -> Uuid {
    let seed_bytes = seed.into_bytes();
    let mut bytes = seed_bytes;
    let ms = (at_ms.max(0) as u64).to_be_bytes();
    bytes[..6].copy_from_slice(&ms[2..8]);
    // The bytes overwritten by the time are folded into the tail so that seeds differing only
    // there (UUIDv7 ids created in different milliseconds) still give distinct ids.
    for i in 0..6 {
        bytes[10 + i] ^= seed_bytes[i];
    }
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

impl CheckId {
    /// The id of the check of `monitor` planned at `planned_at_ms` (Unix milliseconds).
    pub fn for_planned_check(monitor: MonitorId, planned_at_ms: i64) -> Self {
        Self(time_prefixed(monitor.as_uuid(), planned_at_ms))
    }

    /// The planned time (Unix milliseconds) the id carries in its first 48 bits.
    pub fn planned_ms(self) -> i64 {
        let bytes = self.0.into_bytes();
        let mut ms = [0u8; 8];
        ms[2..].copy_from_slice(&bytes[..6]);
        i64::from_be_bytes(ms)
    }
}

impl IncidentId {
    /// The id of the incident that `subject` (a monitor's or task's UUID) opened by going down
    /// at `opened_at_ms`. Tasks and monitors are UUIDv7s from one generator, so they never
    /// share a UUID.
    pub fn for_opening(subject: Uuid, opened_at_ms: i64) -> Self {
        Self(time_prefixed(subject, opened_at_ms))
    }
}

impl PublicIncidentId {
    /// The id of the public post of internal incident `incident` on page `page`: the same for
    /// every attempt, so that publishing twice (a redelivered event) posts once. It keeps the
    /// incident's time prefix, so posts sort by the time their incident opened.
    pub fn published_from(incident: IncidentId, page: StatusPageId) -> Self {
        let mut bytes = incident.as_uuid().into_bytes();
        let page = page.as_uuid().into_bytes();
        for i in 6..16 {
            bytes[i] ^= page[i];
        }
        Self(uuid::Builder::from_custom_bytes(bytes).into_uuid())
    }
}

impl HostWatchId {
    /// The watch of `rule` on `host`: a UUIDv8 from the SHA-256 of both ids, so a rule that
    /// watches every host has a distinct subject per host, and no two pairs share one.
    pub fn of(rule: HostRuleId, host: AgentId) -> Self {
        use sha2::{Digest, Sha256};
        let mut digest = Sha256::new();
        digest.update(b"vigil host watch v1");
        digest.update(rule.as_uuid().as_bytes());
        digest.update(host.as_uuid().as_bytes());
        let bytes: [u8; 16] = digest.finalize()[..16].try_into().expect("16 of 32 bytes");
        Self(uuid::Builder::from_custom_bytes(bytes).into_uuid())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ids_are_deterministic_and_distinct_per_monitor_and_time() {
        let a = MonitorId::from_uuid(Uuid::from_u128(0x1111_2222_3333_4444_5555_6666_7777_8888));
        let b = MonitorId::from_uuid(Uuid::from_u128(0x9999_2222_3333_4444_5555_6666_7777_8888));
        let t = 1_700_000_000_000;
        assert_eq!(CheckId::for_planned_check(a, t), CheckId::for_planned_check(a, t));
        assert_ne!(CheckId::for_planned_check(a, t), CheckId::for_planned_check(a, t + 1));
        assert_ne!(CheckId::for_planned_check(a, t), CheckId::for_planned_check(b, t));
        assert!(CheckId::for_planned_check(a, t) < CheckId::for_planned_check(a, t + 1000));
        assert_eq!(CheckId::for_planned_check(a, t).planned_ms(), t);
    }

    #[test]
    fn watch_ids_are_deterministic_and_distinct_per_rule_and_host() {
        let (r1, r2) = (HostRuleId::from_uuid(Uuid::from_u128(1)), HostRuleId::from_uuid(Uuid::from_u128(2)));
        let (h1, h2) = (AgentId::from_uuid(Uuid::from_u128(1)), AgentId::from_uuid(Uuid::from_u128(2)));
        assert_eq!(HostWatchId::of(r1, h1), HostWatchId::of(r1, h1));
        let all = [HostWatchId::of(r1, h1), HostWatchId::of(r1, h2), HostWatchId::of(r2, h1), HostWatchId::of(r2, h2)];
        let distinct: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(distinct.len(), 4, "{all:?}");
        assert_ne!(HostWatchId::of(r1, h2), HostWatchId::of(HostRuleId::from_uuid(h2.as_uuid()), AgentId::from_uuid(r1.as_uuid())));
    }
}
