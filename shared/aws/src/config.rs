//! Every environment variable the Lambda functions read, in one place, and the typed
//! configuration of each function. Each function reads its configuration once at cold start;
//! anything missing or malformed fails there, with one line naming every problem, instead of at
//! the first event. docs/aws.md has the same table for people; functions/manifest.json lists
//! which function reads which variable (a test keeps the three in step).

use jiff::SignedDuration;
use std::fmt;
use vigil_domain::heartbeat::PingCap;
use vigil_domain::job::MAX_JOB_DELAY_SECONDS;
use vigil_domain::probe::NetworkPolicy;

/// One environment variable.
#[derive(Clone, Copy, Debug)]
pub struct Variable {
    /// Its name.
    pub name: &'static str,
    /// The functions that read it.
    pub functions: &'static [&'static str],
    /// Its default; `None` if it must be set (or, for optional ones, if absent means "off").
    pub default: Option<&'static str>,
    /// Whether a function that reads it refuses to start without it.
    pub required: bool,
    /// What it means.
    pub meaning: &'static str,
}

const ALL: &[&str] = &[
    "api",
    "dashboard",
    "account-pages",
    "host-pages",
    "alerting-pages",
    "accounts",
    "sso",
    "monitors",
    "check-now",
    "tasks",
    "alerting",
    "hosts",
    "publishing",
    "triage",
    "status",
    "scheduler",
    "prober",
    "incidents",
    "notifier",
    "heartbeat",
    "sweeper",
    "agents",
];
const STORE_USERS: &[&str] = &[
    "api",
    "dashboard",
    "account-pages",
    "host-pages",
    "alerting-pages",
    "accounts",
    "sso",
    "monitors",
    "check-now",
    "tasks",
    "alerting",
    "hosts",
    "publishing",
    "triage",
    "status",
    "prober",
    "incidents",
    "notifier",
    "heartbeat",
    "sweeper",
    "agents",
];

/// DynamoDB table name.
pub const TABLE: &str = "VIGIL_TABLE";
/// S3 bucket for failure artefacts.
pub const ARTEFACT_BUCKET: &str = "VIGIL_ARTEFACT_BUCKET";
/// SNS topic for events.
pub const EVENTS_TOPIC_ARN: &str = "VIGIL_EVENTS_TOPIC_ARN";
/// Optional EventBridge bus for events.
pub const EVENT_BUS: &str = "VIGIL_EVENT_BUS";
/// SQS queue of probe jobs.
pub const PROBE_QUEUE_URL: &str = "VIGIL_PROBE_QUEUE_URL";
/// Which addresses checks may reach.
pub const NETWORK_POLICY: &str = "VIGIL_NETWORK_POLICY";
/// Most body bytes a check reads.
pub const BODY_CAP_BYTES: &str = "VIGIL_BODY_CAP_BYTES";
/// How many of its newest pings each heartbeat task keeps.
pub const PINGS_KEPT_PER_TASK: &str = "VIGIL_PINGS_KEPT_PER_TASK";
/// Days of raw check history.
pub const RETENTION_DAYS: &str = "VIGIL_RETENTION_DAYS";
/// How far ahead the scheduler claims.
pub const SCHEDULE_HORIZON_SECONDS: &str = "VIGIL_SCHEDULE_HORIZON_SECONDS";
/// How soon a monitor must be due to be claimed.
pub const SCHEDULE_LEAD_SECONDS: &str = "VIGIL_SCHEDULE_LEAD_SECONDS";
/// Checks per probe job.
pub const JOB_SIZE: &str = "VIGIL_JOB_SIZE";
/// Checks per claim.
pub const CLAIM_BATCH: &str = "VIGIL_CLAIM_BATCH";
/// Most checks one scheduler run dispatches.
pub const MAX_CHECKS_PER_RUN: &str = "VIGIL_MAX_CHECKS_PER_RUN";
/// SQS queue of notification deliveries.
pub const NOTIFY_QUEUE_URL: &str = "VIGIL_NOTIFY_QUEUE_URL";
/// Dead-letter queue of deliveries that failed for good.
pub const NOTIFY_DLQ_URL: &str = "VIGIL_NOTIFY_DLQ_URL";
/// The URL people and scripts reach Vigil at.
pub const PUBLIC_URL: &str = "VIGIL_PUBLIC_URL";
/// Sender address of email notifications (SES).
pub const EMAIL_FROM: &str = "VIGIL_EMAIL_FROM";
/// SHA-256 of the first admin API key.
pub const ADMIN_KEY_SHA256: &str = "VIGIL_ADMIN_KEY_SHA256";
/// The connection management endpoint of the agents' WebSocket API.
pub const AGENT_WS_ENDPOINT: &str = "VIGIL_AGENT_WS_ENDPOINT";
/// Issuer URL of the OpenID provider people may sign in with.
pub const OIDC_ISSUER: &str = "VIGIL_OIDC_ISSUER";
/// Client id registered at the OpenID provider.
pub const OIDC_CLIENT_ID: &str = "VIGIL_OIDC_CLIENT_ID";
/// Client secret at the OpenID provider.
pub const OIDC_CLIENT_SECRET: &str = "VIGIL_OIDC_CLIENT_SECRET";
/// The name on the sign-in button.
pub const OIDC_NAME: &str = "VIGIL_OIDC_NAME";
/// Scopes asked for besides openid, email and profile.
pub const OIDC_SCOPES: &str = "VIGIL_OIDC_SCOPES";
/// Log filter.
pub const LOG: &str = "VIGIL_LOG";
/// The SDK's endpoint override, for emulators.
pub const ENDPOINT_URL: &str = "AWS_ENDPOINT_URL";
/// The region (set by Lambda itself).
pub const REGION: &str = "AWS_REGION";

