//! The host pages' function on the emulator: every page it serves rendered on its own wiring
//! (the hosts function's, `wiring::hosts_deps`), so a store a page reaches but that wiring
//! leaves unwired fails here. A host is enrolled from the enrolment page, its agent reports
//! through the agents function, and the host's page sends it an action and revokes it through
//! the WebSocket API's connections; every request the pages make is one functions/manifest.json
//! declares for the function.

use crate::account_pages::{Owner, call, signed_in_owner};
use crate::agents::{event, info, kind, samples, serve_connections};
use crate::pipeline::assert_declared;
use http::{Method, StatusCode};
use vigil_aws::request_count::RequestCounter;
use vigil_aws::{AgentGateway, ClientOptions, wiring};
use vigil_domain::agent::EnrolmentToken;
use vigil_domain::agent::protocol::{AgentMessage, Enrol, Message};
use vigil_fn_agents::Agents;
use vigil_tests::emulator::{Session, clients};

/// The enrolment token a page shows once.
fn token_in(text: &str) -> EnrolmentToken {
    let start = text.find("vet_").unwrap_or_else(|| panic!("no token on the page: {text}"));
    let token: String = text[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    EnrolmentToken::parse(&token).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_host_pages_render_and_reach_the_agent_on_the_hosts_wiring() {
    let session = Session::start().await;
    let Owner { cookie, csrf, .. } = signed_in_owner(&session.deps()).await;

    let config = session.store_config();
    let (endpoint, connections) = serve_connections().await;
    // The agents function on clients of its own, so that the count is the pages' alone.
    let plain = clients(&session.endpoint, ClientOptions::default()).await;
    let agents = Agents {
        deps: wiring::agents_deps(&plain, &config).unwrap(),
        gateway: AgentGateway::new(wiring::dynamo_store(&plain, &config), plain.agent_connections(&endpoint)),
    };
    let counter = RequestCounter::default();
    let counted = clients(&session.endpoint, ClientOptions { counter: Some(counter.clone()), ..ClientOptions::default() }).await;
    let gateway = AgentGateway::new(wiring::dynamo_store(&counted, &config), counted.agent_connections(&endpoint));
    let pages = vigil_fn_api::host_pages_app(wiring::hosts_deps(&counted, &config).unwrap(), Some(gateway));

    let form = call(&pages, Method::GET, "/hosts/enrol", Some(&cookie), None).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let made =
        call(&pages, Method::POST, "/hosts/enrol", Some(&cookie), Some(format!("csrf={csrf}&name=web-aws&tags=prod&silent_after=120")))
            .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.text);
    let token = token_in(&made.text);

    assert_eq!(agents.handle(event("$connect", "c1", None)).await.unwrap().status_code, 200);
    agents.handle(event("$default", "c1", Some(AgentMessage::Enrol(Enrol { token, host: info() }).encode()))).await.unwrap();
    let enrolled = connections.posted("c1");
    assert_eq!(enrolled.iter().map(kind).collect::<Vec<_>>(), ["enrolled"], "{enrolled:?}");
    let agent_id = enrolled[0]["body"]["agent_id"].as_str().unwrap().to_owned();
    agents.handle(event("$default", "c1", Some(samples(1).encode()))).await.unwrap();

    let list = call(&pages, Method::GET, "/hosts", Some(&cookie), None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert!(list.text.contains("web-aws") && list.text.contains(&agent_id), "the host is listed: {}", list.text);
    let host = call(&pages, Method::GET, &format!("/hosts/{agent_id}"), Some(&cookie), None).await;
    assert_eq!(host.status, StatusCode::OK, "{}", host.text);
    for shown in ["web-aws", "Amazon Linux 2023", "12.5 %"] {
        assert!(host.text.contains(shown), "the host's page shows {shown}: {}", host.text);
    }

    let asked =
        call(&pages, Method::POST, &format!("/hosts/{agent_id}/actions"), Some(&cookie), Some(format!("csrf={csrf}&action=say-hello")))
            .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text);
    assert!(asked.location.contains("notice=action_sent"), "the page reached the agent: {}", asked.location);
    let request = connections.posted("c1").pop().unwrap();
    assert_eq!(kind(&request), "action", "{request}");

    let confirm = call(&pages, Method::GET, &format!("/hosts/{agent_id}/revoke"), Some(&cookie), None).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.text);
    let revoked = call(&pages, Method::POST, &format!("/hosts/{agent_id}/revoke"), Some(&cookie), Some(format!("csrf={csrf}"))).await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.text);
    assert!(connections.closed("c1"), "revoking closed the agent's connection");

    // The overview is the dashboard's: this function answers it as an unknown path.
    let overview = call(&pages, Method::GET, "/", Some(&cookie), None).await;
    assert_eq!(overview.status, StatusCode::NOT_FOUND, "{}", overview.location);
    assert_declared("host-pages", &counter);
}
