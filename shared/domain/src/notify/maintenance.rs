//! Maintenance windows (one-off, or recurring in a time zone) and per-subject mutes: checks
//! still run and incidents still open, but nobody is notified.

use super::selector::{Selector, SelectorDraft};
use super::{InvalidInput, Problems};
use crate::ids::{MaintenanceWindowId, TenantId};
use crate::incident::IncidentSubject;
use crate::managed::Managed;
use jiff::civil::{Time, Weekday};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// A day of the week, as clients write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl Day {
    fn of(weekday: Weekday) -> Self {
        match weekday {
            Weekday::Monday => Day::Mon,
            Weekday::Tuesday => Day::Tue,
            Weekday::Wednesday => Day::Wed,
            Weekday::Thursday => Day::Thu,
            Weekday::Friday => Day::Fri,
            Weekday::Saturday => Day::Sat,
            Weekday::Sunday => Day::Sun,
        }
    }
}

/// When a window is active.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum WindowSchedule {
    /// Once, from `starts_at` to `ends_at`.
    OneOff {
        /// Start (inclusive).
        #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
        starts_at: Timestamp,
        /// End (exclusive).
        #[cfg_attr(feature = "schema", schema(value_type = String, format = DateTime))]
        ends_at: Timestamp,
    },
    /// Every listed day (every day if none), from `start` local time for `duration_minutes`.
    Recurring {
        /// An IANA time zone, like `Europe/Paris`.
        timezone: String,
        /// The days it starts on; empty for every day.
        #[serde(default)]
        days: BTreeSet<Day>,
        /// Local start time, `HH:MM`.
        start: String,
        /// How long it lasts.
        duration_minutes: u32,
    },
}

/// The bundled time zone database: windows are judged without reading the filesystem.
fn zones() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// Longest window, in minutes (a week).
const MAX_MINUTES: u32 = 7 * 24 * 60;

impl WindowSchedule {
    /// Checks the schedule.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let mut problems = Problems::default();
        match self {
            WindowSchedule::OneOff { starts_at, ends_at } => {
                if ends_at <= starts_at {
                    problems.add("schedule.ends_at", "must be after starts_at");
                }
            }
            WindowSchedule::Recurring { timezone, start, duration_minutes, .. } => {
                if zones().get(timezone).is_err() {
                    problems.add("schedule.timezone", format!("`{timezone}` is not an IANA time zone like Europe/Paris"));
                }
                if parse_start(start).is_none() {
                    problems.add("schedule.start", "must be a local time HH:MM");
                }
                if !(1..=MAX_MINUTES).contains(duration_minutes) {
                    problems.add("schedule.duration_minutes", format!("must be between 1 and {MAX_MINUTES} (a week)"));
                }
            }
        }
        problems.finish(|| ())
    }

    /// Whether the window covers `at`.
    pub fn is_active(&self, at: Timestamp) -> bool {
        match self {
            WindowSchedule::OneOff { starts_at, ends_at } => *starts_at <= at && at < *ends_at,
            WindowSchedule::Recurring { timezone, days, start, duration_minutes } => {
                let (Ok(tz), Some(start)) = (zones().get(timezone), parse_start(start)) else { return false };
                recurring_covers(&tz, days, start, *duration_minutes, at)
            }
        }
    }
}

impl WindowSchedule {
    /// The occurrence running at `now`, or else the next one starting within a week: its start
    /// and end.
    pub fn current_or_next(&self, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        match self {
            WindowSchedule::OneOff { starts_at, ends_at } => (*ends_at > now).then_some((*starts_at, *ends_at)),
            WindowSchedule::Recurring { timezone, days, start, duration_minutes } => {
                let (Ok(tz), Some(start)) = (zones().get(timezone), parse_start(start)) else { return None };
                let length = SignedDuration::from_mins(i64::from(*duration_minutes));
                let today = now.to_zoned_datetime(tz.clone()).date();
                // Occurrences last at most a week: one that began eight days ago is over.
                let mut day = today.checked_sub(jiff::Span::new().days(8)).ok()?;
                for _ in 0..=16 {
                    if (days.is_empty() || days.contains(&Day::of(day.weekday())))
                        && let Ok(begins) = day.to_datetime(start).to_zoned_datetime(tz.clone())
                    {
                        let begins = begins.timestamp();
                        if begins + length > now && begins <= now + SignedDuration::from_hours(24 * 7) {
                            return Some((begins, begins + length));
                        }
                    }
                    day = day.tomorrow().ok()?;
                }
                None
            }
        }
    }
}

