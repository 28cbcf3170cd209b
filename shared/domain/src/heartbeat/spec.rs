//! What a task is: its name, slug, schedule and time limits. A [`TaskSpec`] is only built from
//! a [`TaskDraft`] that passed every rule.

use super::cron::CronExpr;
use super::names::Slug;
use crate::managed::{Managed, nullable};
use crate::monitor::{FieldError, SpecErrors};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Limits.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 200;
    /// Shortest period, grace, and run time limit, in seconds.
    pub const MIN_SECONDS: u32 = 1;
    /// Longest period, grace, and run time limit: 365 days.
    pub const MAX_SECONDS: u32 = 365 * 24 * 3600;
}

/// Defaults, as Healthchecks has them.
pub mod defaults {
    /// One day between pings.
    pub const PERIOD_SECONDS: u32 = 24 * 3600;
    /// One hour of grace.
    pub const GRACE_SECONDS: u32 = 3600;
    /// Cron expressions are read in UTC unless told otherwise.
    pub const TIMEZONE: &str = "UTC";
}

/// A task as a client sends it; absent fields take defaults on creation and keep their value
/// on update; `null` clears the optional ones.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "Nightly backup", "cron": "0 2 * * *", "timezone": "Europe/Riga", "grace_seconds": 1800
})))]
#[serde(deny_unknown_fields)]
pub struct TaskDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Slug for `/ping/<ping-key>/<slug>` URLs: lowercase letters, digits and dashes.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub slug: Option<Option<String>>,
    /// Seconds between runs (a period schedule; one day when neither this nor `cron` is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<u32>,
    /// A cron expression (a cron schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cron: Option<String>,
    /// The IANA time zone the cron expression is read in (UTC by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// How late a ping may be before the task is Down, in seconds (an hour by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_seconds: Option<u32>,
    /// Longest a started run may take, in seconds (the grace time when not set).
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub max_run_seconds: Option<Option<u32>>,
    /// Shortest a run may take to count as a success, in seconds.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub min_run_seconds: Option<Option<u32>>,
    /// Expect one run only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_shot: Option<bool>,
    /// The monitoring-as-code file managing the task; `null` on an update detaches it.
    #[serde(default, deserialize_with = "nullable", skip_serializing_if = "Option::is_none")]
    pub managed: Option<Option<Managed>>,
}

/// When runs are expected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TaskSchedule {
    /// A run every `seconds` after the last one.
    Period {
        /// Seconds between runs.
        seconds: u32,
    },
    /// A run at every fire time of a cron expression, read in a time zone.
    Cron {
        /// The expression.
        expr: CronExpr,
        /// The IANA time zone name.
        timezone: String,
    },
}

impl TaskSchedule {
    /// When the next run is expected after one at `last`; `None` if never.
    pub fn next_after(&self, last: Timestamp) -> Option<Timestamp> {
        match self {
            TaskSchedule::Period { seconds } => last.checked_add(SignedDuration::from_secs(i64::from(*seconds))).ok(),
            TaskSchedule::Cron { expr, timezone } => {
                // Validated when the spec was built; a zone that vanished from the system's
                // database is read as UTC rather than never expecting a run.
                let zone = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
                expr.next_after(last, &zone)
            }
        }
    }
}

/// A validated task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSpec {
    /// Display name.
    pub name: String,
    /// Slug, unique within the tenant.
    pub slug: Option<Slug>,
    /// When runs are expected.
    pub schedule: TaskSchedule,
    /// Seconds a run may be late before the task is Down.
    pub grace_seconds: u32,
    /// Longest a started run may take (the grace time when not set, as in Healthchecks).
    pub max_run_seconds: Option<u32>,
    /// Shortest a run may take to count as a success.
    pub min_run_seconds: Option<u32>,
    /// One run only: after it, nothing more is expected.
    pub one_shot: bool,
    /// The monitoring-as-code file managing the task, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

fn seconds(d: u32) -> SignedDuration {
    SignedDuration::from_secs(i64::from(d))
}

impl TaskSpec {
    /// The grace time.
    pub fn grace(&self) -> SignedDuration {
        seconds(self.grace_seconds)
    }

    /// The longest a started run may take.
    pub fn max_run(&self) -> SignedDuration {
        seconds(self.max_run_seconds.unwrap_or(self.grace_seconds))
    }

    /// The shortest a successful run may take.
    pub fn min_run(&self) -> Option<SignedDuration> {
        self.min_run_seconds.map(seconds)
    }

