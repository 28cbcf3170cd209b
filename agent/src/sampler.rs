//! Every interval: a sample of the host (read on a blocking thread, so that a hung
//! filesystem cannot stall the link), the containers when an engine answers, then the batch
//! into the backlog and a ring to the link.

use crate::collect::HostCollector;
use crate::docker::{ContainerCollector, DockerError};
use crate::spool::Spool;
use jiff::Timestamp;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::time::MissedTickBehavior;
use vigil_domain::agent::HostSample;
use vigil_domain::agent::sample::ContainerSample;

/// Takes samples.
pub struct Sampler {
    /// The host's collector.
    pub host: HostCollector,
    /// The containers' collector, when a socket is configured.
    pub containers: Option<ContainerCollector>,
    /// Between samples.
    pub interval: Duration,
    /// Where batches go.
    pub spool: Arc<Mutex<Spool>>,
    /// Rung after each batch.
    pub new_batch: Arc<Notify>,
}

/// Containers of a sample: `None` when the engine's state is unknown (no socket, no permission,
/// no answer), an empty list when its socket refuses connections (the engine is down, so are
/// its containers).
async fn containers(collector: &mut ContainerCollector, warned: &mut bool) -> Option<Vec<ContainerSample>> {
    match collector.collect().await {
        Ok(list) => {
            *warned = false;
            Some(list)
        }
        Err(DockerError::Connect { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            if !*warned {
                tracing::warn!(error = %e, "containers not collected");
                *warned = true;
            }
            match e {
                DockerError::Connect { source, .. } if source.kind() == std::io::ErrorKind::ConnectionRefused => Some(Vec::new()),
                _ => None,
            }
        }
    }
}

impl Sampler {
    /// One sample now.
    pub async fn sample(&mut self, warned: &mut bool) -> anyhow::Result<HostSample> {
        let at = Timestamp::now();
        let mut host = std::mem::replace(&mut self.host, HostCollector::new(Default::default()));
        let (host, sample) = tokio::task::spawn_blocking(move || {
            let sample = host.collect(at);
            (host, sample)
        })
        .await?;
        self.host = host;
        let mut sample = sample?;
        if let Some(collector) = &mut self.containers {
            sample.containers = containers(collector, warned).await;
        }
        Ok(sample)
    }

    /// Samples every interval until `stop` turns true.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        let mut ticker = tokio::time::interval(self.interval);
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut warned = false;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stop.changed() => return,
            }
            let sample = match self.sample(&mut warned).await {
                Ok(sample) => sample,
                Err(e) => {
                    tracing::error!(error = %format!("{e:#}"), "no sample");
                    continue;
                }
            };
            // A backlog that cannot be written (a full disk) loses this sample, not the agent:
            // the next may find room.
            match self.spool.lock().expect("spool lock").push(std::slice::from_ref(&sample)) {
                Ok(seq) => tracing::debug!(seq, "sampled"),
                Err(e) => tracing::error!(error = %format!("{e:#}"), "a sample could not be kept"),
            }
            self.new_batch.notify_one();
        }
    }
}
