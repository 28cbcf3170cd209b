//! The host use cases over the in-memory store: enrolment once per token, credentials,
//! batches stored once and rolled up, threshold and silence rules opening and resolving
//! incidents through the incident path, remote actions signed, recorded and answered.

use super::*;
use crate::incidents::{HandleEvent, HandledEvent, handle_event};
use crate::world::{World, at, from_json};
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, Origin, Role};
use vigil_domain::agent::protocol::{AgentMessage, DisconnectReason, Enrol, Hello, HostInfo, SampleBatch, ServerMessage};
use vigil_domain::agent::rollup::Resolution;
use vigil_domain::agent::sample::HostSample;
use vigil_domain::agent::{ActionName, ActionRefusal, ActionResult, AgentSecret, EnrolmentToken, Refusal};
use vigil_domain::events::DomainEvent;
use vigil_domain::host::{ActionOutcome, ConnectionKind, HostStatus};
use vigil_domain::ids::{AgentId, UserId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::page::PageRequest;
use vigil_memory::RecordingLink;

fn admin(world: &World) -> Actor {
    Actor::member(world.tenant, UserId::from_uuid(uuid::Uuid::from_u128(1)), Role::Admin, "ann@example.com")
}

fn editor(world: &World) -> Actor {
    Actor::member(world.tenant, UserId::from_uuid(uuid::Uuid::from_u128(2)), Role::Editor, "ed@example.com")
}

fn viewer(world: &World) -> Actor {
    Actor::member(world.tenant, UserId::from_uuid(uuid::Uuid::from_u128(3)), Role::Viewer, "vi@example.com")
}

fn info(hostname: &str) -> HostInfo {
    HostInfo {
        hostname: hostname.into(),
        os: "Debian 13".into(),
        kernel: "6.12".into(),
        arch: "x86_64".into(),
        cpu_cores: 2,
        agent_version: "0.1.0".into(),
    }
}

/// A sample at `second` with CPU at `cpu` percent and `/` used at `disk` percent.
fn sample(second: i64, cpu: f64, disk: u64) -> HostSample {
    from_json(json!({
        "at": at(second),
        "uptime_seconds": 1000 + second,
        "cpu": {"total_percent": cpu, "per_core_percent": [cpu, cpu], "iowait_percent": 0.0},
        "memory": {"total_bytes": 1000, "available_bytes": 400, "swap_total_bytes": 0, "swap_used_bytes": 0},
        "disks": [{"mount": "/", "device": "/dev/vda", "fs_type": "ext4", "total_bytes": 100, "used_bytes": disk, "available_bytes": 100 - disk}],
    }))
}

fn batch(seq: u64, samples: Vec<HostSample>) -> SampleBatch {
    SampleBatch { seq, dropped_total: 0, samples }
}

/// An agent enrolled through its connection, as a transport would drive it.
struct Agent {
    session: AgentSession,
    id: AgentId,
    secret: AgentSecret,
}

async fn token(world: &World, cmd: CreateEnrolment) -> EnrolmentToken {
    create_enrolment(&world.deps, &admin(world), cmd, at(0)).await.expect("an enrolment").1
}

async fn enrol(world: &World, cmd: CreateEnrolment, second: i64) -> Agent {
    let token = token(world, cmd).await;
    let mut session = AgentSession::default();
    let message = AgentMessage::Enrol(Enrol { token, host: info("web-1") });
    let answer = on_agent_message(&world.deps, &mut session, message, &Origin::default(), at(second)).await;
    let [ServerMessage::Enrolled(enrolled)] = &answer.send[..] else { panic!("enrolled: {answer:?}") };
    assert_eq!(answer.opened, Some(enrolled.agent_id));
    Agent { session, id: enrolled.agent_id, secret: enrolled.secret.clone() }
}

async fn send(world: &World, agent: &mut Agent, message: AgentMessage, second: i64) -> Answer {
    on_agent_message(&world.deps, &mut agent.session, message, &Origin::default(), at(second)).await
}

/// Hands every event published since `from` to the incident path, as the bus would.
async fn handle_from(world: &World, from: usize, second: i64) -> Vec<HandledEvent> {
    let mut handled = Vec::new();
    for event in world.events.events().into_iter().skip(from) {
        handled.push(handle_event(&world.deps, HandleEvent { event }, at(second)).await.expect("handled"));
    }
    handled
}

#[tokio::test]
async fn a_token_enrols_one_agent_once_and_only_an_admin_makes_one() {
    let world = World::new();
    let refused = create_enrolment(&world.deps, &editor(&world), CreateEnrolment::default(), at(0)).await;
    assert!(matches!(refused, Err(HostError::Forbidden(_))), "{refused:?}");
    let bad = CreateEnrolment {
        name: Some(" ".into()),
        tags: vec!["ok".into(), "not ok".into()],
        silent_after_seconds: Some(90_000),
        lifetime_seconds: Some(5),
    };
    let Err(HostError::Invalid(errors)) = create_enrolment(&world.deps, &admin(&world), bad, at(0)).await else { panic!("invalid") };
    let fields: Vec<_> = errors.0.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "tags[1]", "silent_after_seconds", "lifetime_seconds"], "every problem at once");

    let cmd = CreateEnrolment { name: Some("db-1".into()), tags: vec!["prod".into()], ..CreateEnrolment::default() };
    let (enrolment, token) = create_enrolment(&world.deps, &admin(&world), cmd, at(0)).await.unwrap();
    assert_eq!(list_enrolments(&world.deps, &admin(&world)).await.unwrap(), vec![enrolment.clone()]);
    assert_ne!(enrolment.token_digest, token.expose(), "the token is not stored");

    let mut first = AgentSession::default();
    let enrol = AgentMessage::Enrol(Enrol { token: token.clone(), host: info("ip-10-0-0-1") });
    let answer = on_agent_message(&world.deps, &mut first, enrol.clone(), &Origin::default(), at(5)).await;
    let [ServerMessage::Enrolled(enrolled)] = &answer.send[..] else { panic!("{answer:?}") };
    let host = get_host(&world.deps, &admin(&world), enrolled.agent_id).await.unwrap();
    assert_eq!((host.host.name.as_str(), host.status), ("db-1", HostStatus::Pending), "named as the enrolment said");
    assert!(host.host.credential.accepts(&enrolled.secret));
    assert!(list_enrolments(&world.deps, &admin(&world)).await.unwrap().is_empty(), "the token is spent");

    let mut second = AgentSession::default();
    let again = on_agent_message(&world.deps, &mut second, enrol, &Origin::default(), at(6)).await;
    assert!(
        again.close && matches!(&again.send[..], [ServerMessage::Goodbye(g)] if g.reason == DisconnectReason::EnrolmentRefused),
        "{again:?}"
    );

    let rules = list_host_rules(&world.deps, &admin(&world)).await.unwrap();
    assert_eq!(rules.len(), 1, "the default silence rule");
    assert_eq!(rules[0].rule.name, "silent for 2 min");
    assert_eq!(rules[0].rule.host, Some(enrolled.agent_id));
    let audit = world.deps.stores.audit.entries(world.tenant, &Default::default()).await.unwrap().items;
    let actions: Vec<_> = audit.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["host.enrol", "host.enrolment_create"]);
    assert_eq!(audit[0].actor_label, "agent db-1");
}