/// Every variable, for documentation and for the manifest test.
pub const VARIABLES: &[Variable] = &[
    Variable { name: TABLE, functions: ALL, default: None, required: true, meaning: "DynamoDB table holding everything" },
    Variable { name: ARTEFACT_BUCKET, functions: STORE_USERS, default: None, required: true, meaning: "S3 bucket for failure artefacts" },
    Variable {
        name: EVENTS_TOPIC_ARN,
        functions: STORE_USERS,
        default: None,
        required: true,
        meaning: "SNS topic that status changes are published to",
    },
    Variable {
        name: EVENT_BUS,
        functions: STORE_USERS,
        default: None,
        required: false,
        meaning: "EventBridge bus (name or ARN) that events are also put on; unset: SNS only",
    },
    Variable { name: PROBE_QUEUE_URL, functions: &["scheduler"], default: None, required: true, meaning: "SQS queue URL of probe jobs" },
    Variable {
        name: NOTIFY_QUEUE_URL,
        functions: STORE_USERS,
        default: None,
        required: true,
        meaning: "SQS queue URL of notification deliveries (the notifier's trigger)",
    },
    Variable {
        name: NOTIFY_DLQ_URL,
        functions: &["notifier"],
        default: None,
        required: true,
        meaning: "SQS queue URL that deliveries which failed for good are sent to",
    },
    Variable {
        name: PUBLIC_URL,
        functions: STORE_USERS,
        default: None,
        required: true,
        meaning: "URL of the API as people and scripts reach it: the start of incident links and ping URLs",
    },
    Variable {
        name: EMAIL_FROM,
        functions: STORE_USERS,
        default: None,
        required: false,
        meaning: "Verified SES sender of email notifications; unset: email channels fail with a clear error",
    },
    Variable {
        name: AGENT_WS_ENDPOINT,
        functions: &["host-pages", "hosts", "agents"],
        default: None,
        required: false,
        meaning: "Connection management endpoint of the agents' WebSocket API (`https://<api id>.execute-api.<region>.amazonaws.com/<stage>`): the agents function answers agents there and cannot start without it; unset on the host pages' and hosts functions, action requests are recorded as undelivered",
    },
    Variable {
        name: ADMIN_KEY_SHA256,
        functions: &["accounts"],
        default: None,
        required: false,
        meaning: "Hex SHA-256 of the first admin API key: at cold start with no tenant, the accounts function creates the first tenant with it",
    },
    Variable {
        name: OIDC_ISSUER,
        functions: &["accounts", "account-pages", "sso"],
        default: None,
        required: false,
        meaning: "Issuer URL of the OpenID provider people may sign in with (its discovery document is under it); unset: no OpenID Connect sign-in",
    },
    Variable {
        name: OIDC_CLIENT_ID,
        functions: &["accounts", "account-pages", "sso"],
        default: None,
        required: false,
        meaning: "Client id registered at the OpenID provider, whose redirect URI is <VIGIL_PUBLIC_URL>/v1/auth/oidc/callback; needed with VIGIL_OIDC_ISSUER",
    },
    Variable {
        name: OIDC_CLIENT_SECRET,
        functions: &["sso"],
        default: None,
        required: false,
        meaning: "Client secret at the OpenID provider (never logged); unset: a public client, protected by PKCE alone",
    },
    Variable {
        name: OIDC_NAME,
        functions: &["accounts", "account-pages", "sso"],
        default: Some("Single sign-on"),
        required: false,
        meaning: "The name on the sign-in button",
    },
    Variable {
        name: OIDC_SCOPES,
        functions: &["sso"],
        default: None,
        required: false,
        meaning: "Scopes asked for besides openid, email and profile (e.g. `groups`), separated by commas or spaces",
    },
    Variable {
        name: NETWORK_POLICY,
        functions: STORE_USERS,
        default: Some("public-only"),
        required: false,
        meaning: "SSRF policy: `public-only` refuses private, loopback, link-local (instance metadata), CGNAT targets; `allow-private` allows them",
    },
    Variable {
        name: BODY_CAP_BYTES,
        functions: STORE_USERS,
        default: Some("262144"),
        required: false,
        meaning: "Most response body bytes a check reads (bounds a prober's memory: checks of a batch run at once)",
    },
    Variable {
        name: PINGS_KEPT_PER_TASK,
        functions: STORE_USERS,
        default: Some("100"),
        required: false,
        meaning: "How many of its newest pings each heartbeat task keeps (pruned every tenth ping); runs are kept whole",
    },
    Variable {
        name: RETENTION_DAYS,
        functions: STORE_USERS,
        default: Some("90"),
        required: false,
        meaning: "Days of raw check history (DynamoDB TTL); hourly rollups are kept four times longer",
    },
    Variable {
        name: SCHEDULE_HORIZON_SECONDS,
        functions: &["scheduler"],
        default: Some("900"),
        required: false,
        meaning: "How far ahead a claimed monitor's checks are enqueued (at most 900 s: SQS delays end there)",
    },
    Variable {
        name: SCHEDULE_LEAD_SECONDS,
        functions: &["scheduler"],
        default: Some("120"),
        required: false,
        meaning: "A monitor is claimed once it is due within this (61 s to the horizon); one claim write per monitor per horizon minus lead",
    },
    Variable {
        name: JOB_SIZE,
        functions: &["scheduler"],
        default: Some("50"),
        required: false,
        meaning: "Most checks in one probe-job message",
    },
    Variable {
        name: CLAIM_BATCH,
        functions: &["scheduler"],
        default: Some("500"),
        required: false,
        meaning: "Checks claimed per due-index read",
    },
    Variable {
        name: MAX_CHECKS_PER_RUN,
        functions: &["scheduler"],
        default: Some("50000"),
        required: false,
        meaning: "Most checks one run dispatches; the rest stays due for the next run",
    },
    Variable {
        name: LOG,
        functions: ALL,
        default: Some("info"),
        required: false,
        meaning: "Log filter (tracing env-filter syntax), JSON lines",
    },
    Variable {
        name: ENDPOINT_URL,
        functions: ALL,
        default: None,
        required: false,
        meaning: "Endpoint of an AWS emulator (moto, LocalStack) for every service; S3 then uses path-style addressing",
    },
    Variable { name: REGION, functions: ALL, default: None, required: true, meaning: "AWS region (Lambda sets it)" },
];