    /// Validates a draft, filling defaults; reports every broken rule at once.
    pub fn from_draft(draft: &TaskDraft) -> Result<Self, SpecErrors> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });
        let in_bounds = |value: u32| (limits::MIN_SECONDS..=limits::MAX_SECONDS).contains(&value);
        let bounds = format!("must be between {} and {} seconds (365 days)", limits::MIN_SECONDS, limits::MAX_SECONDS);

        let name = match draft.name.as_deref().map(str::trim) {
            None | Some("") => {
                fail("name", "is required and must not be blank".into());
                String::new()
            }
            Some(name) if name.chars().count() > limits::NAME_CHARS => {
                fail("name", format!("must be at most {} characters", limits::NAME_CHARS));
                String::new()
            }
            Some(name) => name.to_owned(),
        };

        let slug = match draft.slug.clone().flatten() {
            None => None,
            Some(text) => match text.parse::<Slug>() {
                Ok(slug) => Some(slug),
                Err(message) => {
                    fail("slug", message);
                    None
                }
            },
        };

        let schedule = match (&draft.period_seconds, &draft.cron) {
            (Some(_), Some(_)) => {
                fail("cron", "a task has either period_seconds or cron, not both".into());
                None
            }
            (_, Some(source)) => {
                let timezone = draft.timezone.clone().unwrap_or_else(|| defaults::TIMEZONE.to_owned());
                let zone_ok = TimeZone::get(&timezone).is_ok();
                if !zone_ok {
                    fail("timezone", format!("`{timezone}` is not a time zone of the IANA database (like Europe/Riga)"));
                }
                match CronExpr::parse(source) {
                    // An expression that never fires would leave the task expecting nothing.
                    Ok(expr)
                        if expr.next_after(Timestamp::UNIX_EPOCH + SignedDuration::from_hours(24 * 365 * 30), &TimeZone::UTC).is_none() =>
                    {
                        fail("cron", format!("never fires: `{}` matches no date", source.trim()));
                        None
                    }
                    Ok(expr) => zone_ok.then_some(TaskSchedule::Cron { expr, timezone }),
                    Err(error) => {
                        fail("cron", error.to_string());
                        None
                    }
                }
            }
            (period, None) => {
                if draft.timezone.is_some() {
                    fail("timezone", "only applies to a cron schedule".into());
                }
                let period = period.unwrap_or(defaults::PERIOD_SECONDS);
                if in_bounds(period) {
                    Some(TaskSchedule::Period { seconds: period })
                } else {
                    fail("period_seconds", bounds.clone());
                    None
                }
            }
        };

        let grace_seconds = draft.grace_seconds.unwrap_or(defaults::GRACE_SECONDS);
        if !in_bounds(grace_seconds) {
            fail("grace_seconds", bounds.clone());
        }
        let max_run_seconds = draft.max_run_seconds.flatten();
        if max_run_seconds.is_some_and(|v| !in_bounds(v)) {
            fail("max_run_seconds", bounds.clone());
        }
        let min_run_seconds = draft.min_run_seconds.flatten();
        if min_run_seconds.is_some_and(|v| !in_bounds(v)) {
            fail("min_run_seconds", bounds);
        } else if let (Some(min), Some(max)) = (min_run_seconds, max_run_seconds)
            && min >= max
        {
            fail("min_run_seconds", "must be shorter than max_run_seconds".into());
        }
        let managed = draft.managed.clone().flatten();
        for problem in managed.as_ref().map(|m| m.problems("managed")).unwrap_or_default() {
            fail(&problem.field, problem.message);
        }

        match schedule {
            Some(schedule) if errors.is_empty() => Ok(Self {
                name,
                slug,
                schedule,
                grace_seconds,
                max_run_seconds,
                min_run_seconds,
                one_shot: draft.one_shot.unwrap_or(false),
                managed,
            }),
            _ => Err(SpecErrors(errors)),
        }
    }

    /// The draft this spec is built from, for applying a partial update on top of it.
    pub fn to_draft(&self) -> TaskDraft {
        let (period_seconds, cron, timezone) = match &self.schedule {
            TaskSchedule::Period { seconds } => (Some(*seconds), None, None),
            TaskSchedule::Cron { expr, timezone } => (None, Some(expr.source().to_owned()), Some(timezone.clone())),
        };
        TaskDraft {
            name: Some(self.name.clone()),
            slug: Some(self.slug.as_ref().map(|s| s.as_str().to_owned())),
            period_seconds,
            cron,
            timezone,
            grace_seconds: Some(self.grace_seconds),
            max_run_seconds: Some(self.max_run_seconds),
            min_run_seconds: Some(self.min_run_seconds),
            one_shot: Some(self.one_shot),
            managed: Some(self.managed.clone()),
        }
    }
}

