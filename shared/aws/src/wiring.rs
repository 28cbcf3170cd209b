//! The use cases' dependencies on AWS, as every function wires them: the functions' `main`
//! only reads configuration and calls these.

use crate::artefacts::S3ArtefactStore;
use crate::clients::AwsClients;
use crate::config::{SchedulerConfig, StoreConfig};
use crate::dynamo::DynamoStore;
use crate::events::{FanOutPublisher, SnsPublisher};
use crate::not_wired::NotWired;
use crate::notifier::{AwsNotifier, SesMailer};
use crate::patient_deliveries::PatientDeliveryLog;
use crate::ping_bodies::S3PingBodyStore;
use crate::read_only::ReadOnly;
use crate::signed_in::SignedIn;
use crate::sqs::{QueuedDeliveryLog, SqsJobQueue};
use jiff::SignedDuration;
use std::sync::Arc;
use vigil_app::jobs::{DispatchDeps, DispatchDueChecks};
use vigil_app::{Blobs, Deps, HeartbeatSettings, NotificationSettings, Settings, Stores, SystemRandom};
use vigil_domain::ports::{ArtefactStore, DeliveryLog, EventPublisher, Notifier, PingBodyStore, Prober};
use vigil_probe::NetworkGuard;

/// The dashboard function's dependencies: the stores its pages reach on DynamoDB (monitors,
/// their checks, transitions and mutes; the heartbeat tasks, their runs and ping key read for the
/// overview and the incidents; incidents and what announcing one reaches; the status pages'
/// stores, for a page's subscription form and the posts a resolved incident follows on (the
/// editor's pages are the publishing function's); what authentication and the audit log read
/// and write), S3 for artefacts, SNS
/// (and the EventBridge bus, if configured) for events and the notifier queue for new
/// deliveries. The rest is [`NotWired`]: the tasks' state and big ping bodies (their pages are
/// the tasks function's), the hosts' stores (their pages are the host pages' function's;
/// resolving a host's incident reads its rules), the account's own (invitations, one-time
/// tokens, refresh tokens, sign-in attempts: the account pages' function's) and the due-indexes
/// the scheduler, the notifier and the sweeper claim from. Each store is listed rather than
/// taken from `Stores::on`, which would put every port's code in the binary whatever replaces
/// it. It runs no check and sends nothing itself: "check now" and a monitor's form tried are the
/// check-now function's, a channel's test send the alerting pages' function's.
pub fn dashboard_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let reads = Arc::new(ReadOnly::new(store.clone(), "dashboard"));
    let stores = Stores {
        monitors: store.clone(),
        checks: store.clone(),
        transitions: store.clone(),
        artefacts: artefacts(clients, config),
        incidents: store.clone(),
        channels: store.clone(),
        alert_rules: store.clone(),
        silences: store.clone(),
        deliveries: queued_deliveries(clients, config, &store),
        timers: store.clone(),
        tasks: reads.clone(),
        task_history: store.clone(),
        ping_keys: store.clone(),
        status_pages: store.clone(),
        public_incidents: store.clone(),
        subscribers: store.clone(),
        badges: store.clone(),
        status_snapshots: store.clone(),
        host_rules: reads,
        ..signed_in(&store, "dashboard")
    };
    Ok(deps(clients, config, stores, no_checks("dashboard"), no_messages("dashboard")))
}

/// The api function's dependencies: what the routes no group serves reach. The summary counts
/// monitors; subscribing to a page reads the page, writes its subscribers and queues the
/// confirmation through the notifier queue; with what authentication and the audit log read and
/// write. It publishes no event, runs no check and sends nothing itself: no SNS or EventBridge
/// client, check engine or channels' HTTP client in its binary.
pub fn api_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let reads = Arc::new(ReadOnly::new(store.clone(), "api"));
    let stores = Stores {
        monitors: reads.clone(),
        status_pages: reads,
        subscribers: store.clone(),
        deliveries: queued_deliveries(clients, config, &store),
        ..signed_in(&store, "api")
    };
    Ok(quiet(config, stores, "api"))
}

/// The check-now function's dependencies: the monitor, its checks and transitions, a failure's
/// artefact in S3, events (its transitions open and resolve incidents, as the prober's do), and
/// `prober`, with what authentication, the audit log and its pages' frame (the person, their
/// organisations) read and write.
pub fn check_now_deps(clients: &AwsClients, config: &StoreConfig, prober: Arc<dyn Prober>) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        monitors: store.clone(),
        checks: store.clone(),
        transitions: store.clone(),
        artefacts: artefacts(clients, config),
        ..signed_in(&store, "check-now")
    };
    Ok(deps(clients, config, stores, prober, no_messages("check-now")))
}

