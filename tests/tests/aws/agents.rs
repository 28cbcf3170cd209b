//! Host agents through API Gateway's WebSocket API, on the emulator: the agents function handles
//! `$connect`, `$default` and `$disconnect` as API Gateway sends them, keeps each connection's
//! session in DynamoDB, and writes its answers through the real SDK to a connection endpoint
//! this test serves (moto keeps what is posted to a connection but cannot give it back). An
//! agent enrols, reports, is sent an action by the hosts function and answers it; it reconnects
//! and the hosts function reaches its new connection; a gone connection makes the request
//! undelivered; a frame outside the protocol is refused and the connection closed; a rule is
//! made and deleted and the host revoked, its connection closed; and the DynamoDB requests of
//! one batch of samples are counted for the cost per agent-month in docs/aws.md. Every request
//! either function makes is one functions/manifest.json declares for it.

use crate::account_mail::send;
use aws_lambda_events::apigw::ApiGatewayWebsocketProxyRequest;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Method as HttpMethod, StatusCode as HttpStatus};
use axum::routing::any;
use http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use vigil_app::SystemClock;
use vigil_app::tenants::{Bootstrap, bootstrap};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{AgentGateway, ClientOptions, wiring};
use vigil_domain::agent::protocol::{AgentMessage, Enrol, Hello, HostInfo, Message, SampleBatch};
use vigil_domain::agent::{ActionName, ActionResult, AgentSecret, EnrolmentToken};
use vigil_domain::tenant::ApiKeySecret;
use vigil_fn_agents::Agents;
use vigil_tests::app::TEST_KEY;
use vigil_tests::emulator::{Session, clients};

/// What was written to the connections: method, connection, body.
#[derive(Clone, Default)]
pub(crate) struct Connections {
    written: Arc<Mutex<Vec<(HttpMethod, String, String)>>>,
    gone: Arc<Mutex<HashSet<String>>>,
}

impl Connections {
    /// The JSON messages posted to `connection` so far.
    pub(crate) fn posted(&self, connection: &str) -> Vec<Value> {
        let written = self.written.lock().unwrap();
        written
            .iter()
            .filter(|(method, id, _)| method == HttpMethod::POST && id == connection)
            .map(|(_, _, body)| serde_json::from_str(body).expect("a JSON frame"))
            .collect()
    }

    pub(crate) fn closed(&self, connection: &str) -> bool {
        self.written.lock().unwrap().iter().any(|(method, id, _)| method == HttpMethod::DELETE && id == connection)
    }
}

async fn connection_endpoint(
    State(connections): State<Connections>,
    Path(id): Path<String>,
    method: HttpMethod,
    body: Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    connections.written.lock().unwrap().push((method, id.clone(), String::from_utf8_lossy(&body).into_owned()));
    if connections.gone.lock().unwrap().contains(&id) {
        // As API Gateway answers for a connection that closed.
        (HttpStatus::GONE, [("x-amzn-errortype", "GoneException")], "{\"message\": null}").into_response()
    } else {
        HttpStatus::OK.into_response()
    }
}

/// A local endpoint standing for the WebSocket API's stage `live`.
pub(crate) async fn serve_connections() -> (String, Connections) {
    let connections = Connections::default();
    let app = Router::new().route("/live/@connections/{id}", any(connection_endpoint)).with_state(connections.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{address}/live"), connections)
}

/// An event as API Gateway sends it for `route` of `connection`.
pub(crate) fn event(route: &str, connection: &str, body: Option<String>) -> ApiGatewayWebsocketProxyRequest {
    serde_json::from_value(json!({
        "requestContext": {
            "routeKey": route, "eventType": if route == "$connect" { "CONNECT" } else if route == "$disconnect" { "DISCONNECT" } else { "MESSAGE" },
            "connectionId": connection, "connectedAt": 1_764_900_000_000i64, "requestTimeEpoch": 1_764_900_000_000i64, "stage": "live", "apiId": "agents1", "requestId": "r1", "domainName": "agents1.execute-api.eu-west-1.amazonaws.com",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "vigil-agent/0.1.0"},
        },
        "body": body, "isBase64Encoded": false,
    }))
    .expect("an API Gateway WebSocket event")
}

pub(crate) fn info() -> HostInfo {
    HostInfo {
        hostname: "ip-10-0-0-9".into(),
        os: "Amazon Linux 2023".into(),
        kernel: "6.1".into(),
        arch: "aarch64".into(),
        cpu_cores: 2,
        agent_version: "0.1.0".into(),
    }
}

