//! What the harness measures about processes and the machine, read from `/proc` (Linux only):
//! CPU time, resident memory, the machine's total CPU use, and the open-file limit.

use anyhow::{Context, anyhow};
use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
use std::time::Duration;

/// CPU time a process has used: user and system, all threads, living and exited.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTime {
    /// Time in user mode.
    pub user: Duration,
    /// Time in the kernel on the process's behalf.
    pub system: Duration,
}

impl CpuTime {
    /// User plus system.
    pub fn total(self) -> Duration {
        self.user + self.system
    }

    /// The CPU used between `earlier` and `self`.
    pub fn since(self, earlier: CpuTime) -> CpuTime {
        CpuTime { user: self.user.saturating_sub(earlier.user), system: self.system.saturating_sub(earlier.system) }
    }
}

fn ticks(count: u64) -> Duration {
    // Kernel clock ticks (USER_HZ), 100 a second on every common Linux: 10 ms resolution,
    // which is why windows are measured in tens of seconds.
    let per_second = rustix::param::clock_ticks_per_second().max(1);
    Duration::from_nanos(count.saturating_mul(1_000_000_000) / per_second)
}

/// CPU time of process `pid` (`None`: this process) from `/proc/<pid>/stat`, which, unlike
/// summing `/proc/<pid>/task/*`, includes threads that have exited (tokio's blocking pool
/// retires idle threads).
pub fn cpu_time(pid: Option<u32>) -> anyhow::Result<CpuTime> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    // The command name, field 2, is in parentheses and may hold spaces: count from the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, rest)| rest).ok_or_else(|| anyhow!("{path} has no command field"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 (utime) and 15 (stime) of stat(5); `rest` starts at field 3.
    let field = |n: usize| -> anyhow::Result<u64> {
        fields.get(n - 3).ok_or_else(|| anyhow!("{path} has no field {n}"))?.parse().with_context(|| format!("field {n} of {path}"))
    };
    Ok(CpuTime { user: ticks(field(14)?), system: ticks(field(15)?) })
}

/// Resident memory of this process.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Resident now (`VmRSS`), in bytes.
    pub rss: u64,
    /// The most resident since start or the last [`reset_peak_rss`] (`VmHWM`), in bytes.
    pub peak_rss: u64,
}

/// Reads `VmRSS` and `VmHWM` from `/proc/self/status`.
pub fn memory() -> anyhow::Result<Memory> {
    memory_at("/proc/self/status")
}

/// Reads `VmRSS` and `VmHWM` of process `pid`.
pub fn memory_of(pid: u32) -> anyhow::Result<Memory> {
    memory_at(&format!("/proc/{pid}/status"))
}

fn memory_at(path: &str) -> anyhow::Result<Memory> {
    let status = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let kib = |key: &str| -> anyhow::Result<u64> {
        let line = status.lines().find(|l| l.starts_with(key)).ok_or_else(|| anyhow!("{path} has no {key}"))?;
        let value = line[key.len()..].trim().trim_end_matches("kB").trim();
        Ok(value.parse::<u64>().with_context(|| format!("parsing {key} in {path}"))? * 1024)
    };
    Ok(Memory { rss: kib("VmRSS:")?, peak_rss: kib("VmHWM:")? })
}

/// Resets `VmHWM` to the current RSS (writing 5 to `/proc/self/clear_refs`, Linux 4.0+), so that
/// each phase reports its own peak. Returns false where the kernel refuses.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// The machine's CPU counters from the first line of `/proc/stat`, in clock ticks.
#[derive(Clone, Copy, Debug, Default)]
pub struct MachineCpu {
    /// Ticks spent on anything but idle and I/O wait, over all CPUs.
    pub busy: u64,
}

impl MachineCpu {
    /// Busy CPU time between `earlier` and `self`.
    pub fn busy_since(self, earlier: MachineCpu) -> Duration {
        ticks(self.busy.saturating_sub(earlier.busy))
    }
}

/// Reads the aggregate `cpu` line of `/proc/stat`.
pub fn machine_cpu() -> anyhow::Result<MachineCpu> {
    let stat = std::fs::read_to_string("/proc/stat").context("reading /proc/stat")?;
    let line = stat.lines().find(|l| l.starts_with("cpu ")).ok_or_else(|| anyhow!("/proc/stat has no cpu line"))?;
    let values: Vec<u64> = line.split_whitespace().skip(1).map(|v| v.parse().unwrap_or(0)).collect();
    // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
    // counted in user and nice.
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    Ok(MachineCpu { busy: total.saturating_sub(idle) })
}

/// The open-file limit before and after [`raise_fd_limit`].
#[derive(Clone, Copy, Debug)]
pub struct FdLimit {
    /// The soft limit found at start.
    pub before: Option<u64>,
    /// The soft limit now.
    pub after: Option<u64>,
    /// The hard limit.
    pub hard: Option<u64>,
}

fn show(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unlimited".to_owned(), |l| l.to_string())
}

impl std::fmt::Display for FdLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.before == self.after {
            write!(f, "{} (hard {})", show(self.after), show(self.hard))
        } else {
            write!(f, "{} (raised from {}; hard {})", show(self.after), show(self.before), show(self.hard))
        }
    }
}

/// Raises the soft open-file limit to the hard limit: every check in flight holds a socket.
pub fn raise_fd_limit() -> FdLimit {
    let found = getrlimit(Resource::Nofile);
    let mut after = found.current;
    if found.current != found.maximum {
        let wanted = Rlimit { current: found.maximum, maximum: found.maximum };
        if setrlimit(Resource::Nofile, wanted).is_ok() {
            after = getrlimit(Resource::Nofile).current;
        }
    }
    FdLimit { before: found.current, after, hard: found.maximum }
}

/// The machine, for the report header: logical CPUs and the CPU model.
pub fn machine_description() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split_once(':')).map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".to_owned());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|r| r.trim().to_owned()).unwrap_or_default();
    format!("{cpus} CPUs available ({model}), Linux {kernel}")
}

/// Bytes as (decimal) megabytes, the unit of the bar ("RSS under 300 MB").
pub fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let cpu = cpu_time(None).expect("own stat");
        let again = cpu_time(None).expect("own stat");
        assert!(again.total() >= cpu.total());
        let memory = memory().expect("own status");
        assert!(memory.rss > 0 && memory.peak_rss >= memory.rss);
        let machine = machine_cpu().expect("/proc/stat");
        assert!(machine.busy > 0);
    }
}