/// What resolving and announcing an incident reaches on `store`, as triage and a monitor's
/// deletion (the monitors function's) do it: incidents, rules, channels, new deliveries through
/// the notifier queue, escalation timers; the status pages' posts, snapshots and subscribers;
/// tasks, mutes and pages read; with what authentication and the audit log use, the rest
/// [`NotWired`] for `function`.
fn resolving_incidents(clients: &AwsClients, config: &StoreConfig, store: &Arc<DynamoStore>, function: &'static str) -> Stores {
    let reads = Arc::new(ReadOnly::new(store.clone(), function));
    Stores {
        incidents: store.clone(),
        alert_rules: store.clone(),
        channels: store.clone(),
        deliveries: queued_deliveries(clients, config, store),
        timers: store.clone(),
        public_incidents: store.clone(),
        status_snapshots: store.clone(),
        subscribers: store.clone(),
        tasks: reads.clone(),
        silences: reads.clone(),
        status_pages: reads,
        ..signed_in(store, function)
    }
}

/// The accounts function's dependencies: [`account_stores`], and account mail (invitations,
/// resets, address confirmations) sent through SES ([`SesMailer`]: no channels' HTTP client, no
/// SNS). It publishes no event and runs no check.
pub fn accounts_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let mailer = Arc::new(SesMailer::new(clients, config.email_from.clone()));
    Ok(assembled(config, account_stores(&store, "accounts"), Arc::new(NotWired::new("accounts")), no_checks("accounts"), mailer))
}

/// The sso function's dependencies: [`account_stores`] (a sign-in through the provider finds
/// or makes the person, joins them by the organisation's rules, and signs them in). It sends,
/// publishes and checks nothing.
pub fn sso_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    Ok(quiet(config, account_stores(&store, "sso"), "sso"))
}

/// The account's stores on `store`, the rest [`NotWired`] for `function`: people,
/// organisations, invitations, one-time tokens, sessions and refresh tokens, keys (tenants),
/// sign-in attempts, the signing key and the audit log.
fn account_stores(store: &Arc<DynamoStore>, function: &'static str) -> Stores {
    Stores {
        tenants: store.clone(),
        organisations: store.clone(),
        users: store.clone(),
        memberships: store.clone(),
        invitations: store.clone(),
        one_time_tokens: store.clone(),
        sessions: store.clone(),
        refresh_tokens: store.clone(),
        audit: store.clone(),
        sign_in_attempts: store.clone(),
        server_secrets: store.clone(),
        ..not_wired(function)
    }
}

/// The prober function's dependencies: a check reads its monitor, records its result and any
/// change of health with its transition, and keeps a failure's artefact in S3.
pub fn prober_deps(clients: &AwsClients, config: &StoreConfig, prober: Arc<dyn Prober>) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        // A check reads its monitor; its health is written with the result, by the check log.
        monitors: Arc::new(ReadOnly::new(store.clone(), "prober")),
        checks: store.clone(),
        transitions: store,
        artefacts: artefacts(clients, config),
        ..not_wired("prober")
    };
    Ok(deps(clients, config, stores, prober, no_messages("prober")))
}

/// The monitors function's dependencies: a monitor (its schedule is part of it), its checks
/// (with their artefacts in S3), transitions and mutes; a monitor's deletion resolves its
/// ongoing incident and announces it as triage does ([`resolving_incidents`]); with what
/// authentication and the audit log read and write.
pub fn monitors_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        monitors: store.clone(),
        // Checks are listed and read here; the prober and "check now" write them.
        checks: Arc::new(ReadOnly::new(store.clone(), "monitors")),
        transitions: store.clone(),
        silences: store.clone(),
        artefacts: artefacts(clients, config),
        ..resolving_incidents(clients, config, &store, "monitors")
    };
    Ok(deps(clients, config, stores, no_checks("monitors"), no_messages("monitors")))
}

