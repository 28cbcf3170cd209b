//! Which monitors and tasks a rule or a maintenance window covers.

use super::Problems;
use crate::ids::{MonitorId, TaskId};
use crate::incident::IncidentSubject;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Subjects by id or by tag, or all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Selector {
    /// Every monitor and task of the tenant.
    #[serde(default)]
    pub all: bool,
    /// These monitors.
    #[serde(default)]
    pub monitors: BTreeSet<MonitorId>,
    /// These tasks.
    #[serde(default)]
    pub tasks: BTreeSet<TaskId>,
    /// Subjects carrying any of these tags.
    #[serde(default)]
    pub tags: BTreeSet<String>,
}

impl Selector {
    /// Whether it selects nothing at all (a mistake worth refusing).
    pub fn is_empty(&self) -> bool {
        !self.all && self.monitors.is_empty() && self.tasks.is_empty() && self.tags.is_empty()
    }

    /// Whether `subject` carrying `tags` is selected. Hosts are selected by `all` or by the
    /// tags given when they were enrolled.
    pub fn matches(&self, subject: &IncidentSubject, tags: &BTreeSet<String>) -> bool {
        self.all
            || match subject {
                IncidentSubject::Monitor(id) => self.monitors.contains(id),
                IncidentSubject::Task(id) => self.tasks.contains(id),
                IncidentSubject::Host(_) => false,
            }
            || !self.tags.is_disjoint(tags)
    }
}

/// A selector as a client sends it: ids as text, so that each bad one is reported by its path
/// rather than failing the whole body at the first.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SelectorDraft {
    /// Every monitor and task of the tenant.
    #[serde(default)]
    pub all: bool,
    /// Monitor ids.
    #[serde(default)]
    pub monitors: Vec<String>,
    /// Task ids.
    #[serde(default)]
    pub tasks: Vec<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeSet<String>,
}

impl SelectorDraft {
    /// The selector, with a problem under `field` (e.g. `select.monitors[1]`) for each id that
    /// is not one.
    pub(crate) fn validate(self, field: &str, problems: &mut Problems) -> Selector {
        Selector {
            all: self.all,
            monitors: parse_ids(&format!("{field}.monitors"), &self.monitors, "monitor", problems).into_iter().collect(),
            tasks: parse_ids(&format!("{field}.tasks"), &self.tasks, "task", problems).into_iter().collect(),
            tags: self.tags,
        }
    }
}

/// Parses each of `raw` as an id, adding a problem `field[i]` for each that is not one.
pub(crate) fn parse_ids<T: std::str::FromStr>(field: &str, raw: &[String], kind: &str, problems: &mut Problems) -> Vec<T> {
    raw.iter()
        .enumerate()
        .filter_map(|(i, text)| match text.trim().parse() {
            Ok(id) => Some(id),
            Err(_) => {
                problems.add(
                    format!("{field}[{i}]"),
                    format!("`{text}` is not a {kind} id (ids look like 0192f3a4-5b6c-7d8e-9f01-23456789abcd)"),
                );
                None
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn selection_table() {
        let m1 = MonitorId::from_uuid(Uuid::from_u128(1));
        let m2 = MonitorId::from_uuid(Uuid::from_u128(2));
        let t1 = TaskId::from_uuid(Uuid::from_u128(1));
        let prod: BTreeSet<String> = ["prod".to_owned()].into();
        let none = BTreeSet::new();
        let by_id = Selector { monitors: [m1].into(), ..Selector::default() };
        let by_tag = Selector { tags: ["prod".to_owned()].into(), ..Selector::default() };
        let by_task = Selector { tasks: [t1].into(), ..Selector::default() };
        let all = Selector { all: true, ..Selector::default() };
        let cases = [
            ("listed monitor", &by_id, IncidentSubject::Monitor(m1), &none, true),
            ("other monitor", &by_id, IncidentSubject::Monitor(m2), &none, false),
            ("a task with the same uuid is not the monitor", &by_id, IncidentSubject::Task(t1), &none, false),
            ("tag", &by_tag, IncidentSubject::Monitor(m2), &prod, true),
            ("no tag", &by_tag, IncidentSubject::Monitor(m2), &none, false),
            ("listed task", &by_task, IncidentSubject::Task(t1), &none, true),
            ("all", &all, IncidentSubject::Task(t1), &none, true),
            ("a host by its tag", &by_tag, IncidentSubject::Host(crate::ids::HostWatchId::from_uuid(Uuid::from_u128(1))), &prod, true),
            ("a host without the tag", &by_id, IncidentSubject::Host(crate::ids::HostWatchId::from_uuid(Uuid::from_u128(1))), &none, false),
            ("every host", &all, IncidentSubject::Host(crate::ids::HostWatchId::from_uuid(Uuid::from_u128(1))), &none, true),
        ];
        for (name, selector, subject, tags, expected) in cases {
            assert_eq!(selector.matches(&subject, tags), expected, "{name}");
        }
        assert!(Selector::default().is_empty());
        assert!(!all.is_empty());
    }
}
