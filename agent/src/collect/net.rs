//! Network throughput per interface, from `/proc/net/dev`.

use std::path::Path;
use vigil_domain::agent::sample::NetworkIo;

/// One interface's byte counters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetCounters {
    /// The interface.
    pub interface: String,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
}

/// Parses `/proc/net/dev` (two header lines, then `name: rx_bytes … (8 fields) tx_bytes …`).
pub fn parse_net_dev(text: &str) -> Vec<NetCounters> {
    text.lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let fields: Vec<u64> = rest.split_whitespace().map(|f| f.parse().ok()).collect::<Option<_>>()?;
            Some(NetCounters { interface: name.trim().to_owned(), rx_bytes: *fields.first()?, tx_bytes: *fields.get(8)? })
        })
        .collect()
}

/// The interfaces worth reporting: those backed by a device (`/sys/class/net/<name>/device`),
/// or, where none is (inside a container), all but loopback.
pub fn select(counters: Vec<NetCounters>, sys: &Path) -> Vec<NetCounters> {
    let has_device = |name: &str| sys.join("class/net").join(name).join("device").exists();
    let (physical, other): (Vec<_>, Vec<_>) = counters.into_iter().filter(|c| c.interface != "lo").partition(|c| has_device(&c.interface));
    if physical.is_empty() { other } else { physical }
}

/// Throughput between two readings `seconds` apart.
pub fn rates(previous: &[NetCounters], next: &[NetCounters], seconds: f64) -> Vec<NetworkIo> {
    next.iter()
        .filter_map(|n| {
            let p = previous.iter().find(|p| p.interface == n.interface)?;
            Some(NetworkIo {
                interface: n.interface.clone(),
                rx_bytes_per_second: super::rate(p.rx_bytes, n.rx_bytes, seconds),
                tx_bytes_per_second: super::rate(p.tx_bytes, n.tx_bytes, seconds),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEV: &str = "Inter-|   Receive                                                |  Transmit\n \
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n\
    lo: 38137237  120520    0    0    0     0          0         0 38137237  120520    0    0    0     0       0          0\n\
  eth0: 470799163   15450    0    0    0     0          0         0  1071297    9156    0    0    0     0       0          0\n";

    #[test]
    fn counters_and_rates() {
        let counters = parse_net_dev(DEV);
        assert_eq!(counters.len(), 2);
        assert_eq!(counters[1], NetCounters { interface: "eth0".into(), rx_bytes: 470_799_163, tx_bytes: 1_071_297 });
        let later = vec![NetCounters { interface: "eth0".into(), rx_bytes: 470_800_163, tx_bytes: 1_071_297 }];
        let r = rates(&counters, &later, 2.0);
        assert_eq!((r[0].rx_bytes_per_second, r[0].tx_bytes_per_second), (500.0, 0.0));
        let reset = vec![NetCounters { interface: "eth0".into(), rx_bytes: 5, tx_bytes: 5 }];
        assert_eq!(rates(&counters, &reset, 2.0)[0].rx_bytes_per_second, 0.0, "a counter reset is no negative rate");
    }

    #[test]
    fn without_sysfs_every_interface_but_loopback() {
        let selected = select(parse_net_dev(DEV), Path::new("/nonexistent"));
        assert_eq!(selected.iter().map(|c| c.interface.as_str()).collect::<Vec<_>>(), vec!["eth0"]);
    }
}