impl TaskDraft {
    /// `self` with every field `patch` sets replaced. Setting a period drops the cron schedule
    /// and its zone; setting a cron expression drops the period.
    pub fn overlaid_with(mut self, patch: TaskDraft) -> TaskDraft {
        if patch.period_seconds.is_some() {
            self.cron = None;
            self.timezone = None;
        }
        if patch.cron.is_some() {
            self.period_seconds = None;
        }
        macro_rules! take {
            ($($field:ident),*) => { $( if patch.$field.is_some() { self.$field = patch.$field; } )* };
        }
        take!(name, slug, period_seconds, cron, timezone, grace_seconds, max_run_seconds, min_run_seconds, one_shot, managed);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(json: serde_json::Value) -> TaskDraft {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn defaults_follow_healthchecks() {
        let spec = TaskSpec::from_draft(&draft(serde_json::json!({"name": " Backup "}))).unwrap();
        assert_eq!(spec.name, "Backup");
        assert_eq!(spec.schedule, TaskSchedule::Period { seconds: 86_400 });
        assert_eq!(spec.grace_seconds, 3600);
        assert_eq!(spec.max_run(), SignedDuration::from_hours(1), "a start must finish within the grace time");
        assert!(!spec.one_shot);
    }

    #[test]
    fn field_rules() {
        let cases: &[(serde_json::Value, &str, &str)] = &[
            (serde_json::json!({}), "name", "required"),
            (serde_json::json!({"name": "x", "slug": "Not OK"}), "slug", "a-z"),
            (serde_json::json!({"name": "x", "period_seconds": 0}), "period_seconds", "between 1"),
            (serde_json::json!({"name": "x", "period_seconds": 40_000_000}), "period_seconds", "365 days"),
            (serde_json::json!({"name": "x", "grace_seconds": 0}), "grace_seconds", "between"),
            (serde_json::json!({"name": "x", "cron": "* * *"}), "cron", "five fields"),
            (serde_json::json!({"name": "x", "cron": "61 * * * *"}), "cron", "bad minute"),
            (serde_json::json!({"name": "x", "cron": "1 1 */100 * MON#4"}), "cron", "never fires"),
            (serde_json::json!({"name": "x", "cron": "0 2 * * *", "timezone": "Mars/Olympus"}), "timezone", "IANA"),
            (serde_json::json!({"name": "x", "period_seconds": 60, "timezone": "UTC"}), "timezone", "only applies"),
            (serde_json::json!({"name": "x", "period_seconds": 60, "cron": "* * * * *"}), "cron", "not both"),
            (serde_json::json!({"name": "x", "max_run_seconds": 10, "min_run_seconds": 10}), "min_run_seconds", "shorter"),
        ];
        for (json, field, needle) in cases {
            let errors = TaskSpec::from_draft(&draft(json.clone())).unwrap_err().0;
            assert!(errors.iter().any(|e| e.field == *field && e.message.contains(needle)), "{json}: {errors:?}");
        }
    }

    #[test]
    fn schedules_expect_the_next_run() {
        let t = |s: &str| s.parse::<Timestamp>().unwrap();
        let period = TaskSchedule::Period { seconds: 3600 };
        assert_eq!(period.next_after(t("2024-01-01T00:00:00Z")), Some(t("2024-01-01T01:00:00Z")));
        let cron = TaskSchedule::Cron { expr: CronExpr::parse("30 2 * * *").unwrap(), timezone: "Europe/Riga".into() };
        assert_eq!(cron.next_after(t("2024-01-01T00:00:00Z")), Some(t("2024-01-01T00:30:00Z")));
    }

    #[test]
    fn updates_overlay_and_switch_schedules() {
        let spec = TaskSpec::from_draft(&draft(
            serde_json::json!({"name": "x", "cron": "0 2 * * *", "timezone": "Europe/Riga", "max_run_seconds": 60}),
        ))
        .unwrap();
        let patched = spec.to_draft().overlaid_with(draft(serde_json::json!({"period_seconds": 600, "max_run_seconds": null})));
        let updated = TaskSpec::from_draft(&patched).unwrap();
        assert_eq!(updated.schedule, TaskSchedule::Period { seconds: 600 });
        assert_eq!(updated.max_run_seconds, None);
        assert_eq!(TaskSpec::from_draft(&spec.to_draft()).unwrap(), spec);
        let stored = serde_json::to_string(&spec).unwrap();
        assert_eq!(serde_json::from_str::<TaskSpec>(&stored).unwrap(), spec);
    }
}
