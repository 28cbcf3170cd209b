//! `vigil status-pages`: pages, their components, public incidents and subscribers.

use super::Session;
use super::login::read_input;
use super::resolve::{self, Names, pick};
use crate::args::{ComponentArgs, ComponentCommand, PageSettingsArgs, StatusPageCommand};
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use futures::{StreamExt, TryStreamExt};
use jiff::Timestamp;
use std::collections::BTreeMap;
use vigil_api::{
    ComponentDraft, PublicIncident, PublicIncidentDraft, PublicUpdateDraft, PublishRequest, StatusComponent, StatusPage, StatusPageDraft,
    Subscriber, SubscriberDraft,
};
use vigil_client::Client;

pub(super) use super::badges::badges;

/// The page `reference` names, by slug, name or id.
pub(super) async fn page(client: &Client, reference: &str) -> Result<StatusPage, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_status_page(id).await?);
    }
    let pages = client.list_status_pages().await?;
    pick(pages, reference, "status page", |p| Names { id: p.id.to_string(), names: vec![&p.slug, &p.name], managed: None })
}

/// The component of `page` that `reference` names, by name or id.
pub(super) fn component<'a>(page: &'a StatusPage, reference: &str) -> Result<&'a StatusComponent, Failure> {
    let found = pick(page.components.iter().collect(), reference, "component", |c| Names {
        id: c.id.to_string(),
        names: vec![&c.name],
        managed: None,
    });
    found.map_err(|e| Failure::new(e.code, format!("{} on page `{}`", e.message, page.slug)))
}

fn access(out: &Output, page: &StatusPage) -> String {
    match page.access.as_str() {
        "public" => "public".into(),
        other => out.paint("33", other),
    }
}

fn row(out: &Output, page: &StatusPage) -> Vec<String> {
    vec![
        out.dim(&short_id(&page.id)),
        page.slug.clone(),
        page.name.clone(),
        access(out, page),
        page.components.iter().filter(|c| !c.is_group).count().to_string(),
        page.custom_domain.clone().map_or_else(|| page.url.clone(), |d| format!("https://{d}")),
    ]
}

/// What feeds a component, in words: its monitors' and tasks' names.
async fn sources(client: &Client, c: &StatusComponent) -> String {
    if c.is_group {
        return "group: shows its worst component".into();
    }
    let mut names = Vec::new();
    for id in &c.sources.monitors {
        names.push(client.get_monitor(*id).await.map_or_else(|_| format!("monitor {}", short_id(id)), |m| format!("monitor {}", m.name)));
    }
    for id in &c.sources.tasks {
        names.push(client.get_task(*id).await.map_or_else(|_| format!("task {}", short_id(id)), |t| format!("task {}", t.name)));
    }
    if names.is_empty() { "set by hand only".into() } else { names.join(", ") }
}

async fn show(client: &Client, out: &Output, page: &StatusPage) -> Result<(), Failure> {
    let open: Vec<PublicIncident> =
        client.public_incidents(page.id).take(20).try_filter(|i| std::future::ready(i.status.as_str() != "resolved")).try_collect().await?;
    if out.json {
        out.json(&serde_json::json!({"page": page, "open_incidents": open}));
        return Ok(());
    }
    println!("{}  {}", out.bold(&page.name), out.dim(&page.id.to_string()));
    let lines = [
        ("address", page.url.clone()),
        ("domain", page.custom_domain.clone().unwrap_or_else(|| "-".into())),
        ("access", access(out, page)),
        ("language", page.default_locale.as_str().to_owned()),
        ("time zone", page.time_zone.clone()),
        ("indexed", if page.no_index { "no".into() } else { "yes".into() }),
    ];
    for (label, value) in lines {
        println!("  {} {value}", out.dim(&format!("{label:<9}")));
    }
    println!("\n{}", out.bold("Components"));
    if page.components.is_empty() {
        println!("  none yet: `vigil status-pages component add {} NAME --monitor MONITOR`", page.slug);
    }
    for top in page.components.iter().filter(|c| c.group_id.is_none()) {
        let members = page.components.iter().filter(|c| c.group_id == Some(top.id));
        for (depth, c) in std::iter::once((0, top)).chain(members.map(|m| (1, m))) {
            let state = c.manual.map_or_else(|| out.dim("automatic"), |m| out.status(m.as_str()));
            let indent = "  ".repeat(depth + 1);
            println!("{indent}{}  {}  {state}  {}", out.dim(&short_id(&c.id)), c.name, out.dim(&sources(client, c).await));
        }
    }
    println!("\n{}", out.bold("Open incidents"));
    if open.is_empty() {
        println!("  none");
    }
    let now = Timestamp::now();
    for i in &open {
        println!(
            "  {}  {}  {}  {}",
            out.dim(&short_id(&i.id)),
            out.status(i.status.as_str()),
            i.name,
            out.dim(&ago(Some(i.created_at), now))
        );
    }
    Ok(())
}

