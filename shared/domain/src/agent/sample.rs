//! One sample of a host: what the agent measured at one instant. Rates (CPU, disk and network
//! throughput) are over the interval since the previous sample, so the first sample after the
//! agent starts has none.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Everything measured on a host at `at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostSample {
    /// When the sample was taken (the agent's clock).
    pub at: Timestamp,
    /// Seconds since the host booted.
    pub uptime_seconds: u64,
    /// CPU use since the previous sample; absent on the first.
    #[serde(default)]
    pub cpu: Option<CpuUsage>,
    /// Load averages.
    #[serde(default)]
    pub load: Option<LoadAverage>,
    /// Memory and swap.
    pub memory: MemoryUsage,
    /// Filesystems, one per mount point.
    #[serde(default)]
    pub disks: Vec<DiskUsage>,
    /// Block devices' throughput since the previous sample.
    #[serde(default)]
    pub disk_io: Vec<DiskIo>,
    /// Network interfaces' throughput since the previous sample.
    #[serde(default)]
    pub network: Vec<NetworkIo>,
    /// Temperature sensors the operating system exposes.
    #[serde(default)]
    pub temperatures: Vec<Temperature>,
    /// Containers, when a Docker Engine API answered; absent when there is none.
    #[serde(default)]
    pub containers: Option<Vec<ContainerSample>>,
}

/// CPU use over an interval, in percent of the time (0 to 100).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpuUsage {
    /// All cores together.
    pub total_percent: f64,
    /// Each core, in the kernel's order.
    pub per_core_percent: Vec<f64>,
    /// Time spent waiting for I/O, all cores together.
    pub iowait_percent: f64,
}

/// The kernel's load averages.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadAverage {
    /// Over one minute.
    pub one: f64,
    /// Over five minutes.
    pub five: f64,
    /// Over fifteen minutes.
    pub fifteen: f64,
}

/// Memory and swap, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemoryUsage {
    /// Physical memory.
    pub total_bytes: u64,
    /// What programs could still get without swapping (the kernel's `MemAvailable`).
    pub available_bytes: u64,
    /// Total swap.
    pub swap_total_bytes: u64,
    /// Swap in use.
    pub swap_used_bytes: u64,
}

impl MemoryUsage {
    /// Memory in use: total less available.
    pub fn used_bytes(&self) -> u64 {
        self.total_bytes.saturating_sub(self.available_bytes)
    }
}

/// One mounted filesystem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskUsage {
    /// Where it is mounted (`/`, `/var`).
    pub mount: String,
    /// The device or source (`/dev/sda1`).
    pub device: String,
    /// The filesystem type (`ext4`).
    pub fs_type: String,
    /// Size, in bytes.
    pub total_bytes: u64,
    /// Used, in bytes.
    pub used_bytes: u64,
    /// Available to unprivileged users, in bytes (less than total less used on filesystems
    /// that reserve blocks for root).
    pub available_bytes: u64,
}

impl DiskUsage {
    /// Used as a percentage of what users can have, as `df` reports it.
    pub fn used_percent(&self) -> f64 {
        percent(self.used_bytes, self.used_bytes + self.available_bytes)
    }
}

/// One block device's throughput.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskIo {
    /// The device (`sda`, `nvme0n1`).
    pub device: String,
    /// Bytes read per second.
    pub read_bytes_per_second: f64,
    /// Bytes written per second.
    pub write_bytes_per_second: f64,
    /// Share of the time the device was busy, in percent.
    pub busy_percent: f64,
}

/// One network interface's throughput.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkIo {
    /// The interface (`eth0`).
    pub interface: String,
    /// Bytes received per second.
    pub rx_bytes_per_second: f64,
    /// Bytes sent per second.
    pub tx_bytes_per_second: f64,
}

/// One temperature sensor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Temperature {
    /// The sensor's name (`coretemp/Core 0`, `thermal_zone0/x86_pkg_temp`).
    pub sensor: String,
    /// Degrees Celsius.
    pub celsius: f64,
}

/// One container, as the Docker Engine API reports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerSample {
    /// The container id.
    pub id: String,
    /// Its name, without Docker's leading `/`.
    pub name: String,
    /// The image it runs.
    pub image: String,
    /// Its state.
    pub state: ContainerState,
    /// Its health check's verdict, when it has one.
    #[serde(default)]
    pub health: Option<ContainerHealth>,
    /// How many times the engine restarted it.
    pub restart_count: u64,
    /// CPU use since the previous sample, in percent of one core (a container busy on two
    /// cores shows 200); absent when it did not run through the interval.
    #[serde(default)]
    pub cpu_percent: Option<f64>,
    /// Memory in use, in bytes (less the page cache).
    #[serde(default)]
    pub memory_bytes: Option<u64>,
    /// Its memory limit, in bytes.
    #[serde(default)]
    pub memory_limit_bytes: Option<u64>,
    /// Bytes received per second over all its interfaces.
    #[serde(default)]
    pub rx_bytes_per_second: Option<f64>,
    /// Bytes sent per second over all its interfaces.
    #[serde(default)]
    pub tx_bytes_per_second: Option<f64>,
}

impl ContainerSample {
    /// Running, and not unhealthy (a container still starting its health check counts as up).
    pub fn is_up(&self) -> bool {
        self.state == ContainerState::Running && self.health != Some(ContainerHealth::Unhealthy)
    }
}

/// A container's state (Docker's `State.Status`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerState {
    /// Created, never started.
    Created,
    /// Running.
    Running,
    /// Paused.
    Paused,
    /// Being restarted by the engine.
    Restarting,
    /// Being removed.
    Removing,
    /// Stopped.
    Exited,
    /// Failed to stop or be removed.
    Dead,
    /// A state this version of the protocol does not know.
    Other,
}

/// A container's health check verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerHealth {
    /// Within the start period.
    Starting,
    /// Passing.
    Healthy,
    /// Failing.
    Unhealthy,
}

/// `part` as a percentage of `whole`; 0 when `whole` is 0.
pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 }
}
