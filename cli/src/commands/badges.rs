//! `vigil badges`.

use super::Session;
use super::resolve::{self, Names, pick};
use super::status_pages::{component, page};
use crate::args::BadgeCommand;
use crate::failure::Failure;
use crate::output::{ago, short_id};
use jiff::Timestamp;
use vigil_api::{Badge, BadgeDraft};
use vigil_client::Client;

/// What a badge shows, in words: the monitor's, task's or component's name where it can be read.
async fn target(client: &Client, badge: &Badge) -> String {
    let kind = badge.target["kind"].as_str().unwrap_or("?");
    let id = badge.target["id"].as_str().unwrap_or_default();
    let name = match kind {
        "monitor" => match id.parse() {
            Ok(id) => client.get_monitor(id).await.ok().map(|m| m.name),
            Err(_) => None,
        },
        "task" => match id.parse() {
            Ok(id) => client.get_task(id).await.ok().map(|t| t.name),
            Err(_) => None,
        },
        _ => match (badge.target["page_id"].as_str().and_then(|p| p.parse().ok()), id.parse()) {
            (Some(page), Ok(id)) => {
                client.get_status_page(page).await.ok().and_then(|p| p.component(id).map(|c| format!("{}/{}", p.slug, c.name)))
            }
            _ => None,
        },
    };
    format!("{kind} {}", name.unwrap_or_else(|| short_id(&id)))
}

/// Runs `vigil badges …`.
pub async fn badges(session: &Session, command: BadgeCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        BadgeCommand::List => {
            let all = client.list_badges().await?;
            if out.json {
                out.json(&all);
            } else {
                let now = Timestamp::now();
                let mut rows = Vec::with_capacity(all.len());
                for b in &all {
                    rows.push(vec![
                        out.dim(&short_id(&b.id)),
                        target(client, b).await,
                        b.label.clone().unwrap_or_else(|| "-".into()),
                        ago(Some(b.created_at), now),
                        b.svg_url.clone(),
                    ]);
                }
                out.table(&["ID", "SHOWS", "LABEL", "MADE", "SVG"], &rows);
            }
        }
        BadgeCommand::Create { monitor, task, component: part, label } => {
            let draft = match (monitor, task, part) {
                (Some(m), _, _) => {
                    BadgeDraft { target: "monitor".into(), id: resolve::monitor(client, &m).await?.id.to_string(), page_id: None, label }
                }
                (_, Some(t), _) => {
                    BadgeDraft { target: "task".into(), id: resolve::task(client, &t).await?.id.to_string(), page_id: None, label }
                }
                (_, _, Some(reference)) => {
                    let (page_ref, component_ref) = reference
                        .split_once('/')
                        .ok_or_else(|| Failure::usage(format!("`{reference}` is not PAGE/COMPONENT (like acme/Login)")))?;
                    let found = page(client, page_ref).await?;
                    let id = component(&found, component_ref)?.id.to_string();
                    BadgeDraft { target: "component".into(), id, page_id: Some(found.id.to_string()), label }
                }
                (None, None, None) => return Err(Failure::usage("name what the badge shows: --monitor, --task or --component")),
            };
            let made = client.create_badge(&draft).await?;
            if out.json {
                out.json(&made);
            } else {
                let base = made.svg_url.trim_end_matches("status.svg");
                println!("Made a badge of {}.", target(client, &made).await);
                println!("  status    {}", made.svg_url);
                println!("  uptime    {base}uptime-24h.svg  {base}uptime-7d.svg  {base}uptime-30d.svg");
                println!("  response  {base}response-time.svg");
                println!("  shields   https://img.shields.io/endpoint?url={}", made.shields_url);
                println!("  markdown  ![status]({})", made.svg_url);
            }
        }
        BadgeCommand::Delete { badge } => {
            let all = client.list_badges().await?;
            let gone = pick(all, &badge, "badge", |b| Names {
                id: b.id.to_string(),
                names: b.label.as_deref().into_iter().collect(),
                managed: None,
            })?;
            client.delete_badge(gone.id).await?;
            if !out.json {
                println!("Deleted the badge of {}: its addresses answer 404 from now on.", target(client, &gone).await);
            }
        }
    }
    Ok(0)
}
