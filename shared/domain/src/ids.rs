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
    };
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

impl CheckId {
    /// The id of the check of `monitor` planned at `planned_at_ms` (Unix milliseconds).
    ///
    /// The layout is a UUIDv8 whose first 48 bits are the planned time, so ids sort by time as
    /// UUIDv7 ids do, and whose remaining bits come from the whole monitor id.
    pub fn for_planned_check(monitor: MonitorId, planned_at_ms: i64) -> Self {
        let monitor_bytes = monitor.as_uuid().into_bytes();
        let mut bytes = monitor_bytes;
        let ms = (planned_at_ms.max(0) as u64).to_be_bytes();
        bytes[..6].copy_from_slice(&ms[2..8]);
        // The bytes overwritten by the time are folded into the tail so that monitors differing
        // only there (UUIDv7 ids created in different milliseconds) still get distinct check ids.
        for i in 0..6 {
            bytes[10 + i] ^= monitor_bytes[i];
        }
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
    }
}
