//! The key patterns of the single table. Every key of tenant data starts with the tenant, so
//! every query is tenant-scoped by construction. See docs/aws.md for the table as a whole.

use vigil_domain::heartbeat::{PingKey, PingToken, Slug};
use vigil_domain::ids::{ActionRequestId, AgentId, EnrolmentId, HostRuleId, MonitorId, PingId, RunId, TaskId, TenantId};

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

/// Partition of a tenant's monitors, heartbeat tasks and ping key.
pub(crate) fn tenant_pk(tenant: TenantId) -> String {
    format!("{TENANT_PK_PREFIX}{tenant}")
}

/// Prefix of tenant partitions.
pub(crate) const TENANT_PK_PREFIX: &str = "T#";

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
    format!("{MONITOR_DUE_SHARD_PREFIX}{}", bytes[15] % DUE_SHARDS)
}

/// Sort key of a tenant's schedule cursor in its partition ([`tenant_pk`]).
pub(crate) const SCHEDULE_CURSOR_SK: &str = "CURSOR";

/// The due-index shard of a tenant's schedule cursor: a monitor shard, so that the claim's read
/// of the index finds the cursors due beside the monitors due.
pub(crate) fn cursor_due_shard(tenant: TenantId) -> String {
    format!("{MONITOR_DUE_SHARD_PREFIX}{}", tenant.as_uuid().into_bytes()[15] % DUE_SHARDS)
}

/// Prefix of the monitor shards of the due-index.
pub(crate) const MONITOR_DUE_SHARD_PREFIX: &str = "D#";

/// Sort key of a heartbeat task in its tenant's partition ([`tenant_pk`]).
pub(crate) fn task_sk(task: TaskId) -> String {
    format!("K#{task}")
}

/// Prefix of task sort keys.
pub(crate) const TASK_SK_PREFIX: &str = "K#";

/// Sort key of a tenant's ping key in its tenant's partition.
pub(crate) const PING_KEY_SK: &str = "PINGKEY";

/// Partition of a task's history: its runs and pings.
pub(crate) fn task_history_pk(tenant: TenantId, task: TaskId) -> String {
    format!("HB#{tenant}#{task}")
}

/// Sort key of a run: its id, a UUIDv7, so runs sort by when they opened.
pub(crate) fn run_sk(run: RunId) -> String {
    format!("{RUN_SK_PREFIX}{run}")
}

/// Prefix of run sort keys.
pub(crate) const RUN_SK_PREFIX: &str = "R#";

/// Sort key of a ping: its id, a UUIDv7, so pings sort by arrival.
pub(crate) fn ping_sk(ping: PingId) -> String {
    format!("{PING_SK_PREFIX}{ping}")
}

/// Prefix of ping sort keys.
pub(crate) const PING_SK_PREFIX: &str = "P#";

/// Partition and sort key of the pointer from a ping token to its task.
pub(crate) fn token_item(token: PingToken) -> (String, String) {
    (format!("TOKEN#{token}"), "TOKEN".to_owned())
}

/// Partition and sort key of the pointer from a tenant's slug to its task. Written in the same
/// transaction as the task, with `attribute_not_exists`, so a slug names one task per tenant.
pub(crate) fn slug_item(tenant: TenantId, slug: &Slug) -> (String, String) {
    (format!("SLUG#{tenant}#{}", slug.as_str()), "SLUG".to_owned())
}

/// Partition and sort key of the pointer from a ping key to its tenant.
pub(crate) fn ping_key_item(key: &PingKey) -> (String, String) {
    (format!("PINGKEY#{}", key.as_str()), "PINGKEY".to_owned())
}

/// The due-index shard of a task. Its own shard values (`HD#`), so the monitor scheduler never
/// reads a task and the sweeper never reads a monitor, on the same index.
pub(crate) fn task_due_shard(task: TaskId) -> String {
    format!("{TASK_DUE_SHARD_PREFIX}{}", task.as_uuid().into_bytes()[15] % DUE_SHARDS)
}

/// Prefix of the task shards of the due-index.
pub(crate) const TASK_DUE_SHARD_PREFIX: &str = "HD#";

/// Sort key of an enrolment in its tenant's partition ([`tenant_pk`]).
pub(crate) fn enrolment_sk(enrolment: EnrolmentId) -> String {
    format!("{ENROLMENT_SK_PREFIX}{enrolment}")
}

/// Prefix of enrolment sort keys.
pub(crate) const ENROLMENT_SK_PREFIX: &str = "EN#";

/// Partition and sort key of the pointer from an enrolment token's digest to its enrolment:
/// deleted with its old image to take the token once.
pub(crate) fn enrolment_token_item(digest: &str) -> (String, String) {
    (format!("ENROL#{digest}"), "ENROL".to_owned())
}

