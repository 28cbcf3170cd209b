use crate::stores::Stores;
use jiff::SignedDuration;
use std::sync::Arc;
use std::time::Duration;
use url::Url;
use vigil_domain::accounts::{SessionPolicy, SignInThrottle};
use vigil_domain::heartbeat::PingCap;
use vigil_domain::ids::TenantId;
use vigil_domain::notify::{RenderContext, RetryPolicy};
use vigil_domain::ports::{EventPublisher, LiveFeed, LiveNotice, Notifier, OidcProvider, PasswordHasher, Prober, RandomSource};
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};

/// Settings that shape use cases, chosen at start-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Which addresses checks may reach.
    pub network_policy: NetworkPolicy,
    /// The most response body bytes a check reads.
    pub body_cap: usize,
    /// How notifications are written and delivered.
    pub notifications: NotificationSettings,
    /// How heartbeat pings are kept.
    pub heartbeat: HeartbeatSettings,
    /// The URL under which people and scripts reach Vigil: the start of incident links in
    /// messages and of the ping URLs shown for tasks.
    pub public_url: Url,
    /// How people sign in and stay signed in.
    pub accounts: AccountSettings,
    /// How host agents enrol, what they keep and for how long.
    pub hosts: HostSettings,
    /// New monitors' first checks are spread over min(interval, this) after their creation
    /// (see `CheckInterval::first_check_at`); zero checks each new monitor at once.
    pub first_check_within: SignedDuration,
}

impl Settings {
    /// The spread of new monitors' first checks when nothing else is said.
    pub const FIRST_CHECK_WITHIN: SignedDuration = SignedDuration::from_secs(10);
}

/// How host agents enrol and what their history keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostSettings {
    /// How long an enrolment token can be spent, unless its maker says otherwise.
    pub enrolment_lifetime: SignedDuration,
    /// How long a signed action request stays valid (the protocol allows five minutes at most).
    pub action_lifetime: SignedDuration,
    /// How long raw samples are kept.
    pub raw_retention: SignedDuration,
    /// How long minute rollups are kept.
    pub minute_retention: SignedDuration,
    /// How long hour rollups (and connection events) are kept.
    pub hour_retention: SignedDuration,
}

impl Default for HostSettings {
    fn default() -> Self {
        Self {
            enrolment_lifetime: SignedDuration::from_hours(24),
            action_lifetime: SignedDuration::from_mins(2),
            raw_retention: SignedDuration::from_hours(48),
            minute_retention: SignedDuration::from_hours(24 * 14),
            hour_retention: SignedDuration::from_hours(24 * 400),
        }
    }
}

/// How people sign in and stay signed in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountSettings {
    /// Browser session timeouts.
    pub sessions: SessionPolicy,
    /// How failed sign-ins slow further tries.
    pub throttle: SignInThrottle,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            network_policy: NetworkPolicy::AllowPrivate,
            body_cap: ProbeRequest::DEFAULT_BODY_CAP,
            notifications: NotificationSettings::default(),
            heartbeat: HeartbeatSettings::default(),
            public_url: Url::parse("http://127.0.0.1:8080/").expect("a valid URL"),
            accounts: AccountSettings::default(),
            hosts: HostSettings::default(),
            first_check_within: Self::FIRST_CHECK_WITHIN,
        }
    }
}

/// How notifications are written and delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationSettings {
    /// When failed deliveries are tried again.
    pub retry: RetryPolicy,
    /// How long one delivery attempt may take.
    pub send_timeout: Duration,
    /// Endpoints the renderer needs.
    pub render: RenderContext,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        Self { retry: RetryPolicy::default(), send_timeout: Duration::from_secs(10), render: RenderContext::default() }
    }
}

/// How heartbeat pings are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeartbeatSettings {
    /// The most bytes of a ping's body kept; the rest is dropped with a note.
    pub body_cap: usize,
    /// Bodies up to this size are kept with their ping; larger ones go to the body store (S3 on
    /// AWS, where an item is limited to 400 KB).
    pub inline_body_bytes: usize,
    /// How many of its newest pings each task keeps.
    pub pings_kept: PingCap,
}

impl HeartbeatSettings {
    /// 100 KiB, as Healthchecks keeps by default.
    pub const DEFAULT_BODY_CAP: usize = 100 * 1024;
}

impl Default for HeartbeatSettings {
    fn default() -> Self {
        Self { body_cap: Self::DEFAULT_BODY_CAP, inline_body_bytes: 1024, pings_kept: PingCap::default() }
    }
}

/// Everything a use case may reach, each behind its port. `vigil serve` fills it with SQLite and
/// in-process adapters, the Lambda functions with AWS ones.
#[derive(Clone)]
pub struct Deps {
    /// The storage ports. Shared, as are the settings, so that the copy each request takes of
    /// `Deps` (axum's state) costs a few reference counts instead of forty and an allocation.
    pub stores: Arc<Stores>,
    /// Where events go.
    pub events: Arc<dyn EventPublisher>,
    /// The check engine.
    pub prober: Arc<dyn Prober>,
    /// Ids and secrets.
    pub random: Arc<dyn RandomSource>,
    /// Sends messages to channels, and account mail (invitations, resets).
    pub notifier: Arc<dyn Notifier>,
    /// Hashes and checks passwords.
    pub passwords: Arc<dyn PasswordHasher>,
    /// The OpenID provider people may sign in with; `None` when none is configured.
    pub oidc: Option<Arc<dyn OidcProvider>>,
    /// Tells open pages what changes as it happens; `None` where they poll instead (AWS).
    pub live: Option<Arc<dyn LiveFeed>>,
    /// Settings.
    pub settings: Arc<Settings>,
}

impl Deps {
    /// Tells the open pages of `tenant` what changed, where a live feed runs.
    pub(crate) fn notify(&self, tenant: TenantId, notice: LiveNotice) {
        if let Some(live) = &self.live {
            live.notify(tenant, notice);
        }
    }
}
