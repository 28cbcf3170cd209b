//! `GET /mutes`: the monitors nobody is notified about, until when; muting one (for a while,
//! until a moment, or until unmuted) and unmuting.

use super::selection::{Choice, Subjects};
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use std::collections::BTreeSet;
use vigil_app::SystemClock;
use vigil_app::notifications::{ListMutes, MuteMonitor, UnmuteMonitor, list_mutes, mute_monitor, unmute_monitor};
use vigil_domain::access::Action;
use vigil_domain::ids::MonitorId;
use vigil_domain::incident::IncidentSubject;

/// A mute's row.
struct MuteRow {
    monitor_id: String,
    name: String,
    since: String,
    until: String,
}

#[derive(Template)]
#[template(path = "notifications/mutes.html")]
struct MutesPage {
    shell: Shell,
    sections: Vec<Section>,
    errors: Refusal,
    mutes: Vec<MuteRow>,
    monitors: Vec<Choice>,
    lengths: Vec<Choice>,
    until: String,
    may_edit: bool,
    reader_zone: String,
}

/// How long a mute lasts, as the form offers it: seconds and message (`0`: until unmuted).
const LENGTHS: [(i64, &str); 5] = [
    (3600, msg("mutes.for.hour")),
    (4 * 3600, msg("mutes.for.four_hours")),
    (86_400, msg("mutes.for.day")),
    (7 * 86_400, msg("mutes.for.week")),
    (0, msg("mutes.for.ever")),
];

/// The mute form.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct MuteForm {
    #[serde(default)]
    monitor: String,
    #[serde(rename = "for", default)]
    length: String,
    /// A moment typed in the reader's zone; wins over `for` when given.
    #[serde(default)]
    until: String,
}

async fn page(visitor: &Visitor, errors: Refusal, form: &MuteForm, notice: Option<&str>) -> Result<MutesPage, Failure> {
    let shell = shell(visitor, msg("mutes.title"), "mutes").await?.with_notice(notice);
    let actor = visitor.member()?.actor.clone();
    let tr = &visitor.tr;
    let now = SystemClock::now();
    let mutes = list_mutes(&visitor.deps, ListMutes { actor: actor.clone() }, now).await.map_err(|e| Failure::of(visitor, e))?;
    let subjects = Subjects::read(visitor, now).await?;
    let names = subjects.monitor_names();
    let rows = mutes
        .iter()
        .filter_map(|mute| {
            let IncidentSubject::Monitor(id) = mute.subject else { return None };
            let id = id.to_string();
            Some(MuteRow {
                name: names.get(id.as_str()).map_or_else(|| id.clone(), |n| (*n).to_owned()),
                monitor_id: id,
                since: tr.datetime(mute.created_at),
                until: mute.until.map_or_else(|| tr.t(msg("mutes.until_unmuted")).to_owned(), |at| tr.datetime(at)),
            })
        })
        .collect();
    let chosen: BTreeSet<String> = [form.monitor.clone()].into();
    let length = if form.length.is_empty() { "3600" } else { form.length.as_str() };
    Ok(MutesPage {
        sections: sections(&shell),
        errors,
        mutes: rows,
        monitors: subjects.monitor_choices(&chosen),
        lengths: LENGTHS
            .iter()
            .map(|(seconds, key)| Choice { value: seconds.to_string(), name: tr.t(key).to_owned(), checked: seconds.to_string() == length })
            .collect(),
        until: form.until.clone(),
        may_edit: actor.may(Action::EditAlerting),
        reader_zone: visitor.member.as_ref().map_or_else(|| "UTC".to_owned(), |m| m.user.time_zone.clone()),
        shell,
    })
}

/// `?notice=`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /mutes`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let page = page(&visitor, Refusal::default(), &MuteForm::default(), query.notice.as_deref()).await?;
    Ok(render(&visitor, &page))
}

/// When a mute posted at `now` ends: `Ok(None)` until unmuted.
fn until(tr: &Tr, form: &MuteForm, now: Timestamp) -> Result<Option<Timestamp>, Refusal> {
    if !form.until.trim().is_empty() {
        let civil: jiff::civil::DateTime =
            form.until.trim().parse().map_err(|_| Refusal::field_error(tr, "until", msg("windows.bad_moment")))?;
        let at = civil.to_zoned_datetime(tr.zone().clone()).map_err(|_| Refusal::field_error(tr, "until", msg("windows.bad_moment")))?;
        return if at.timestamp() > now { Ok(Some(at.timestamp())) } else { Err(Refusal::field_error(tr, "until", msg("mutes.past"))) };
    }
    match form.length.parse::<i64>() {
        Ok(0) => Ok(None),
        Ok(seconds) if LENGTHS.iter().any(|(s, _)| *s == seconds) => Ok(Some(now + SignedDuration::from_secs(seconds))),
        _ => Err(Refusal::field_error(tr, "for", msg("mutes.bad_length"))),
    }
}

/// `POST /mutes`.
pub(crate) async fn mute(posted: Posted<MuteForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let now = SystemClock::now();
    let tr = &visitor.tr;
    let monitor = form.monitor.parse::<MonitorId>().map_err(|_| Refusal::field_error(tr, "monitor", msg("mutes.pick_monitor")));
    let errors = match (monitor, until(tr, &form, now)) {
        (Ok(monitor_id), Ok(until)) => match mute_monitor(&visitor.deps, MuteMonitor { actor, monitor_id, until }, now).await {
            Ok(_) => return Ok(see_other(&visitor.link("/mutes?notice=muted"))),
            Err(error) => error.sort(tr).map_err(|reason| reason.page(&visitor))?,
        },
        (Err(errors), _) | (_, Err(errors)) => errors,
    };
    let page = page(&visitor, errors, &form, None).await?;
    Ok(refused(&visitor, &page))
}

/// `POST /mutes/{monitor}/unmute`.
pub(crate) async fn unmute(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let monitor_id: MonitorId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    unmute_monitor(&visitor.deps, UnmuteMonitor { actor, monitor_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/mutes?notice=unmuted")))
}
