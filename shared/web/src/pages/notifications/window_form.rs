//! Making and changing a maintenance window: what it covers, and when: once (from and until,
//! typed in the reader's time zone), or on some days of the week at a local time in a zone,
//! for a length.

use super::selection::{Choice, SelectionForm, SelectionView, Subjects, value, values};
use super::windows::DAYS;
use super::{Section, path_id, sections, shell};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::pages::profile::zones;
use crate::shell::Shell;
use crate::span;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use jiff::Timestamp;
use std::collections::BTreeSet;
use vigil_app::SystemClock;
use vigil_app::notifications::{CreateWindow, GetWindow, ReplaceWindow, create_window, get_window, replace_window};
use vigil_domain::access::Action;
use vigil_domain::ids::MaintenanceWindowId;
use vigil_domain::notify::{MaintenanceDraft, MaintenanceWindow, WindowSchedule};

/// The window as the form holds it.
#[derive(Clone, Debug, Default)]
struct WindowForm {
    name: String,
    selection: SelectionForm,
    /// `one_off` or `recurring`.
    schedule: String,
    starts_at: String,
    ends_at: String,
    timezone: String,
    days: BTreeSet<String>,
    start: String,
    duration: String,
    duration_unit: String,
}

/// A moment as `<input type="datetime-local">` writes it, in the reader's zone.
fn local_input(tr: &Tr, at: Timestamp) -> String {
    at.to_zoned_datetime(tr.zone().clone()).strftime("%Y-%m-%dT%H:%M").to_string()
}

/// What `<input type="datetime-local">` sent, read in the reader's zone.
fn from_local_input(tr: &Tr, text: &str) -> Option<Timestamp> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    civil.to_zoned_datetime(tr.zone().clone()).ok().map(|z| z.timestamp())
}

impl WindowForm {
    fn fresh(zone: &str) -> Self {
        Self {
            schedule: "one_off".into(),
            timezone: zone.to_owned(),
            start: "02:00".into(),
            duration: "1".into(),
            duration_unit: "h".into(),
            ..Self::default()
        }
    }

    fn of(tr: &Tr, window: &MaintenanceWindow, zone: &str) -> Self {
        let mut form = Self { name: window.name.clone(), selection: SelectionForm::of(&window.select), ..Self::fresh(zone) };
        match &window.schedule {
            WindowSchedule::OneOff { starts_at, ends_at } => {
                (form.starts_at, form.ends_at) = (local_input(tr, *starts_at), local_input(tr, *ends_at));
            }
            WindowSchedule::Recurring { timezone, days, start, duration_minutes } => {
                form.schedule = "recurring".into();
                form.timezone = timezone.clone();
                form.days = DAYS.iter().filter(|(day, _, _)| days.contains(day)).map(|(_, value, _)| (*value).to_owned()).collect();
                form.start = start.clone();
                (form.duration, form.duration_unit) = span::in_unit(duration_minutes.saturating_mul(60));
            }
        }
        form
    }

    fn posted(pairs: &[(String, String)]) -> Self {
        let text = |name: &str| value(pairs, name).to_owned();
        Self {
            name: text("name"),
            selection: SelectionForm::posted(pairs),
            schedule: text("schedule"),
            starts_at: text("starts_at"),
            ends_at: text("ends_at"),
            timezone: text("timezone"),
            days: values(pairs, "day").map(str::to_owned).collect(),
            start: text("start"),
            duration: text("duration"),
            duration_unit: text("duration_unit"),
        }
    }

    fn draft(&self, tr: &Tr) -> Result<MaintenanceDraft, Refusal> {
        let refuse = |field: &str, key: &str| Refusal::field_error(tr, field, key);
        let schedule = if self.schedule == "recurring" {
            let minutes = match span::read(&self.duration, &self.duration_unit) {
                Ok(Some(seconds)) if seconds % 60 == 0 => seconds / 60,
                Ok(None) => return Err(refuse("duration", msg("task.form.required"))),
                _ => return Err(refuse("duration", msg("windows.whole_minutes"))),
            };
            WindowSchedule::Recurring {
                timezone: self.timezone.trim().to_owned(),
                days: DAYS.iter().filter(|(_, value, _)| self.days.contains(*value)).map(|(day, _, _)| *day).collect(),
                start: self.start.trim().to_owned(),
                duration_minutes: minutes,
            }
        } else {
            let starts_at = from_local_input(tr, &self.starts_at).ok_or_else(|| refuse("starts_at", msg("windows.bad_moment")))?;
            let ends_at = from_local_input(tr, &self.ends_at).ok_or_else(|| refuse("ends_at", msg("windows.bad_moment")))?;
            WindowSchedule::OneOff { starts_at, ends_at }
        };
        Ok(MaintenanceDraft { name: Some(self.name.clone()), select: Some(self.selection.draft()), schedule, managed: None, public: None })
    }
}

#[derive(Template)]
#[template(path = "notifications/window_form.html")]
struct FormPage {
    shell: Shell,
    sections: Vec<Section>,
    errors: Refusal,
    form: WindowForm,
    selection: SelectionView,
    days: Vec<Choice>,
    units: Vec<span::Unit>,
    zones: Vec<String>,
    /// The reader's zone, in which one-off moments are typed.
    reader_zone: String,
    action: String,
    is_new: bool,
}

fn reader_zone(visitor: &Visitor) -> String {
    visitor.member.as_ref().map_or_else(|| "UTC".to_owned(), |m| m.user.time_zone.clone())
}