fn settings_draft(settings: PageSettingsArgs) -> Result<StatusPageDraft, Failure> {
    let password = match settings.access.as_deref() {
        Some("password") => Some(read_input("Page password (8 characters or more): ", true, "page password")?),
        _ => None,
    };
    Ok(StatusPageDraft {
        name: settings.name,
        slug: settings.slug,
        description: settings.description,
        custom_domain: settings.domain,
        access: settings.access,
        password,
        no_index: settings.no_index,
        default_locale: settings.locale,
        time_zone: settings.time_zone,
    })
}

/// The draft of a component's settings, with monitors, tasks and group resolved to ids.
async fn component_draft(client: &Client, page: &StatusPage, args: ComponentArgs) -> Result<ComponentDraft, Failure> {
    let group_id = match args.within.as_deref() {
        None => None,
        Some("") => Some(String::new()),
        Some(group) => Some(component(page, group)?.id.to_string()),
    };
    let mut monitors = Vec::new();
    for reference in &args.monitors {
        monitors.push(resolve::monitor(client, reference).await?.id.to_string());
    }
    let mut tasks = Vec::new();
    for reference in &args.tasks {
        tasks.push(resolve::task(client, reference).await?.id.to_string());
    }
    Ok(ComponentDraft {
        description: args.description,
        group_id,
        monitors: (!args.monitors.is_empty()).then_some(monitors),
        tasks: (!args.tasks.is_empty()).then_some(tasks),
        auto_publish: args.auto_publish,
        show_sources: args.show_sources,
        position: args.position,
        ..ComponentDraft::default()
    })
}

/// `COMPONENT=STATE` pairs as component ids to states.
fn impacts(page: &StatusPage, pairs: &[String]) -> Result<BTreeMap<String, String>, Failure> {
    pairs
        .iter()
        .map(|pair| {
            let (name, state) = pair
                .rsplit_once('=')
                .ok_or_else(|| Failure::usage(format!("`{pair}` is not COMPONENT=STATE (like API=partial_outage)")))?;
            Ok((component(page, name)?.id.to_string(), state.to_owned()))
        })
        .collect()
}

/// The public incident of `page` that `reference` names, by title or id.
async fn public_incident(client: &Client, page: &StatusPage, reference: &str) -> Result<PublicIncident, Failure> {
    let all: Vec<PublicIncident> = client.public_incidents(page.id).take(200).try_collect().await?;
    pick(all, reference, "public incident", |i| Names { id: i.id.to_string(), names: vec![&i.name], managed: None })
}

fn posted(out: &Output, incident: &PublicIncident, what: &str) {
    if out.json {
        return out.json(incident);
    }
    let told = incident.subscribers_told.unwrap_or(0);
    println!("{what} `{}` ({}); {told} subscriber(s) told.", incident.name, incident.status.as_str());
}

fn subscriber_row(out: &Output, s: &Subscriber, now: Timestamp) -> Vec<String> {
    let address = s.email.clone().or_else(|| s.url.clone()).unwrap_or_default();
    let confirmed = if s.confirmed { "confirmed".into() } else { out.status("pending") };
    let components = if s.components.is_empty() { "all".into() } else { s.components.len().to_string() };
    vec![out.dim(&short_id(&s.id)), s.kind.clone(), address, confirmed, components, ago(Some(s.created_at), now)]
}