#[tokio::test]
async fn an_expired_token_enrols_nothing() {
    let world = World::new();
    let token = token(&world, CreateEnrolment { lifetime_seconds: Some(60), ..CreateEnrolment::default() }).await;
    let mut session = AgentSession::default();
    let answer =
        on_agent_message(&world.deps, &mut session, AgentMessage::Enrol(Enrol { token, host: info("h") }), &Origin::default(), at(61))
            .await;
    let [ServerMessage::Goodbye(goodbye)] = &answer.send[..] else { panic!("{answer:?}") };
    assert_eq!(goodbye.detail.as_deref(), Some("the enrolment token has expired: ask for a new one"));
    assert!(list_hosts(&world.deps, &admin(&world)).await.unwrap().is_empty());
}

#[tokio::test]
async fn hello_checks_the_credential_and_a_revoked_agent_is_told() {
    let world = World::new();
    let link = RecordingLink::new();
    let agent = enrol(&world, CreateEnrolment::default(), 0).await;
    let hello = |secret: AgentSecret, id: AgentId| {
        AgentMessage::Hello(Hello { agent_id: id, secret, host: info("web-2"), previous_disconnect: None })
    };
    let cases = [
        ("wrong secret", hello(AgentSecret::from_random([9; 32]), agent.id), Some(DisconnectReason::AuthenticationFailed)),
        (
            "unknown agent",
            hello(agent.secret.clone(), AgentId::from_uuid(uuid::Uuid::from_u128(77))),
            Some(DisconnectReason::AuthenticationFailed),
        ),
        ("samples first", AgentMessage::Samples(batch(1, vec![])), Some(DisconnectReason::ProtocolError)),
        ("right", hello(agent.secret.clone(), agent.id), None),
    ];
    for (name, message, refused) in cases {
        let mut session = AgentSession::default();
        let answer = on_agent_message(&world.deps, &mut session, message, &Origin::default(), at(10)).await;
        match refused {
            Some(reason) => {
                assert!(answer.close && matches!(&answer.send[..], [ServerMessage::Goodbye(g)] if g.reason == reason), "{name}: {answer:?}")
            }
            None => {
                assert!(
                    matches!(&answer.send[..], [ServerMessage::Welcome(w)] if w.agent_id == agent.id && w.acked_through.is_none()),
                    "{name}: {answer:?}"
                );
                assert_eq!(session.agent(), Some(agent.id));
            }
        }
    }
    let host = get_host(&world.deps, &admin(&world), agent.id).await.unwrap();
    assert_eq!(host.host.info.hostname, "web-2", "the host's information is kept current");

    link.connect(agent.id);
    let refused = revoke_host(&world.deps, &link, &editor(&world), agent.id, at(20)).await;
    assert!(matches!(refused, Err(HostError::Forbidden(_))));
    let revoked = revoke_host(&world.deps, &link, &admin(&world), agent.id, at(20)).await.unwrap();
    assert_eq!(revoked.status, HostStatus::Revoked);
    assert_eq!(link.disconnected(), [(agent.id, DisconnectReason::CredentialRevoked)], "its live connection ends");
    let mut session = AgentSession::default();
    let answer = on_agent_message(&world.deps, &mut session, hello(agent.secret.clone(), agent.id), &Origin::default(), at(30)).await;
    assert!(matches!(&answer.send[..], [ServerMessage::Goodbye(g)] if g.reason == DisconnectReason::CredentialRevoked), "{answer:?}");
    let events = list_connections(&world.deps, &admin(&world), agent.id, PageRequest::first()).await.unwrap().items;
    assert_eq!(events.len(), 2, "connected at enrolment and at the right hello: {events:?}");
    assert!(events.iter().all(|e| matches!(e.kind, ConnectionKind::Connected { .. })));
}

