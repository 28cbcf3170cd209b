//! `GET /hosts`: every host with its state (in words and a shape), its latest CPU, memory,
//! fullest disk and load, and when it last reported.

use super::{percent, shell};
use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::live;
use crate::page::render;
use crate::pages::state_badge::Badge;
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use vigil_app::hosts::{HostView, latest_sample, list_hosts};
use vigil_domain::access::Action;
use vigil_domain::agent::sample::HostSample;

/// A host's row.
struct HostRow {
    href: String,
    name: String,
    badge: Badge,
    cpu: String,
    memory: String,
    disk: String,
    load: String,
    last_seen: String,
    firing: String,
}

#[derive(Template)]
#[template(path = "hosts/list.html")]
struct ListPage {
    shell: Shell,
    hosts: Vec<HostRow>,
    may_manage: bool,
    live: &'static str,
}

/// The latest figures of a host, in words; dashes where the sample has none.
pub(super) struct Figures {
    pub(super) cpu: String,
    pub(super) memory: String,
    pub(super) disk: String,
    pub(super) load: String,
}

impl Figures {
    pub(super) fn of(tr: &Tr, sample: Option<&HostSample>) -> Self {
        let dash = || "—".to_owned();
        let Some(sample) = sample else { return Self { cpu: dash(), memory: dash(), disk: dash(), load: dash() } };
        let memory = &sample.memory;
        let used = memory.total_bytes.saturating_sub(memory.available_bytes) as f64;
        // Used against used and available, as df counts it (blocks reserved for root aside).
        let fullest = sample.disks.iter().max_by(|a, b| a.used_percent().total_cmp(&b.used_percent()));
        Self {
            cpu: sample.cpu.as_ref().map_or_else(dash, |c| percent(tr, c.total_percent)),
            memory: if memory.total_bytes > 0 { percent(tr, used * 100.0 / memory.total_bytes as f64) } else { dash() },
            disk: fullest.map_or_else(dash, |d| tr.a2(msg("hosts.disk_of"), "percent", percent(tr, d.used_percent()), "mount", &d.mount)),
            load: sample.load.as_ref().map_or_else(dash, |l| tr.decimal(l.one, 2)),
        }
    }
}

/// `?notice=`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NoticeQuery {
    pub(super) notice: Option<String>,
}

fn row(visitor: &Visitor, view: &HostView, sample: Option<&HostSample>) -> HostRow {
    let tr = &visitor.tr;
    let figures = Figures::of(tr, sample);
    HostRow {
        href: visitor.link(&format!("/hosts/{}", view.host.id)),
        name: view.host.name.clone(),
        badge: Badge::host(tr, view.status),
        cpu: figures.cpu,
        memory: figures.memory,
        disk: figures.disk,
        load: figures.load,
        last_seen: view.host.progress.last_seen_at.map_or_else(|| tr.t(msg("hosts.never")).to_owned(), |at| tr.datetime(at)),
        firing: view.firing.iter().map(|(rule, _)| rule.name.clone()).collect::<Vec<_>>().join(", "),
    }
}

/// `GET /hosts`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("hosts.title")).await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let views = list_hosts(&visitor.deps, &actor).await.map_err(|e| Failure::of(&visitor, e))?;
    let mut hosts = Vec::with_capacity(views.len());
    for view in &views {
        let sample = latest_sample(&visitor.deps, &actor, view.host.id).await.map_err(|e| Failure::of(&visitor, e))?;
        hosts.push(row(&visitor, view, sample.as_ref()));
    }
    let page = ListPage { hosts, may_manage: actor.may(Action::ManageHosts), live: live::mode(&visitor.deps), shell };
    Ok(render(&visitor, &page))
}