/// The tasks function's dependencies, for the tasks' API and their pages: a heartbeat task, its
/// state, runs and pings (with their big bodies in S3), the tenant's ping key its URLs are made
/// with, and what authentication, the audit log and the pages' frame (the person, their
/// organisations) read and write.
pub fn tasks_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        tasks: store.clone(),
        task_state: store.clone(),
        task_history: store.clone(),
        ping_keys: store.clone(),
        ping_bodies: ping_bodies(clients, config),
        ..signed_in(&store, "tasks")
    };
    Ok(deps(clients, config, stores, no_checks("tasks"), no_messages("tasks")))
}

/// The alerting function's dependencies: channels, alert rules, maintenance windows, the
/// deliveries that failed (read), and what authentication and the audit log read and write,
/// with the notifier for a channel's test send. It publishes no event.
pub fn alerting_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = alerting_stores(&store, "alerting");
    Ok(assembled(config, stores, Arc::new(NotWired::new("alerting")), no_checks("alerting"), aws_notifier(clients, config)?))
}

/// Alerting's stores on `store` for `function`: channels, alert rules, maintenance windows and
/// mutes, the deliveries that failed (read), with what authentication and the audit log read and
/// write.
fn alerting_stores(store: &Arc<DynamoStore>, function: &'static str) -> Stores {
    Stores {
        channels: store.clone(),
        alert_rules: store.clone(),
        silences: store.clone(),
        // The notifier and the sweeper write deliveries; this lists those that failed.
        deliveries: Arc::new(ReadOnly::new(store.clone(), function)),
        ..signed_in(store, function)
    }
}

/// The alerting pages' function's dependencies: [`alerting_deps`], with the monitors and tasks
/// read (the rules', windows' and mutes' forms list their names; muting reads the monitor).
pub fn alerting_page_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let reads = Arc::new(ReadOnly::new(store.clone(), "alerting-pages"));
    let stores = Stores { monitors: reads.clone(), tasks: reads, ..alerting_stores(&store, "alerting-pages") };
    let events = Arc::new(NotWired::new("alerting-pages"));
    Ok(assembled(config, stores, events, no_checks("alerting-pages"), aws_notifier(clients, config)?))
}

/// The hosts function's dependencies: hosts, their metrics, connections, rules and actions (an
/// enrolment is a host's record), events for the alerts a revocation or a deleted rule
/// withdraws, and what authentication and the audit log read and write. Its agents are
/// reached through [`agent_gateway`].
pub fn hosts_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = with_hosts(&store, signed_in(&store, "hosts"));
    Ok(deps(clients, config, stores, no_checks("hosts"), no_messages("hosts")))
}

/// The way to the agents' connections through their WebSocket API, when the deployment has
/// one (`VIGIL_AGENT_WS_ENDPOINT`): action requests and revocations go through it.
pub fn agent_gateway(clients: &AwsClients, config: &StoreConfig) -> Option<crate::AgentGateway> {
    let endpoint = config.agent_endpoint.as_deref()?;
    Some(crate::AgentGateway::new(dynamo_store(clients, config), clients.agent_connections(endpoint)))
}

/// The publishing function's dependencies: status pages, their snapshots, subscribers, posted
/// incidents and badges; the monitors, tasks, checks, incidents and windows their components and
/// badges show (read); the notifier queue for subscribers' mails; and what authentication, the
/// audit log and the editor's pages' frame (the person, their organisations) read and write. It
/// publishes no event.
pub fn publishing_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let reads = Arc::new(ReadOnly::new(store.clone(), "publishing"));
    let stores = Stores {
        status_pages: store.clone(),
        status_snapshots: store.clone(),
        subscribers: store.clone(),
        public_incidents: store.clone(),
        badges: store.clone(),
        task_history: store.clone(),
        monitors: reads.clone(),
        tasks: reads.clone(),
        checks: reads.clone(),
        incidents: reads.clone(),
        silences: reads,
        deliveries: queued_deliveries(clients, config, &store),
        ..signed_in(&store, "publishing")
    };
    Ok(quiet(config, stores, "publishing"))
}

/// The triage function's dependencies: incidents; what announcing a change reaches (rules,
/// channels, new deliveries through the notifier queue, escalation timers); whether a subject is
/// still down (monitors, tasks, host rules); the status pages a resolved incident's posts follow
/// on (pages, posts, snapshots and what they are made of, subscribers); and what authentication
/// and the audit log read and write. It publishes no event.
pub fn triage_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let reads = Arc::new(ReadOnly::new(store.clone(), "triage"));
    let stores = Stores {
        host_rules: store.clone(),
        monitors: reads.clone(),
        checks: reads,
        ..resolving_incidents(clients, config, &store, "triage")
    };
    Ok(quiet(config, stores, "triage"))
}

