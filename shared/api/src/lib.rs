//! Vigil's wire types: every request and response body of the HTTP API, with Serialize and
//! Deserialize for the server (vigil-http) and the client (vigil-client) alike, and the OpenAPI
//! schema of each. Request bodies are the domain's drafts (what a client sends before
//! validation); response bodies are defined here, as the API shows them: times in RFC 3339,
//! durations in milliseconds or seconds as their names say, secrets masked.
//!
//! Nothing here knows how a body is built from stored data: that is the server's business.

pub mod accounts;
pub mod alerting;
pub mod audit;
pub mod channels;
pub mod checks;
pub mod health;
pub mod hosts;
pub mod incidents;
pub mod keys;
pub mod monitors;
pub mod organisations;
pub mod page;
pub mod problem;
pub mod shape;
pub mod sign_in;
pub mod status_pages;
pub mod tasks;

pub use accounts::{
    EmailChangeRequest, Me, Membership, PasswordChange, PasswordConfirmation, RecoveryCodes, TokenConfirmation, TotpCode, TotpOffer, User,
};
pub use alerting::{AlertRule, MaintenanceWindow};
pub use audit::AuditLogQuery;
pub use channels::{Channel, ChannelTest, Recipients};
pub use checks::{Artefact, Check, CheckDetail, Timings, Transition, TriggeredCheck, Uptime};
pub use health::Health;
pub use hosts::{
    ConnectionEvent, Enrolment, FiringRule, Host, HostAction, HostInfo, HostRule, LatestSample, MetricValue, NewAction, NewEnrolment,
    RuleOnHost, Series, SeriesPoint, SeriesQuery,
};
pub use incidents::{
    Acknowledgement, ActRequest, CommentRequest, Delivery, Incident, IncidentDetail, IncidentQuery, IncidentSubjectRef, Resolution,
};
pub use keys::{ApiKey, KeyRequest};
pub use monitors::{Monitor, MonitorQuery, MuteRequest, MuteState, Summary};
pub use organisations::{
    AcceptInvitationRequest, Invitation, InvitationRequest, Member, NewOrganisation, Organisation, OrganisationChange, RoleChange,
};
pub use page::{Listing, Page, PageQuery};
pub use problem::Problem;
pub use sign_in::{
    OidcCallbackQuery, OidcOption, OidcStartQuery, PasswordReset, PasswordResetRequest, Providers, RevokeRequest, SessionRequest,
    SessionStarted, SetUpRequest, SignInRefusal, SwitchOrganisationRequest, TokenGrant, TokenRequest,
};
pub use status_pages::{Badge, ComponentSources, PublicIncident, PublicUpdate, PublishRequest, StatusComponent, StatusPage, Subscriber};
pub use tasks::{Ping, PingUrls, Run, Task};

pub use vigil_domain::access::{ActorId, KeyScope, Origin, Role};
pub use vigil_domain::accounts::{
    AuditEntry, AuditTarget, FieldChange, InvitationState, Locale, OidcMatch, OidcRule, OrganisationSettings, UserDraft,
};
pub use vigil_domain::heartbeat::{TaskDraft, TaskStatus};
pub use vigil_domain::host::{HostRuleDraft, HostStatus};
pub use vigil_domain::ids::{
    ActionRequestId, AgentId, AlertRuleId, ApiKeyId, AuditEntryId, BadgeId, ChannelId, CheckId, ComponentId, ConnectionEventId, DeliveryId,
    EnrolmentId, HostRuleId, IncidentId, InvitationId, MaintenanceWindowId, MonitorId, PublicIncidentId, StatusPageId, SubscriberId,
    TaskId, TenantId, UserId,
};
pub use vigil_domain::incident::{IncidentCause, IncidentStatus, TimelineEntry, TimelineEvent};
pub use vigil_domain::managed::Managed;
pub use vigil_domain::monitor::{FieldError, MonitorDraft, MonitorStatus, StatusCodeInput};
pub use vigil_domain::notify::{
    AlertRuleDraft, ChannelDraft, DeliveryStatus, EscalationStep, EscalationStepDraft, MaintenanceDraft, NotifyOn, Selector, SelectorDraft,
    WindowSchedule,
};
pub use vigil_domain::status_page::{
    BadgeDraft, ComponentDraft, ComponentStatus, PublicIncidentDraft, PublicStatus, PublicUpdateDraft, StatusPageDraft, SubscriberDraft,
};
pub use vigil_domain::uptime::UptimeSummary;