/// Runs `vigil status-pages …`.
pub async fn pages(session: &Session, command: StatusPageCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        StatusPageCommand::List => {
            let pages = client.list_status_pages().await?;
            if out.json {
                out.json(&pages);
            } else {
                let rows: Vec<_> = pages.iter().map(|p| row(out, p)).collect();
                out.table(&["ID", "SLUG", "NAME", "ACCESS", "COMPONENTS", "ADDRESS"], &rows);
            }
        }
        StatusPageCommand::Get { page: reference } => show(client, out, &page(client, &reference).await?).await?,
        StatusPageCommand::Create(settings) => {
            let made = client.create_status_page(&settings_draft(settings)?).await?;
            if out.json {
                out.json(&made);
            } else {
                println!("Made the status page {} at {}", made.name, made.url);
                println!("Add components: vigil status-pages component add {} NAME --monitor MONITOR", made.slug);
            }
        }
        StatusPageCommand::Set { page: reference, settings } => {
            let found = page(client, &reference).await?;
            let changed = client.update_status_page(found.id, &settings_draft(settings)?).await?;
            if out.json {
                out.json(&changed);
            } else {
                println!("Changed the status page {} ({}).", changed.name, changed.url);
            }
        }
        StatusPageCommand::Delete { page: reference } => {
            let found = page(client, &reference).await?;
            client.delete_status_page(found.id).await?;
            if !out.json {
                println!("Deleted the status page {} with its incidents and subscribers.", found.name);
            }
        }
        StatusPageCommand::Component(command) => return components(session, command).await,
        StatusPageCommand::Incidents { page: reference, limit } => {
            let found = page(client, &reference).await?;
            let incidents: Vec<PublicIncident> = client.public_incidents(found.id).take(limit).try_collect().await?;
            if out.json {
                out.json(&incidents);
            } else {
                let now = Timestamp::now();
                let rows: Vec<_> = incidents
                    .iter()
                    .map(|i| {
                        vec![
                            out.dim(&short_id(&i.id)),
                            out.status(i.status.as_str()),
                            i.name.clone(),
                            i.updates.len().to_string(),
                            ago(Some(i.created_at), now),
                        ]
                    })
                    .collect();
                out.table(&["ID", "STATUS", "TITLE", "UPDATES", "POSTED"], &rows);
            }
        }
        StatusPageCommand::Post { page: reference, title, body, status, affects, impact, quiet } => {
            let found = page(client, &reference).await?;
            let draft = PublicIncidentDraft {
                name: title,
                status: Some(status),
                body,
                components: impacts(&found, &affects)?,
                notify: Some(!quiet),
                impact,
            };
            posted(out, &client.post_public_incident(found.id, &draft).await?, "Posted");
        }
        StatusPageCommand::Update { page: reference, incident, status, body, affects, quiet } => {
            let found = page(client, &reference).await?;
            let target = public_incident(client, &found, &incident).await?;
            let components = if affects.is_empty() { None } else { Some(impacts(&found, &affects)?) };
            let draft = PublicUpdateDraft { status, body, components, notify: Some(!quiet) };
            posted(out, &client.post_public_update(target.id, &draft).await?, "Updated");
        }
        StatusPageCommand::Publish { page: reference, incident, title, body, quiet } => {
            let found = page(client, &reference).await?;
            let internal = resolve::incident(client, &incident).await?;
            let request = PublishRequest { page_id: found.id.to_string(), name: title, body, notify: Some(!quiet), follow: None };
            posted(out, &client.publish_incident(internal.id, &request).await?, "Published");
        }
        StatusPageCommand::Subscribers { page: reference } => {
            let found = page(client, &reference).await?;
            let all: Vec<Subscriber> = client.subscribers(found.id).try_collect().await?;
            if out.json {
                out.json(&all);
            } else {
                let now = Timestamp::now();
                let rows: Vec<_> = all.iter().map(|s| subscriber_row(out, s, now)).collect();
                out.table(&["ID", "TYPE", "ADDRESS", "STATE", "COMPONENTS", "SINCE"], &rows);
            }
        }
        StatusPageCommand::Subscribe { page: reference, email, webhook, components: followed, locale } => {
            let found = page(client, &reference).await?;
            let components = followed.iter().map(|c| component(&found, c).map(|c| c.id.to_string())).collect::<Result<_, _>>()?;
            let (kind, email, url) = match (email, webhook) {
                (Some(email), _) => ("email", Some(email), None),
                (None, url) => ("webhook", None, url),
            };
            let draft = SubscriberDraft { kind: kind.to_owned(), email, url, components, locale };
            let added = client.add_subscriber(found.id, &draft).await?;
            if out.json {
                out.json(&added);
            } else if let Some(secret) = &added.secret {
                println!("Added the webhook {}.", added.url.as_deref().unwrap_or_default());
                println!("Its signing secret, shown this once (Standard Webhooks): {secret}");
            } else {
                println!(
                    "Mailed a confirmation link to {}: nothing is sent until it is followed.",
                    added.email.as_deref().unwrap_or_default()
                );
            }
        }
        StatusPageCommand::Unsubscribe { page: reference, subscriber } => {
            let found = page(client, &reference).await?;
            let all: Vec<Subscriber> = client.subscribers(found.id).try_collect().await?;
            let gone = pick(all, &subscriber, "subscriber", |s| Names {
                id: s.id.to_string(),
                names: [s.email.as_deref(), s.url.as_deref()].into_iter().flatten().collect(),
                managed: None,
            })?;
            client.remove_subscriber(found.id, gone.id).await?;
            if !out.json {
                println!("Removed the subscriber {}.", gone.email.or(gone.url).unwrap_or_default());
            }
        }
    }
    Ok(0)
}

async fn components(session: &Session, command: ComponentCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let (changed, said) = match command {
        ComponentCommand::Add { page: reference, name, group, settings } => {
            let found = page(client, &reference).await?;
            let said = format!("Added the {} {name} to", if group { "group" } else { "component" });
            let draft = ComponentDraft { name: Some(name), group: Some(group), ..component_draft(client, &found, settings).await? };
            (client.add_component(found.id, &draft).await?, said)
        }
        ComponentCommand::Set { page: reference, component: target, name, state, settings } => {
            let found = page(client, &reference).await?;
            let current = component(&found, &target)?;
            let said = format!("Changed {} on", current.name);
            let draft = ComponentDraft { name, status: state, ..component_draft(client, &found, settings).await? };
            (client.update_component(found.id, current.id, &draft).await?, said)
        }
        ComponentCommand::Remove { page: reference, component: target } => {
            let found = page(client, &reference).await?;
            let current = component(&found, &target)?;
            let said = format!("Removed {}{} from", current.name, if current.is_group { " and its members" } else { "" });
            (client.remove_component(found.id, current.id).await?, said)
        }
    };
    if out.json {
        out.json(&changed);
    } else {
        println!("{said} {}; `vigil status-pages get {}` shows the page.", changed.name, changed.slug);
    }
    Ok(0)
}