fn parse_start(text: &str) -> Option<Time> {
    let (hour, minute) = text.split_once(':')?;
    let (hour, minute): (i8, i8) = (hour.parse().ok()?, minute.parse().ok()?);
    Time::new(hour, minute, 0, 0).ok()
}

/// Whether an occurrence starting on some recent local day covers `at`. Occurrences last at
/// most a week, so the days from eight days back to today are enough.
fn recurring_covers(tz: &TimeZone, days: &BTreeSet<Day>, start: Time, minutes: u32, at: Timestamp) -> bool {
    let today = at.to_zoned_datetime(tz.clone()).date();
    let mut day = today;
    for _ in 0..=8 {
        if days.is_empty() || days.contains(&Day::of(day.weekday())) {
            // A start inside a DST gap moves forward, as clocks do.
            if let Ok(begins) = day.to_datetime(start).to_zoned_datetime(tz.clone()) {
                let begins = begins.timestamp();
                let ends = begins + SignedDuration::from_mins(i64::from(minutes));
                if begins <= at && at < ends {
                    return true;
                }
            }
        }
        match day.yesterday() {
            Ok(previous) => day = previous,
            Err(_) => break,
        }
    }
    false
}

/// A stored maintenance window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    /// Identity.
    pub id: MaintenanceWindowId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// Which monitors and tasks.
    pub select: Selector,
    /// When.
    pub schedule: WindowSchedule,
    /// When it was created.
    pub created_at: Timestamp,
    /// The monitoring-as-code file managing the window, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
    /// What status pages say of it, if it is shown on them (before and while it runs, on
    /// every page with a component fed by what it selects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<PublicMaintenance>,
}

/// What status pages say of a maintenance window marked public.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicMaintenance {
    /// Its title on the page (1 to 200 characters).
    pub title: String,
    /// What readers are told (at most 2,000 characters).
    #[serde(default)]
    pub message: String,
}

/// A window as a client sends it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "Sunday upgrades", "select": {"tags": ["prod"]},
    "schedule": {"type": "recurring", "timezone": "Europe/Paris", "days": ["sun"], "start": "02:00", "duration_minutes": 90}
})))]
#[serde(deny_unknown_fields)]
pub struct MaintenanceDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which monitors and tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<SelectorDraft>,
    /// When.
    pub schedule: WindowSchedule,
    /// The monitoring-as-code file managing the window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
    /// Show it on status pages, with this title and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<PublicMaintenance>,
}

/// A validated maintenance window draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WindowSettings {
    /// Display name.
    pub name: String,
    /// Which monitors and tasks.
    pub select: Selector,
    /// When.
    pub schedule: WindowSchedule,
    /// What status pages say of it.
    pub public: Option<PublicMaintenance>,
}