/// A configuration that cannot be used: every problem, on one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError(pub Vec<String>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}", self.0.join("; "))
    }
}

/// Reads variables, collecting every problem instead of stopping at the first.
struct Reader<F> {
    get: F,
    problems: Vec<String>,
}

impl<F: Fn(&str) -> Option<String>> Reader<F> {
    fn value(&self, name: &str) -> Option<String> {
        (self.get)(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    fn required(&mut self, name: &str) -> String {
        self.value(name).unwrap_or_else(|| {
            let meaning = VARIABLES.iter().find(|v| v.name == name).map_or("", |v| v.meaning);
            self.problems.push(format!("{name} is not set ({meaning})"));
            String::new()
        })
    }

    fn number(&mut self, name: &str, default: u64, range: std::ops::RangeInclusive<u64>) -> u64 {
        let Some(text) = self.value(name) else { return default };
        match text.parse::<u64>() {
            Ok(value) if range.contains(&value) => value,
            _ => {
                self.problems.push(format!("{name}={text} is not a whole number from {} to {}", range.start(), range.end()));
                default
            }
        }
    }

    fn finish<T>(self, config: T) -> Result<T, ConfigError> {
        if self.problems.is_empty() { Ok(config) } else { Err(ConfigError(self.problems)) }
    }

    /// A configuration that extends the store's: the store's problems first, then these.
    fn finish_with<T>(self, store: Result<StoreConfig, ConfigError>, make: impl FnOnce(StoreConfig) -> T) -> Result<T, ConfigError> {
        match store {
            Ok(store) => self.finish(make(store)),
            Err(ConfigError(mut problems)) => {
                problems.extend(self.problems);
                Err(ConfigError(problems))
            }
        }
    }
}

/// How the AWS SDK is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsSettings {
    /// The region.
    pub region: String,
    /// An emulator's endpoint for every service, if any.
    pub endpoint_url: Option<String>,
}

/// What the functions that run use cases over the stores need (api, prober).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreConfig {
    /// The SDK.
    pub aws: AwsSettings,
    /// DynamoDB table.
    pub table: String,
    /// Raw check history kept.
    pub retention: SignedDuration,
    /// S3 bucket of artefacts.
    pub artefact_bucket: String,
    /// SNS topic of events.
    pub events_topic_arn: String,
    /// EventBridge bus that events also go to.
    pub event_bus: Option<String>,
    /// SSRF policy.
    pub network_policy: NetworkPolicy,
    /// Most body bytes a check reads.
    pub body_cap: usize,
    /// How many of its newest pings each heartbeat task keeps.
    pub pings_kept: PingCap,
    /// SQS queue of deliveries.
    pub notify_queue_url: String,
    /// Where people and scripts reach the API.
    pub public_url: url::Url,
    /// SES sender of email notifications.
    pub email_from: Option<String>,
    /// SHA-256 (hex) of the first admin key (the api function's bootstrap).
    pub admin_key_sha256: Option<String>,
    /// Where agents' WebSocket connections are written to.
    pub agent_endpoint: Option<String>,
}

