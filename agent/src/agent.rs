//! The agent assembled from its configuration: the sampler and the link, side by side until
//! asked to stop.

use crate::actions::Actions;
use crate::collect::HostCollector;
use crate::config::Config;
use crate::docker::identity::SelfIdentity;
use crate::docker::{ContainerCollector, DockerClient};
use crate::link::{Link, Timings};
use crate::sampler::Sampler;
use crate::spool::Spool;
use crate::{credential, tls};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, watch};

/// Runs the agent until `stop` turns true (then it says goodbye to the server and returns).
pub async fn run(config: Config, timings: Timings, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let spool = Arc::new(Mutex::new(Spool::open(&config.state_dir.join("backlog"), config.buffer_max_batches)?));
    let new_batch = Arc::new(Notify::new());
    let docker = config.docker_socket.as_ref().map(|socket| DockerClient::new(socket, Duration::from_secs(10)));
    let host = HostCollector::new(config.sources.clone());
    let link = Link {
        server: config.server.clone(),
        tls: tls::client_config(config.ca_file.as_deref())?,
        state_dir: config.state_dir.clone(),
        credential: credential::load(&config.state_dir)?,
        token: config.enrolment_token.clone(),
        host: host.host_info(),
        spool: spool.clone(),
        new_batch: new_batch.clone(),
        actions: Actions::new(config.actions.clone(), SelfIdentity::of_this_process(&config.sources.proc), docker.clone()),
        timings,
    };
    if link.credential.is_none() && link.token.is_none() {
        anyhow::bail!("this agent is not enrolled: give it an enrolment token (enrolment_token, or VIGIL_AGENT_TOKEN)");
    }
    let sampler = Sampler { host, containers: docker.map(ContainerCollector::new), interval: config.interval, spool, new_batch };
    let sampling = tokio::spawn(sampler.run(stop.clone()));
    let linked = link.run(stop).await;
    sampling.abort();
    match sampling.await {
        Err(e) if e.is_panic() => Err(anyhow::anyhow!("the sampler panicked: {e}")),
        _ => linked,
    }
}