impl MaintenanceDraft {
    /// Validates the draft.
    pub fn validate(self) -> Result<WindowSettings, InvalidInput> {
        let mut problems = Problems::default();
        let name = self.name.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            problems.add("name", "is required, 1 to 200 characters");
        }
        let select = self.select.unwrap_or_default().validate("select", &mut problems);
        if select.is_empty() {
            problems.add("select", "must select something: `all`, `monitors`, `tasks` or `tags`");
        }
        if let Err(errors) = self.schedule.validate() {
            problems.0.extend(errors.0);
        }
        problems.0.extend(self.managed.as_ref().map(|m| m.problems("managed")).unwrap_or_default());
        let public = self.public.map(|p| PublicMaintenance { title: p.title.trim().to_owned(), message: p.message.trim().to_owned() });
        if let Some(p) = &public {
            if p.title.is_empty() || p.title.chars().count() > 200 {
                problems.add("public.title", "is required, 1 to 200 characters");
            }
            if p.message.chars().count() > 2000 {
                problems.add("public.message", "must be at most 2,000 characters");
            }
        }
        let schedule = self.schedule;
        problems.finish(|| WindowSettings { name, select, schedule, public })
    }
}

/// A subject nobody is notified about, until `until` (or until unmuted).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    /// Owner.
    pub tenant_id: TenantId,
    /// The monitor or task.
    pub subject: IncidentSubject,
    /// The end of the mute; `None` for until unmuted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
    /// When it was set.
    pub created_at: Timestamp,
}

impl Mute {
    /// Whether the mute holds at `at`.
    pub fn is_active(&self, at: Timestamp) -> bool {
        self.until.is_none_or(|until| at < until)
    }
}

