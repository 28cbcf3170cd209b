//! The status page use cases over the in-memory store: pages and components, states from
//! monitors, public incidents posted by hand, with one action and by themselves, subscriptions
//! with double opt-in and unsubscribe, access, and badges.

use super::*;
use crate::notifications::{Deliver, deliver};
use crate::world::{World, at, from_json};
use jiff::SignedDuration;
use vigil_domain::access::{Actor, Role};
use vigil_domain::accounts::Locale;
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::notify::OutboundMessage;
use vigil_domain::page::PageRequest;
use vigil_domain::status_page::{BadgeKind, ComponentStatus, Indicator, PublicStatus, StatusFigure, StatusPage};
use vigil_domain::uptime::UptimeWindow;

async fn page(world: &World, slug: &str) -> StatusPage {
    let draft = from_json(serde_json::json!({"name": "Acme status", "slug": slug}));
    create_page(&world.deps, CreatePage { actor: world.actor(), draft }, at(0)).await.expect("a page")
}

async fn component(world: &World, page: &StatusPage, json: serde_json::Value) -> (StatusPage, vigil_domain::ids::ComponentId) {
    let cmd = PutComponent { actor: world.actor(), page_id: page.id, component_id: None, draft: from_json(json) };
    put_component(&world.deps, cmd, at(1)).await.expect("a component")
}

/// Attempts every due delivery once; the messages sent.
async fn deliver_all(world: &World, now: jiff::Timestamp) -> Vec<OutboundMessage> {
    let before = world.notifier.sent().len();
    let due = world.deps.stores.delivery_due.claim_due(now, SignedDuration::from_secs(30), 100).await.unwrap();
    for delivery in due {
        deliver(&world.deps, Deliver { delivery }, now).await.unwrap();
    }
    world.notifier.sent().into_iter().skip(before).collect()
}

fn link_params(text: &str, marker: &str) -> (String, String) {
    let start = text.find(marker).expect("the link is in the mail");
    let query = text[start..].split_whitespace().next().unwrap().split_once('?').unwrap().1;
    let get = |name: &str| query.split('&').find_map(|p| p.strip_prefix(&format!("{name}="))).unwrap().to_owned();
    (get("s"), get("t"))
}

#[tokio::test]
async fn a_component_shows_its_monitors_state_and_a_group_its_worst_member() {
    let world = World::new();
    let monitor = world.monitor().await;
    let page = page(&world, "acme").await;
    let (page, group) = component(&world, &page, serde_json::json!({"name": "Europe", "group": true})).await;
    let (page, api) =
        component(&world, &page, serde_json::json!({"name": "API", "group_id": group.to_string(), "monitors": [monitor.to_string()]}))
            .await;
    let (page, docs) = component(&world, &page, serde_json::json!({"name": "Docs", "group_id": group.to_string()})).await;

    world.check(monitor, 10, 200).await;
    let snapshot = current_snapshot(&world.deps, &page, at(11)).await.unwrap();
    assert_eq!(snapshot.indicator, Indicator::None);
    world.check(monitor, 20, 503).await;
    let snapshot = world.deps.stores.status_snapshots.snapshot(world.tenant, page.id).await.unwrap().unwrap();
    assert_eq!(snapshot.computed_at, at(20), "the status change computed the page again at once");
    let status = |id| snapshot.component(id).unwrap().status;
    assert_eq!(
        (status(api), status(docs), status(group)),
        (ComponentStatus::MajorOutage, ComponentStatus::Operational, ComponentStatus::MajorOutage)
    );
    assert_eq!(snapshot.indicator, Indicator::Critical);
    let today = snapshot.component(api).unwrap().days.last().copied().flatten();
    assert_eq!(today, Some(50.0), "one check passed and one failed today");
    assert!(snapshot.component(api).unwrap().sources.is_empty(), "the monitor's name and URL are not shown unless chosen");
    assert_eq!(snapshot.components.iter().map(|c| c.position).collect::<Vec<_>>(), [1, 1, 2]);

    let manual = PutComponent {
        actor: world.actor(),
        page_id: page.id,
        component_id: Some(group),
        draft: from_json(serde_json::json!({"status": "under_maintenance"})),
    };
    let (page, _) = put_component(&world.deps, manual, at(30)).await.unwrap();
    let snapshot = current_snapshot(&world.deps, &page, at(31)).await.unwrap();
    assert_eq!(snapshot.component(group).unwrap().status, ComponentStatus::UnderMaintenance, "a group set by hand");
    let shown = PutComponent {
        actor: world.actor(),
        page_id: page.id,
        component_id: Some(api),
        draft: from_json(serde_json::json!({"show_sources": true})),
    };
    let (page, _) = put_component(&world.deps, shown, at(32)).await.unwrap();
    let snapshot = current_snapshot(&world.deps, &page, at(33)).await.unwrap();
    assert_eq!(snapshot.component(api).unwrap().sources[0].url.as_deref(), Some("https://example.com/"));
}

