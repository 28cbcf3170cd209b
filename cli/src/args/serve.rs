//! `vigil serve`, `vigil backup` and `vigil restore`.

use crate::serve::{DeliveryConfig, ServeConfig};
use anyhow::Context;
use clap::{Args, ValueEnum};
use jiff::SignedDuration;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use url::Url;
use vigil_app::HeartbeatSettings;
use vigil_domain::heartbeat::PingCap;
use vigil_domain::notify::RetryPolicy;
use vigil_domain::probe::{NetworkPolicy, ProbeRequest};
use vigil_local::{SmtpConfig, SmtpSecurity};
use vigil_oidc::OidcSettings;

/// Which addresses checks may reach.
#[derive(Clone, Copy, ValueEnum)]
pub enum Policy {
    /// Any address, private networks included (watch your LAN).
    AllowPrivate,
    /// Public addresses only (for shared, multi-tenant deployments).
    PublicOnly,
}

/// How open dashboard pages hear of changes.
#[derive(Clone, Copy, ValueEnum)]
pub enum Live {
    /// Server-Sent Events from `/live`, as changes happen.
    Stream,
    /// Each page fetches itself every few seconds (behind a proxy that buffers or cuts streams).
    Poll,
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, ValueEnum)]
pub enum Security {
    /// STARTTLS (usually port 587).
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: a relay on the same host only.
    None,
}

/// The flags of `vigil serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Log format.
    #[arg(long, env = "VIGIL_LOG_FORMAT", value_enum, default_value_t = super::LogFormat::Json)]
    pub log_format: super::LogFormat,
    /// Address to listen on.
    #[arg(long, env = "VIGIL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory for the database and artefacts.
    #[arg(long, env = "VIGIL_DATA_DIR", default_value = "vigil-data")]
    pub data_dir: PathBuf,
    /// Admin API key to create on first start (at least 24 characters); a random key is
    /// generated and printed once otherwise.
    #[arg(long, env = "VIGIL_ADMIN_KEY", hide_env_values = true)]
    pub admin_key: Option<String>,
    /// Which addresses checks may reach.
    #[arg(long, env = "VIGIL_NETWORK_POLICY", value_enum, default_value_t = Policy::AllowPrivate)]
    pub network_policy: Policy,
    /// The most response body bytes a check reads.
    #[arg(long, env = "VIGIL_BODY_CAP_BYTES", default_value_t = ProbeRequest::DEFAULT_BODY_CAP)]
    pub body_cap_bytes: usize,
    /// The most checks running at once.
    #[arg(long, env = "VIGIL_MAX_IN_FLIGHT", default_value_t = 1000)]
    pub max_in_flight: usize,
    /// Days of check history to keep.
    #[arg(long, env = "VIGIL_RETENTION_DAYS", default_value_t = 90)]
    pub retention_days: u16,
    /// PEM file of extra trusted root certificates, for checks of services behind a private CA.
    #[arg(long, env = "VIGIL_EXTRA_CA_FILE")]
    pub extra_ca_file: Option<PathBuf>,
    /// The address people and scripts reach Vigil at, for the links in notifications and the
    /// ping URLs shown for tasks (default http://<listen address>).
    #[arg(long, env = "VIGIL_PUBLIC_URL")]
    pub public_url: Option<Url>,
    /// Attempts per notification before it goes to the failed-deliveries list.
    #[arg(long, env = "VIGIL_NOTIFY_MAX_ATTEMPTS", default_value_t = 8)]
    pub notify_max_attempts: u32,
    /// Wait after the first failed attempt, doubled after each further one (up to 5 min).
    #[arg(long, env = "VIGIL_NOTIFY_RETRY_MS", default_value_t = 5000)]
    pub notify_retry_ms: u64,
    /// How long one delivery attempt may take.
    #[arg(long, env = "VIGIL_NOTIFY_TIMEOUT_MS", default_value_t = 10_000)]
    pub notify_timeout_ms: u64,
    /// PagerDuty Events API v2 endpoint.
    #[arg(long, env = "VIGIL_PAGERDUTY_EVENTS_URL", default_value = "https://events.pagerduty.com/v2/enqueue")]
    pub pagerduty_events_url: Url,
    /// The most bytes of a heartbeat ping's body kept; the rest is dropped with a note.
    #[arg(long, env = "VIGIL_PING_BODY_CAP_BYTES", default_value_t = HeartbeatSettings::DEFAULT_BODY_CAP)]
    pub ping_body_cap_bytes: usize,
    /// How many of its newest pings each heartbeat task keeps (older ones are deleted in steps
    /// of a tenth); runs are kept whole.
    #[arg(long, env = "VIGIL_PINGS_KEPT_PER_TASK", default_value_t = PingCap::DEFAULT_KEPT, value_parser = clap::value_parser!(u32).range(1..=i64::from(PingCap::MOST_KEPT)))]
    pub pings_kept_per_task: u32,
    /// Milliseconds over which new monitors' first checks are spread (by their ids), so that a
    /// bulk import does not come due at once; 0 checks each new monitor at once.
    #[arg(long, env = "VIGIL_FIRST_CHECK_WITHIN_MS", default_value_t = 10_000)]
    pub first_check_within_ms: u64,
    /// Milliseconds between two reads of the heartbeat due-index.
    #[arg(long, env = "VIGIL_SWEEP_INTERVAL_MS", default_value_t = 1000)]
    pub sweep_interval_ms: u64,
    /// A monitoring file to apply at start and whenever it changes (its resources are pruned
    /// when it drops them); on an invalid file the last good state stays.
    #[arg(long, env = "VIGIL_CONFIG_FILE", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How open dashboard pages hear of changes: `stream` (Server-Sent Events) or `poll` (each
    /// page fetches itself every few seconds), for a reverse proxy or load balancer that buffers
    /// or cuts long-lived responses.
    #[arg(long, env = "VIGIL_LIVE_UPDATES", value_enum, default_value_t = Live::Stream)]
    pub live_updates: Live,
    /// SMTP relay for email channels.
    #[arg(long, env = "VIGIL_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port.
    #[arg(long, env = "VIGIL_SMTP_PORT", default_value_t = 587)]
    pub smtp_port: u16,
    /// SMTP connection security.
    #[arg(long, env = "VIGIL_SMTP_SECURITY", value_enum, default_value_t = Security::Starttls)]
    pub smtp_security: Security,
    /// SMTP login.
    #[arg(long, env = "VIGIL_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password.
    #[arg(long, env = "VIGIL_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// The From address of notification email.
    #[arg(long, env = "VIGIL_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Set up this owner at first start (with the password in VIGIL_OWNER_PASSWORD), instead of
    /// through `POST /v1/setup` or the setup page.
    #[arg(long, env = "VIGIL_OWNER_EMAIL")]
    pub owner_email: Option<String>,
    /// Issuer URL of an OpenID provider people may sign in with (a Keycloak realm,
    /// https://accounts.google.com…); its client secret is read from VIGIL_OIDC_CLIENT_SECRET.
    #[arg(long, env = "VIGIL_OIDC_ISSUER")]
    pub oidc_issuer: Option<String>,
    /// The client id registered at the OpenID provider.
    #[arg(long, env = "VIGIL_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// The name on the sign-in button.
    #[arg(long, env = "VIGIL_OIDC_NAME", default_value = "Single sign-on")]
    pub oidc_name: String,
    /// Scopes to ask for besides openid, email and profile (e.g. `groups`), separated by commas
    /// or spaces.
    #[arg(long, env = "VIGIL_OIDC_SCOPES", default_value = "")]
    pub oidc_scopes: String,
}

