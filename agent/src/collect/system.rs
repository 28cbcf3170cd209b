//! Memory and swap (`/proc/meminfo`), load (`/proc/loadavg`) and uptime (`/proc/uptime`).

use vigil_domain::agent::sample::{LoadAverage, MemoryUsage};

/// Parses `/proc/meminfo` (values in KiB).
pub fn parse_meminfo(text: &str) -> Option<MemoryUsage> {
    let kib = |key: &str| -> Option<u64> {
        text.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix(':')?.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    let total = kib("MemTotal")?;
    // Kernels before 3.14 have no MemAvailable: free plus the caches is the usual estimate.
    let available = kib("MemAvailable").or_else(|| Some(kib("MemFree")? + kib("Buffers").unwrap_or(0) + kib("Cached").unwrap_or(0)))?;
    let swap_total = kib("SwapTotal").unwrap_or(0);
    let swap_free = kib("SwapFree").unwrap_or(0);
    Some(MemoryUsage {
        total_bytes: total * 1024,
        available_bytes: available.min(total) * 1024,
        swap_total_bytes: swap_total * 1024,
        swap_used_bytes: swap_total.saturating_sub(swap_free) * 1024,
    })
}

/// Parses `/proc/loadavg`.
pub fn parse_loadavg(text: &str) -> Option<LoadAverage> {
    let mut words = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some(LoadAverage { one: words.next()??, five: words.next()??, fifteen: words.next()?? })
}

/// Parses `/proc/uptime`: seconds since boot (suspend included), to the hundredth. It is also
/// the collectors' clock for rates: monotonic, and read with the counters it times.
pub fn parse_uptime(text: &str) -> Option<f64> {
    text.split_whitespace().next()?.parse().ok().filter(|s: &f64| s.is_finite() && *s >= 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo() {
        let text =
            "MemTotal:       1000 kB\nMemFree:  100 kB\nMemAvailable:    400 kB\nBuffers: 1 kB\nSwapTotal:   200 kB\nSwapFree:   50 kB\n";
        let m = parse_meminfo(text).unwrap();
        assert_eq!((m.total_bytes, m.available_bytes, m.swap_total_bytes, m.swap_used_bytes), (1_024_000, 409_600, 204_800, 153_600));
        let old_kernel = parse_meminfo("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 10 kB\nCached: 90 kB\n").unwrap();
        assert_eq!(old_kernel.available_bytes, 200 * 1024);
        assert_eq!(old_kernel.swap_total_bytes, 0);
        assert_eq!(parse_meminfo("MemFree: 1 kB\n"), None);
        assert_eq!(parse_meminfo("MemTotalX: 1 kB\n"), None, "a key is matched whole");
    }

    #[test]
    fn loadavg_and_uptime() {
        assert_eq!(parse_loadavg("1.67 2.03 1.43 1/114 26293\n"), Some(LoadAverage { one: 1.67, five: 2.03, fifteen: 1.43 }));
        assert_eq!(parse_loadavg("1.0 x 2"), None);
        assert_eq!(parse_uptime("1554.41 1438.40\n"), Some(1554.41));
        assert_eq!(parse_uptime(""), None);
        assert_eq!(parse_uptime("NaN 1"), None);
    }
}