/// The OpenID provider the api function signs people in with.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcConfig {
    /// Its issuer URL.
    pub issuer: String,
    /// The client id.
    pub client_id: String,
    /// The client secret, if the client is confidential.
    pub client_secret: Option<String>,
    /// The name on the sign-in button.
    pub display_name: String,
    /// Scopes besides openid, email and profile, as written.
    pub extra_scopes: String,
}

impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("display_name", &self.display_name)
            .field("extra_scopes", &self.extra_scopes)
            .finish()
    }
}

/// The api function's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiConfig {
    /// What every store user reads.
    pub store: StoreConfig,
    /// The OpenID provider, if one is configured.
    pub oidc: Option<OidcConfig>,
}

/// The notifier function's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifierConfig {
    /// What every store user reads.
    pub store: StoreConfig,
    /// Where deliveries that failed for good go.
    pub dlq_url: String,
}

/// The scheduler function's configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// The SDK.
    pub aws: AwsSettings,
    /// DynamoDB table.
    pub table: String,
    /// SQS queue of probe jobs.
    pub probe_queue_url: String,
    /// How soon a monitor must be due to be claimed.
    pub lead: SignedDuration,
    /// How far ahead a claimed monitor's slots are taken.
    pub horizon: SignedDuration,
    /// Checks per job.
    pub job_size: usize,
    /// Checks per claim.
    pub claim_batch: usize,
    /// Most checks per run.
    pub max_checks: usize,
}

