//! The key patterns of the single table. Every key of tenant data starts with the tenant, so
//! every query is tenant-scoped by construction. See docs/aws.md for the table as a whole.

use vigil_domain::ids::{CheckId, MonitorId, TenantId};

/// Partition key attribute.
pub(crate) const PK: &str = "pk";
/// Sort key attribute.
pub(crate) const SK: &str = "sk";
/// The TTL attribute (epoch seconds), set on items that expire: check results and rollups.
pub(crate) const EXPIRES_AT: &str = "expires_at";
/// The local secondary index listing a tenant's monitors by creation.
pub(crate) const BY_CREATION_INDEX: &str = "by_creation";
/// Sort key of [`BY_CREATION_INDEX`]: zero-padded creation milliseconds, `#`, monitor id.
pub(crate) const CREATION_KEY: &str = "creation_key";
/// The sparse, sharded global secondary index of monitors by next due time.
pub(crate) const DUE_INDEX: &str = "due";
/// Partition key of [`DUE_INDEX`]: the monitor's shard; absent while paused.
pub(crate) const DUE_SHARD: &str = "due_shard";
/// Sort key of [`DUE_INDEX`]: next due time in Unix milliseconds; absent while paused.
pub(crate) const DUE_AT: &str = "due_at";
/// Shards of the due-index. Spreads the index's writes over several partitions; a claim reads
/// every shard. A deployment constant: changing it strands monitors in shards no longer read.
pub(crate) const DUE_SHARDS: u8 = 4;

/// Partition of a tenant's monitors.
pub(crate) fn tenant_pk(tenant: TenantId) -> String {
    format!("T#{tenant}")
}

/// Sort key of a monitor in its tenant's partition.
pub(crate) fn monitor_sk(monitor: MonitorId) -> String {
    format!("M#{monitor}")
}

/// Prefix of monitor sort keys.
pub(crate) const MONITOR_SK_PREFIX: &str = "M#";

/// Partition of a monitor's history: results, transitions, rollups.
pub(crate) fn history_pk(tenant: TenantId, monitor: MonitorId) -> String {
    format!("H#{tenant}#{monitor}")
}

/// Sort key of a check result: its planned time, so results sort by time.
pub(crate) fn result_sk(planned_ms: i64) -> String {
    format!("C#{planned_ms:013}")
}

/// Prefix of result sort keys.
pub(crate) const RESULT_SK_PREFIX: &str = "C#";

/// Sort key of a transition: the health version it produced, which is unique per monitor and
/// increases with every change, so transitions sort in the order they happened.
pub(crate) fn transition_sk(health_version: u64) -> String {
    format!("X#{health_version:020}")
}

/// Prefix of transition sort keys.
pub(crate) const TRANSITION_SK_PREFIX: &str = "X#";

/// Sort key of an hourly rollup.
pub(crate) fn rollup_sk(hour_ms: i64) -> String {
    format!("U#{hour_ms:013}")
}

/// Partition and sort key of a tenant.
pub(crate) fn tenant_item(tenant: TenantId) -> (String, String) {
    (format!("TENANT#{tenant}"), "TENANT".to_owned())
}

/// The partition listing every tenant (read to tell a fresh deployment).
pub(crate) const TENANTS_PK: &str = "TENANTS";

/// Partition and sort key of an API key, by the SHA-256 of its secret.
pub(crate) fn api_key_item(hash_hex: &str) -> (String, String) {
    (format!("KEY#{hash_hex}"), "KEY".to_owned())
}

/// The creation sort key of a monitor.
pub(crate) fn creation_key(created_ms: i64, monitor: MonitorId) -> String {
    format!("{created_ms:013}#{monitor}")
}

/// The due-index shard of a monitor, from the random tail of its id.
pub(crate) fn due_shard(monitor: MonitorId) -> String {
    let bytes = monitor.as_uuid().into_bytes();
    format!("D#{}", bytes[15] % DUE_SHARDS)
}

/// The planned time (Unix ms) carried in the first 48 bits of a check id.
pub(crate) fn planned_ms_of(check: CheckId) -> i64 {
    let bytes = check.as_uuid().into_bytes();
    let mut ms = [0u8; 8];
    ms[2..].copy_from_slice(&bytes[..6]);
    i64::from_be_bytes(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn keys_sort_as_their_values() {
        assert!(result_sk(999_999_999_999) < result_sk(1_000_000_000_000));
        assert!(transition_sk(9) < transition_sk(10));
        assert!(rollup_sk(3_600_000) < rollup_sk(7_200_000));
        let monitor = MonitorId::from_uuid(Uuid::from_u128(42));
        assert!(creation_key(5, monitor) < creation_key(10, monitor));
        let check = CheckId::for_planned_check(monitor, 1_767_225_600_123);
        assert_eq!(planned_ms_of(check), 1_767_225_600_123);
        assert!(due_shard(monitor).starts_with("D#"));
    }
}
