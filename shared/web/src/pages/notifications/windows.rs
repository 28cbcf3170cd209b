//! `GET /windows`: maintenance windows, one-off or recurring in a time zone, and whether each
//! is silencing now.

use super::selection::{Subjects, describe};
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{render, see_other};
use crate::pages::confirm;
use crate::pages::sign_in::Empty;
use crate::shell::Shell;
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use vigil_app::SystemClock;
use vigil_app::notifications::{DeleteWindow, GetWindow, ListWindows, delete_window, get_window, list_windows};
use vigil_domain::access::Action;
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::notify::WindowSchedule;
use vigil_domain::notify::maintenance::Day;

/// A window's row.
struct WindowRow {
    id: String,
    name: String,
    selects: String,
    schedule: String,
    active: bool,
    managed: bool,
}

#[derive(Template)]
#[template(path = "notifications/windows.html")]
struct WindowsPage {
    shell: Shell,
    sections: Vec<Section>,
    windows: Vec<WindowRow>,
    may_edit: bool,
}

/// The days of the week, in order, with their form value and message.
pub(super) const DAYS: [(Day, &str, &str); 7] = [
    (Day::Mon, "mon", msg("windows.day.mon")),
    (Day::Tue, "tue", msg("windows.day.tue")),
    (Day::Wed, "wed", msg("windows.day.wed")),
    (Day::Thu, "thu", msg("windows.day.thu")),
    (Day::Fri, "fri", msg("windows.day.fri")),
    (Day::Sat, "sat", msg("windows.day.sat")),
    (Day::Sun, "sun", msg("windows.day.sun")),
];

/// A schedule in words: a one-off window's ends in the reader's zone; a recurring window's
/// days, start and length in its own zone.
fn schedule_text(tr: &Tr, schedule: &WindowSchedule) -> String {
    match schedule {
        WindowSchedule::OneOff { starts_at, ends_at } => {
            tr.a2(msg("windows.one_off_text"), "from", tr.datetime(*starts_at), "until", tr.datetime(*ends_at))
        }
        WindowSchedule::Recurring { timezone, days, start, duration_minutes } => {
            let days = if days.is_empty() {
                tr.t(msg("windows.every_day")).to_owned()
            } else {
                DAYS.iter().filter(|(day, _, _)| days.contains(day)).map(|(_, _, key)| tr.t(key)).collect::<Vec<_>>().join(", ")
            };
            let length = span::seconds(tr, i64::from(*duration_minutes) * 60);
            format!(
                "{} {} ({timezone})",
                tr.a2(msg("windows.recurring_text"), "days", days, "start", start),
                tr.a(msg("windows.for_span"), "span", length)
            )
        }
    }
}

/// `?notice=`.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

/// `GET /windows`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("windows.title"), "windows").await?.with_notice(query.notice.as_deref());
    let actor = visitor.member()?.actor.clone();
    let now = SystemClock::now();
    let windows = list_windows(&visitor.deps, ListWindows { actor: actor.clone() }, now).await.map_err(|e| Failure::of(&visitor, e))?;
    let subjects = Subjects::read(&visitor, now).await?;
    let tr = &visitor.tr;
    let page = WindowsPage {
        sections: sections(&shell),
        windows: windows
            .iter()
            .map(|(window, active)| WindowRow {
                id: window.id.to_string(),
                name: window.name.clone(),
                selects: describe(tr, &window.select, &subjects),
                schedule: schedule_text(tr, &window.schedule),
                active: *active,
                managed: window.managed.is_some(),
            })
            .collect(),
        may_edit: actor.may(Action::EditAlerting),
        shell,
    };
    Ok(render(&visitor, &page))
}

/// `GET /windows/{id}/delete`.
pub(crate) async fn confirm_delete(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let shell = shell(&visitor, msg("windows.delete_title"), "windows").await?;
    let window_id: MaintenanceWindowId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let (window, _) =
        get_window(&visitor.deps, GetWindow { actor, window_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let tr = &visitor.tr;
    let question = tr.a(msg("windows.delete_confirm"), "name", &window.name);
    let action = visitor.link(&format!("/windows/{window_id}/delete"));
    Ok(confirm::ask(&visitor, shell, question, tr.t(msg("windows.delete")).to_owned(), action, visitor.link("/windows")))
}

/// `POST /windows/{id}/delete`.
pub(crate) async fn delete(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let window_id: MaintenanceWindowId = path_id(&visitor, &id)?;
    let actor = visitor.member()?.actor.clone();
    delete_window(&visitor.deps, DeleteWindow { actor, window_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    Ok(see_other(&visitor.link("/windows?notice=window_deleted")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn schedules_in_words() {
        let fr = Tr::new(Locale::Fr, "Europe/Paris");
        let recurring = WindowSchedule::Recurring {
            timezone: "Europe/Riga".into(),
            days: [Day::Sun, Day::Sat].into(),
            start: "02:00".into(),
            duration_minutes: 90,
        };
        assert_eq!(schedule_text(&fr, &recurring), "sam., dim. à 02:00 pendant 1 h 30 min (Europe/Riga)");
        let one_off =
            WindowSchedule::OneOff { starts_at: "2026-03-01T09:00:00Z".parse().unwrap(), ends_at: "2026-03-01T10:30:00Z".parse().unwrap() };
        assert_eq!(schedule_text(&fr, &one_off), "du 1 mars 2026 à 10:00 CET au 1 mars 2026 à 11:30 CET");
    }
}