impl<F: Fn(&str) -> Option<String>> Reader<F> {
    /// A reader of `get` with what every function reads first: the AWS settings and the table.
    fn with_table(get: F) -> (Self, AwsSettings, String) {
        let mut reader = Reader { get, problems: Vec::new() };
        let region = reader.value(REGION).or_else(|| reader.value("AWS_DEFAULT_REGION"));
        if region.is_none() {
            reader.problems.push(format!("{REGION} is not set (the AWS region; Lambda sets it)"));
        }
        let aws = AwsSettings { region: region.unwrap_or_default(), endpoint_url: reader.value(ENDPOINT_URL) };
        let table = reader.required(TABLE);
        (reader, aws, table)
    }
}

impl StoreConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let (mut r, aws, table) = Reader::with_table(get);
        let artefact_bucket = r.required(ARTEFACT_BUCKET);
        let events_topic_arn = r.required(EVENTS_TOPIC_ARN);
        let event_bus = r.value(EVENT_BUS);
        let network_policy = match r.value(NETWORK_POLICY).as_deref() {
            None | Some("public-only") => NetworkPolicy::PublicOnly,
            Some("allow-private") => NetworkPolicy::AllowPrivate,
            Some(other) => {
                r.problems.push(format!("{NETWORK_POLICY}={other} is neither `public-only` nor `allow-private`"));
                NetworkPolicy::PublicOnly
            }
        };
        let body_cap = r.number(BODY_CAP_BYTES, 262_144, 1024..=16 * 1024 * 1024) as usize;
        let pings_kept = r.number(PINGS_KEPT_PER_TASK, u64::from(PingCap::DEFAULT_KEPT), 1..=u64::from(PingCap::MOST_KEPT)) as u32;
        let retention_days = r.number(RETENTION_DAYS, 90, 1..=3650);
        let notify_queue_url = r.required(NOTIFY_QUEUE_URL);
        let public_url = public_url(&mut r);
        let email_from = r.value(EMAIL_FROM);
        let admin_key_sha256 = r.value(ADMIN_KEY_SHA256).map(|v| v.to_ascii_lowercase());
        let agent_endpoint = r.value(AGENT_WS_ENDPOINT);
        if let Some(endpoint) = &agent_endpoint
            && url::Url::parse(endpoint).map_or(true, |u| !matches!(u.scheme(), "https" | "http"))
        {
            r.problems.push(format!("{AGENT_WS_ENDPOINT}={endpoint} is not an https URL"));
        }
        if let Some(hash) = &admin_key_sha256
            && (hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            r.problems.push(format!("{ADMIN_KEY_SHA256} is not 64 hex digits (the SHA-256 of the key)"));
        }
        let config = StoreConfig {
            aws,
            table,
            retention: SignedDuration::from_hours(24 * retention_days as i64),
            artefact_bucket,
            events_topic_arn,
            event_bus,
            network_policy,
            body_cap,
            pings_kept: PingCap::new(pings_kept).unwrap_or_default(),
            notify_queue_url,
            public_url,
            email_from,
            admin_key_sha256,
            agent_endpoint,
        };
        r.finish(config)
    }
}

