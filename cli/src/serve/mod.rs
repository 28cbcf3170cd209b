//! `vigil serve`: the API, the scheduler and the probe engine in one process on an embedded
//! SQLite store. This module only wires adapters to use cases; its submodules are the
//! self-hosted peers of the Lambda functions, running the same use cases on tokio timers and
//! channels: the scheduler (scheduler and prober functions), the incident workers (incidents
//! and notifier functions) and the sweeper (sweeper function).

mod config_file;
mod incident_workers;
mod pacing;
mod releases;
mod scheduler;
mod sweeper;

pub use config_file::{InProcess, Watcher, apply_file, in_process_client};
pub use incident_workers::{IncidentWorkers, IncidentWorkersConfig};
pub use releases::ReleasePolicy;
pub use scheduler::{LocalScheduler, SchedulerConfig, SchedulerStats};
pub use sweeper::{LocalSweeper, SweeperConfig, SweeperStats};

use anyhow::Context;
use jiff::SignedDuration;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use url::Url;
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, Bootstrapped, bootstrap};
use vigil_app::{Blobs, Deps, HeartbeatSettings, NotificationSettings, Settings, Stores, SystemRandom};
use vigil_domain::heartbeat::PingCap;
use vigil_domain::notify::{RenderContext, RetryPolicy};
use vigil_domain::ports::OidcProvider;
use vigil_domain::probe::NetworkPolicy;
use vigil_domain::tenant::ApiKeySecret;
use vigil_local::{DataDirLock, DueIndex, FsArtefactStore, InProcessBus, LocalNotifier, SmtpConfig, SqliteStore};
use vigil_oidc::{OidcSettings, OpenIdProvider};
use vigil_probe::{HttpProber, NetworkGuard, ProberConfig};

/// Everything `vigil serve` can be told.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Directory holding the database and artefacts.
    pub data_dir: PathBuf,
    /// The admin key to create on first start, instead of a random one.
    pub admin_key: Option<String>,
    /// Which addresses checks may reach.
    pub network_policy: NetworkPolicy,
    /// The most response body bytes a check reads.
    pub body_cap: usize,
    /// The most checks running at once.
    pub max_in_flight: usize,
    /// How long check history is kept.
    pub retention: SignedDuration,
    /// Extra trusted root certificates (PEM) for checks of services behind a private CA.
    pub extra_ca_file: Option<PathBuf>,
    /// The address people and scripts reach Vigil at, for links in messages and the ping URLs
    /// of tasks; `http://<listen address>` when not given.
    pub public_url: Option<Url>,
    /// The most bytes of a ping's body kept.
    pub ping_body_cap: usize,
    /// How many of its newest pings each task keeps.
    pub pings_kept: PingCap,
    /// How often the heartbeat sweeper reads the due-index.
    pub sweep_interval: Duration,
    /// New monitors' first checks are spread over this much time (at most their interval).
    pub first_check_within: Duration,
    /// How notifications are delivered.
    pub delivery: DeliveryConfig,
    /// The SMTP relay for email channels and account mail, if any.
    pub smtp: Option<SmtpConfig>,
    /// How people sign in and stay signed in.
    pub accounts: vigil_app::AccountSettings,
    /// The owner to set up at first start, if nobody has an account yet.
    pub owner: Option<OwnerSetup>,
    /// The OpenID provider people may sign in with, if any; its redirect URI is the callback
    /// under the public URL.
    pub oidc: Option<OidcSettings>,
    /// A monitoring file applied at start and whenever it changes.
    pub config_file: Option<PathBuf>,
    /// How open dashboard pages hear of changes.
    pub live_updates: LiveUpdates,
}

/// How open dashboard pages hear of changes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LiveUpdates {
    /// A stream of Server-Sent Events from `/live` that says what changed as it happens.
    #[default]
    Stream,
    /// No stream: each page fetches itself every few seconds, as on AWS. For a reverse proxy
    /// or load balancer that buffers responses or cuts long-lived ones, where a stream would
    /// stall without saying so.
    Poll,
}

/// The first owner, given at start (`--owner-email` and `VIGIL_OWNER_PASSWORD`).
#[derive(Clone)]
pub struct OwnerSetup {
    /// Their email.
    pub email: String,
    /// Their password (from the environment, never a flag).
    pub password: String,
}