/// The status function's dependencies: a public status page, its snapshot and what a stale
/// snapshot is made from (its monitors' and tasks' records and tallies, incidents, maintenance
/// windows, posted incidents), its badges, its subscribers (confirming and leaving; subscribing
/// queues a mail and is the api's), the password throttle of a protected page and its access
/// cookie's key, and the sessions, members and users that let a member read a private page.
/// It publishes no event and sends nothing.
pub fn status_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    // What the pages show is written elsewhere: the function reads it (see `ReadOnly`).
    let reads = Arc::new(ReadOnly::new(store.clone(), "status"));
    let stores = Stores {
        status_pages: reads.clone(),
        monitors: reads.clone(),
        checks: reads.clone(),
        tasks: reads.clone(),
        incidents: reads.clone(),
        silences: reads.clone(),
        public_incidents: reads.clone(),
        badges: reads.clone(),
        memberships: reads.clone(),
        users: reads,
        status_snapshots: store.clone(),
        subscribers: store.clone(),
        task_history: store.clone(),
        sign_in_attempts: store.clone(),
        server_secrets: store.clone(),
        sessions: store,
        ..not_wired("status")
    };
    Ok(quiet(config, stores, "status"))
}

/// What every route group of the API reaches on `store`, the rest [`NotWired`] for `function`:
/// the stores that authenticate a key, a token or a session cookie (tenants, memberships,
/// users, sessions, the signing key), and the audit log that its changes are written to.
fn signed_in(store: &Arc<DynamoStore>, function: &'static str) -> Stores {
    // People and their memberships are only read here, and keys, sessions and the audit log
    // only partly used: the account routes are the accounts function's.
    let people = Arc::new(ReadOnly::new(store.clone(), function));
    let signed_in = Arc::new(SignedIn::new(store.clone(), function));
    Stores {
        tenants: signed_in.clone(),
        memberships: people.clone(),
        users: people,
        sessions: signed_in.clone(),
        server_secrets: store.clone(),
        audit: signed_in,
        ..not_wired(function)
    }
}

/// The incidents function's dependencies: an event opens or resolves an incident, enqueues its
/// deliveries by the tenant's rules, channels and silences, starts its timers, and updates the
/// status pages that show its subject (their incidents, snapshots and subscribers' mails).
pub fn incidents_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    // What an incident is judged by and what the pages show of it are written elsewhere.
    let reads = Arc::new(ReadOnly::new(store.clone(), "incidents"));
    let stores = Stores {
        monitors: reads.clone(),
        checks: reads.clone(),
        tasks: reads.clone(),
        incidents: store.clone(),
        channels: store.clone(),
        alert_rules: store.clone(),
        silences: reads.clone(),
        deliveries: queued_deliveries(clients, config, &store),
        timers: store.clone(),
        users: reads.clone(),
        memberships: reads.clone(),
        audit: store.clone(),
        status_pages: reads,
        public_incidents: store.clone(),
        subscribers: store.clone(),
        status_snapshots: store,
        ..not_wired("incidents")
    };
    Ok(deps(clients, config, stores, no_checks("incidents"), no_messages("incidents")))
}

/// The heartbeat function's dependencies: a ping is one conditional write of its task's state,
/// with a big body in S3.
pub fn heartbeat_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let stores =
        Stores { task_state: Arc::new(dynamo_store(clients, config)), ping_bodies: ping_bodies(clients, config), ..not_wired("heartbeat") };
    Ok(deps(clients, config, stores, no_checks("heartbeat"), no_messages("heartbeat")))
}

/// The sweeper function's dependencies: late and missed tasks by the due index, due escalations
/// and reminders, deliveries whose queue message was lost, and the audit log's retention.
pub fn sweeper_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        task_state: store.clone(),
        task_due: store.clone(),
        incidents: store.clone(),
        channels: store.clone(),
        alert_rules: store.clone(),
        deliveries: queued_deliveries(clients, config, &store),
        delivery_due: store.clone(),
        timers: store.clone(),
        organisations: store.clone(),
        audit: store,
        ..not_wired("sweeper")
    };
    Ok(deps(clients, config, stores, no_checks("sweeper"), no_messages("sweeper")))
}

