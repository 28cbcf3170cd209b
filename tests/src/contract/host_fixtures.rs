//! Values the host suites build on: hosts, samples, batches, rules, action requests.

use super::fixtures::at;
use jiff::Timestamp;
use uuid::Uuid;
use vigil_domain::access::ActorId;
use vigil_domain::agent::protocol::{HostInfo, SampleBatch};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::agent::{ActionName, AgentSecret};
use vigil_domain::host::{ActionOutcome, ActionRecord, Enrolment, Host, HostCredential, HostProgress, HostRule, HostRuleDraft};
use vigil_domain::ids::{ActionRequestId, AgentId, EnrolmentId, HostRuleId, TenantId};

/// A fresh agent id.
pub fn agent_id() -> AgentId {
    AgentId::from_uuid(Uuid::now_v7())
}

/// A new host of `tenant` named `name`, enrolled `seconds` after `t0`.
pub fn host(tenant: TenantId, name: &str, seconds: i64) -> Host {
    Host {
        id: agent_id(),
        tenant_id: tenant,
        name: name.into(),
        tags: ["prod".to_owned()].into(),
        info: HostInfo {
            hostname: name.into(),
            os: "Debian GNU/Linux 13 (trixie)".into(),
            kernel: "6.12.0".into(),
            arch: "x86_64".into(),
            cpu_cores: 4,
            agent_version: "0.1.0".into(),
        },
        credential: HostCredential::of(&AgentSecret::from_random(secret_bytes())),
        enrolled_at: at(seconds),
        revoked_at: None,
        progress: HostProgress::default(),
    }
}

fn secret_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(Uuid::new_v4().as_bytes());
    bytes
}

/// A pending enrolment of `tenant` whose token has the digest `digest`.
pub fn enrolment(tenant: TenantId, digest: &str, seconds: i64) -> Enrolment {
    Enrolment {
        id: EnrolmentId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        token_digest: digest.into(),
        name: Some("web-1".into()),
        tags: ["prod".to_owned()].into(),
        silent_after_seconds: Some(120),
        created_at: at(seconds),
        expires_at: at(seconds + 86_400),
        created_by: "ann@example.com".into(),
    }
}

/// A sample taken `seconds` after `t0`, its CPU at `cpu` percent.
pub fn sample(seconds: i64, cpu: f64) -> HostSample {
    serde_json::from_value(serde_json::json!({
        "at": at(seconds),
        "uptime_seconds": 86_400 + seconds,
        "cpu": {"total_percent": cpu, "per_core_percent": [cpu, cpu, cpu, cpu], "iowait_percent": 0.5},
        "load": {"one": 0.5, "five": 0.4, "fifteen": 0.3},
        "memory": {"total_bytes": 8_000_000_000u64, "available_bytes": 6_000_000_000u64, "swap_total_bytes": 0, "swap_used_bytes": 0},
        "disks": [{"mount": "/", "device": "/dev/vda1", "fs_type": "ext4", "total_bytes": 100_000_000_000u64, "used_bytes": 40_000_000_000u64, "available_bytes": 55_000_000_000u64}],
        "network": [{"interface": "eth0", "rx_bytes_per_second": 1200.5, "tx_bytes_per_second": 800.25}],
        "containers": [{"id": "c1", "name": "api", "image": "api:1", "state": "running", "restart_count": 0, "cpu_percent": 3.5}],
    }))
    .expect("a sample")
}

/// Batch `seq` holding one sample per second given.
pub fn batch(seq: u64, seconds: &[i64]) -> SampleBatch {
    SampleBatch { seq, dropped_total: seq / 10, samples: seconds.iter().map(|s| sample(*s, *s as f64 % 100.0)).collect() }
}

/// A rule of `tenant` from its draft, made `seconds` after `t0`.
pub fn rule(tenant: TenantId, draft: serde_json::Value, seconds: i64) -> HostRule {
    let valid = serde_json::from_value::<HostRuleDraft>(draft).expect("a draft").validate().expect("a valid rule");
    HostRule {
        id: HostRuleId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        name: valid.name,
        host: valid.host,
        condition: valid.condition,
        created_at: at(seconds),
        created_by: "ann@example.com".into(),
    }
}

/// A pending request of `host` for `action`, made at `requested_at`.
pub fn action(host: &Host, action: &str, requested_at: Timestamp) -> ActionRecord {
    ActionRecord {
        id: ActionRequestId::from_uuid(Uuid::now_v7()),
        tenant_id: host.tenant_id,
        agent_id: host.id,
        host_name: host.name.clone(),
        action: ActionName::parse(action).expect("an action name"),
        requested_by: ActorId::System,
        requested_by_label: "system".into(),
        requested_at,
        expires_at: requested_at + jiff::SignedDuration::from_mins(2),
        outcome: ActionOutcome::Pending,
    }
}