impl std::fmt::Debug for OwnerSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnerSetup").field("email", &self.email).finish_non_exhaustive()
    }
}

/// How notifications are delivered.
#[derive(Clone, Debug)]
pub struct DeliveryConfig {
    /// When failed deliveries are tried again.
    pub retry: RetryPolicy,
    /// How long one attempt may take.
    pub send_timeout: Duration,
    /// PagerDuty's Events API v2 endpoint.
    pub pagerduty_events_url: Url,
    /// How the delivery, event and timer workers pace themselves.
    pub workers: IncidentWorkersConfig,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            send_timeout: Duration::from_secs(10),
            pagerduty_events_url: RenderContext::default().pagerduty_events_url,
            workers: IncidentWorkersConfig::default(),
        }
    }
}

/// `http://<addr>`, with a wildcard listen address replaced by `localhost`.
fn default_public_url(addr: SocketAddr) -> anyhow::Result<Url> {
    let text = if addr.ip().is_unspecified() { format!("http://localhost:{}", addr.port()) } else { format!("http://{addr}") };
    Url::parse(&text).context("the default public URL")
}

/// A running server.
pub struct Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The admin key, if this start created a random one (shown once).
    pub created_admin_key: Option<String>,
    /// The wiring, for tests that drive use cases directly.
    pub deps: Deps,
    /// The scheduler's live figures.
    pub scheduler_stats: Arc<SchedulerStats>,
    /// The heartbeat sweeper's live figures.
    pub sweeper_stats: Arc<SweeperStats>,
    /// The in-process event bus, for subscribers in the same process.
    pub bus: InProcessBus,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    /// Released once everything has stopped.
    _lock: DataDirLock,
}

impl Server {
    /// Stops accepting requests, lets running requests and checks finish, and returns once
    /// everything acknowledged is stored.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "a server task ended abnormally");
            }
        }
    }
}