/// Sort key of a host in its tenant's partition ([`tenant_pk`]).
pub(crate) fn host_sk(agent: AgentId) -> String {
    format!("{HOST_SK_PREFIX}{agent}")
}

/// Prefix of host sort keys.
pub(crate) const HOST_SK_PREFIX: &str = "AG#";

/// Partition and sort key of the pointer from an agent id to its tenant (an agent's `hello`
/// names only itself).
pub(crate) fn agent_item(agent: AgentId) -> (String, String) {
    (format!("AGENT#{agent}"), "AGENT".to_owned())
}

/// Partition of a host's metrics: its progress, sample batches and rollups.
pub(crate) fn host_metrics_pk(tenant: TenantId, agent: AgentId) -> String {
    format!("HM#{tenant}#{agent}")
}

/// Sort key of a host's progress in [`host_metrics_pk`]: a small item, so that the write every
/// batch makes to it costs one write unit.
pub(crate) const PROGRESS_SK: &str = "PROGRESS";

/// Sort key of a sample batch: its first sample's time, then its number, so that batches sort
/// by time and a batch sent again lands on the same key.
pub(crate) fn batch_sk(first_ms: i64, seq: u64) -> String {
    format!("{BATCH_SK_PREFIX}{:013}#{seq:020}", first_ms.max(0))
}

/// Prefix of batch sort keys.
pub(crate) const BATCH_SK_PREFIX: &str = "S#";

/// Sort key of a rollup: its bucket's length in seconds, then its start.
pub(crate) fn host_rollup_sk(seconds: i64, start_ms: i64) -> String {
    format!("R#{seconds:05}#{:013}", start_ms.max(0))
}

/// Partition of a host's connection events, sorted by time then id.
pub(crate) fn connections_pk(tenant: TenantId, agent: AgentId) -> String {
    format!("HC#{tenant}#{agent}")
}

/// Sort key of a rule in its tenant's partition.
pub(crate) fn host_rule_sk(rule: HostRuleId) -> String {
    format!("{HOST_RULE_SK_PREFIX}{rule}")
}

/// Prefix of rule sort keys.
pub(crate) const HOST_RULE_SK_PREFIX: &str = "HR#";

/// Sort key of a rule's state on a host in its tenant's partition: host first, so that one
/// host's states are one prefix.
pub(crate) fn watch_sk(agent: AgentId, rule: HostRuleId) -> String {
    format!("{WATCH_SK_PREFIX}{agent}#{rule}")
}

/// Prefix of rule state sort keys.
pub(crate) const WATCH_SK_PREFIX: &str = "HW#";

/// Partition of a tenant's action history.
pub(crate) fn actions_pk(tenant: TenantId) -> String {
    format!("HA#{tenant}")
}

/// Sort key of an action request: when it was made, then its id.
pub(crate) fn action_sk(requested_ms: i64, id: ActionRequestId) -> String {
    format!("{ACTION_SK_PREFIX}{:013}#{id}", requested_ms.max(0))
}

/// Prefix of action request sort keys.
pub(crate) const ACTION_SK_PREFIX: &str = "A#";

/// Sort key, in [`actions_pk`], of the pointer from an action request's id to its item.
pub(crate) fn action_pointer_sk(id: ActionRequestId) -> String {
    format!("I#{id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use vigil_domain::ids::CheckId;

    #[test]
    fn keys_sort_as_their_values() {
        assert!(result_sk(999_999_999_999) < result_sk(1_000_000_000_000));
        assert!(transition_sk(9) < transition_sk(10));
        assert!(rollup_sk(3_600_000) < rollup_sk(7_200_000));
        let monitor = MonitorId::from_uuid(Uuid::from_u128(42));
        assert!(creation_key(5, monitor) < creation_key(10, monitor));
        let check = CheckId::for_planned_check(monitor, 1_767_225_600_123);
        assert_eq!(check.planned_ms(), 1_767_225_600_123);
        assert!(due_shard(monitor).starts_with("D#"));
        let (early, late) = (RunId::from_uuid(Uuid::from_u128(0xff)), RunId::from_uuid(Uuid::from_u128(0x100)));
        assert!(run_sk(early) < run_sk(late), "hyphenated ids sort as their values");
        assert!(task_due_shard(TaskId::from_uuid(Uuid::from_u128(7))).starts_with(TASK_DUE_SHARD_PREFIX));
        assert!(batch_sk(999_999_999_999, 9) < batch_sk(1_000_000_000_000, 1), "batches sort by time first");
        assert!(host_rollup_sk(60, 5) < host_rollup_sk(60, 60_000) && host_rollup_sk(60, 9_999_999_999_999) < host_rollup_sk(3600, 0));
    }
}