/// The agents function's dependencies: hosts, their samples and rules, their connections and
/// the actions sent to them, and the audit of what agents did.
pub fn agents_deps(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores { audit: store.clone(), ..with_hosts(&store, not_wired("agents")) };
    Ok(deps(clients, config, stores, no_checks("agents"), no_messages("agents")))
}

/// `stores` with the hosts' on `store`: hosts (and their enrolments), their metrics,
/// connections, rules and actions.
fn with_hosts(store: &Arc<DynamoStore>, stores: Stores) -> Stores {
    Stores {
        hosts: store.clone(),
        host_metrics: store.clone(),
        connections: store.clone(),
        host_rules: store.clone(),
        actions: store.clone(),
        ..stores
    }
}

/// Every store [`NotWired`], blobs included: what a function's own wiring starts from, so that
/// a port it leaves out brings no DynamoDB or S3 code into its binary.
fn not_wired(function: &'static str) -> Stores {
    let not_wired = Arc::new(NotWired::new(function));
    Stores::on(not_wired.clone(), Blobs { artefacts: not_wired.clone(), ping_bodies: not_wired })
}

/// New deliveries are stored and their message sent to the notifier queue.
fn queued_deliveries(clients: &AwsClients, config: &StoreConfig, store: &Arc<DynamoStore>) -> Arc<dyn DeliveryLog> {
    Arc::new(QueuedDeliveryLog::new(store.clone(), clients.sqs_messages(), &config.notify_queue_url))
}

fn artefacts(clients: &AwsClients, config: &StoreConfig) -> Arc<dyn ArtefactStore> {
    Arc::new(S3ArtefactStore::new(clients.s3.clone(), &config.artefact_bucket))
}

fn ping_bodies(clients: &AwsClients, config: &StoreConfig) -> Arc<dyn PingBodyStore> {
    Arc::new(S3PingBodyStore::new(clients.s3.clone(), &config.artefact_bucket))
}

/// `stores` with SNS (and the EventBridge bus, if configured) for events and the settings of
/// `config`.
fn deps(clients: &AwsClients, config: &StoreConfig, stores: Stores, prober: Arc<dyn Prober>, notifier: Arc<dyn Notifier>) -> Deps {
    let sns: Arc<dyn EventPublisher> = Arc::new(SnsPublisher::new(clients.sns_messages(), &config.events_topic_arn));
    let events: Arc<dyn EventPublisher> = match &config.event_bus {
        Some(bus) => Arc::new(FanOutPublisher::new(vec![sns, Arc::new(clients.event_bus(bus))])),
        None => sns,
    };
    assembled(config, stores, events, prober, notifier)
}

/// The dependencies of `stores` for `function`, which publishes no event, runs no check and
/// sends nothing itself: no SNS or EventBridge client in its binary.
fn quiet(config: &StoreConfig, stores: Stores, function: &'static str) -> Deps {
    assembled(config, stores, Arc::new(NotWired::new(function)), no_checks(function), no_messages(function))
}

/// The dependencies of `stores`, `events`, `prober` and `notifier`, with the settings of `config`.
fn assembled(
    config: &StoreConfig,
    stores: Stores,
    events: Arc<dyn EventPublisher>,
    prober: Arc<dyn Prober>,
    notifier: Arc<dyn Notifier>,
) -> Deps {
    Deps {
        stores: Arc::new(stores),
        events,
        prober,
        random: Arc::new(SystemRandom),
        notifier,
        passwords: Arc::new(vigil_app::Argon2Passwords),
        // Only the api function signs people in; it adds its provider (functions/api).
        oidc: None,
        live: None,
        settings: Arc::new(Settings {
            network_policy: config.network_policy,
            body_cap: config.body_cap,
            notifications: NotificationSettings::default(),
            // Bodies above DynamoDB-friendly sizes go to S3; the body cap is Healthchecks' default.
            heartbeat: HeartbeatSettings { pings_kept: config.pings_kept, ..HeartbeatSettings::default() },
            public_url: config.public_url.clone(),
            accounts: vigil_app::AccountSettings::default(),
            hosts: vigil_app::HostSettings::default(),
            // Not yet on AWS: a new monitor's first check goes out with the next scheduler run.
            // Spreading them belongs with the cursor scheduling docs/aws.md plans.
            first_check_within: jiff::SignedDuration::ZERO,
        }),
    }
}

/// The store of every function over the table.
pub fn dynamo_store(clients: &AwsClients, config: &StoreConfig) -> DynamoStore {
    DynamoStore::new(clients.dynamodb.clone(), &config.table, config.retention)
}

