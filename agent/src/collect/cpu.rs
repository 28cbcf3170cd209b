//! CPU use from `/proc/stat`: the kernel's time counters per CPU, in clock ticks, turned into
//! percentages between two readings.

use std::collections::BTreeMap;
use vigil_domain::agent::sample::CpuUsage;

/// One CPU's counters (or all CPUs' together).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    /// Ticks neither idle nor waiting for I/O.
    pub busy: u64,
    /// Ticks waiting for I/O.
    pub iowait: u64,
    /// All ticks.
    pub total: u64,
}

/// The counters of one reading: all CPUs, and each online core by number.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CpuStat {
    /// The aggregate line.
    pub all: CpuTimes,
    /// `cpuN` lines (offline cores are absent).
    pub cores: BTreeMap<usize, CpuTimes>,
}

fn times(fields: &[u64]) -> CpuTimes {
    // user nice system idle iowait irq softirq steal (guest and guest_nice are already counted
    // in user and nice, so they are left out of the total).
    let field = |i: usize| fields.get(i).copied().unwrap_or(0);
    let busy = [0, 1, 2, 5, 6, 7].into_iter().map(field).sum();
    CpuTimes { busy, iowait: field(4), total: (0..8).map(field).sum() }
}

/// Parses `/proc/stat`.
pub fn parse_stat(text: &str) -> Option<CpuStat> {
    let mut stat = CpuStat::default();
    let mut found_all = false;
    for line in text.lines() {
        let mut words = line.split_whitespace();
        let Some(label) = words.next().and_then(|w| w.strip_prefix("cpu")) else { continue };
        let fields: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
        if label.is_empty() {
            stat.all = times(&fields);
            found_all = true;
        } else if let Ok(core) = label.parse() {
            stat.cores.insert(core, times(&fields));
        }
    }
    found_all.then_some(stat)
}

fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 100.0 / whole as f64).clamp(0.0, 100.0) }
}

/// Use between two readings; `None` if the counters did not move (readings too close).
pub fn usage(previous: &CpuStat, next: &CpuStat) -> Option<CpuUsage> {
    // The kernel lets iowait (and so the total) go back a little (proc(5)): saturate.
    let delta = |a: CpuTimes, b: CpuTimes| CpuTimes {
        busy: b.busy.saturating_sub(a.busy),
        iowait: b.iowait.saturating_sub(a.iowait),
        total: b.total.saturating_sub(a.total),
    };
    let all = Some(delta(previous.all, next.all)).filter(|d| d.total > 0)?;
    let per_core_percent = next
        .cores
        .iter()
        .map(|(core, times)| match previous.cores.get(core) {
            Some(before) => {
                let d = delta(*before, *times);
                share(d.busy, d.total)
            }
            // A core that came online between the readings: no interval to judge.
            None => 0.0,
        })
        .collect();
    Some(CpuUsage { total_percent: share(all.busy, all.total), per_core_percent, iowait_percent: share(all.iowait, all.total) })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\ncpu1 50 0 25 400 25 0 0 0 0 0\nintr 1 2 3\n";
    const AFTER: &str = "cpu  160 0 70 900 70 0 0 0 0 0\ncpu0 110 0 40 430 20 0 0 0 0 0\ncpu1 50 0 30 470 50 0 0 0 0 0\nintr 1 2 3\n";

    #[test]
    fn percentages_between_two_readings() {
        let (a, b) = (parse_stat(BEFORE).unwrap(), parse_stat(AFTER).unwrap());
        assert_eq!(a.cores.len(), 2);
        let use_ = usage(&a, &b).unwrap();
        // All: busy 230 - 150 = 80 of 1200 - 1000 = 200 ticks; iowait 20 of 200.
        assert_eq!(use_.total_percent, 40.0);
        assert_eq!(use_.iowait_percent, 10.0);
        // cpu0: busy 150 - 75 = 75 of 600 - 500 = 100 ticks, though its iowait went back;
        // cpu1: busy 80 - 75 = 5 of 100.
        assert_eq!(use_.per_core_percent, vec![75.0, 5.0]);
    }

    #[test]
    fn no_interval_no_figure() {
        let a = parse_stat(BEFORE).unwrap();
        assert_eq!(usage(&a, &a), None);
        assert_eq!(parse_stat("intr 1 2\n"), None);
    }
}
