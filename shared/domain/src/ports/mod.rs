//! Ports: the narrow traits through which use cases reach storage, queues, the network and
//! randomness. Each has one contract test suite that every adapter runs.

mod accounts;
mod artefacts;
mod channels;
mod check_log;
mod deliveries;
mod error;
mod events;
mod hosts;
mod incidents;
mod jobs;
mod live;
mod monitors;
mod oidc;
mod prober;
mod random;
mod schedule;
mod status_pages;
mod tasks;
mod tenants;
mod timers;
mod transitions;

pub use accounts::{
    AuditLog, InvitationStore, Memberships, OneTimeTokens, Organisations, PasswordHasher, RefreshTokenStore, ServerSecrets, SessionStore,
    SignInAttempts, UserDirectory,
};
pub use artefacts::ArtefactStore;
pub use channels::{AlertRuleRepository, ChannelRepository, SilenceRepository};
pub use check_log::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome};
pub use deliveries::{DeliveryDueIndex, DeliveryLog, EnqueueOutcome, Notifier};
pub use error::StoreError;
pub use events::EventPublisher;
pub use hosts::{ActionHistory, AgentLink, Appended, ConnectionLog, HostDirectory, HostMetrics, HostRules};
pub use incidents::{IncidentQuery, IncidentStore, OpenOutcome};
pub use jobs::ProbeJobQueue;
pub use live::{LiveEvent, LiveFeed, LiveNotice, LiveSubscription};
pub use monitors::{MonitorQuery, MonitorRepository};
pub use oidc::{AuthorizationRequest, OidcFailure, OidcProvider};
pub use prober::Prober;
pub use random::RandomSource;
pub use schedule::{CheckSchedule, ClaimedCheck, DueCheck};
pub use status_pages::{Badges, IncidentWrite, PageWrite, PublicIncidents, StatusPages, StatusSnapshots, Subscribers};
pub use tasks::{
    Applied, Decide, PingBodyStore, PingKeys, StoredBody, StoredPing, TaskChange, TaskDueIndex, TaskHistory, TaskLocator, TaskRepository,
    TaskStateStore, TaskWrite,
};
pub use tenants::TenantDirectory;
pub use timers::TimerIndex;
pub use transitions::TransitionLog;