#[tokio::test]
async fn slugs_are_unique_across_organisations_and_viewers_change_nothing() {
    let world = World::new();
    page(&world, "acme").await;
    let other = Actor::system(TenantId::from_uuid(uuid::Uuid::from_u128(99)));
    let draft = from_json(serde_json::json!({"name": "Other", "slug": "acme"}));
    let Err(StatusPageError::Invalid(errors)) = create_page(&world.deps, CreatePage { actor: other, draft }, at(1)).await else { panic!() };
    assert_eq!(errors.0[0].field, "slug");
    let viewer = Actor::member(world.tenant, UserId::from_uuid(uuid::Uuid::from_u128(5)), Role::Viewer, "viewer@example.com");
    let draft = from_json(serde_json::json!({"name": "Mine", "slug": "mine"}));
    assert!(matches!(
        create_page(&world.deps, CreatePage { actor: viewer.clone(), draft }, at(1)).await,
        Err(StatusPageError::Forbidden(_))
    ));
    assert_eq!(list_pages(&world.deps, &viewer).await.unwrap().len(), 1, "a viewer reads");
}

#[tokio::test]
async fn an_auto_publishing_component_posts_and_resolves_with_its_monitor() {
    let world = World::new();
    let (quiet, loud) = (world.monitor().await, world.monitor().await);
    let page = page(&world, "acme").await;
    let (page, _) = component(&world, &page, serde_json::json!({"name": "Quiet", "monitors": [quiet.to_string()]})).await;
    let (page, api) =
        component(&world, &page, serde_json::json!({"name": "API", "monitors": [loud.to_string()], "auto_publish": true})).await;
    world.check(quiet, 10, 503).await;
    let posts = |world: &World| {
        let deps = world.deps.clone();
        let page_id = page.id;
        let tenant = world.tenant;
        async move { deps.stores.public_incidents.incidents(tenant, page_id, &PageRequest::first()).await.unwrap().items }
    };
    assert!(posts(&world).await.is_empty(), "auto-publish is off by default");
    world.check(loud, 10, 503).await;
    world.check(loud, 11, 503).await;
    let open = posts(&world).await;
    assert_eq!(open.len(), 1, "one post, whatever the redeliveries");
    assert_eq!((open[0].status(), open[0].name.as_str()), (PublicStatus::Investigating, "Problem affecting API"));
    assert_eq!(open[0].latest().impacts[&api], ComponentStatus::MajorOutage);
    assert!(!open[0].latest().body.contains("example.com"), "the monitor is never named");
    world.check(loud, 20, 200).await;
    let resolved = posts(&world).await;
    assert_eq!(resolved[0].status(), PublicStatus::Resolved);
    let snapshot = current_snapshot(&world.deps, &page, at(21)).await.unwrap();
    assert_eq!(snapshot.component(api).unwrap().status, ComponentStatus::Operational);
}

#[tokio::test]
async fn an_internal_incident_is_published_with_one_action_once() {
    let world = World::new();
    let monitor = world.monitor().await;
    let page = page(&world, "acme").await;
    let (page, _) = component(&world, &page, serde_json::json!({"name": "API", "monitors": [monitor.to_string()]})).await;
    world.check(monitor, 10, 503).await;
    let incident = world.ongoing(monitor).await.unwrap();
    let cmd = || PublishIncident {
        actor: world.actor(),
        incident_id: incident,
        page_id: page.id,
        name: Some("Slow API".into()),
        body: None,
        notify: true,
        follow: true,
    };
    let (first, new) = publish_incident(&world.deps, cmd(), at(12)).await.unwrap();
    let (second, again) = publish_incident(&world.deps, cmd(), at(13)).await.unwrap();
    assert!(new && !again);
    assert_eq!(first.id, second.id);
    assert_eq!(first.source, Some(incident));
    let snapshot = current_snapshot(&world.deps, &page, at(14)).await.unwrap();
    assert_eq!(snapshot.unresolved().count(), 1);
}

