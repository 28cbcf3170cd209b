use crate::ids::{AgentId, IncidentId, MonitorId, TaskId, TenantId};
use async_trait::async_trait;

/// What changed in an organisation, for the pages people have open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveNotice {
    /// A monitor was checked.
    Checked(MonitorId),
    /// A monitor changed otherwise: its status, its settings; made, paused, resumed, deleted.
    Monitor(MonitorId),
    /// A heartbeat task changed: a ping, a run, its status or its settings.
    Task(TaskId),
    /// An incident opened, changed or was resolved.
    Incident(IncidentId),
    /// A host sent samples, connected or left, or answered an action.
    Host(AgentId),
}

/// What a subscription hands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveEvent {
    /// A change in an organisation.
    Notice(TenantId, LiveNotice),
    /// The reader fell behind and notices were dropped: whatever it shows may be stale.
    Missed,
}

/// Tells open pages what changes, as it happens. Self-hosted it is an in-process channel that
/// each organisation's Server-Sent Events stream reads; on AWS there is none (`Deps::live` is
/// `None`) and pages poll for changes instead.
pub trait LiveFeed: Send + Sync {
    /// Announces a change. Never fails and never waits: a lost notice only delays a page.
    fn notify(&self, tenant: TenantId, notice: LiveNotice);

    /// Every notice announced from now on.
    fn subscribe(&self) -> Box<dyn LiveSubscription>;
}

/// One reader of a [`LiveFeed`].
#[async_trait]
pub trait LiveSubscription: Send {
    /// The next event; `None` once the feed is gone.
    async fn next(&mut self) -> Option<LiveEvent>;
}