/// The agents' WebSocket endpoint, which the agents function cannot run without.
pub fn agent_endpoint(config: &StoreConfig) -> Result<String, crate::config::ConfigError> {
    config.agent_endpoint.clone().ok_or_else(|| {
        crate::config::ConfigError(vec![format!(
            "{} is required: the agents' WebSocket API's connection endpoint",
            crate::config::AGENT_WS_ENDPOINT
        )])
    })
}

/// The notifier function's dependencies: a claimed delivery, its incident, channel and rule (or
/// the status page subscriber it is for), and the timers of its escalation; each attempt is
/// recorded with patience for as long as the `lease` it was claimed under holds (its message is
/// out; an unrecorded attempt would be made again).
pub fn notifier_deps(clients: &AwsClients, config: &StoreConfig, lease: SignedDuration) -> anyhow::Result<Deps> {
    let store = Arc::new(dynamo_store(clients, config));
    let stores = Stores {
        incidents: store.clone(),
        channels: store.clone(),
        alert_rules: store.clone(),
        subscribers: store.clone(),
        deliveries: Arc::new(PatientDeliveryLog::new(queued_deliveries(clients, config, &store), lease)),
        delivery_due: store.clone(),
        timers: store,
        ..not_wired("notifier")
    };
    Ok(deps(clients, config, stores, no_checks("notifier"), aws_notifier(clients, config)?))
}

/// The notifier of the functions that send messages (the notifier, and the alerting and
/// alerting pages' functions for a channel's test send): SES for email, SNS for SMS, HTTPS for the
/// rest, through the network guard with the C library's resolver (they look up few names, and
/// hickory's DNS client was about 230 KB of each zip).
pub fn aws_notifier(clients: &AwsClients, config: &StoreConfig) -> anyhow::Result<Arc<dyn Notifier>> {
    Ok(Arc::new(AwsNotifier::new(clients, config.email_from.clone(), NetworkGuard::with_getaddrinfo(), config.network_policy)?))
}

/// The notifier of functions that never send messages (they enqueue deliveries for the notifier
/// function): it keeps the HTTP client and SES out of their binaries. Were a message ever handed
/// to one, the attempt is refused as retryable, so the delivery stays for the notifier.
pub fn no_messages(function: &'static str) -> Arc<dyn Notifier> {
    Arc::new(NoMessages(function))
}

struct NoMessages(&'static str);

#[async_trait::async_trait]
impl Notifier for NoMessages {
    async fn send(
        &self,
        _message: &vigil_domain::notify::OutboundMessage,
        _timeout: std::time::Duration,
    ) -> (vigil_domain::notify::AttemptResult, std::time::Duration) {
        let error = format!("the {} function does not send messages", self.0);
        (vigil_domain::notify::AttemptResult::Rejected { status_code: None, error, retryable: true }, std::time::Duration::ZERO)
    }
}

/// The prober of functions that never run checks (incidents, notifier, heartbeat, sweeper): it
/// keeps the check engine out of their binaries. Were a check ever asked of one, its report
/// says which function refused it.
pub fn no_checks(function: &'static str) -> Arc<dyn Prober> {
    Arc::new(NoChecks(function))
}

struct NoChecks(&'static str);

#[async_trait::async_trait]
impl Prober for NoChecks {
    async fn probe(&self, _request: &vigil_domain::probe::ProbeRequest) -> vigil_domain::probe::ProbeReport {
        vigil_domain::probe::ProbeReport::ProbeError { message: format!("the {} function does not run checks", self.0) }
    }
}

/// The scheduler function's dependencies and its dispatch settings.
pub fn scheduler_deps(clients: &AwsClients, config: &SchedulerConfig) -> (DispatchDeps, DispatchDueChecks) {
    // The scheduler writes no history, so the retention it is given is never used.
    let store = Arc::new(DynamoStore::new(clients.dynamodb.clone(), &config.table, SignedDuration::from_hours(24)));
    let deps = DispatchDeps { schedule: store, jobs: Arc::new(SqsJobQueue::new(clients.sqs_messages(), &config.probe_queue_url)) };
    let dispatch = DispatchDueChecks {
        lead: config.lead,
        horizon: config.horizon,
        claim_batch: config.claim_batch,
        max_checks: config.max_checks,
        job_size: config.job_size,
    };
    (deps, dispatch)
}