#[tokio::test]
async fn subscribers_confirm_receive_updates_and_leave_in_one_click() {
    let world = World::new();
    let page = page(&world, "acme").await;
    let (page, api) = component(&world, &page, serde_json::json!({"name": "API"})).await;
    let (page, docs) = component(&world, &page, serde_json::json!({"name": "Docs"})).await;
    let ask = |email: &str, components: Vec<String>| Subscribe { page: page.clone(), email: email.into(), components, locale: Locale::Fr };
    subscribe(&world.deps, ask("ann@example.com", vec![]), at(10)).await.unwrap();
    subscribe(&world.deps, ask("bob@example.com", vec![docs.to_string()]), at(10)).await.unwrap();
    subscribe(&world.deps, ask("ann@example.com", vec![]), at(20)).await.unwrap();
    let mails = deliver_all(&world, at(21)).await;
    assert_eq!(mails.len(), 2, "one confirmation each; asking again within ten minutes mails nothing");
    let OutboundMessage::Email { to, subject, text, headers } = &mails[0] else { panic!() };
    assert_eq!((to[0].as_str(), subject.as_str()), ("ann@example.com", "Confirmez votre abonnement à Acme status"));
    assert!(headers.iter().any(|(n, v)| n == "List-Unsubscribe" && v.contains("/status/acme/unsubscribe?s=")));

    // Nothing reaches an address before it confirms.
    let draft = from_json(
        serde_json::json!({"name": "Slow API", "body": "Looking into it.", "components": {api.to_string(): "degraded_performance"}}),
    );
    let (incident, told) =
        post_incident(&world.deps, PostIncident { actor: world.actor(), page_id: page.id, draft }, at(30)).await.unwrap();
    assert_eq!(told, 0);

    let (id, token) = link_params(text, "/subscribe/confirm?");
    assert!(confirm_subscription(&world.deps, &page, id.parse().unwrap(), "wrong", at(40)).await.is_err());
    confirm_subscription(&world.deps, &page, id.parse().unwrap(), &token, at(40)).await.unwrap();
    let OutboundMessage::Email { text: bob_text, .. } = &mails[1] else { panic!() };
    let (bob, bob_token) = link_params(bob_text, "/subscribe/confirm?");
    confirm_subscription(&world.deps, &page, bob.parse().unwrap(), &bob_token, at(40)).await.unwrap();

    let update = |body: &str, notify: bool| PostUpdate {
        actor: world.actor(),
        incident_id: incident.id,
        draft: from_json(serde_json::json!({"status": "identified", "body": body, "notify": notify})),
    };
    let (_, told) = post_update(&world.deps, update("Found it.", true), at(50)).await.unwrap();
    assert_eq!(told, 1, "Ann follows everything; Bob only Docs, which this incident does not touch");
    let (_, told) = post_update(&world.deps, update("Quietly noted.", false), at(51)).await.unwrap();
    assert_eq!(told, 0, "an update that does not notify");
    let mails = deliver_all(&world, at(52)).await;
    assert_eq!(mails.len(), 1);
    let OutboundMessage::Email { subject, text, .. } = &mails[0] else { panic!() };
    assert_eq!(subject, "[Acme status] Slow API: Cause identifiée");
    let (id, unsubscribe_token) = link_params(text, "/unsubscribe?");
    assert!(unsubscribe(&world.deps, &page, id.parse().unwrap(), &unsubscribe_token).await.unwrap());
    assert!(!unsubscribe(&world.deps, &page, id.parse().unwrap(), &unsubscribe_token).await.unwrap(), "twice is harmless");
    let resolved = PostUpdate {
        actor: world.actor(),
        incident_id: incident.id,
        draft: from_json(serde_json::json!({"status": "resolved", "body": "Fixed."})),
    };
    let (done, told) = post_update(&world.deps, resolved, at(60)).await.unwrap();
    assert_eq!((done.status(), told), (PublicStatus::Resolved, 0), "nobody left to tell");
    let late = PostUpdate {
        actor: world.actor(),
        incident_id: incident.id,
        draft: from_json(serde_json::json!({"status": "monitoring", "body": "More."})),
    };
    assert!(matches!(post_update(&world.deps, late, at(61)).await, Err(StatusPageError::Closed(_))));
}

