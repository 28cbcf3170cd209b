//! Containers' state, health, restarts and use, from the engine's list, inspect and one-shot
//! stats endpoints. CPU and network are rates between this collection and the previous one.

use super::client::{DockerClient, DockerError};
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Instant;
use vigil_domain::agent::sample::{ContainerHealth, ContainerSample, ContainerState};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Listed {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Inspected {
    id: String,
    name: String,
    #[serde(default)]
    restart_count: u64,
    state: InspectedState,
    config: InspectedConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedState {
    status: String,
    #[serde(default)]
    health: Option<InspectedHealth>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedHealth {
    #[serde(default)]
    status: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct InspectedConfig {
    #[serde(default)]
    image: String,
}

#[derive(Deserialize, Default)]
struct Stats {
    #[serde(default)]
    cpu_stats: CpuStats,
    #[serde(default)]
    memory_stats: MemoryStats,
    #[serde(default)]
    networks: Option<HashMap<String, NetworkStats>>,
}

#[derive(Deserialize, Default)]
struct CpuStats {
    #[serde(default)]
    cpu_usage: CpuUsage,
}

#[derive(Deserialize, Default)]
struct CpuUsage {
    #[serde(default)]
    total_usage: u64,
}

#[derive(Deserialize, Default)]
struct MemoryStats {
    #[serde(default)]
    usage: Option<u64>,
    #[serde(default)]
    limit: Option<u64>,
    #[serde(default)]
    stats: HashMap<String, u64>,
}

#[derive(Deserialize, Default)]
struct NetworkStats {
    #[serde(default)]
    rx_bytes: u64,
    #[serde(default)]
    tx_bytes: u64,
}

/// Docker's `State.Status` (and Podman's few others) as the protocol's state.
pub fn state(status: &str) -> ContainerState {
    match status {
        "created" | "configured" | "initialized" => ContainerState::Created,
        "running" => ContainerState::Running,
        "paused" => ContainerState::Paused,
        "restarting" => ContainerState::Restarting,
        "removing" => ContainerState::Removing,
        "exited" | "stopped" => ContainerState::Exited,
        "dead" => ContainerState::Dead,
        _ => ContainerState::Other,
    }
}

/// The health check's status; none for containers without one.
pub fn health(status: &str) -> Option<ContainerHealth> {
    match status {
        "starting" => Some(ContainerHealth::Starting),
        "healthy" => Some(ContainerHealth::Healthy),
        "unhealthy" => Some(ContainerHealth::Unhealthy),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug)]
struct Counters {
    at: Instant,
    cpu: u64,
    rx: u64,
    tx: u64,
}

/// Collects containers; keeps each one's counters for the next collection's rates.
#[derive(Debug)]
pub struct ContainerCollector {
    client: DockerClient,
    previous: HashMap<String, Counters>,
}

impl ContainerCollector {
    /// A collector of the engine behind `client`.
    pub fn new(client: DockerClient) -> Self {
        Self { client, previous: HashMap::new() }
    }

    /// Every container, stopped ones included.
    pub async fn collect(&mut self) -> Result<Vec<ContainerSample>, DockerError> {
        let listed: Vec<Listed> = self.client.get("/containers/json?all=true").await?;
        let mut samples = Vec::with_capacity(listed.len());
        let mut counters = HashMap::new();
        for Listed { id } in listed {
            // A container removed between the list and the inspect is simply gone.
            let inspected: Inspected = match self.client.get(&format!("/containers/{id}/json")).await {
                Ok(inspected) => inspected,
                Err(DockerError::Status { status, .. }) if status == http::StatusCode::NOT_FOUND => continue,
                Err(e) => return Err(e),
            };
            let mut sample = ContainerSample {
                id: inspected.id.clone(),
                name: inspected.name.trim_start_matches('/').to_owned(),
                image: inspected.config.image,
                state: state(&inspected.state.status),
                health: inspected.state.health.and_then(|h| health(&h.status)),
                restart_count: inspected.restart_count,
                cpu_percent: None,
                memory_bytes: None,
                memory_limit_bytes: None,
                rx_bytes_per_second: None,
                tx_bytes_per_second: None,
            };
            if sample.state == ContainerState::Running {
                match self.client.get::<Stats>(&format!("/containers/{id}/stats?stream=false&one-shot=true")).await {
                    Ok(stats) => {
                        let now = self.use_of(&mut sample, &stats, Instant::now());
                        counters.insert(inspected.id, now);
                    }
                    Err(e) => tracing::debug!(container = %sample.name, error = %e, "no stats"),
                }
            }
            samples.push(sample);
        }
        self.previous = counters;
        Ok(samples)
    }

    /// The sample's use from `stats`, read at `at`; the counters to compare the next reading to.
    fn use_of(&self, sample: &mut ContainerSample, stats: &Stats, at: Instant) -> Counters {
        let (rx, tx) = stats.networks.iter().flatten().fold((0, 0), |(rx, tx), (_, n)| (rx + n.rx_bytes, tx + n.tx_bytes));
        let now = Counters { at, cpu: stats.cpu_stats.cpu_usage.total_usage, rx, tx };
        let memory = &stats.memory_stats;
        // As `docker stats` shows it: the page cache the kernel can reclaim is not counted.
        let cache = memory.stats.get("inactive_file").or_else(|| memory.stats.get("total_inactive_file")).copied().unwrap_or(0);
        sample.memory_bytes = memory.usage.map(|u| u.saturating_sub(cache));
        sample.memory_limit_bytes = memory.limit;
        if let Some(before) = self.previous.get(&sample.id) {
            let seconds = now.at.duration_since(before.at).as_secs_f64();
            // The container's CPU time over the collector's own clock, in % of one core. Docker's
            // formula divides by the host's CPU time from /proc/stat instead, which leaves out
            // the time a hypervisor steals: on a busy VM it doubled the figure (195 % for one
            // busy loop that /proc/<pid>/stat put at 100 %).
            sample.cpu_percent = (seconds > 0.0 && now.cpu >= before.cpu).then(|| (now.cpu - before.cpu) as f64 / 1e9 / seconds * 100.0);
            sample.rx_bytes_per_second = Some(crate::collect::rate(before.rx, now.rx, seconds));
            sample.tx_bytes_per_second = Some(crate::collect::rate(before.tx, now.tx, seconds));
        }
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_health() {
        let cases = [
            ("running", ContainerState::Running),
            ("exited", ContainerState::Exited),
            ("stopped", ContainerState::Exited),
            ("created", ContainerState::Created),
            ("dead", ContainerState::Dead),
            ("frozen", ContainerState::Other),
        ];
        for (text, expected) in cases {
            assert_eq!(state(text), expected, "{text}");
        }
        assert_eq!(health("unhealthy"), Some(ContainerHealth::Unhealthy));
        assert_eq!(health(""), None);
        assert_eq!(health("none"), None);
    }

    #[test]
    fn stats_of_docker_and_podman_read() {
        let docker = r#"{"cpu_stats":{"cpu_usage":{"total_usage":200},"system_cpu_usage":1000,"online_cpus":4},
            "memory_stats":{"usage":1000,"limit":4000,"stats":{"inactive_file":300}},
            "networks":{"eth0":{"rx_bytes":10,"tx_bytes":20},"eth1":{"rx_bytes":1,"tx_bytes":2}}}"#;
        let stats: Stats = serde_json::from_str(docker).unwrap();
        let collector = ContainerCollector::new(DockerClient::new("/nonexistent", std::time::Duration::from_secs(1)));
        let mut sample = ContainerSample {
            id: "a".into(),
            name: "api".into(),
            image: "i".into(),
            state: ContainerState::Running,
            health: None,
            restart_count: 0,
            cpu_percent: None,
            memory_bytes: None,
            memory_limit_bytes: None,
            rx_bytes_per_second: None,
            tx_bytes_per_second: None,
        };
        let start = Instant::now();
        let counters = collector.use_of(&mut sample, &stats, start);
        assert_eq!((counters.rx, counters.tx), (11, 22));
        assert_eq!((sample.memory_bytes, sample.memory_limit_bytes), (Some(700), Some(4000)));
        assert_eq!(sample.cpu_percent, None, "no previous reading: no rate");
        let later = ContainerCollector { previous: HashMap::from([("a".to_owned(), counters)]), ..collector };
        let next: Stats = serde_json::from_str(&docker.replace("200", "400000200")).unwrap();
        later.use_of(&mut sample, &next, start + std::time::Duration::from_secs(1));
        // 0.4 s of the container's CPU time over one second: 40 % of one core.
        assert!(sample.cpu_percent.is_some_and(|p| (p - 40.0).abs() < 1e-9), "{:?}", sample.cpu_percent);
        let podman = r#"{"cpu_stats":{"cpu_usage":{"total_usage":22522813,"percpu_usage":[1,2]},"system_cpu_usage":1509626174445,"online_cpus":2},
            "precpu_stats":{},"memory_stats":{"usage":749568,"limit":25276194816},"networks":{"network":{"rx_bytes":0,"tx_bytes":0}}}"#;
        assert!(serde_json::from_str::<Stats>(podman).is_ok());
    }
}