async fn stopped(mut stop: watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

/// Opens the store, bootstraps the first tenant, binds the listener and starts the API, the
/// scheduler, the heartbeat sweeper, the incident and delivery workers, and history pruning.
pub async fn start(config: ServeConfig) -> anyhow::Result<Server> {
    let listener = TcpListener::bind(config.listen).await.with_context(|| format!("listening on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let public_url = match &config.public_url {
        Some(url) => url.clone(),
        None => default_public_url(addr)?,
    };
    std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let lock = DataDirLock::acquire(&config.data_dir)?;
    let database = crate::backup::database_in(&config.data_dir);
    let store = SqliteStore::open(&database)?;
    let artefacts = FsArtefactStore::open(&config.data_dir.join("artefacts"))?;
    let extra_roots = match &config.extra_ca_file {
        Some(path) => Some(std::fs::read(path).with_context(|| format!("reading the CA file {}", path.display()))?),
        None => None,
    };
    // One guard for checks and deliveries: one resolver cache, one network policy.
    let guard = NetworkGuard::system().context("reading the system DNS configuration")?;
    let oidc = match &config.oidc {
        Some(settings) => {
            // A provider behind the same private CA as the services checked is common.
            let pem = settings.extra_root_certificates_pem.clone().or_else(|| extra_roots.clone());
            let settings = OidcSettings { extra_root_certificates_pem: pem, ..settings.clone() };
            let provider =
                OpenIdProvider::new(settings, &vigil_http::oidc_callback_url(&public_url)).context("setting up OpenID Connect sign-in")?;
            Some(Arc::new(provider) as Arc<dyn OidcProvider>)
        }
        None => None,
    };
    let prober =
        HttpProber::with_guard(ProberConfig { extra_root_certificates_pem: extra_roots, ..ProberConfig::default() }, guard.clone())
            .context("setting up the probe engine")?;
    let store_arc = Arc::new(store.clone());
    let bus = InProcessBus::default();
    // Subscribed before anything can publish, so that no status change is missed.
    let incident_events = bus.subscribe();
    let notifier = LocalNotifier::new(config.smtp.clone(), guard, config.network_policy).context("setting up the notifier")?;
    let blobs = Blobs { artefacts: Arc::new(artefacts), ping_bodies: store_arc.clone() };
    let deps = Deps {
        stores: Arc::new(Stores::on(store_arc, blobs)),
        events: Arc::new(bus.clone()),
        prober: Arc::new(prober),
        random: Arc::new(SystemRandom),
        notifier: Arc::new(notifier),
        passwords: Arc::new(vigil_app::Argon2Passwords),
        oidc,
        live: match config.live_updates {
            LiveUpdates::Stream => Some(Arc::new(bus.clone()) as Arc<dyn vigil_domain::ports::LiveFeed>),
            LiveUpdates::Poll => None,
        },
        settings: Arc::new(Settings {
            network_policy: config.network_policy,
            body_cap: config.body_cap,
            heartbeat: HeartbeatSettings { body_cap: config.ping_body_cap, pings_kept: config.pings_kept, ..HeartbeatSettings::default() },
            public_url,
            notifications: NotificationSettings {
                retry: config.delivery.retry,
                send_timeout: config.delivery.send_timeout,
                render: RenderContext { pagerduty_events_url: config.delivery.pagerduty_events_url.clone() },
            },
            accounts: config.accounts.clone(),
            hosts: vigil_app::HostSettings::default(),
            first_check_within: SignedDuration::try_from(config.first_check_within).unwrap_or(Settings::FIRST_CHECK_WITHIN),
        }),
    };

    let admin_key = config.admin_key.as_deref().map(ApiKeySecret::from_operator).transpose().map_err(anyhow::Error::msg)?;
    let created_admin_key = match bootstrap(&deps, Bootstrap { tenant_name: "default".into(), admin_key }, SystemClock::now()).await? {
        Bootstrapped::Created { secret, from_operator: false, .. } => Some(secret.expose().to_owned()),
        Bootstrapped::Created { from_operator: true, .. } | Bootstrapped::AlreadyInitialised => None,
    };
    if let Some(owner) = &config.owner
        && !deps.stores.users.has_users().await?
    {
        let cmd = vigil_app::accounts::SetUpOwner {
            email: owner.email.clone(),
            password: owner.password.clone(),
            name: owner.email.split('@').next().unwrap_or("owner").to_owned(),
            organisation: None,
            origin: Default::default(),
        };
        vigil_app::accounts::set_up_owner(&deps, cmd, SystemClock::now()).await.context("setting up the owner from --owner-email")?;
        tracing::info!(email = %owner.email, "the owner account was set up");
    }

    // Status changes travel to the incident workers in memory: a crash between storing one and
    // handling it would leave an outage without an incident, so every start looks for those.
    vigil_app::incidents::reconcile_outages(&deps, SystemClock::now()).await.context("reconciling outages with incidents")?;
    vigil_app::hosts::reconcile_host_alerts(&deps, SystemClock::now()).await.context("reconciling host rules with incidents")?;

    // Checks the last run claimed ahead and never ran would each leave its monitor a slot short.
    let handed_back = store.hand_back_unrun_claims(SystemClock::now()).await?;
    if handed_back > 0 {
        tracing::info!(checks = handed_back, "running the checks the last run claimed and stopped before running");
    }

    let (stop, stop_rx) = watch::channel(false);

    let scheduler = LocalScheduler::new(
        deps.clone(),
        SchedulerConfig { max_in_flight: config.max_in_flight, due: Some(store.due_watch(DueIndex::Checks)), ..SchedulerConfig::default() },
    );
    let scheduler_stats = scheduler.stats();

    let sweeper = LocalSweeper::new(
        deps.clone(),
        SweeperConfig { tick: config.sweep_interval, due: Some(store.due_watch(DueIndex::Deadlines)), ..SweeperConfig::default() },
    );
    let sweeper_stats = sweeper.stats();

    let metrics = Arc::clone(&scheduler_stats);
    let sweeps = Arc::clone(&sweeper_stats);
    // Agents connect to `/v1/agents/connect`; the hub is also how revocations and remote
    // actions reach them.
    let agents = vigil_http::AgentHub::new();
    let app = vigil_http::with_agent_hub(vigil_web::app(deps.clone()), agents.clone()).route(
        "/metrics",
        axum::routing::get(move || {
            let text = metrics.prometheus_text() + &sweeps.prometheus_text();
            async move { ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], text) }
        }),
    );
    let http_stop = stopped(stop_rx.clone());
    let agents_stop = stopped(stop_rx.clone());
    let http = tokio::spawn(async move {
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        // Agent sockets are upgraded connections the graceful shutdown does not wait for: each
        // says goodbye and records its end before the store is let go.
        let stopping_agents = async move {
            agents_stop.await;
            agents.stop();
            if tokio::time::timeout(Duration::from_secs(10), agents.stopped()).await.is_err() {
                tracing::warn!("some agent connections had not ended 10 s after the stop");
            }
        };
        let (served, ()) = tokio::join!(axum::serve(listener, app).with_graceful_shutdown(http_stop).into_future(), stopping_agents);
        if let Err(error) = served {
            tracing::error!(%error, "the HTTP server failed");
        }
    });

    let scheduling = tokio::spawn(scheduler.run(stopped(stop_rx.clone())));
    // A claimed delivery must not come back to another attempt while its first is still running.
    let mut worker_config = config.delivery.workers.clone();
    worker_config.lease = worker_config.lease.max(config.delivery.send_timeout + Duration::from_secs(30));
    worker_config.deliveries_due = Some(store.due_watch(DueIndex::Deliveries));
    worker_config.timers_due = Some(store.due_watch(DueIndex::Timers));
    let workers = IncidentWorkers::new(deps.clone(), worker_config);
    let incidents = tokio::spawn(workers.run(incident_events, stopped(stop_rx.clone())));
    let sweeping = tokio::spawn(sweeper.run(stopped(stop_rx.clone())));

    let mut tasks = vec![http, scheduling, sweeping, incidents];
    if let Some(path) = &config.config_file {
        // The file is applied by Vigil itself, in the first organisation (the one made at first
        // start), through the same router as any client; the audit log names the system.
        let tenant =
            deps.stores.organisations.tenants().await?.into_iter().next().context("no organisation to apply the monitoring file in")?;
        let actor = vigil_domain::access::Actor::system(tenant.id);
        let mut watcher = Watcher::new(path.clone(), in_process_client(vigil_http::router(deps.clone()), actor));
        watcher.look().await;
        tasks.push(tokio::spawn(watcher.run(stopped(stop_rx.clone()))));
    }
    tasks.push(tokio::spawn(prune_periodically(store, deps.clone(), config.retention, stopped(stop_rx))));

    tracing::info!(%addr, database = %database.display(), "vigil is serving");
    Ok(Server { addr, created_admin_key, deps, scheduler_stats, sweeper_stats, bus, stop, tasks, _lock: lock })
}

