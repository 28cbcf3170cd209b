//! Metrics: every number a [`HostSample`] holds, under one name each, so that threshold rules
//! and rollups can address any of them. A metric about one of many things (a mount, a core, a
//! container) names it as its subject: `disk.used_percent[/]`, `container.down[api]`.

use super::sample::{HostSample, percent};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! metric_names {
    ($($variant:ident = $text:literal, $subject:expr, $doc:literal;)*) => {
        /// The closed catalogue of metric names.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum MetricName {
            $(#[doc = $doc] $variant,)*
        }

        impl MetricName {
            /// Every metric name.
            pub const ALL: &'static [MetricName] = &[$(MetricName::$variant,)*];

            /// The text form.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(MetricName::$variant => $text,)*
                }
            }

            /// What the subject names, if the metric has one.
            pub const fn subject(self) -> Option<&'static str> {
                match self {
                    $(MetricName::$variant => $subject,)*
                }
            }
        }
    };
}

metric_names! {
    CpuPercent = "cpu.percent", None, "CPU use of all cores, percent.";
    CpuCorePercent = "cpu.core_percent", Some("a core number"), "CPU use of one core, percent.";
    CpuIowaitPercent = "cpu.iowait_percent", None, "CPU time waiting for I/O, percent.";
    Load1 = "load.1", None, "Load average over one minute.";
    Load5 = "load.5", None, "Load average over five minutes.";
    Load15 = "load.15", None, "Load average over fifteen minutes.";
    MemoryUsedPercent = "memory.used_percent", None, "Memory in use, percent of the total.";
    MemoryUsedBytes = "memory.used_bytes", None, "Memory in use, bytes.";
    MemoryAvailableBytes = "memory.available_bytes", None, "Memory available, bytes.";
    SwapUsedPercent = "swap.used_percent", None, "Swap in use, percent of the total.";
    DiskUsedPercent = "disk.used_percent", Some("a mount point"), "A filesystem's use, percent.";
    DiskAvailableBytes = "disk.available_bytes", Some("a mount point"), "A filesystem's free space, bytes.";
    DiskReadBytesPerSecond = "disk.read_bytes_per_second", Some("a block device"), "A device's reads, bytes per second.";
    DiskWriteBytesPerSecond = "disk.write_bytes_per_second", Some("a block device"), "A device's writes, bytes per second.";
    DiskBusyPercent = "disk.busy_percent", Some("a block device"), "A device's busy time, percent.";
    NetRxBytesPerSecond = "net.rx_bytes_per_second", Some("an interface"), "An interface's receipts, bytes per second.";
    NetTxBytesPerSecond = "net.tx_bytes_per_second", Some("an interface"), "An interface's sends, bytes per second.";
    TemperatureCelsius = "temperature.celsius", Some("a sensor"), "A sensor's temperature, degrees Celsius.";
    UptimeSeconds = "uptime.seconds", None, "Seconds since boot.";
    ContainerDown = "container.down", Some("a container name"), "1 when the container is not running, unhealthy or gone; 0 when up.";
    ContainerCpuPercent = "container.cpu_percent", Some("a container name"), "A container's CPU use, percent of one core.";
    ContainerMemoryBytes = "container.memory_bytes", Some("a container name"), "A container's memory, bytes.";
    ContainerMemoryPercent = "container.memory_percent", Some("a container name"), "A container's memory, percent of its limit.";
    ContainerRestarts = "container.restarts", Some("a container name"), "How many times the engine restarted a container.";
    ContainerRxBytesPerSecond = "container.rx_bytes_per_second", Some("a container name"), "A container's receipts, bytes per second.";
    ContainerTxBytesPerSecond = "container.tx_bytes_per_second", Some("a container name"), "A container's sends, bytes per second.";
}

/// One metric of one host: a name and, for metrics about one of many things, which one.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MetricKey {
    name: MetricName,
    subject: Option<String>,
}

/// Why a metric key was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MetricKeyError {
    /// The name is not in the catalogue.
    #[error("unknown metric {0:?}: expected one of {list}", list = MetricName::ALL.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", "))]
    UnknownName(String),
    /// The metric is about one of many things and does not say which.
    #[error("{name} needs a subject in brackets: {what}, as in {name}[…]")]
    MissingSubject {
        /// The metric.
        name: &'static str,
        /// What its subject is.
        what: &'static str,
    },
    /// The metric has no subject and one was given.
    #[error("{0} takes no subject")]
    UnexpectedSubject(&'static str),
    /// The subject is empty, too long or holds brackets or control characters.
    #[error("a subject must be 1 to 256 characters, without brackets or control characters")]
    BadSubject,
}