pub(crate) fn samples(seq: u64) -> AgentMessage {
    let sample = serde_json::from_value(json!({
        "at": SystemClock::now(), "uptime_seconds": 3600,
        "cpu": {"total_percent": 12.5, "per_core_percent": [10.0, 15.0], "iowait_percent": 0.1},
        "load": {"one": 0.2, "five": 0.1, "fifteen": 0.1},
        "memory": {"total_bytes": 2_000_000_000u64, "available_bytes": 1_500_000_000u64, "swap_total_bytes": 0, "swap_used_bytes": 0},
        "disks": [{"mount": "/", "device": "/dev/nvme0n1p1", "fs_type": "xfs", "total_bytes": 8_000_000_000u64, "used_bytes": 3_000_000_000u64, "available_bytes": 5_000_000_000u64}],
        "network": [{"interface": "ens5", "rx_bytes_per_second": 1200.0, "tx_bytes_per_second": 800.0}],
    }))
    .expect("a sample");
    AgentMessage::Samples(SampleBatch { seq, dropped_total: 0, samples: vec![sample] })
}

pub(crate) fn kind(message: &Value) -> &str {
    message["type"].as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_reports_through_the_websocket_api_and_is_reached_by_the_hosts_function() {
    let session = Session::start().await;
    let deps = session.deps();
    let admin = ApiKeySecret::from_operator(TEST_KEY).unwrap();
    bootstrap(&deps, Bootstrap { tenant_name: "acme".into(), admin_key: Some(admin) }, SystemClock::now()).await.unwrap();
    let config = session.store_config();
    let (endpoint, connections) = serve_connections().await;
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let gateway = AgentGateway::new(wiring::dynamo_store(&counted, &config), counted.agent_connections(&endpoint));
    let agents = Agents { deps: wiring::agents_deps(&counted, &config).unwrap(), gateway: gateway.clone() };
    // API Gateway sends the hosts' routes to the hosts function.
    let router = vigil_fn_api::hosts_app(wiring::hosts_deps(&counted, &config).unwrap(), Some(gateway));

    let (status, enrolment) = send(&router, Some(TEST_KEY), Method::POST, "/v1/enrolments", json!({"name": "web-aws"})).await;
    assert_eq!(status, StatusCode::CREATED, "{enrolment}");
    let token = EnrolmentToken::parse(enrolment["token"].as_str().unwrap()).unwrap();

    assert_eq!(agents.handle(event("$connect", "c1", None)).await.unwrap().status_code, 200);
    let enrol = AgentMessage::Enrol(Enrol { token, host: info() }).encode();
    assert_eq!(agents.handle(event("$default", "c1", Some(enrol))).await.unwrap().status_code, 200);
    let posted = connections.posted("c1");
    assert_eq!(posted.iter().map(kind).collect::<Vec<_>>(), ["enrolled"], "{posted:?}");
    let agent_id = posted[0]["body"]["agent_id"].as_str().unwrap().to_owned();
    let secret = AgentSecret::parse(posted[0]["body"]["secret"].as_str().unwrap()).unwrap();

    counter.reset();
    agents.handle(event("$default", "c1", Some(samples(1).encode()))).await.unwrap();
    let requests = counter.snapshot();
    let ack = connections.posted("c1").pop().unwrap();
    assert_eq!((kind(&ack), &ack["body"]["through"]), ("ack", &json!(1)), "acknowledged after the write: {ack}");
    let dynamodb: u64 =
        requests.iter().filter(|((service, _), _)| service.contains("dynamo") || service.contains("DynamoDB")).map(|(_, n)| n).sum();
    println!("one batch of one sample through the agents function: {requests:?} ({dynamodb} DynamoDB requests)");
    assert!(dynamodb > 0 && dynamodb <= 12, "a batch costs a few requests: {requests:?}");
    let (_, host) = send(&router, Some(TEST_KEY), Method::GET, &format!("/v1/hosts/{agent_id}"), json!(null)).await;
    assert_eq!(host["status"], "up", "{host}");

    let (status, asked) =
        send(&router, Some(TEST_KEY), Method::POST, &format!("/v1/hosts/{agent_id}/actions"), json!({"action": "say-hello"})).await;
    assert_eq!(status, StatusCode::CREATED, "the hosts function reached the agent: {asked}");
    let request = connections.posted("c1").pop().unwrap();
    assert_eq!(kind(&request), "action", "{request}");
    let request_id = request["body"]["request"]["id"].as_str().unwrap().parse().unwrap();
    let result = AgentMessage::ActionResult(ActionResult {
        request_id,
        action: ActionName::parse("say-hello").unwrap(),
        started_at: SystemClock::now(),
        duration_ms: 3,
        exit_code: Some(0),
        timed_out: false,
        output_tail: "hello from the agent\n".into(),
        output_dropped_bytes: 0,
    });
    agents.handle(event("$default", "c1", Some(result.encode()))).await.unwrap();
    let (_, history) = send(&router, Some(TEST_KEY), Method::GET, &format!("/v1/hosts/{agent_id}/actions"), json!(null)).await;
    assert_eq!(
        (&history["items"][0]["status"], &history["items"][0]["output_tail"]),
        (&json!("completed"), &json!("hello from the agent\n")),
        "{history}"
    );

    // The agent comes back on a new connection: the hosts function reaches that one.
    let hello =
        AgentMessage::Hello(Hello { agent_id: agent_id.parse().unwrap(), secret: secret.clone(), host: info(), previous_disconnect: None })
            .encode();
    agents.handle(event("$connect", "c2", None)).await.unwrap();
    agents.handle(event("$default", "c2", Some(hello))).await.unwrap();
    assert_eq!(connections.posted("c2").iter().map(kind).collect::<Vec<_>>(), ["welcome"]);
    send(&router, Some(TEST_KEY), Method::POST, &format!("/v1/hosts/{agent_id}/actions"), json!({"action": "say-hello"})).await;
    assert_eq!(connections.posted("c2").iter().map(kind).collect::<Vec<_>>(), ["welcome", "action"]);
    // The old connection ends: recorded, and the pointer to the new one stays.
    agents.handle(event("$disconnect", "c1", None)).await.unwrap();
    let (_, events) = send(&router, Some(TEST_KEY), Method::GET, &format!("/v1/hosts/{agent_id}/connections"), json!(null)).await;
    assert!(events.to_string().contains("connection_lost"), "{events}");

    // The new connection is gone without a word: the request is recorded as undelivered.
    connections.gone.lock().unwrap().insert("c2".into());
    let (status, refused) =
        send(&router, Some(TEST_KEY), Method::POST, &format!("/v1/hosts/{agent_id}/actions"), json!({"action": "say-hello"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    let (status, _) =
        send(&router, Some(TEST_KEY), Method::POST, &format!("/v1/hosts/{agent_id}/actions"), json!({"action": "say-hello"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "and the gone connection is forgotten");
    assert_eq!(connections.posted("c2").len(), 3, "nothing more was posted to it after it was found gone");

    // A frame outside the protocol: a goodbye, then the connection is closed.
    agents.handle(event("$connect", "c3", None)).await.unwrap();
    agents.handle(event("$default", "c3", Some("{\"type\": \"samples\"}".into()))).await.unwrap();
    let goodbye = connections.posted("c3");
    assert_eq!((kind(&goodbye[0]), &goodbye[0]["body"]["reason"]), ("goodbye", &json!("protocol_error")), "{goodbye:?}");
    assert!(connections.closed("c3"), "the server hung up");

    // The rest of the hosts' routes: the action log, enrolments, rules, and revoking the host.
    let (_, actions) = send(&router, Some(TEST_KEY), Method::GET, "/v1/actions", json!(null)).await;
    let action_id = actions["items"][0]["id"].as_str().expect("the tenant's actions are listed").to_owned();
    let (status, _) = send(&router, Some(TEST_KEY), Method::GET, &format!("/v1/actions/{action_id}"), json!(null)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, spare) = send(&router, Some(TEST_KEY), Method::POST, "/v1/enrolments", json!({"name": "spare"})).await;
    let (_, enrolments) = send(&router, Some(TEST_KEY), Method::GET, "/v1/enrolments", json!(null)).await;
    assert!(enrolments.to_string().contains("spare"), "{enrolments}");
    let (status, _) =
        send(&router, Some(TEST_KEY), Method::DELETE, &format!("/v1/enrolments/{}", spare["id"].as_str().unwrap()), json!(null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let rule = json!({"name": "load", "metric": "load.1", "above": 50, "window_seconds": 60});
    let (status, rule) = send(&router, Some(TEST_KEY), Method::POST, "/v1/host-rules", rule).await;
    assert_eq!(status, StatusCode::CREATED, "{rule}");
    let (_, rules) = send(&router, Some(TEST_KEY), Method::GET, "/v1/host-rules", json!(null)).await;
    let names: Vec<&str> = rules["items"].as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).collect();
    assert!(names.contains(&"load"), "the rule is listed beside each host's silence rule: {rules}");
    let (status, _) =
        send(&router, Some(TEST_KEY), Method::DELETE, &format!("/v1/host-rules/{}", rule["id"].as_str().unwrap()), json!(null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let hello =
        AgentMessage::Hello(Hello { agent_id: agent_id.parse().unwrap(), secret, host: info(), previous_disconnect: None }).encode();
    agents.handle(event("$connect", "c4", None)).await.unwrap();
    agents.handle(event("$default", "c4", Some(hello))).await.unwrap();
    let (status, revoked) = send(&router, Some(TEST_KEY), Method::POST, &format!("/v1/hosts/{agent_id}/revoke"), json!(null)).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(connections.closed("c4"), "revoking closed the agent's connection");

    crate::pipeline::assert_declared("hosts", &counter);
}