/// Hourly, deletes check history older than the retention (rollups are kept four times longer:
/// they are small and make long uptime windows cheap), host samples, rollups and connection
/// events older than theirs, and audit entries older than their organisation's retention.
async fn prune_periodically(store: SqliteStore, deps: Deps, retention: SignedDuration, stop: impl Future<Output = ()>) {
    tokio::pin!(stop);
    let mut every_hour = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = every_hour.tick() => {}
        }
        let now = SystemClock::now();
        match store.prune(now - retention, now - retention * 4).await {
            Ok(deleted) if deleted > 0 => tracing::info!(deleted, "pruned old check results"),
            Ok(_) => {}
            Err(error) => tracing::error!(error = %format!("{error:#}"), "pruning check history failed"),
        }
        match store.prune_task_history(now - retention).await {
            Ok(deleted) if deleted > 0 => tracing::info!(deleted, "pruned old pings"),
            Ok(_) => {}
            Err(error) => tracing::error!(error = %format!("{error:#}"), "pruning ping history failed"),
        }
        let hosts = &deps.settings.hosts;
        let host_retention = vigil_local::HostRetention {
            samples_before: now - hosts.raw_retention,
            minutes_before: now - hosts.minute_retention,
            hours_before: now - hosts.hour_retention,
        };
        match store.prune_hosts(host_retention).await {
            Ok(deleted) if deleted > 0 => tracing::info!(deleted, "pruned old host samples, rollups and connection events"),
            Ok(_) => {}
            Err(error) => tracing::error!(error = %format!("{error:#}"), "pruning host history failed"),
        }
        match vigil_app::accounts::purge_audit_logs(&deps, now).await {
            Ok(deleted) if deleted > 0 => tracing::info!(deleted, "pruned old audit entries"),
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "pruning audit logs failed"),
        }
    }
}