#[tokio::test]
async fn batches_are_stored_once_acknowledged_and_rolled_up_as_minutes_close() {
    let world = World::new();
    let mut agent = enrol(&world, CreateEnrolment::default(), 0).await;
    let mut acks = Vec::new();
    for (seq, second) in [(1, 10), (2, 20), (2, 20), (3, 70), (1, 10), (4, 130)] {
        let answer = send(&world, &mut agent, AgentMessage::Samples(batch(seq, vec![sample(second, seq as f64 * 10.0, 50)])), second).await;
        let [ServerMessage::Ack(ack)] = &answer.send[..] else { panic!("{answer:?}") };
        acks.push(ack.through);
    }
    assert_eq!(acks, [1, 2, 2, 3, 3, 4], "a resent batch is acknowledged again, up to the highest held");
    let samples = world.deps.stores.host_metrics.samples(world.tenant, agent.id, at(0), at(200)).await.unwrap();
    assert_eq!(samples.iter().map(|s| s.at).collect::<Vec<_>>(), [at(10), at(20), at(70), at(130)], "each once");
    let minutes = world.deps.stores.host_metrics.rollups(world.tenant, agent.id, Resolution::Minute, at(0), at(200)).await.unwrap();
    let cpu = vigil_domain::agent::metric::MetricKey::parse("cpu.percent").unwrap();
    let summaries: Vec<(u64, f64)> = minutes.iter().map(|r| (r.metrics[&cpu].count, r.metrics[&cpu].mean())).collect();
    assert_eq!(summaries, [(2, 15.0), (1, 30.0)], "the two closed minutes; the open one is not stored");

    let series = host_metric_series(
        &world.deps,
        &admin(&world),
        SeriesQuery {
            agent: agent.id,
            metric: cpu.clone(),
            from: at(0),
            to: at(180),
            resolution: Some(SeriesResolution::Rolled(Resolution::Minute)),
        },
    )
    .await
    .unwrap();
    let points: Vec<(Timestamp, u64)> = series.points.iter().map(|p| (p.at, p.summary.count)).collect();
    assert_eq!(points, [(at(0), 2), (at(60), 1), (at(120), 1)], "stored minutes, then the open one from raw samples");
    let raw = host_metric_series(
        &world.deps,
        &admin(&world),
        SeriesQuery { agent: agent.id, metric: cpu, from: at(15), to: at(100), resolution: None },
    )
    .await
    .unwrap();
    assert_eq!(raw.resolution, SeriesResolution::Raw);
    assert_eq!(raw.points.iter().map(|p| p.summary.last).collect::<Vec<_>>(), [20.0, 30.0]);
    let latest = latest_sample(&world.deps, &admin(&world), agent.id).await.unwrap();
    assert_eq!(latest.map(|s| s.at), Some(at(130)));
    assert_eq!(get_host(&world.deps, &admin(&world), agent.id).await.unwrap().status, HostStatus::Up);
}