fn public_url<F: Fn(&str) -> Option<String>>(r: &mut Reader<F>) -> url::Url {
    let fallback = url::Url::parse("https://invalid.example/").expect("a valid URL");
    let Some(text) = r.value(PUBLIC_URL) else {
        r.required(PUBLIC_URL);
        return fallback;
    };
    match url::Url::parse(&text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            // Links are joined onto it, which drops a last path segment without a slash.
            if url.path().ends_with('/') { url } else { url::Url::parse(&format!("{text}/")).unwrap_or(url) }
        }
        _ => {
            r.problems.push(format!("{PUBLIC_URL}={text} is not an http(s) URL"));
            fallback
        }
    }
}

impl NotifierConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables.
    pub fn from_vars(get: impl Fn(&str) -> Option<String> + Clone) -> Result<Self, ConfigError> {
        let store = StoreConfig::from_vars(get.clone());
        let mut r = Reader { get, problems: Vec::new() };
        let dlq_url = r.required(NOTIFY_DLQ_URL);
        r.finish_with(store, |store| NotifierConfig { store, dlq_url })
    }
}

impl ApiConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables.
    pub fn from_vars(get: impl Fn(&str) -> Option<String> + Clone) -> Result<Self, ConfigError> {
        let store = StoreConfig::from_vars(get.clone());
        let mut r = Reader { get, problems: Vec::new() };
        let oidc = match (r.value(OIDC_ISSUER), r.value(OIDC_CLIENT_ID)) {
            (Some(issuer), Some(client_id)) => {
                if !matches!(url::Url::parse(&issuer), Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host()) {
                    r.problems.push(format!("{OIDC_ISSUER}={issuer} is not an http(s) URL"));
                }
                Some(OidcConfig {
                    issuer,
                    client_id,
                    client_secret: r.value(OIDC_CLIENT_SECRET),
                    display_name: r.value(OIDC_NAME).unwrap_or_else(|| "Single sign-on".into()),
                    extra_scopes: r.value(OIDC_SCOPES).unwrap_or_default(),
                })
            }
            (None, None) => None,
            (Some(_), None) => {
                r.problems.push(format!("{OIDC_ISSUER} is set but {OIDC_CLIENT_ID} is not (OpenID Connect sign-in needs both)"));
                None
            }
            (None, Some(_)) => {
                r.problems.push(format!("{OIDC_CLIENT_ID} is set but {OIDC_ISSUER} is not (OpenID Connect sign-in needs both)"));
                None
            }
        };
        r.finish_with(store, |store| ApiConfig { store, oidc })
    }
}

impl SchedulerConfig {
    /// From the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// From any source of variables.
    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let (mut r, aws, table) = Reader::with_table(get);
        let probe_queue_url = r.required(PROBE_QUEUE_URL);
        // The lead is more than a minute, so that consecutive runs (one a minute) overlap and no
        // slot falls between them; the horizon is at most the longest SQS delay.
        let horizon = r.number(SCHEDULE_HORIZON_SECONDS, 900, 61..=u64::from(MAX_JOB_DELAY_SECONDS));
        let lead = r.number(SCHEDULE_LEAD_SECONDS, 120, 61..=u64::from(MAX_JOB_DELAY_SECONDS));
        if lead > horizon {
            r.problems.push(format!("{SCHEDULE_LEAD_SECONDS}={lead} is longer than {SCHEDULE_HORIZON_SECONDS}={horizon}"));
        }
        let job_size = r.number(JOB_SIZE, 50, 1..=1000) as usize;
        let claim_batch = r.number(CLAIM_BATCH, 500, 1..=10_000) as usize;
        let max_checks = r.number(MAX_CHECKS_PER_RUN, 50_000, 1..=10_000_000) as usize;
        let config = SchedulerConfig {
            aws,
            table,
            probe_queue_url,
            lead: SignedDuration::from_secs(lead as i64),
            horizon: SignedDuration::from_secs(horizon as i64),
            job_size,
            claim_batch,
            max_checks,
        };
        r.finish(config)
    }
}