/// Why an incident of `subject` (carrying `tags`) opening at `at` notifies nobody, if it does
/// not: the first active mute or maintenance window covering it.
pub fn silence_reason(
    subject: &IncidentSubject,
    tags: &BTreeSet<String>,
    windows: &[MaintenanceWindow],
    mutes: &[Mute],
    at: Timestamp,
) -> Option<String> {
    if let Some(mute) = mutes.iter().find(|m| m.subject == *subject && m.is_active(at)) {
        return Some(match mute.until {
            Some(until) => format!("{} is muted until {until}", subject.kind()),
            None => format!("{} is muted", subject.kind()),
        });
    }
    windows.iter().find(|w| w.select.matches(subject, tags) && w.schedule.is_active(at)).map(|w| format!("maintenance window `{}`", w.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MonitorId;
    use uuid::Uuid;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn recurring(tz: &str, days: &[Day], start: &str, minutes: u32) -> WindowSchedule {
        WindowSchedule::Recurring {
            timezone: tz.into(),
            days: days.iter().copied().collect(),
            start: start.into(),
            duration_minutes: minutes,
        }
    }

    #[test]
    fn activity_table() {
        let one_off = WindowSchedule::OneOff { starts_at: at("2026-03-01T10:00:00Z"), ends_at: at("2026-03-01T12:00:00Z") };
        // Sundays 02:00-04:00 in Paris (UTC+1 in winter, UTC+2 in summer).
        let sunday_paris = recurring("Europe/Paris", &[Day::Sun], "02:00", 120);
        // Every day 23:00 for 2 h in New York: crosses midnight.
        let nightly_ny = recurring("America/New_York", &[], "23:00", 120);
        let cases = [
            ("one-off inside", &one_off, "2026-03-01T11:59:59Z", true),
            ("one-off start is inclusive", &one_off, "2026-03-01T10:00:00Z", true),
            ("one-off end is exclusive", &one_off, "2026-03-01T12:00:00Z", false),
            ("one-off before", &one_off, "2026-03-01T09:59:59Z", false),
            ("sunday winter 02:30 Paris = 01:30 UTC", &sunday_paris, "2026-01-04T01:30:00Z", true),
            ("sunday winter 04:00 Paris is the end", &sunday_paris, "2026-01-04T03:00:00Z", false),
            ("sunday summer 02:30 Paris = 00:30 UTC", &sunday_paris, "2026-07-05T00:30:00Z", true),
            ("monday is not sunday", &sunday_paris, "2026-01-05T01:30:00Z", false),
            ("nightly before midnight", &nightly_ny, "2026-01-06T04:30:00Z", true),
            ("nightly after midnight, from yesterday", &nightly_ny, "2026-01-06T05:30:00Z", true),
            ("nightly over", &nightly_ny, "2026-01-06T06:00:00Z", false),
        ];
        for (name, schedule, time, expected) in cases {
            assert_eq!(schedule.is_active(at(time)), expected, "{name}");
        }
    }

    #[test]
    fn the_running_or_next_occurrence() {
        let one_off = WindowSchedule::OneOff { starts_at: at("2026-03-01T10:00:00Z"), ends_at: at("2026-03-01T12:00:00Z") };
        let sunday_paris = recurring("Europe/Paris", &[Day::Sun], "02:00", 120);
        let cases = [
            ("one-off ahead", &one_off, "2026-02-20T00:00:00Z", Some(("2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z"))),
            ("one-off running", &one_off, "2026-03-01T11:00:00Z", Some(("2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z"))),
            ("one-off over", &one_off, "2026-03-01T12:00:00Z", None),
            ("next sunday", &sunday_paris, "2026-01-07T12:00:00Z", Some(("2026-01-11T01:00:00Z", "2026-01-11T03:00:00Z"))),
            ("this sunday, running", &sunday_paris, "2026-01-11T02:00:00Z", Some(("2026-01-11T01:00:00Z", "2026-01-11T03:00:00Z"))),
            ("summer time", &sunday_paris, "2026-07-04T12:00:00Z", Some(("2026-07-05T00:00:00Z", "2026-07-05T02:00:00Z"))),
        ];
        for (name, schedule, now, want) in cases {
            assert_eq!(schedule.current_or_next(at(now)), want.map(|(a, b)| (at(a), at(b))), "{name}");
        }
    }

    #[test]
    fn schedules_are_validated() {
        assert!(recurring("Mars/Olympus", &[], "02:00", 60).validate().is_err());
        assert!(recurring("UTC", &[], "25:00", 60).validate().is_err());
        assert!(recurring("UTC", &[], "02:00", 0).validate().is_err());
        assert!(recurring("Asia/Tokyo", &[Day::Mon], "02:30", 60).validate().is_ok());
        let backwards = WindowSchedule::OneOff { starts_at: at("2026-03-01T12:00:00Z"), ends_at: at("2026-03-01T10:00:00Z") };
        assert!(backwards.validate().is_err());
    }

    #[test]
    fn mutes_come_before_windows_and_expire() {
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        let m = IncidentSubject::Monitor(MonitorId::from_uuid(Uuid::from_u128(2)));
        let other = IncidentSubject::Monitor(MonitorId::from_uuid(Uuid::from_u128(3)));
        let prod: BTreeSet<String> = ["prod".into()].into();
        let window = MaintenanceWindow {
            id: MaintenanceWindowId::from_uuid(Uuid::from_u128(4)),
            tenant_id: tenant,
            name: "upgrade".into(),
            select: Selector { tags: prod.clone(), ..Selector::default() },
            schedule: WindowSchedule::OneOff { starts_at: at("2026-03-01T10:00:00Z"), ends_at: at("2026-03-01T12:00:00Z") },
            created_at: at("2026-02-01T00:00:00Z"),
            managed: None,
            public: None,
        };
        let mute = Mute { tenant_id: tenant, subject: m, until: Some(at("2026-03-01T11:00:00Z")), created_at: at("2026-02-01T00:00:00Z") };
        let windows = [window];
        let mutes = [mute];
        let reason = |s: &IncidentSubject, tags: &BTreeSet<String>, t: &str| silence_reason(s, tags, &windows, &mutes, at(t));
        assert!(reason(&m, &BTreeSet::new(), "2026-03-01T10:30:00Z").unwrap().contains("muted until"));
        assert_eq!(reason(&m, &prod, "2026-03-01T11:30:00Z").unwrap(), "maintenance window `upgrade`");
        assert_eq!(reason(&m, &BTreeSet::new(), "2026-03-01T11:30:00Z"), None, "mute over, window does not select it");
        assert_eq!(reason(&other, &prod, "2026-03-01T12:30:00Z"), None, "window over");
    }
}
