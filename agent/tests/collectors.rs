//! The host collectors checked against the kernel's own figures, read independently here: two
//! snapshots of `/proc` taken by the test, a sample from each, and every figure recomputed from
//! the snapshots by the test's own reading; then a live sample against `/proc`, `df` and
//! `/proc/cpuinfo`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use vigil_agent::collect::{HostCollector, Sources};

const FILES: &[&str] =
    &["stat", "meminfo", "loadavg", "uptime", "diskstats", "net/dev", "self/mounts", "sys/kernel/hostname", "sys/kernel/osrelease"];

/// Copies the files the collectors read from `/proc` into `into`, as they are now.
fn snapshot(into: &Path) -> HashMap<&'static str, String> {
    let mut copies = HashMap::new();
    for file in FILES {
        let text = std::fs::read_to_string(Path::new("/proc").join(file)).unwrap_or_default();
        let target = into.join(file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(&target, &text).unwrap();
        copies.insert(*file, text);
    }
    copies
}

/// The numbers after `label` on the line that starts with it.
fn numbers(text: &str, label: &str) -> Vec<f64> {
    let line = text.lines().find(|l| l.split_whitespace().next() == Some(label)).unwrap_or_else(|| panic!("no {label}"));
    line.split_whitespace().skip(1).filter_map(|w| w.trim_end_matches(':').parse().ok()).collect()
}

fn busy_and_total(stat: &str) -> (f64, f64) {
    let v = numbers(stat, "cpu");
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
    (v[0] + v[1] + v[2] + v[5] + v[6] + v[7], v[..8].iter().sum())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_sample_agrees_with_the_proc_files_it_was_taken_from() {
    let dir = tempfile::tempdir().unwrap();
    let sources = Sources { proc: dir.path().to_owned(), ..Sources::default() };
    let mut collector = HostCollector::new(sources);
    let a = snapshot(dir.path());
    let first = collector.collect(jiff::Timestamp::now()).unwrap();
    assert!(first.cpu.is_none() && first.disk_io.is_empty() && first.network.is_empty(), "no rates without a previous reading");

    // Some CPU and disk work, so that the counters move.
    let until = std::time::Instant::now() + std::time::Duration::from_millis(1_200);
    let mut spin = 0u64;
    while std::time::Instant::now() < until {
        spin = spin.wrapping_add(1);
    }
    std::fs::write(dir.path().join("work"), vec![spin as u8; 1 << 20]).unwrap();
    let b = snapshot(dir.path());
    let second = collector.collect(jiff::Timestamp::now()).unwrap();

    let meminfo = |key: &str| numbers(&b["meminfo"], &format!("{key}:"))[0] as u64 * 1024;
    assert_eq!(second.memory.total_bytes, meminfo("MemTotal"));
    assert_eq!(second.memory.available_bytes, meminfo("MemAvailable"));
    assert_eq!(second.memory.swap_used_bytes, meminfo("SwapTotal") - meminfo("SwapFree"));
    let load: Vec<f64> = b["loadavg"].split_whitespace().take(3).map(|w| w.parse().unwrap()).collect();
    let got = second.load.unwrap();
    assert_eq!(vec![got.one, got.five, got.fifteen], load);
    let (uptime_a, uptime_b): (f64, f64) =
        (a["uptime"].split_whitespace().next().unwrap().parse().unwrap(), b["uptime"].split_whitespace().next().unwrap().parse().unwrap());
    assert_eq!(second.uptime_seconds, uptime_b as u64);

    let cpu = second.cpu.expect("CPU use over the interval");
    let ((busy_a, total_a), (busy_b, total_b)) = (busy_and_total(&a["stat"]), busy_and_total(&b["stat"]));
    assert!(close(cpu.total_percent, (busy_b - busy_a) * 100.0 / (total_b - total_a)), "{} vs the test's own", cpu.total_percent);
    assert!(cpu.total_percent > 0.0, "the test spun a core");
    let cores = b["stat"].lines().filter(|l| l.starts_with("cpu") && !l.starts_with("cpu ")).count();
    assert_eq!(cpu.per_core_percent.len(), cores);

    let seconds = uptime_b - uptime_a;
    for net in &second.network {
        let rx = |snap: &HashMap<&str, String>| numbers(&snap["net/dev"], &format!("{}:", net.interface))[0];
        assert!(close(net.rx_bytes_per_second, (rx(&b) - rx(&a)) / seconds), "{}", net.interface);
    }
    assert!(!second.network.iter().any(|n| n.interface == "lo"));
    for io in &second.disk_io {
        // Fields after the name: reads, merged, sectors read, ms, writes, merged, sectors written.
        let sectors = |snap: &HashMap<&str, String>| {
            let line = snap["diskstats"].lines().find(|l| l.split_whitespace().nth(2) == Some(io.device.as_str())).unwrap();
            let f: Vec<f64> = line.split_whitespace().skip(3).map(|w| w.parse().unwrap()).collect();
            (f[2], f[6])
        };
        let ((read_a, written_a), (read_b, written_b)) = (sectors(&a), sectors(&b));
        assert!(close(io.read_bytes_per_second, (read_b - read_a) * 512.0 / seconds), "{}", io.device);
        assert!(close(io.write_bytes_per_second, (written_b - written_a) * 512.0 / seconds), "{}", io.device);
        assert!(!io.device.starts_with("loop"));
    }
    let info = collector.host_info();
    assert_eq!(info.hostname, b["sys/kernel/hostname"].trim());
    assert_eq!(info.kernel, b["sys/kernel/osrelease"].trim());
    assert_eq!(info.cpu_cores as usize, cores);
}

#[test]
fn a_live_sample_agrees_with_df_and_cpuinfo() {
    let mut collector = HostCollector::new(Sources::default());
    let sample = collector.collect(jiff::Timestamp::now()).unwrap();
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    assert_eq!(sample.memory.total_bytes, numbers(&meminfo, "MemTotal:")[0] as u64 * 1024);

    let df = Command::new("df").args(["-B1", "--output=size,used,avail", "/"]).output().expect("df");
    let figures: Vec<u64> =
        String::from_utf8_lossy(&df.stdout).lines().nth(1).unwrap().split_whitespace().map(|w| w.parse().unwrap()).collect();
    let root = sample.disks.iter().find(|d| d.mount == "/").expect("the root filesystem is reported");
    assert_eq!(root.total_bytes, figures[0], "size as df reports it");
    let near = |a: u64, b: u64| (a as f64 - b as f64).abs() <= 0.02 * b as f64 + 64.0 * 1024.0 * 1024.0;
    assert!(near(root.used_bytes, figures[1]) && near(root.available_bytes, figures[2]), "{root:?} vs df {figures:?}");

    let processors = std::fs::read_to_string("/proc/cpuinfo").unwrap().lines().filter(|l| l.starts_with("processor")).count();
    assert_eq!(collector.host_info().cpu_cores as usize, processors);
    // A rate needs the kernel's counters to have moved: at least one clock tick between readings.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let again = collector.collect(jiff::Timestamp::now()).unwrap();
    let cpu = again.cpu.expect("rates from the second sample on");
    assert_eq!(cpu.per_core_percent.len(), processors);
    assert!((0.0..=100.0).contains(&cpu.total_percent));
}