impl MetricKey {
    /// A key; refused when the subject does not fit the name.
    pub fn new(name: MetricName, subject: Option<&str>) -> Result<Self, MetricKeyError> {
        match (name.subject(), subject) {
            (None, None) => Ok(Self { name, subject: None }),
            (None, Some(_)) => Err(MetricKeyError::UnexpectedSubject(name.as_str())),
            (Some(what), None) => Err(MetricKeyError::MissingSubject { name: name.as_str(), what }),
            (Some(_), Some(subject)) => {
                let fits = (1..=256).contains(&subject.chars().count()) && !subject.chars().any(|c| c == '[' || c == ']' || c.is_control());
                if fits { Ok(Self { name, subject: Some(subject.to_owned()) }) } else { Err(MetricKeyError::BadSubject) }
            }
        }
    }

    /// Parses `name` or `name[subject]`.
    pub fn parse(text: &str) -> Result<Self, MetricKeyError> {
        let (name, subject) = match text.split_once('[') {
            Some((name, rest)) => (name, Some(rest.strip_suffix(']').ok_or(MetricKeyError::BadSubject)?)),
            None => (text, None),
        };
        let name =
            MetricName::ALL.iter().copied().find(|n| n.as_str() == name).ok_or_else(|| MetricKeyError::UnknownName(name.to_owned()))?;
        Self::new(name, subject)
    }

    /// The metric's name.
    pub fn name(&self) -> MetricName {
        self.name
    }

    /// Its subject, if it has one.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    fn known(name: MetricName, subject: Option<&str>) -> Self {
        Self { name, subject: subject.map(str::to_owned) }
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            Some(subject) => write!(f, "{}[{subject}]", self.name.as_str()),
            None => f.write_str(self.name.as_str()),
        }
    }
}

