//! The AWS emulator for tests: moto in server mode, started once per test binary on a free
//! loopback port from the project's virtualenv (`./scripts/install-test-tools` creates it), and
//! a [`Session`] per test that holds the emulator exclusively, resets it and provisions Vigil's
//! table, queues, topic, bus and bucket.
//!
//! Without the virtualenv every emulator test fails with a message naming the command to run:
//! they never pass silently.

pub mod provision;

pub use provision::{Resources, provision};

use jiff::SignedDuration;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
use vigil_app::Deps;
use vigil_aws::config::{AwsSettings, SchedulerConfig, StoreConfig};
use vigil_aws::{AwsClients, ClientOptions, wiring};
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};
use vigil_probe::{HttpProber, ProberConfig};

/// The region every emulator test uses.
pub const REGION: &str = "us-east-1";
/// The public URL the functions are configured with on the emulator.
pub const PUBLIC_URL: &str = "https://vigil.test/";
/// The SES sender the functions are configured with (verified on the emulator).
pub const EMAIL_FROM: &str = "vigil@vigil.test";
/// Credentials the emulator accepts.
pub const ACCESS_KEY: &str = "testing";

struct Moto {
    port: u16,
    // Holding the child keeps its stdin open; moto stops when this process exits and the pipe
    // closes.
    _child: Mutex<Child>,
}

static MOTO: OnceLock<Moto> = OnceLock::new();
static EXCLUSIVE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The repository's root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("the tests crate is inside the repository").to_owned()
}