/// The log filter.
pub fn log_filter() -> String {
    std::env::var(LOG).ok().filter(|v| !v.trim().is_empty()).unwrap_or_else(|| "info".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Clone {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn a_complete_store_configuration_with_defaults() {
        let config = StoreConfig::from_vars(vars(&[
            (REGION, "eu-west-1"),
            (TABLE, "vigil"),
            (ARTEFACT_BUCKET, "artefacts"),
            (EVENTS_TOPIC_ARN, "arn:aws:sns:eu-west-1:123456789012:events"),
            (NOTIFY_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/notifications"),
            (PUBLIC_URL, "https://vigil.example.com/prod"),
        ]))
        .unwrap();
        assert_eq!(config.public_url.as_str(), "https://vigil.example.com/prod/", "links are joined under the path");
        assert_eq!(config.pings_kept.kept(), 100, "Healthchecks' ping log size");
        assert_eq!((config.email_from, config.admin_key_sha256), (None, None));
        assert_eq!(config.network_policy, NetworkPolicy::PublicOnly, "checks from AWS never reach private addresses unless asked");
        assert_eq!(config.body_cap, 262_144);
        assert_eq!(config.retention, SignedDuration::from_hours(24 * 90));
        assert_eq!(config.event_bus, None);
        assert_eq!(config.aws.endpoint_url, None);
    }

    #[test]
    fn every_problem_is_named_on_one_line() {
        let error = StoreConfig::from_vars(vars(&[(TABLE, "vigil"), (NETWORK_POLICY, "anything"), (BODY_CAP_BYTES, "lots")])).unwrap_err();
        let line = error.to_string();
        assert!(!line.contains('\n'), "{line}");
        for needle in [
            "AWS_REGION is not set",
            "VIGIL_ARTEFACT_BUCKET is not set",
            "VIGIL_EVENTS_TOPIC_ARN is not set",
            "VIGIL_NETWORK_POLICY=anything",
            "VIGIL_BODY_CAP_BYTES=lots",
            "VIGIL_NOTIFY_QUEUE_URL is not set",
            "VIGIL_PUBLIC_URL is not set",
        ] {
            assert!(line.contains(needle), "`{needle}` missing from: {line}");
        }
        let error = SchedulerConfig::from_vars(vars(&[
            (REGION, "eu-west-1"),
            (TABLE, "t"),
            (PROBE_QUEUE_URL, "q"),
            (SCHEDULE_HORIZON_SECONDS, "1200"),
        ]))
        .unwrap_err();
        assert_eq!(error.to_string(), "configuration error: VIGIL_SCHEDULE_HORIZON_SECONDS=1200 is not a whole number from 61 to 900");
    }

    #[test]
    fn the_api_reads_its_openid_provider() {
        let base = [
            (REGION, "eu-west-1"),
            (TABLE, "vigil"),
            (ARTEFACT_BUCKET, "artefacts"),
            (EVENTS_TOPIC_ARN, "arn:aws:sns:eu-west-1:123456789012:events"),
            (NOTIFY_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/notifications"),
            (PUBLIC_URL, "https://vigil.example.com"),
        ];
        assert_eq!(ApiConfig::from_vars(vars(&base)).unwrap().oidc, None, "no provider unless configured");
        let with = |extra: &[(&'static str, &'static str)]| {
            let mut pairs = base.to_vec();
            pairs.extend_from_slice(extra);
            ApiConfig::from_vars(vars(&pairs))
        };
        let config = with(&[
            (OIDC_ISSUER, "https://id.example.com/realms/ops"),
            (OIDC_CLIENT_ID, "vigil"),
            (OIDC_CLIENT_SECRET, "s3cret-value"),
            (OIDC_SCOPES, "groups"),
        ])
        .unwrap();
        let oidc = config.oidc.expect("a provider");
        assert_eq!((oidc.issuer.as_str(), oidc.client_id.as_str()), ("https://id.example.com/realms/ops", "vigil"));
        assert_eq!((oidc.display_name.as_str(), oidc.extra_scopes.as_str()), ("Single sign-on", "groups"));
        assert_eq!(oidc.client_secret.as_deref(), Some("s3cret-value"));
        assert!(!format!("{oidc:?}").contains("s3cret-value"), "the secret never prints");
        let half = with(&[(OIDC_ISSUER, "id.example.com")]).unwrap_err().to_string();
        assert!(half.contains("VIGIL_OIDC_ISSUER is set but VIGIL_OIDC_CLIENT_ID is not"), "{half}");
        let bad = with(&[(OIDC_ISSUER, "id.example.com"), (OIDC_CLIENT_ID, "vigil")]).unwrap_err().to_string();
        assert!(bad.contains("VIGIL_OIDC_ISSUER=id.example.com is not an http(s) URL"), "{bad}");
    }

    #[test]
    fn scheduler_defaults() {
        let config = SchedulerConfig::from_vars(vars(&[(REGION, "eu-west-1"), (TABLE, "t"), (PROBE_QUEUE_URL, "q")])).unwrap();
        assert_eq!(config.horizon, SignedDuration::from_secs(900));
        assert_eq!(config.lead, SignedDuration::from_secs(120));
        let error = SchedulerConfig::from_vars(vars(&[
            (REGION, "r"),
            (TABLE, "t"),
            (PROBE_QUEUE_URL, "q"),
            (SCHEDULE_HORIZON_SECONDS, "300"),
            (SCHEDULE_LEAD_SECONDS, "400"),
        ]))
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "configuration error: VIGIL_SCHEDULE_LEAD_SECONDS=400 is longer than VIGIL_SCHEDULE_HORIZON_SECONDS=300"
        );
        assert_eq!((config.job_size, config.claim_batch, config.max_checks), (50, 500, 50_000));
    }
}

#[cfg(test)]
mod manifest {
    use super::{ALL, VARIABLES};
    use serde_json::Value;

    /// functions/manifest.json names, for each function, exactly the variables this module says
    /// it reads, required and optional alike.
    #[test]
    fn the_manifest_lists_what_each_function_reads() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../functions/manifest.json");
        let manifest: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("functions/manifest.json")).expect("JSON");
        let functions = manifest["functions"].as_array().expect("functions");
        let mut names: Vec<&str> = functions.iter().map(|f| f["name"].as_str().expect("name")).collect();
        names.sort_unstable();
        let mut known = ALL.to_vec();
        known.sort_unstable();
        assert_eq!(names, known, "the manifest's functions are the ones this module configures");
        for function in functions {
            let name = function["name"].as_str().expect("name");
            let listed = |kind: &str| -> Vec<String> {
                let mut names: Vec<String> =
                    function["env"][kind].as_array().expect(kind).iter().map(|v| v.as_str().unwrap().to_owned()).collect();
                names.sort();
                names
            };
            let expected = |required: bool| -> Vec<String> {
                let mut names: Vec<String> =
                    VARIABLES.iter().filter(|v| v.functions.contains(&name) && v.required == required).map(|v| v.name.to_owned()).collect();
                names.sort();
                names
            };
            assert_eq!(listed("required"), expected(true), "required variables of {name}");
            assert_eq!(listed("optional"), expected(false), "optional variables of {name}");
        }
        let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/aws.md")).expect("docs/aws.md");
        for variable in VARIABLES {
            assert!(docs.contains(&format!("| `{}` |", variable.name)), "docs/aws.md does not document {}", variable.name);
        }
    }
}
