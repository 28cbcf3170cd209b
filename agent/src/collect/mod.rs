//! The host's metrics, read straight from `/proc` and `/sys` (no library in between): each
//! reading keeps the kernel's counters, and the next turns their growth into rates, timed by
//! the kernel's own uptime read with them.

pub mod cpu;
pub mod disk;
pub mod net;
pub mod system;
pub mod temperature;

use anyhow::{Context, anyhow};
use jiff::Timestamp;
use std::path::{Path, PathBuf};
use vigil_domain::agent::HostSample;
use vigil_domain::agent::protocol::HostInfo;

/// Where the collectors read: the host's `/proc`, `/sys` and root filesystem (elsewhere than
/// `/` when the agent runs in a container with the host's mounted under, say, `/host`).
#[derive(Clone, Debug)]
pub struct Sources {
    /// The proc filesystem.
    pub proc: PathBuf,
    /// The sys filesystem.
    pub sys: PathBuf,
    /// The host's root.
    pub host_root: PathBuf,
    /// Mount points to report, whatever their type; `None`: every block-device and network
    /// filesystem.
    pub mounts: Option<Vec<String>>,
}

impl Default for Sources {
    fn default() -> Self {
        Self { proc: "/proc".into(), sys: "/sys".into(), host_root: "/".into(), mounts: None }
    }
}

impl Sources {
    fn read(&self, relative: &str) -> anyhow::Result<String> {
        let path = self.proc.join(relative);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// The mount table: the agent's own, or, when it sees the host from inside a container,
    /// that of the host's first process.
    fn mount_table(&self) -> anyhow::Result<String> {
        if self.host_root == Path::new("/") { self.read("self/mounts") } else { self.read("1/mounts") }
    }
}

/// Growth of a counter per second; 0 for a counter that went back (a reset, a device that
/// came back) or an empty interval.
pub(crate) fn rate(previous: u64, next: u64, seconds: f64) -> f64 {
    if seconds <= 0.0 || next < previous { 0.0 } else { (next - previous) as f64 / seconds }
}

#[derive(Clone, Debug)]
struct Counters {
    uptime: f64,
    cpu: Option<cpu::CpuStat>,
    disks: Vec<disk::DiskCounters>,
    net: Vec<net::NetCounters>,
}

/// Takes samples of the host; keeps the previous reading's counters for rates.
#[derive(Debug)]
pub struct HostCollector {
    sources: Sources,
    previous: Option<Counters>,
}

impl HostCollector {
    /// A collector reading `sources`.
    pub fn new(sources: Sources) -> Self {
        Self { sources, previous: None }
    }

    /// A sample stamped `at`. Memory and uptime must be readable; anything else that is not
    /// is left out of the sample (and logged at debug level).
    pub fn collect(&mut self, at: Timestamp) -> anyhow::Result<HostSample> {
        let s = &self.sources;
        let uptime = system::parse_uptime(&s.read("uptime")?).ok_or_else(|| anyhow!("unreadable uptime"))?;
        let memory = system::parse_meminfo(&s.read("meminfo")?).ok_or_else(|| anyhow!("unreadable meminfo"))?;
        let optional = |what: &str| s.read(what).map_err(|e| tracing::debug!(error = %format!("{e:#}"), "skipped")).ok();
        let whole_disks = disk::whole_disks(&s.sys);
        let keep_disk = |device: &str| match &whole_disks {
            Some(disks) => disks.iter().any(|d| d == device),
            None => !["loop", "ram", "zram"].iter().any(|p| device.starts_with(p)),
        };
        let counters = Counters {
            uptime,
            cpu: optional("stat").and_then(|t| cpu::parse_stat(&t)),
            disks: optional("diskstats").map(|t| disk::parse_diskstats(&t, keep_disk)).unwrap_or_default(),
            net: optional("net/dev").map(|t| net::select(net::parse_net_dev(&t), &s.sys)).unwrap_or_default(),
        };
        let mounts = s.mount_table().map(|t| disk::parse_mounts(&t)).unwrap_or_default();
        let disks = disk::select_mounts(&mounts, s.mounts.as_deref()).iter().filter_map(|m| disk::usage(&s.host_root, m)).collect();
        let (cpu, disk_io, network) = match &self.previous {
            Some(p) => {
                let seconds = counters.uptime - p.uptime;
                (
                    p.cpu.as_ref().zip(counters.cpu.as_ref()).and_then(|(a, b)| cpu::usage(a, b)),
                    disk::io_rates(&p.disks, &counters.disks, seconds),
                    net::rates(&p.net, &counters.net, seconds),
                )
            }
            None => (None, Vec::new(), Vec::new()),
        };
        let sample = HostSample {
            at,
            uptime_seconds: uptime as u64,
            cpu,
            load: optional("loadavg").and_then(|t| system::parse_loadavg(&t)),
            memory,
            disks,
            disk_io,
            network,
            temperatures: temperature::read(&s.sys),
            containers: None,
        };
        self.previous = Some(counters);
        Ok(sample)
    }

    /// What the agent says about its host when it connects.
    pub fn host_info(&self) -> HostInfo {
        let s = &self.sources;
        let first_line = |relative: &str| s.read(relative).ok().and_then(|t| t.lines().next().map(|l| l.trim().to_owned()));
        let os_release = std::fs::read_to_string(s.host_root.join("etc/os-release")).unwrap_or_default();
        let os = os_release
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_owned())
            .unwrap_or_else(|| "Linux".to_owned());
        let cores = s.read("stat").ok().and_then(|t| cpu::parse_stat(&t)).map_or(0, |stat| stat.cores.len());
        HostInfo {
            hostname: first_line("sys/kernel/hostname").unwrap_or_default(),
            os,
            kernel: first_line("sys/kernel/osrelease").unwrap_or_default(),
            arch: std::env::consts::ARCH.to_owned(),
            cpu_cores: u32::try_from(cores).unwrap_or(u32::MAX),
            agent_version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}