impl Serialize for MetricKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MetricKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl HostSample {
    /// The value of `key` in this sample, if it holds one. A container the sample does not
    /// list is down, when the sample lists containers at all.
    pub fn value(&self, key: &MetricKey) -> Option<f64> {
        if key.name == MetricName::ContainerDown
            && let (Some(containers), Some(name)) = (&self.containers, key.subject())
            && !containers.iter().any(|c| c.name == name)
        {
            return Some(1.0);
        }
        self.values().into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Every metric this sample holds, with its value.
    pub fn values(&self) -> Vec<(MetricKey, f64)> {
        use MetricName::*;
        let mut out = Vec::new();
        let mut put = |name: MetricName, subject: Option<&str>, value: f64| {
            if value.is_finite() {
                out.push((MetricKey::known(name, subject), value));
            }
        };
        if let Some(cpu) = &self.cpu {
            put(CpuPercent, None, cpu.total_percent);
            put(CpuIowaitPercent, None, cpu.iowait_percent);
            for (core, value) in cpu.per_core_percent.iter().enumerate() {
                put(CpuCorePercent, Some(&core.to_string()), *value);
            }
        }
        if let Some(load) = self.load {
            put(Load1, None, load.one);
            put(Load5, None, load.five);
            put(Load15, None, load.fifteen);
        }
        let memory = self.memory;
        put(MemoryUsedPercent, None, percent(memory.used_bytes(), memory.total_bytes));
        put(MemoryUsedBytes, None, memory.used_bytes() as f64);
        put(MemoryAvailableBytes, None, memory.available_bytes as f64);
        put(SwapUsedPercent, None, percent(memory.swap_used_bytes, memory.swap_total_bytes));
        put(UptimeSeconds, None, self.uptime_seconds as f64);
        for disk in &self.disks {
            put(DiskUsedPercent, Some(&disk.mount), disk.used_percent());
            put(DiskAvailableBytes, Some(&disk.mount), disk.available_bytes as f64);
        }
        for io in &self.disk_io {
            put(DiskReadBytesPerSecond, Some(&io.device), io.read_bytes_per_second);
            put(DiskWriteBytesPerSecond, Some(&io.device), io.write_bytes_per_second);
            put(DiskBusyPercent, Some(&io.device), io.busy_percent);
        }
        for net in &self.network {
            put(NetRxBytesPerSecond, Some(&net.interface), net.rx_bytes_per_second);
            put(NetTxBytesPerSecond, Some(&net.interface), net.tx_bytes_per_second);
        }
        for sensor in &self.temperatures {
            put(TemperatureCelsius, Some(&sensor.sensor), sensor.celsius);
        }
        for c in self.containers.iter().flatten() {
            let name = Some(c.name.as_str());
            put(ContainerDown, name, if c.is_up() { 0.0 } else { 1.0 });
            put(ContainerRestarts, name, c.restart_count as f64);
            let optional = [
                (ContainerCpuPercent, c.cpu_percent),
                (ContainerMemoryBytes, c.memory_bytes.map(|b| b as f64)),
                (ContainerRxBytesPerSecond, c.rx_bytes_per_second),
                (ContainerTxBytesPerSecond, c.tx_bytes_per_second),
                (
                    ContainerMemoryPercent,
                    c.memory_bytes.zip(c.memory_limit_bytes).filter(|(_, limit)| *limit > 0).map(|(used, limit)| percent(used, limit)),
                ),
            ];
            for (metric, value) in optional {
                if let Some(value) = value {
                    put(metric, name, value);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn keys_parse_and_print() {
        let cases: &[(&str, Result<&str, MetricKeyError>)] = &[
            ("cpu.percent", Ok("cpu.percent")),
            ("disk.used_percent[/]", Ok("disk.used_percent[/]")),
            ("disk.used_percent[/mnt/my disk]", Ok("disk.used_percent[/mnt/my disk]")),
            ("container.down[api]", Ok("container.down[api]")),
            ("cpu.percent[0]", Err(MetricKeyError::UnexpectedSubject("cpu.percent"))),
            ("disk.used_percent", Err(MetricKeyError::MissingSubject { name: "disk.used_percent", what: "a mount point" })),
            ("disk.used_percent[]", Err(MetricKeyError::BadSubject)),
            ("disk.used_percent[/", Err(MetricKeyError::BadSubject)),
            ("disk.used_percent[a]b]", Err(MetricKeyError::BadSubject)),
            ("cpu", Err(MetricKeyError::UnknownName("cpu".into()))),
        ];
        for (text, expected) in cases {
            let parsed = MetricKey::parse(text);
            assert_eq!(parsed.as_ref().map(ToString::to_string).map_err(Clone::clone), expected.clone().map(str::to_owned), "{text}");
        }
        let error = MetricKey::parse("cpu").unwrap_err().to_string();
        assert!(error.starts_with("unknown metric \"cpu\": expected one of cpu.percent, cpu.core_percent"), "{error}");
    }

    #[test]
    fn every_number_of_a_sample_is_a_metric() {
        let sample = sample();
        let value = |text: &str| sample.value(&MetricKey::parse(text).unwrap());
        let cases = [
            ("cpu.percent", Some(42.5)),
            ("cpu.core_percent[1]", Some(45.0)),
            ("cpu.core_percent[2]", None),
            ("load.15", Some(0.125)),
            ("memory.used_percent", Some(75.0)),
            ("memory.used_bytes", Some(750.0)),
            ("swap.used_percent", Some(0.0)),
            ("disk.used_percent[/]", Some(75.0)),
            ("disk.used_percent[/var]", None),
            ("net.rx_bytes_per_second[eth0]", Some(10.0)),
            ("net.tx_bytes_per_second[eth0]", None),
            ("uptime.seconds", Some(3600.0)),
            ("container.down[api]", Some(1.0)),
            ("container.down[gone]", Some(1.0)),
            ("container.restarts[api]", Some(3.0)),
            ("container.memory_percent[api]", Some(25.0)),
            ("container.rx_bytes_per_second[api]", None),
        ];
        for (text, expected) in cases {
            assert_eq!(value(text), expected, "{text}");
        }
        let no_docker = HostSample { containers: None, ..sample.clone() };
        assert_eq!(no_docker.value(&MetricKey::parse("container.down[api]").unwrap()), None, "no engine: no verdict on containers");
    }

    #[test]
    fn keys_serialize_as_text() {
        let key = MetricKey::parse("disk.used_percent[/]").unwrap();
        assert_eq!(serde_json::to_string(&key).unwrap(), r#""disk.used_percent[/]""#);
        assert_eq!(serde_json::from_str::<MetricKey>(r#""disk.used_percent[/]""#).unwrap(), key);
        assert!(serde_json::from_str::<MetricKey>(r#""disk.used_percent""#).is_err());
    }
}
