use std::sync::Arc;
use vigil_domain::ports::{
    ArtefactStore, CheckLog, CheckSchedule, EventPublisher, MonitorRepository, Prober, RandomSource, TenantDirectory, TransitionLog,
};
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};

/// Settings that shape use cases, chosen at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Which addresses checks may reach.
    pub network_policy: NetworkPolicy,
    /// The most response body bytes a check reads.
    pub body_cap: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Self { network_policy: NetworkPolicy::AllowPrivate, body_cap: ProbeRequest::DEFAULT_BODY_CAP }
    }
}

/// Everything a use case may reach, each behind its port. `vigil serve` fills it with SQLite and
/// in-process adapters, the Lambda functions with AWS ones.
#[derive(Clone)]
pub struct Deps {
    /// Monitors, their health and due times.
    pub monitors: Arc<dyn MonitorRepository>,
    /// The due-index.
    pub schedule: Arc<dyn CheckSchedule>,
    /// Check history.
    pub checks: Arc<dyn CheckLog>,
    /// Status change history.
    pub transitions: Arc<dyn TransitionLog>,
    /// Tenants and API keys.
    pub tenants: Arc<dyn TenantDirectory>,
    /// Where events go.
    pub events: Arc<dyn EventPublisher>,
    /// Failure artefacts.
    pub artefacts: Arc<dyn ArtefactStore>,
    /// The check engine.
    pub prober: Arc<dyn Prober>,
    /// Ids and secrets.
    pub random: Arc<dyn RandomSource>,
    /// Settings.
    pub settings: Settings,
}