async fn form_page(
    visitor: &Visitor,
    form: WindowForm,
    errors: Refusal,
    editing: Option<MaintenanceWindowId>,
) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("windows.edit_title") } else { msg("windows.new_title") };
    let shell = shell(visitor, title, "windows").await?;
    let subjects = Subjects::read(visitor, SystemClock::now()).await?;
    let tr = &visitor.tr;
    Ok(FormPage {
        sections: sections(&shell),
        errors,
        selection: form.selection.view(&subjects),
        days: DAYS
            .iter()
            .map(|(_, value, key)| Choice { value: (*value).to_owned(), name: tr.t(key).to_owned(), checked: form.days.contains(*value) })
            .collect(),
        units: span::units(tr, "min"),
        zones: zones(),
        reader_zone: reader_zone(visitor),
        action: match editing {
            Some(id) => visitor.link(&format!("/windows/{id}/edit")),
            None => visitor.link("/windows"),
        },
        is_new: editing.is_none(),
        form,
        shell,
    })
}

/// `GET /windows/new`.
pub(crate) async fn new(visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditAlerting)?;
    let page = form_page(&visitor, WindowForm::fresh(&reader_zone(&visitor)), Refusal::default(), None).await?;
    Ok(render(&visitor, &page))
}

/// `POST /windows`.
pub(crate) async fn create(posted: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let form = WindowForm::posted(&pairs);
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let errors = match form.draft(&visitor.tr) {
        Ok(draft) => match create_window(&visitor.deps, CreateWindow { actor, draft }, SystemClock::now()).await {
            Ok(_) => return Ok(see_other(&visitor.link("/windows?notice=window_saved"))),
            Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
        },
        Err(errors) => errors,
    };
    Ok(refused(&visitor, &form_page(&visitor, form, errors, None).await?))
}

/// `GET /windows/{id}/edit`.
pub(crate) async fn edit(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    let window_id: MaintenanceWindowId = path_id(&visitor, &id)?;
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let (window, _) =
        get_window(&visitor.deps, GetWindow { actor, window_id }, SystemClock::now()).await.map_err(|e| Failure::of(&visitor, e))?;
    let form = WindowForm::of(&visitor.tr, &window, &reader_zone(&visitor));
    Ok(render(&visitor, &form_page(&visitor, form, Refusal::default(), Some(window_id)).await?))
}

/// `POST /windows/{id}/edit`: replaced, keeping its monitoring-as-code mark.
pub(crate) async fn update(Path(id): Path<String>, posted: Posted<Vec<(String, String)>>) -> Result<Response, Failure> {
    let Posted { visitor, form: pairs } = posted;
    let window_id: MaintenanceWindowId = path_id(&visitor, &id)?;
    let form = WindowForm::posted(&pairs);
    let actor = allowed(&visitor, Action::EditAlerting)?;
    let now = SystemClock::now();
    let errors = match form.draft(&visitor.tr) {
        Ok(mut draft) => {
            let (current, _) = get_window(&visitor.deps, GetWindow { actor: actor.clone(), window_id }, now)
                .await
                .map_err(|e| Failure::of(&visitor, e))?;
            draft.managed = current.managed;
            // What status pages say of the window is edited through the API; the form keeps it.
            draft.public = current.public;
            match replace_window(&visitor.deps, ReplaceWindow { actor, window_id, draft }, now).await {
                Ok(_) => return Ok(see_other(&visitor.link("/windows?notice=window_saved"))),
                Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
            }
        }
        Err(errors) => errors,
    };
    Ok(refused(&visitor, &form_page(&visitor, form, errors, Some(window_id)).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;
    use vigil_domain::notify::maintenance::Day;

    #[test]
    fn one_off_moments_are_read_in_the_readers_zone_and_recurring_days_kept() {
        let tr = Tr::new(Locale::En, "Europe/Paris");
        let pairs: Vec<(String, String)> = [
            ("name", "Upgrade"),
            ("select_all", "on"),
            ("schedule", "one_off"),
            ("starts_at", "2026-03-01T10:00"),
            ("ends_at", "2026-03-01T11:30"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let draft = WindowForm::posted(&pairs).draft(&tr).unwrap();
        let WindowSchedule::OneOff { starts_at, ends_at } = draft.schedule else { panic!("one-off") };
        assert_eq!((starts_at.to_string(), ends_at.to_string()), ("2026-03-01T09:00:00Z".to_owned(), "2026-03-01T10:30:00Z".to_owned()));
        let window = MaintenanceWindow {
            id: MaintenanceWindowId::from_uuid(uuid::Uuid::nil()),
            tenant_id: vigil_domain::ids::TenantId::from_uuid(uuid::Uuid::nil()),
            name: "Sundays".into(),
            select: vigil_domain::notify::Selector { all: true, ..Default::default() },
            schedule: WindowSchedule::Recurring {
                timezone: "Europe/Riga".into(),
                days: [Day::Sun].into(),
                start: "02:00".into(),
                duration_minutes: 90,
            },
            created_at: Timestamp::UNIX_EPOCH,
            managed: None,
            public: None,
        };
        let form = WindowForm::of(&tr, &window, "UTC");
        assert_eq!((form.duration.as_str(), form.duration_unit.as_str(), form.days.len()), ("90", "min", 1));
        assert_eq!(form.draft(&tr).unwrap().schedule, window.schedule, "a window's form gives it back unchanged");
        let bad = WindowForm { schedule: "one_off".into(), starts_at: "tomorrow".into(), ..form };
        assert_eq!(bad.draft(&tr).unwrap_err().fields[0].0, "starts_at");
    }
}