#[tokio::test]
async fn a_threshold_rule_opens_then_resolves_an_incident_with_hysteresis() {
    let world = World::new();
    let ops = world.channel("ops").await;
    world.rule(json!({"name": "prod hosts", "select": {"tags": ["prod"]}, "channels": [ops.to_string()]})).await;
    let mut agent =
        enrol(&world, CreateEnrolment { tags: vec!["prod".into()], silent_after_seconds: Some(0), ..CreateEnrolment::default() }, 0).await;
    let draft =
        from_json(json!({"name": "disk full", "metric": "disk.used_percent[/]", "above": 85, "resolve_at": 70, "window_seconds": 20}));
    let rule = create_host_rule(&world.deps, &admin(&world), draft, at(0)).await.unwrap();
    let refused = create_host_rule(&world.deps, &viewer(&world), from_json(json!({"silent_seconds": 60})), at(0)).await;
    assert!(matches!(refused, Err(HostError::Forbidden(_))), "a viewer edits no rule: {refused:?}");
    let by_editor = create_host_rule(&world.deps, &editor(&world), from_json(json!({"name": "quiet", "silent_seconds": 600})), at(0)).await;
    let by_editor = by_editor.expect("an editor edits rules");
    delete_host_rule(&world.deps, &editor(&world), by_editor.id, at(0)).await.expect("an editor deletes rules");

    // A 20 s window holds two samples 10 s apart: it opens at the second bad one, stays open at
    // 80 and 75 (not yet back at 70), resolves when the window's average is.
    let levels = [(10, 50), (20, 90), (30, 90), (40, 90), (50, 80), (60, 75), (70, 60), (80, 60), (90, 60)];
    let mut seen = Vec::new();
    for (i, (second, used)) in levels.into_iter().enumerate() {
        let published = world.events.events().len();
        send(&world, &mut agent, AgentMessage::Samples(batch(i as u64 + 1, vec![sample(second, 1.0, used)])), second).await;
        for handled in handle_from(&world, published, second).await {
            seen.push((second, handled));
        }
    }
    let subject = IncidentSubject::Host(rule.watch_id(agent.id));
    let [(30, HandledEvent::Opened { incident, deliveries: 1 }), (70, HandledEvent::Resolved { incident: resolved, deliveries: 1 })] =
        seen[..]
    else {
        panic!("opens once the window is full of bad, resolves only at 70: {seen:?}")
    };
    assert_eq!(incident, resolved);
    let stored = world.deps.stores.incidents.get(world.tenant, incident).await.unwrap().unwrap();
    assert_eq!(stored.core().subject, subject);
    assert_eq!(stored.core().subject_name, "web-1: disk full");
    assert_eq!(stored.core().cause.summary, "disk.used_percent[/] averaged 90.0 over 2 samples (opens at 85)");
    assert_eq!(stored.core().opened_at, at(30));
    assert_eq!(stored.resolution().map(|r| r.at), Some(at(70)));

    // Deleting a rule that fires resolves its incident.
    for (i, second) in [100, 110, 120].into_iter().enumerate() {
        send(&world, &mut agent, AgentMessage::Samples(batch(20 + i as u64, vec![sample(second, 1.0, 95)])), second).await;
    }
    let published = world.events.events().len();
    handle_from(&world, published - 1, 120).await;
    assert!(world.deps.stores.incidents.ongoing(world.tenant, subject).await.unwrap().is_some());
    let view = get_host(&world.deps, &admin(&world), agent.id).await.unwrap();
    assert_eq!((view.status, view.firing.len()), (HostStatus::Alerting, 1));
    let published = world.events.events().len();
    delete_host_rule(&world.deps, &admin(&world), rule.id, at(130)).await.unwrap();
    assert!(matches!(handle_from(&world, published, 130).await[..], [HandledEvent::Resolved { .. }]));
    assert!(world.deps.stores.incidents.ongoing(world.tenant, subject).await.unwrap().is_none());
    assert!(list_host_rules(&world.deps, &admin(&world)).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_silent_host_goes_down_and_comes_back() {
    let world = World::new();
    // The sweeper goes through every organisation.
    let tenant = vigil_domain::tenant::Tenant::new(world.tenant, "acme".into(), at(0));
    world.deps.stores.organisations.insert_tenant(&tenant).await.unwrap();
    let mut agent = enrol(&world, CreateEnrolment { silent_after_seconds: Some(30), ..CreateEnrolment::default() }, 0).await;
    send(&world, &mut agent, AgentMessage::Samples(batch(1, vec![sample(10, 1.0, 1)])), 10).await;
    let swept = sweep_silent_hosts(&world.deps, at(39)).await.unwrap();
    assert_eq!((swept.watched, swept.changed), (1, 0), "silent 29 s of 30");
    let published = world.events.events().len();
    assert_eq!(sweep_silent_hosts(&world.deps, at(40)).await.unwrap().changed, 1);
    let opened = handle_from(&world, published, 40).await;
    assert!(matches!(opened[..], [HandledEvent::Opened { .. }]), "{opened:?}");
    assert_eq!(get_host(&world.deps, &admin(&world), agent.id).await.unwrap().status, HostStatus::Down);
    assert_eq!(sweep_silent_hosts(&world.deps, at(50)).await.unwrap().changed, 0, "down once");

    send(&world, &mut agent, AgentMessage::Samples(batch(2, vec![sample(55, 1.0, 1)])), 56).await;
    let published = world.events.events().len();
    assert_eq!(sweep_silent_hosts(&world.deps, at(57)).await.unwrap().changed, 1);
    assert!(matches!(handle_from(&world, published, 57).await[..], [HandledEvent::Resolved { .. }]));
    assert_eq!(get_host(&world.deps, &admin(&world), agent.id).await.unwrap().status, HostStatus::Up);
}

#[tokio::test]
async fn an_action_is_signed_for_its_agent_recorded_and_answered_once() {
    let world = World::new();
    let link = RecordingLink::new();
    let mut agent = enrol(&world, CreateEnrolment::default(), 0).await;
    let cmd = |action: &str| RequestAction { agent: agent.id, action: action.into() };

    let offline = request_action(&world.deps, &link, &admin(&world), cmd("restart-nginx"), at(10)).await;
    assert!(matches!(offline, Err(HostError::NotConnected(_))), "{offline:?}");
    link.connect(agent.id);
    assert!(matches!(
        request_action(&world.deps, &link, &editor(&world), cmd("restart-nginx"), at(10)).await,
        Err(HostError::Forbidden(_))
    ));
    assert!(matches!(request_action(&world.deps, &link, &admin(&world), cmd("rm -rf /"), at(10)).await, Err(HostError::Invalid(_))));

    let record = request_action(&world.deps, &link, &admin(&world), cmd("restart-nginx"), at(20)).await.unwrap();
    assert_eq!(record.outcome, ActionOutcome::Pending);
    let [(to, ServerMessage::Action(signed))] = &link.sent()[..] else { panic!("{:?}", link.sent()) };
    assert_eq!(*to, agent.id);
    let verified = signed.verify(agent.id, &agent.secret.action_key(), at(21)).expect("signed with the agent's key");
    assert_eq!((verified.id, verified.action.as_str()), (record.id, "restart-nginx"));
    assert_eq!(verified.expires_at, at(20) + world.deps.settings.hosts.action_lifetime);

    let refusal = ActionRefusal { request_id: record.id, action: ActionName::parse("restart-nginx").unwrap(), reason: Refusal::NotAllowed };
    assert_eq!(send(&world, &mut agent, AgentMessage::ActionRefused(refusal), 22).await, Answer::default());
    let result = ActionResult {
        request_id: record.id,
        action: ActionName::parse("restart-nginx").unwrap(),
        started_at: at(22),
        duration_ms: 5,
        exit_code: Some(0),
        timed_out: false,
        output_tail: "ok".into(),
        output_dropped_bytes: 0,
    };
    send(&world, &mut agent, AgentMessage::ActionResult(result), 23).await;
    let history = list_actions(&world.deps, &admin(&world), Some(agent.id), PageRequest::first()).await.unwrap().items;
    let outcomes: Vec<_> = history.iter().map(|r| r.outcome.clone()).collect();
    assert_eq!(
        outcomes,
        [ActionOutcome::Refused { received_at: at(22), reason: Refusal::NotAllowed }, ActionOutcome::Undelivered],
        "newest first; the refusal stays"
    );

    let other = enrol(&world, CreateEnrolment::default(), 30).await;
    let actor = other.session.actor().unwrap().clone();
    let forged = ActionRefusal { request_id: history[1].id, action: ActionName::parse("restart-nginx").unwrap(), reason: Refusal::Busy };
    assert!(
        matches!(record_action_answer(&world.deps, &actor, ActionAnswer::Refused(forged), at(31)).await, Err(HostError::NotFound(_))),
        "not its request"
    );

    let audit = world
        .deps
        .stores
        .audit
        .entries(world.tenant, &vigil_domain::accounts::AuditQuery { action: Some("host.action_refused".into()), ..Default::default() })
        .await
        .unwrap()
        .items;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor, vigil_domain::access::ActorId::Agent(agent.id));
    let requests = world
        .deps
        .stores
        .audit
        .entries(world.tenant, &vigil_domain::accounts::AuditQuery { action: Some("host.action_request".into()), ..Default::default() })
        .await
        .unwrap()
        .items;
    assert_eq!(requests.len(), 2, "the undelivered request is audited too");
    assert!(world.events.events().iter().all(|e| !matches!(e, DomainEvent::HostAlertChanged(_))));
}
