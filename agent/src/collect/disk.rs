//! Filesystems (mounts from `/proc/self/mounts`, sizes by statvfs) and block devices'
//! throughput (`/proc/diskstats`, whole disks as `/sys/block` lists them).

use std::collections::BTreeMap;
use std::path::Path;
use vigil_domain::agent::sample::{DiskIo, DiskUsage};

/// One line of the mount table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    /// The source (`/dev/sda1`, `server:/export`).
    pub device: String,
    /// The mount point.
    pub mount: String,
    /// The filesystem type.
    pub fs_type: String,
}

/// The mount table's escapes (`\040` for a space): octal, three digits.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| std::str::from_utf8(d).ok()).and_then(|d| u8::from_str_radix(d, 8).ok());
        match (bytes[i], octal) {
            (b'\\', Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses a mount table (`/proc/self/mounts`).
pub fn parse_mounts(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let (device, mount, fs_type) = (fields.next()?, fields.next()?, fields.next()?);
            Some(Mount { device: unescape(device), mount: unescape(mount), fs_type: fs_type.to_owned() })
        })
        .collect()
}

/// Filesystems that hold data without a `/dev` device.
const NETWORK_AND_POOL_FILESYSTEMS: &[&str] =
    &["zfs", "nfs", "nfs4", "cifs", "smb3", "ceph", "glusterfs", "fuse.glusterfs", "virtiofs", "9p"];

/// The mounts worth reporting: `explicit` ones if given (any type: a tmpfs the operator cares
/// about), otherwise those of block devices (not loop devices) and network or pool
/// filesystems, each device once, at its shortest mount point.
pub fn select_mounts(mounts: &[Mount], explicit: Option<&[String]>) -> Vec<Mount> {
    if let Some(wanted) = explicit {
        return wanted.iter().filter_map(|w| mounts.iter().rev().find(|m| &m.mount == w).cloned()).collect();
    }
    let mut by_device: BTreeMap<&str, &Mount> = BTreeMap::new();
    for m in mounts {
        let real = (m.device.starts_with("/dev/") && !m.device.starts_with("/dev/loop"))
            || NETWORK_AND_POOL_FILESYSTEMS.contains(&m.fs_type.as_str());
        if !real {
            continue;
        }
        let keep = by_device.get(m.device.as_str()).is_none_or(|kept| m.mount.len() < kept.mount.len());
        if keep {
            by_device.insert(&m.device, m);
        }
    }
    let mut selected: Vec<Mount> = by_device.into_values().cloned().collect();
    selected.sort_by(|a, b| a.mount.cmp(&b.mount));
    selected
}

/// The size and use of the filesystem mounted at `mount.mount`, under `root` (`/` unless the
/// agent sees the host's filesystems elsewhere, as a container does under `/host`).
pub fn usage(root: &Path, mount: &Mount) -> Option<DiskUsage> {
    let path = root.join(mount.mount.trim_start_matches('/'));
    let stat = rustix::fs::statvfs(&path).ok()?;
    let block = stat.f_frsize.max(1);
    Some(DiskUsage {
        mount: mount.mount.clone(),
        device: mount.device.clone(),
        fs_type: mount.fs_type.clone(),
        total_bytes: stat.f_blocks * block,
        used_bytes: stat.f_blocks.saturating_sub(stat.f_bfree) * block,
        available_bytes: stat.f_bavail * block,
    })
}

/// One device's counters from `/proc/diskstats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiskCounters {
    /// The device name.
    pub device: String,
    /// Bytes read (sectors are 512 bytes there, whatever the device's).
    pub read_bytes: u64,
    /// Bytes written.
    pub written_bytes: u64,
    /// Milliseconds the device had I/O in flight.
    pub busy_ms: u64,
}

/// Parses `/proc/diskstats`, keeping the devices `keep` accepts.
pub fn parse_diskstats(text: &str, keep: impl Fn(&str) -> bool) -> Vec<DiskCounters> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let device = *fields.get(2)?;
            let number = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
            keep(device).then_some(DiskCounters {
                device: device.to_owned(),
                read_bytes: number(5)? * 512,
                written_bytes: number(9)? * 512,
                busy_ms: number(12)?,
            })
        })
        .collect()
}

/// Whole disks worth reporting, as `/sys/block` lists them (partitions are not there), without
/// loop, RAM and compressed-RAM devices; `None` where `/sys/block` cannot be read.
pub fn whole_disks(sys: &Path) -> Option<Vec<String>> {
    let entries = std::fs::read_dir(sys.join("block")).ok()?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| !["loop", "ram", "zram"].iter().any(|prefix| name.starts_with(prefix)))
        .collect();
    names.sort();
    Some(names)
}

/// Throughput between two readings `seconds` apart.
pub fn io_rates(previous: &[DiskCounters], next: &[DiskCounters], seconds: f64) -> Vec<DiskIo> {
    next.iter()
        .filter_map(|n| {
            let p = previous.iter().find(|p| p.device == n.device)?;
            Some(DiskIo {
                device: n.device.clone(),
                read_bytes_per_second: super::rate(p.read_bytes, n.read_bytes, seconds),
                write_bytes_per_second: super::rate(p.written_bytes, n.written_bytes, seconds),
                busy_percent: (super::rate(p.busy_ms, n.busy_ms, seconds) / 10.0).min(100.0),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount(device: &str, mount: &str, fs_type: &str) -> Mount {
        Mount { device: device.into(), mount: mount.into(), fs_type: fs_type.into() }
    }

    #[test]
    fn mount_table() {
        let text = "proc /proc proc rw 0 0\n/dev/vda / ext4 rw 0 0\n/dev/sdb1 /mnt/my\\040disk xfs rw 0 0\n/dev/vda /var/lib/docker ext4 rw 0 0\n\
                    /dev/loop0 /snap/core squashfs ro 0 0\ntank/data /tank zfs rw 0 0\ntmpfs /tmp tmpfs rw 0 0\nbroken\n";
        let mounts = parse_mounts(text);
        assert_eq!(mounts.len(), 7);
        assert_eq!(mounts[2], mount("/dev/sdb1", "/mnt/my disk", "xfs"));
        let selected: Vec<String> = select_mounts(&mounts, None).into_iter().map(|m| m.mount).collect();
        assert_eq!(selected, vec!["/", "/mnt/my disk", "/tank"], "one entry per device, no pseudo, loop or tmpfs");
        let explicit = select_mounts(&mounts, Some(&["/tmp".to_owned(), "/nowhere".to_owned()]));
        assert_eq!(explicit, vec![mount("tmpfs", "/tmp", "tmpfs")], "explicit mounts are taken whatever their type");
    }

    #[test]
    fn diskstats_and_rates() {
        let before = "   8       0 sda 10 0 100 0 20 0 200 0 0 1000 0\n   8       1 sda1 1 0 1 0 1 0 1 0 0 1 0\n   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0\n";
        let after = "   8       0 sda 10 0 300 0 20 0 1200 0 0 3500 0\n";
        let keep = |d: &str| d == "sda";
        let (a, b) = (parse_diskstats(before, keep), parse_diskstats(after, keep));
        assert_eq!(a, vec![DiskCounters { device: "sda".into(), read_bytes: 51_200, written_bytes: 102_400, busy_ms: 1000 }]);
        let rates = io_rates(&a, &b, 10.0);
        assert_eq!(rates.len(), 1);
        assert_eq!(rates[0].read_bytes_per_second, 200.0 * 512.0 / 10.0);
        assert_eq!(rates[0].write_bytes_per_second, 1000.0 * 512.0 / 10.0);
        assert_eq!(rates[0].busy_percent, 25.0);
    }
}