#[tokio::test]
async fn a_webhook_subscriber_is_told_at_once_and_signed() {
    let world = World::new();
    let page = page(&world, "acme").await;
    let cmd = AddSubscriber {
        actor: world.actor(),
        page_id: page.id,
        draft: from_json(serde_json::json!({"type": "webhook", "url": "https://hooks.example.com/s"})),
    };
    let hook = add_subscriber(&world.deps, cmd, at(1)).await.unwrap();
    assert!(hook.is_confirmed());
    let draft = from_json(serde_json::json!({"name": "Outage", "body": "Down.", "status": "investigating"}));
    post_incident(&world.deps, PostIncident { actor: world.actor(), page_id: page.id, draft }, at(2)).await.unwrap();
    let sent = deliver_all(&world, at(3)).await;
    assert_eq!(sent.len(), 1);
    let OutboundMessage::Http { headers, .. } = &sent[0] else { panic!("{sent:?}") };
    assert!(headers.iter().any(|(n, v)| n == "webhook-signature" && v.starts_with("v1,")));
}

#[tokio::test]
async fn protected_pages_admit_who_they_should() {
    let world = World::new();
    let draft = from_json(serde_json::json!({"name": "Internal", "slug": "internal", "access": "password", "password": "open sesame"}));
    let secret = create_page(&world.deps, CreatePage { actor: world.actor(), draft }, at(0)).await.unwrap();
    let anonymous = Reader::default();
    assert_eq!(admit(&world.deps, &secret, &anonymous).await.unwrap(), Err(Refusal::Password));
    assert_eq!(unlock_page(&world.deps, &secret, "wrong", "10.0.0.1", at(1)).await.unwrap(), Unlock::Wrong);
    let Unlock::Admitted(token) = unlock_page(&world.deps, &secret, "open sesame", "10.0.0.1", at(1)).await.unwrap() else { panic!() };
    assert_eq!(admit(&world.deps, &secret, &Reader { user: None, access_token: Some(token) }).await.unwrap(), Ok(()));
    for _ in 0..10 {
        unlock_page(&world.deps, &secret, "guess", "10.0.0.2", at(2)).await.unwrap();
    }
    assert_eq!(unlock_page(&world.deps, &secret, "open sesame", "10.0.0.2", at(3)).await.unwrap(), Unlock::Throttled);

    let draft = from_json(serde_json::json!({"name": "Members", "slug": "members", "access": "members"}));
    let members = create_page(&world.deps, CreatePage { actor: world.actor(), draft }, at(0)).await.unwrap();
    assert_eq!(admit(&world.deps, &members, &anonymous).await.unwrap(), Err(Refusal::Members));
    let stranger = Reader { user: Some(UserId::from_uuid(uuid::Uuid::from_u128(42))), access_token: None };
    assert_eq!(admit(&world.deps, &members, &stranger).await.unwrap(), Err(Refusal::Members));
    assert_eq!(find_public_page(&world.deps, &PageAddress::Slug("members".into())).await.unwrap().map(|p| p.id), Some(members.id));
}

#[tokio::test]
async fn badges_show_a_monitors_figures_by_token() {
    let world = World::new();
    let monitor = world.monitor().await;
    world.check(monitor, 10, 200).await;
    world.check(monitor, 20, 200).await;
    world.check(monitor, 30, 503).await;
    world.check(monitor, 40, 200).await;
    let cmd = CreateBadge { actor: world.actor(), draft: from_json(serde_json::json!({"target": "monitor", "id": monitor.to_string()})) };
    let badge = create_badge(&world.deps, cmd, at(41)).await.unwrap();
    assert!(badge.token.len() >= 40 && !badge.token.contains(&monitor.to_string()));
    let (_, figures) = badge_figures(&world.deps, &badge.token, at(41)).await.unwrap().unwrap();
    assert_eq!(figures.status, StatusFigure::Known(ComponentStatus::Operational));
    assert_eq!(figures.uptime[0], Some(75.0));
    assert_eq!(figures.face(BadgeKind::Uptime(UptimeWindow::Day), None).message, "75%");
    assert!(badge_figures(&world.deps, "not-a-token", at(41)).await.unwrap().is_none());
    delete_badge(&world.deps, &world.actor(), badge.id, at(42)).await.unwrap();
    assert!(badge_figures(&world.deps, &badge.token, at(43)).await.unwrap().is_none(), "a revoked token shows nothing");
}
