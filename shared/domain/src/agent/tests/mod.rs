//! Table tests of the agent protocol, the threshold rules and the rollups, and the fixtures
//! they share.

mod protocol;
mod rollup;
mod rule;

use super::sample::*;
use jiff::Timestamp;

/// A time `second` seconds after a fixed origin.
pub(crate) fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + second).expect("a valid time")
}

/// A sample of a host with one of everything.
pub(crate) fn sample() -> HostSample {
    HostSample {
        at: at(0),
        uptime_seconds: 3600,
        cpu: Some(CpuUsage { total_percent: 42.5, per_core_percent: vec![40.0, 45.0], iowait_percent: 1.5 }),
        load: Some(LoadAverage { one: 0.5, five: 0.25, fifteen: 0.125 }),
        memory: MemoryUsage { total_bytes: 1000, available_bytes: 250, swap_total_bytes: 0, swap_used_bytes: 0 },
        disks: vec![DiskUsage {
            mount: "/".into(),
            device: "/dev/sda1".into(),
            fs_type: "ext4".into(),
            total_bytes: 100,
            used_bytes: 60,
            available_bytes: 20,
        }],
        disk_io: vec![DiskIo { device: "sda".into(), read_bytes_per_second: 1.0, write_bytes_per_second: 2.0, busy_percent: 3.0 }],
        network: vec![NetworkIo { interface: "eth0".into(), rx_bytes_per_second: 10.0, tx_bytes_per_second: f64::NAN }],
        temperatures: vec![Temperature { sensor: "coretemp/Core 0".into(), celsius: 51.0 }],
        containers: Some(vec![ContainerSample {
            id: "abc".into(),
            name: "api".into(),
            image: "api:1".into(),
            state: ContainerState::Running,
            health: Some(ContainerHealth::Unhealthy),
            restart_count: 3,
            cpu_percent: Some(12.0),
            memory_bytes: Some(50),
            memory_limit_bytes: Some(200),
            rx_bytes_per_second: None,
            tx_bytes_per_second: None,
        }]),
    }
}

/// A sample at `second` whose CPU is `cpu` percent and whose container `api` is up or not.
pub(crate) fn cpu_at(second: i64, cpu: f64) -> HostSample {
    let mut s = sample();
    s.at = at(second);
    s.cpu = Some(CpuUsage { total_percent: cpu, per_core_percent: vec![cpu], iowait_percent: 0.0 });
    s
}
