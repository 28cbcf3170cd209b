//! The host pages over the in-memory store: enrolling a host (its token shown once with the
//! agent's configuration), an agent connecting and sending samples, the list and the host's
//! page with its figures, charts and containers, a remote action asked of a host whose agent
//! is not connected, and who may do what.

use crate::installation::{Installation, assert_safe, element, now};
use axum::http::StatusCode;
use jiff::SignedDuration;
use vigil_app::hosts::{AgentSession, on_agent_message};
use vigil_domain::access::Origin;
use vigil_domain::agent::EnrolmentToken;
use vigil_domain::agent::protocol::{AgentMessage, Enrol, HostInfo, SampleBatch, ServerMessage};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::ids::AgentId;

fn sample(seconds_ago: i64, cpu: f64) -> HostSample {
    serde_json::from_value(serde_json::json!({
        "at": now() - SignedDuration::from_secs(seconds_ago),
        "uptime_seconds": 86_400,
        "cpu": {"total_percent": cpu, "per_core_percent": [cpu, cpu], "iowait_percent": 0.5},
        "load": {"one": 0.42, "five": 0.3, "fifteen": 0.2},
        "memory": {"total_bytes": 4_000_000_000u64, "available_bytes": 1_000_000_000u64, "swap_total_bytes": 0, "swap_used_bytes": 0},
        "disks": [{"mount": "/", "device": "/dev/vda1", "fs_type": "ext4", "total_bytes": 100_000_000_000u64, "used_bytes": 81_000_000_000u64, "available_bytes": 19_000_000_000u64}],
        "network": [{"interface": "eth0", "rx_bytes_per_second": 2_500_000.0, "tx_bytes_per_second": 400_000.0}],
        "containers": [
            {"id": "a1", "name": "api", "image": "acme/api:3", "state": "running", "health": "healthy", "restart_count": 0, "cpu_percent": 12.5, "memory_bytes": 300_000_000u64},
            {"id": "b2", "name": "worker", "image": "acme/worker:3", "state": "exited", "restart_count": 4},
        ],
    }))
    .expect("a sample")
}

/// Spends `token` as an agent would and sends three samples.
async fn connect(at: &Installation, token: &str) -> AgentId {
    let token = EnrolmentToken::parse(token).expect("a token");
    let host = HostInfo {
        hostname: "ip-10-0-0-7".into(),
        os: "Debian 13".into(),
        kernel: "6.12".into(),
        arch: "x86_64".into(),
        cpu_cores: 4,
        agent_version: "0.1.0".into(),
    };
    let mut session = AgentSession::default();
    let answer = on_agent_message(&at.deps, &mut session, AgentMessage::Enrol(Enrol { token, host }), &Origin::default(), now()).await;
    let [ServerMessage::Enrolled(enrolled)] = &answer.send[..] else { panic!("enrolled: {answer:?}") };
    let batch = SampleBatch { seq: 1, dropped_total: 0, samples: vec![sample(30, 20.0), sample(20, 35.0), sample(10, 40.0)] };
    on_agent_message(&at.deps, &mut session, AgentMessage::Samples(batch), &Origin::default(), now()).await;
    enrolled.agent_id
}

#[tokio::test]
async fn a_host_is_enrolled_reports_and_is_shown_with_its_charts_and_containers() {
    let at = Installation::new().await;
    let empty = at.get("/hosts", &at.owner).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_safe("/hosts", &empty);
    assert!(empty.text().contains("No host yet."));

    let made = at.post("/hosts/enrol", &at.owner, &[("name", "web-1"), ("tags", "prod, web"), ("silent_after", "120")]).await;
    assert_eq!(made.status, StatusCode::OK);
    let html = made.text();
    let token =
        element(&html, "code", "enrolment-token").split('>').nth(1).and_then(|t| t.split('<').next()).expect("the token").to_owned();
    assert!(token.starts_with("vet_"), "{token}");
    let config = element(&html, "code", "agent-config");
    assert!(config.contains("server = &#34;ws://127.0.0.1:8080/v1/agents/connect&#34;") && config.contains(&token), "{config}");
    assert_eq!(made.headers["cache-control"], "no-store", "the token is kept by no cache");

    let agent = connect(&at, &token).await;
    let list = at.get("/hosts", &at.viewer).await.text();
    let table = element(&list, "table", "hosts");
    for figure in ["web-1", "Up", "40.0 %", "75.0 %", "81.0 % of /", "0.42"] {
        assert!(table.contains(figure), "{figure} in {table}");
    }
    assert!(!list.contains("Enrol a host"), "a viewer is not offered enrolment");

    let page = at.get(&format!("/hosts/{agent}"), &at.viewer).await;
    assert_safe(&format!("/hosts/{agent}"), &page);
    let html = page.text();
    let charts = element(&html, "div", "charts");
    assert_eq!(charts.matches("<polyline").count(), 6, "CPU, memory, load, /, eth0 in and out: {charts}");
    assert!(charts.contains("Now 40.0 %, highest 40.0 %") && charts.contains("eth0 received"), "{charts}");
    let containers = element(&html, "section", "containers");
    assert!(containers.contains("acme/api:3") && containers.contains("Running") && containers.contains("Stopped"), "{containers}");
    assert!(html.contains("Debian 13 6.12 (x86_64)") && html.contains("data-live-kinds=\"host incident\""));
    assert!(!html.contains("id=\"run-action\""), "a viewer runs nothing");

    let refused = at.post(&format!("/hosts/{agent}/actions"), &at.editor, &[("action", "restart-api")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "only admins run actions");
    let asked = at.post(&format!("/hosts/{agent}/actions"), &at.owner, &[("action", "restart-api")]).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert!(asked.location().contains("notice=action_undelivered"), "no agent is connected here: {}", asked.location());
    let history = element(&at.get(&asked.location(), &at.owner).await.text(), "div", "action-history");
    assert!(history.contains("restart-api") && history.contains("Not delivered") && history.contains("ann@example.com"), "{history}");

    let french = at.get(&format!("/hosts/{agent}?range=7d&lang=fr"), &at.owner).await;
    assert_eq!(french.status, StatusCode::OK);
}
