//! The network guard, one table run against every caller that sends a request for a tenant:
//! the check engine, and each HTTP channel kind through both notifiers (self-hosted and AWS),
//! rendered as the test message of `POST /v1/channels/{id}/test` is. Then the same promise on a
//! real `vigil serve --network-policy public-only`.
//!
//! In the table, 127.0.0.1 stands for the public internet (the vetter allows it and applies
//! the public-only policy to every other address); 127.0.0.2 and ::1 are the internal services
//! a tenant must not reach. Each listener counts the TCP connections it accepts, so "blocked"
//! means "never connected to", not merely "reported as failed".

use reqwest::Method;
use serde_json::json;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use url::Url;
use vigil_domain::notify::{AttemptResult, ChannelConfig, ChannelDraft, Notification, OutboundMessage, RenderContext, render};
use vigil_domain::ports::{Notifier, Prober};
use vigil_domain::probe::{AddressClass, NetworkPolicy, ProbeReport, ProbeRequest, TransportFailure};
use vigil_probe::{HttpProber, NetworkGuard, ProberConfig, StaticResolver};
use vigil_tests::app::TestApp;

/// A listener answering every request with `answer`, counting accepted connections.
struct Listener {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Listener {
    async fn start(ip: IpAddr, answer: String) -> Self {
        let socket = TcpListener::bind(SocketAddr::new(ip, 0)).await.expect("bind a test listener");
        let port = socket.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let counter = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = socket.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    // One read holds the head (and the small bodies these tests send).
                    let _ = stream.read(&mut buf).await;
                    let _ = stream.write_all(answer.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Listener { port, connections }
    }

    async fn ok(ip: IpAddr) -> Self {
        Self::start(ip, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok".into()).await
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// What a row expects of every caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Reaches the public listener.
    Reached,
    /// Refused by the guard before any connection.
    Blocked,
    /// Answered by a redirect to an internal address: checks are blocked at the next hop,
    /// deliveries do not follow redirects at all.
    RedirectedInside,
}

/// What a caller reported.
#[derive(Debug)]
enum Outcome {
    Reached,
    Blocked(String),
    Rejected(String),
}

fn outcome_of_check(report: ProbeReport) -> Outcome {
    match report {
        ProbeReport::Responded { .. } => Outcome::Reached,
        ProbeReport::Unreachable { failure: TransportFailure::Blocked, message, .. } => Outcome::Blocked(message),
        other => Outcome::Rejected(format!("{other:?}")),
    }
}

fn outcome_of_delivery(result: AttemptResult) -> Outcome {
    match result {
        AttemptResult::Accepted { .. } => Outcome::Reached,
        AttemptResult::Rejected { error, retryable: false, .. } if error.contains("refusing to connect") => Outcome::Blocked(error),
        AttemptResult::Rejected { error, .. } => Outcome::Rejected(error),
    }
}

fn channel(kind: &str, url: &str) -> ChannelConfig {
    let draft: ChannelDraft = serde_json::from_value(match kind {
        "pagerduty" => json!({"name": kind, "type": kind, "routing_key": "R0123456789abcdef0123456789abcdef"}),
        _ => json!({"name": kind, "type": kind, "url": url}),
    })
    .unwrap();
    draft.validate([7; 32]).expect("a valid channel").1
}

/// The test message for a channel of `kind` aimed at `url` (PagerDuty's endpoint is the
/// deployment's, so the row's URL stands in for it).
fn test_message(kind: &str, url: &str) -> OutboundMessage {
    let now = jiff::Timestamp::now();
    let base = Url::parse("https://vigil.example/").unwrap();
    let context = RenderContext { pagerduty_events_url: Url::parse(url).unwrap() };
    render(&channel(kind, url), &Notification::test(kind, now, &base), "test-1", now, &context)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_outbound_caller_is_behind_the_guard() {
    let public_ip: IpAddr = Ipv4Addr::LOCALHOST.into();
    let inside_ip: IpAddr = "127.0.0.2".parse().unwrap();
    let inside_v6: IpAddr = "::1".parse().unwrap();
    let public = Listener::ok(public_ip).await;
    let inside = Listener::ok(inside_ip).await;
    let inside6 = Listener::ok(inside_v6).await;
    let redirector = Listener::start(
        public_ip,
        format!("HTTP/1.1 302 Found\r\nlocation: http://127.0.0.2:{}/\r\ncontent-length: 0\r\nconnection: close\r\n\r\n", inside.port),
    )
    .await;

    let resolver = StaticResolver::new()
        .with("public.test", [public_ip])
        .with("internal.test", [inside_ip])
        .with("v6.internal.test", [inside_v6])
        .with("mapped.internal.test", ["::ffff:127.0.0.2".parse().unwrap()]);
    let vetter = move |policy: NetworkPolicy, ip: IpAddr| if ip == public_ip { Ok(()) } else { policy.vet(ip) };
    let guard = NetworkGuard::new(Arc::new(resolver), Arc::new(vetter));

    let (p, i, v6, r) = (public.port, inside.port, inside6.port, redirector.port);
    let rows: Vec<(String, Expect)> = vec![
        // Controls: the table would pass vacuously if nothing could get through.
        (format!("http://public.test:{p}/hook"), Expect::Reached),
        (format!("http://127.0.0.1:{p}/hook"), Expect::Reached),
        // Literal addresses, in every spelling the URL parser accepts.
        (format!("http://127.0.0.2:{i}/hook"), Expect::Blocked),
        (format!("http://2130706434:{i}/hook"), Expect::Blocked),
        (format!("http://0x7f.0.0.2:{i}/hook"), Expect::Blocked),
        (format!("http://[::1]:{v6}/hook"), Expect::Blocked),
        (format!("http://[::ffff:127.0.0.2]:{i}/hook"), Expect::Blocked),
        // 0.0.0.0 dials this machine on Linux: the public listener would answer.
        (format!("http://0.0.0.0:{p}/hook"), Expect::Blocked),
        ("http://169.254.169.254/latest/meta-data/".to_owned(), Expect::Blocked),
        ("http://[fd00::1]/hook".to_owned(), Expect::Blocked),
        ("http://10.0.0.1/hook".to_owned(), Expect::Blocked),
        // Names that resolve inside.
        (format!("http://internal.test:{i}/hook"), Expect::Blocked),
        (format!("http://v6.internal.test:{v6}/hook"), Expect::Blocked),
        (format!("http://mapped.internal.test:{i}/hook"), Expect::Blocked),
        // A public receiver that redirects inside.
        (format!("http://public.test:{r}/hook"), Expect::RedirectedInside),
    ];

    let prober = HttpProber::with_guard(ProberConfig::default(), guard.clone()).unwrap();
    let local = vigil_local::LocalNotifier::new(None, guard.clone(), NetworkPolicy::PublicOnly).unwrap();
    let aws_clients = vigil_tests::emulator::clients("http://127.0.0.1:9", Default::default()).await;
    let aws = vigil_aws::AwsNotifier::new(&aws_clients, None, guard.clone(), NetworkPolicy::PublicOnly).unwrap();
    let notifiers: [(&str, &dyn Notifier); 2] = [("self-hosted", &local), ("aws", &aws)];
    let kinds = ["webhook", "slack", "discord", "teams", "pagerduty"];

    let mut cases = 0;
    for (url, expect) in &rows {
        let mut outcomes: Vec<(String, Outcome)> = Vec::new();
        let request = ProbeRequest::get(Url::parse(url).unwrap(), NetworkPolicy::PublicOnly);
        outcomes.push(("check".into(), outcome_of_check(prober.probe(&request).await)));
        for (runtime, notifier) in notifiers {
            for kind in kinds {
                let (result, _) = notifier.send(&test_message(kind, url), Duration::from_secs(5)).await;
                outcomes.push((format!("{kind} via the {runtime} notifier"), outcome_of_delivery(result)));
            }
        }
        for (caller, outcome) in outcomes {
            cases += 1;
            let check = caller == "check";
            match (expect, &outcome) {
                (Expect::Reached, Outcome::Reached) => {}
                (Expect::Blocked, Outcome::Blocked(message)) => {
                    assert!(message.contains("refusing to connect to"), "{caller} {url}: {message}");
                }
                (Expect::RedirectedInside, Outcome::Blocked(message)) if check => {
                    assert!(message.contains("127.0.0.2"), "{caller} {url}: {message}");
                }
                (Expect::RedirectedInside, Outcome::Rejected(message)) if !check => {
                    assert!(message.contains("do not follow redirects"), "{caller} {url}: {message}");
                }
                _ => panic!("{caller} on {url}: expected {expect:?}, got {outcome:?}"),
            }
        }
    }
    assert_eq!(cases, rows.len() * (1 + 2 * kinds.len()));
    assert_eq!(inside.connections(), 0, "nothing ever connected to the internal IPv4 service");
    assert_eq!(inside6.connections(), 0, "nothing ever connected to the internal IPv6 service");
    let per_reached_row = 1 + 2 * kinds.len();
    assert_eq!(public.connections(), 2 * per_reached_row, "each control row reached the public listener once per caller");
    assert_eq!(AddressClass::of(inside_ip), AddressClass::Loopback);
}

/// A name other than `localhost` that the hosts file sends to a loopback address (Debian
/// maps the machine's own name there), which save-time vetting cannot know about.
fn loopback_name_from_hosts_file() -> Option<String> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut fields = line.split('#').next()?.split_whitespace();
        let ip: IpAddr = fields.next()?.parse().ok()?;
        if !ip.is_loopback() {
            return None;
        }
        fields.find(|name| !name.contains("localhost")).map(str::to_owned)
    })
}

/// The report that opened this: on `vigil serve --network-policy public-only`, a webhook whose
/// host name resolves to loopback was accepted and its test message delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_only_serve_refuses_test_messages_to_names_that_resolve_inside() {
    let Some(name) = loopback_name_from_hosts_file() else {
        eprintln!(
            "SKIPPED public_only_serve_refuses_test_messages_to_names_that_resolve_inside: /etc/hosts names no loopback host besides localhost"
        );
        return;
    };
    let inside = Listener::ok(Ipv4Addr::LOCALHOST.into()).await;
    let app = TestApp::spawn_with(NetworkPolicy::PublicOnly).await;
    for kind in ["webhook", "slack", "discord", "teams"] {
        let url = format!("http://{name}:{}/hook", inside.port);
        let created = app.call(Method::POST, "/v1/channels", Some(json!({"name": kind, "type": kind, "url": url}))).await;
        assert_eq!(created.status, 201, "a name is vetted when used, since what it resolves to can change: {}", created.json);
        let id = created.json["id"].as_str().unwrap().to_owned();
        let test = app.call(Method::POST, &format!("/v1/channels/{id}/test"), None).await;
        assert_eq!(test.json["delivered"], false, "{kind}: {}", test.json);
        let error = test.json["error"].as_str().unwrap_or_default();
        assert!(error.contains(&format!("loopback address (resolved from {name})")), "{kind}: {error}");
        assert!(error.contains("only delivers to public addresses"), "{kind}: {error}");
    }
    assert_eq!(inside.connections(), 0, "the loopback service was never contacted");
}
