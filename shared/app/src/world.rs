//! The use cases' world in the tests: [`Deps`] over the in-memory store and the fakes of
//! vigil-memory, a tenant, and a clock that only moves when a test says so.

use crate::checks::{RunCheck, run_check};
use crate::incidents::{HandleEvent, HandledEvent, handle_event};
use crate::monitors::{CreateMonitor, create_monitor};
use crate::notifications::{CreateChannel, CreateRule, create_channel, create_rule};
use crate::{Blobs, Deps, Settings, Stores};
use jiff::{SignedDuration, Timestamp};
use serde::de::DeserializeOwned;
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::events::DomainEvent;
use vigil_domain::ids::{ChannelId, IncidentId, MonitorId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::notify::{AlertRule, NotificationKind};
use vigil_memory::{MemoryStore, RecordingPublisher, ScriptedNotifier, ScriptedProber, SequentialRandom};

/// Deps over memory, with handles on the fakes.
pub(crate) struct World {
    pub(crate) deps: Deps,
    pub(crate) prober: ScriptedProber,
    pub(crate) events: RecordingPublisher,
    pub(crate) notifier: ScriptedNotifier,
    pub(crate) tenant: TenantId,
}

impl World {
    /// An empty store; checks answer 200 and messages are accepted until a test says otherwise.
    pub(crate) fn new() -> Self {
        let store = Arc::new(MemoryStore::new());
        let (prober, events, notifier) =
            (ScriptedProber::answering(ScriptedProber::response(200)), RecordingPublisher::new(), ScriptedNotifier::default());
        let deps = Deps {
            stores: Arc::new(Stores::on(store.clone(), Blobs { artefacts: store.clone(), ping_bodies: store })),
            events: Arc::new(events.clone()),
            prober: Arc::new(prober.clone()),
            random: Arc::new(SequentialRandom::new()),
            notifier: Arc::new(notifier.clone()),
            passwords: Arc::new(vigil_memory::InstantPasswords),
            oidc: None,
            live: None,
            settings: Arc::new(Settings::default()),
        };
        Self { deps, prober, events, notifier, tenant: TenantId::from_uuid(Uuid::from_u128(0x7e_4a47)) }
    }

    /// Vigil itself in the world's tenant: every rule of the permission table lets it through.
    pub(crate) fn actor(&self) -> vigil_domain::access::Actor {
        vigil_domain::access::Actor::system(self.tenant)
    }

    /// A monitor checked every 10 s that goes Down at the first failure and Up at the first
    /// success.
    pub(crate) async fn monitor(&self) -> MonitorId {
        self.monitor_recovering_after(1).await
    }

    /// A monitor checked every 10 s that goes Down at the first failure and Up after
    /// `successes` successes.
    pub(crate) async fn monitor_recovering_after(&self, successes: u8) -> MonitorId {
        let draft = from_json(serde_json::json!({
            "name": "api", "url": "https://example.com/", "interval_seconds": 10,
            "failure_threshold": 1, "recovery_threshold": successes, "tags": ["prod"],
        }));
        create_monitor(&self.deps, CreateMonitor { actor: self.actor(), draft }, at(0)).await.expect("a monitor").monitor.id
    }

    /// Checks `monitor` at `second`, the target answering `status`; then hands the status change
    /// it published, if any, to the incidents as the bus would.
    pub(crate) async fn check(&self, monitor: MonitorId, second: i64, status: u16) -> Option<HandledEvent> {
        let published = self.events.events().len();
        self.prober.then(ScriptedProber::response(status));
        let cmd = RunCheck { tenant_id: self.tenant, monitor_id: monitor, planned_at: at(second), manual: false };
        run_check(&self.deps, cmd, at(second)).await.expect("the check ran");
        let event = self.events.events().into_iter().nth(published)?;
        Some(handle_event(&self.deps, HandleEvent { event }, at(second)).await.expect("the event handled"))
    }

    /// A webhook channel.
    pub(crate) async fn channel(&self, name: &str) -> ChannelId {
        let draft = from_json(serde_json::json!({"name": name, "type": "webhook", "url": format!("https://hooks.example.com/{name}")}));
        create_channel(&self.deps, CreateChannel { actor: self.actor(), draft }, at(0)).await.expect("a channel").id
    }

    /// An alert rule from its JSON.
    pub(crate) async fn rule(&self, json: serde_json::Value) -> AlertRule {
        create_rule(&self.deps, CreateRule { actor: self.actor(), replaces: None, draft: from_json(json) }, at(0)).await.expect("a rule")
    }

    /// The subject's ongoing incident.
    pub(crate) async fn ongoing(&self, monitor: MonitorId) -> Option<IncidentId> {
        let ongoing = self.deps.stores.incidents.ongoing(self.tenant, IncidentSubject::Monitor(monitor)).await.expect("read");
        ongoing.map(|i| i.core().id)
    }

    /// Every delivery of an incident, as `(channel, kind)`.
    pub(crate) async fn deliveries(&self, incident: IncidentId) -> Vec<(ChannelId, NotificationKind)> {
        let deliveries = self.deps.stores.deliveries.for_incident(self.tenant, incident).await.expect("read");
        deliveries.iter().filter_map(|d| d.channel_message()).map(|m| (m.channel_id, m.notification.kind)).collect()
    }

    /// The statuses of the events published so far, as `(from, to)` names.
    pub(crate) fn moves(&self) -> Vec<(String, String)> {
        self.events
            .events()
            .iter()
            .map(|event| match event {
                DomainEvent::MonitorStatusChanged(e) => (e.from.to_string(), e.to.to_string()),
                DomainEvent::TaskStatusChanged(e) => (e.from.to_string(), e.to.to_string()),
                DomainEvent::HostAlertChanged(e) => ("host".to_owned(), e.change.as_str().to_owned()),
            })
            .collect()
    }
}

/// `seconds` after the tests' epoch (2026-01-01, to the millisecond).
pub(crate) fn at(seconds: i64) -> Timestamp {
    Timestamp::from_millisecond(1_767_225_600_000).expect("2026-01-01") + SignedDuration::from_secs(seconds)
}

/// A draft (or any input) from JSON, as a client would send it.
pub(crate) fn from_json<T: DeserializeOwned>(json: serde_json::Value) -> T {
    serde_json::from_value(json).expect("a well-formed test input")
}