impl ServeArgs {
    /// The configuration of `vigil serve` these flags describe.
    pub fn into_config(self) -> anyhow::Result<ServeConfig> {
        let smtp = match (self.smtp_host, self.smtp_from) {
            (Some(host), Some(from)) => Some(SmtpConfig {
                host,
                port: self.smtp_port,
                security: match self.smtp_security {
                    Security::Starttls => SmtpSecurity::StartTls,
                    Security::Tls => SmtpSecurity::Tls,
                    Security::None => SmtpSecurity::None,
                },
                username: self.smtp_username,
                password: self.smtp_password,
                from,
            }),
            (None, None) => None,
            _ => anyhow::bail!("email needs both --smtp-host and --smtp-from"),
        };
        Ok(ServeConfig {
            listen: self.listen,
            data_dir: self.data_dir,
            admin_key: self.admin_key,
            network_policy: match self.network_policy {
                Policy::AllowPrivate => NetworkPolicy::AllowPrivate,
                Policy::PublicOnly => NetworkPolicy::PublicOnly,
            },
            body_cap: self.body_cap_bytes,
            max_in_flight: self.max_in_flight,
            retention: SignedDuration::from_hours(24 * i64::from(self.retention_days.max(1))),
            extra_ca_file: self.extra_ca_file,
            public_url: self.public_url,
            ping_body_cap: self.ping_body_cap_bytes,
            pings_kept: PingCap::new(self.pings_kept_per_task).unwrap_or_default(),
            sweep_interval: Duration::from_millis(self.sweep_interval_ms.max(10)),
            first_check_within: Duration::from_millis(self.first_check_within_ms),
            delivery: DeliveryConfig {
                retry: RetryPolicy {
                    max_attempts: self.notify_max_attempts.max(1),
                    first_delay: Duration::from_millis(self.notify_retry_ms),
                    max_delay: Duration::from_secs(300).max(Duration::from_millis(self.notify_retry_ms)),
                },
                send_timeout: Duration::from_millis(self.notify_timeout_ms.max(100)),
                pagerduty_events_url: self.pagerduty_events_url,
                ..DeliveryConfig::default()
            },
            smtp,
            config_file: self.config,
            live_updates: match self.live_updates {
                Live::Stream => crate::serve::LiveUpdates::Stream,
                Live::Poll => crate::serve::LiveUpdates::Poll,
            },
            accounts: vigil_app::AccountSettings::default(),
            owner: match self.owner_email {
                Some(email) => Some(crate::serve::OwnerSetup {
                    email,
                    password: std::env::var("VIGIL_OWNER_PASSWORD")
                        .context("--owner-email needs the owner's password in VIGIL_OWNER_PASSWORD")?,
                }),
                None => None,
            },
            oidc: match (self.oidc_issuer, self.oidc_client_id) {
                (Some(issuer), Some(client_id)) => Some(OidcSettings {
                    issuer,
                    client_id,
                    // A secret never goes on a command line, where `ps` shows it.
                    client_secret: std::env::var("VIGIL_OIDC_CLIENT_SECRET").ok().filter(|s| !s.is_empty()),
                    display_name: self.oidc_name,
                    extra_scopes: OidcSettings::scope_list(&self.oidc_scopes),
                    extra_root_certificates_pem: None,
                }),
                (None, None) => None,
                _ => anyhow::bail!("OpenID Connect sign-in needs both --oidc-issuer and --oidc-client-id"),
            },
        })
    }
}

/// `vigil backup` and `vigil restore`.
#[derive(Args)]
pub struct BackupArgs {
    /// The data directory of `vigil serve`.
    #[arg(long, env = "VIGIL_DATA_DIR", default_value = "vigil-data")]
    pub data_dir: PathBuf,
    /// The backup file.
    pub file: PathBuf,
}