fn start_moto() -> Moto {
    let python = repo_root().join(".venv/bin/python");
    assert!(
        python.exists(),
        "\n\nThe AWS emulator (moto) is not installed, so the AWS tests cannot run.\n\
         Install it with `./scripts/install-test-tools` (`./scripts/test-all` does it first).\n"
    );
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/emulator/moto_host.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("starting moto with {}: {e}", python.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("moto's stdout")).read_line(&mut line).expect("reading moto's port");
    let port: u16 =
        line.trim().parse().unwrap_or_else(|_| panic!("moto did not print its port (got {line:?}); is moto[server] installed in .venv?"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not start listening on port {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Moto { port, _child: Mutex::new(child) }
}

/// The emulator's endpoint, starting it on first use.
pub fn endpoint() -> String {
    format!("http://127.0.0.1:{}", MOTO.get_or_init(start_moto).port)
}

/// SDK settings pointing at `endpoint`.
pub fn settings(endpoint: &str) -> AwsSettings {
    AwsSettings { region: REGION.into(), endpoint_url: Some(endpoint.to_owned()) }
}

/// Clients of the emulator at `endpoint` (or of a proxy in front of it).
pub async fn clients(endpoint: &str, options: ClientOptions) -> AwsClients {
    let credentials = aws_sdk_dynamodb::config::Credentials::new(ACCESS_KEY, ACCESS_KEY, None, None, "vigil-tests");
    AwsClients::new(&settings(endpoint), ClientOptions { credentials: Some(credentials), ..options }).await
}

/// A test's exclusive hold on a freshly reset and provisioned emulator.
pub struct Session {
    /// The emulator's endpoint.
    pub endpoint: String,
    /// Clients of it.
    pub clients: AwsClients,
    /// What was provisioned.
    pub resources: Resources,
    _exclusive: tokio::sync::MutexGuard<'static, ()>,
}

impl Session {
    /// Waits for the emulator, resets it and provisions Vigil's resources.
    pub async fn start() -> Self {
        let exclusive = EXCLUSIVE.lock().await;
        let endpoint = tokio::task::spawn_blocking(endpoint).await.expect("starting moto");
        reset(&endpoint).await;
        let clients = clients(&endpoint, ClientOptions::default()).await;
        let resources = provision(&clients).await.expect("provisioning the emulator");
        Self { endpoint, clients, resources, _exclusive: exclusive }
    }

    /// The store functions' configuration on this emulator (checks may reach the tests'
    /// loopback targets).
    pub fn store_config(&self) -> StoreConfig {
        store_config(&self.endpoint, &self.resources)
    }

    /// The scheduler function's configuration on this emulator, claiming `horizon` ahead (with
    /// a lead of the whole horizon, so every monitor due within it is claimed at once).
    pub fn scheduler_config(&self, horizon: SignedDuration) -> SchedulerConfig {
        SchedulerConfig {
            aws: settings(&self.endpoint),
            table: self.resources.table.clone(),
            probe_queue_url: self.resources.probe_queue_url.clone(),
            lead: horizon,
            horizon,
            job_size: 50,
            claim_batch: 500,
            max_checks: 50_000,
        }
    }

    /// Every store on the emulator, the probe engine and the notifier ([`deps_with`]), so a test
    /// arranges and reads back through these.
    pub fn deps(&self) -> Deps {
        deps_with(&self.clients, &self.store_config())
    }

    /// The api function's dependencies, wired as its `main` wires them (`wiring::api_deps`): only
    /// the stores its routes reach.
    pub fn api_deps(&self) -> Deps {
        wiring::api_deps(&self.clients, &self.store_config()).expect("wiring the api's dependencies")
    }

    /// A function's dependencies as its `main` wires them (`wiring::incidents_deps` and the
    /// like): only the stores its use cases reach. A test that runs a function's handler takes
    /// these, so a store the function reaches but leaves unwired fails the test.
    pub fn wired(&self, wire: fn(&AwsClients, &StoreConfig) -> anyhow::Result<Deps>) -> Deps {
        wire(&self.clients, &self.store_config()).expect("wiring a function's dependencies")
    }

    /// The environment a function binary needs to run against this emulator.
    pub fn function_env(&self) -> Vec<(&'static str, String)> {
        function_env(&self.endpoint, &self.resources)
    }
}

/// The store functions' configuration on the emulator at `endpoint`.
pub fn store_config(endpoint: &str, r: &Resources) -> StoreConfig {
    StoreConfig {
        aws: settings(endpoint),
        table: r.table.clone(),
        retention: SignedDuration::from_hours(24 * 90),
        artefact_bucket: r.bucket.clone(),
        events_topic_arn: r.topic_arn.clone(),
        event_bus: Some(r.bus.clone()),
        network_policy: NetworkPolicy::AllowPrivate,
        body_cap: ProbeRequest::DEFAULT_BODY_CAP,
        pings_kept: vigil_domain::heartbeat::PingCap::default(),
        notify_queue_url: r.notify_queue_url.clone(),
        public_url: url::Url::parse(PUBLIC_URL).expect("a valid URL"),
        email_from: Some(EMAIL_FROM.into()),
        admin_key_sha256: None,
        agent_endpoint: None,
    }
}

/// The environment a function binary needs to run against the emulator at `endpoint`.
pub fn function_env(endpoint: &str, r: &Resources) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_REGION", REGION.into()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY.into()),
        ("AWS_SECRET_ACCESS_KEY", ACCESS_KEY.into()),
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
        ("VIGIL_TABLE", r.table.clone()),
        ("VIGIL_ARTEFACT_BUCKET", r.bucket.clone()),
        ("VIGIL_EVENTS_TOPIC_ARN", r.topic_arn.clone()),
        ("VIGIL_EVENT_BUS", r.bus.clone()),
        ("VIGIL_PROBE_QUEUE_URL", r.probe_queue_url.clone()),
        ("VIGIL_NETWORK_POLICY", "allow-private".into()),
        ("VIGIL_NOTIFY_QUEUE_URL", r.notify_queue_url.clone()),
        ("VIGIL_NOTIFY_DLQ_URL", r.notify_dlq_url.clone()),
        ("VIGIL_PUBLIC_URL", PUBLIC_URL.into()),
        ("VIGIL_EMAIL_FROM", EMAIL_FROM.into()),
    ]
}

/// Every store over `clients` (on DynamoDB, S3 and the notifier queue as the functions wire
/// them), the probe engine and the notifier: the dashboard function's dependencies with every
/// port it leaves out wired too, for tests to arrange and read back through.
pub fn deps_with(clients: &AwsClients, config: &StoreConfig) -> Deps {
    let mut deps = wiring::dashboard_deps(clients, config).expect("wiring the store dependencies");
    deps.prober = http_prober();
    deps.notifier = wiring::aws_notifier(clients, config).expect("the notifier");
    let wired = deps.stores.clone();
    let blobs = vigil_app::Blobs { artefacts: wired.artefacts.clone(), ping_bodies: wired.ping_bodies.clone() };
    let store = Arc::new(wiring::dynamo_store(clients, config));
    deps.stores = Arc::new(vigil_app::Stores { deliveries: wired.deliveries.clone(), ..vigil_app::Stores::on(store, blobs) });
    deps
}

/// The prober function's dependencies over `clients`, wired as its `main` wires them.
pub fn prober_deps(clients: &AwsClients, config: &StoreConfig) -> Deps {
    wiring::prober_deps(clients, config, http_prober()).expect("wiring the prober's dependencies")
}

/// The probe engine of the functions that run checks, with its production settings.
fn http_prober() -> Arc<dyn vigil_domain::ports::Prober> {
    Arc::new(HttpProber::new(ProberConfig::default()).expect("a prober"))
}

/// The ARN of a queue of the emulator, by its URL.
pub fn queue_arn(queue_url: &str) -> String {
    let name = queue_url.rsplit('/').next().unwrap_or_default();
    format!("arn:aws:sqs:{REGION}:123456789012:{name}")
}

/// Forgets everything the emulator holds.
pub async fn reset(endpoint: &str) {
    let response = reqwest::Client::new().post(format!("{endpoint}/moto-api/reset")).send().await.expect("resetting moto");
    assert!(response.status().is_success(), "resetting moto: {}", response.status());
}
