//! Which monitors and tasks a rule or a window covers, as a form picks them (everything, some
//! monitors, some tasks, some tags) and as a list says it.

use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::visitor::Visitor;
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};
use vigil_app::notifications::{ListSubjects, list_subjects};
use vigil_domain::notify::{Selector, SelectorDraft};

/// The organisation's monitors and tasks (the first 500 of each), by id.
pub(crate) struct Subjects {
    monitors: Vec<(String, String)>,
    tasks: Vec<(String, String)>,
}

impl Subjects {
    /// Reads them.
    pub(crate) async fn read(visitor: &Visitor, now: Timestamp) -> Result<Self, Failure> {
        let actor = visitor.member()?.actor.clone();
        let subjects = list_subjects(&visitor.deps, ListSubjects { actor }, now).await.map_err(|e| Failure::of(visitor, e))?;
        Ok(Self {
            monitors: subjects.monitors.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
            tasks: subjects.tasks.into_iter().map(|(id, name)| (id.to_string(), name)).collect(),
        })
    }

    /// The monitors, by id.
    pub(super) fn monitor_names(&self) -> HashMap<&str, &str> {
        self.monitors.iter().map(|(id, name)| (id.as_str(), name.as_str())).collect()
    }

    /// The monitors as choices, those in `chosen` checked.
    pub(crate) fn monitor_choices(&self, chosen: &BTreeSet<String>) -> Vec<Choice> {
        choices(&self.monitors, chosen)
    }

    /// The tasks as choices, those in `chosen` checked.
    pub(crate) fn task_choices(&self, chosen: &BTreeSet<String>) -> Vec<Choice> {
        choices(&self.tasks, chosen)
    }

    /// Every monitor's and task's name, by id.
    pub(crate) fn names(&self) -> HashMap<String, String> {
        self.monitors.iter().chain(&self.tasks).cloned().collect()
    }
}

/// One box to tick or option to pick.
#[derive(Clone, Debug)]
pub(crate) struct Choice {
    /// The value posted.
    pub(crate) value: String,
    /// What it is called.
    pub(crate) name: String,
    /// Whether it is ticked.
    pub(crate) checked: bool,
}

pub(super) fn choices(items: &[(String, String)], chosen: &BTreeSet<String>) -> Vec<Choice> {
    items.iter().map(|(id, name)| Choice { value: id.clone(), name: name.clone(), checked: chosen.contains(id) }).collect()
}

/// The selection as a form holds it.
#[derive(Clone, Debug, Default)]
pub(super) struct SelectionForm {
    all: bool,
    monitors: BTreeSet<String>,
    tasks: BTreeSet<String>,
    tags: String,
}

/// The selection, ready for a template.
pub(crate) struct SelectionView {
    /// Everything.
    pub(crate) all: bool,
    /// The monitors.
    pub(crate) monitors: Vec<Choice>,
    /// The tasks.
    pub(crate) tasks: Vec<Choice>,
    /// The tags, comma separated.
    pub(crate) tags: String,
    /// Whether a monitor is ticked (its list starts open).
    pub(crate) monitors_open: bool,
    /// Whether a task is ticked.
    pub(crate) tasks_open: bool,
}

/// Every value of `name` among the posted pairs.
pub(crate) fn values<'a>(pairs: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    pairs.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// The first value of `name`, or "".
pub(super) fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
}

impl SelectionForm {
    /// A stored selector's form.
    pub(super) fn of(selector: &Selector) -> Self {
        Self {
            all: selector.all,
            monitors: selector.monitors.iter().map(ToString::to_string).collect(),
            tasks: selector.tasks.iter().map(ToString::to_string).collect(),
            tags: selector.tags.iter().cloned().collect::<Vec<_>>().join(", "),
        }
    }

    /// The posted selection (`select_all`, `select_monitor`, `select_task`, `select_tags`).
    pub(super) fn posted(pairs: &[(String, String)]) -> Self {
        Self {
            all: !value(pairs, "select_all").is_empty(),
            monitors: values(pairs, "select_monitor").map(str::to_owned).collect(),
            tasks: values(pairs, "select_task").map(str::to_owned).collect(),
            tags: value(pairs, "select_tags").to_owned(),
        }
    }

    /// What the use cases take.
    pub(super) fn draft(&self) -> SelectorDraft {
        SelectorDraft {
            all: self.all,
            monitors: self.monitors.iter().cloned().collect(),
            tasks: self.tasks.iter().cloned().collect(),
            tags: self.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        }
    }

    /// The form with its choices.
    pub(super) fn view(&self, subjects: &Subjects) -> SelectionView {
        SelectionView {
            all: self.all,
            monitors: choices(&subjects.monitors, &self.monitors),
            tasks: choices(&subjects.tasks, &self.tasks),
            tags: self.tags.clone(),
            monitors_open: !self.monitors.is_empty(),
            tasks_open: !self.tasks.is_empty(),
        }
    }
}

/// A selector in words: "Everything", or the monitors, tasks and tags it names.
pub(super) fn describe(tr: &Tr, selector: &Selector, subjects: &Subjects) -> String {
    if selector.all {
        return tr.t(msg("rules.select.everything")).to_owned();
    }
    let named = |ids: Vec<String>, items: &[(String, String)]| -> Vec<String> {
        ids.into_iter().map(|id| items.iter().find(|(i, _)| *i == id).map_or(id, |(_, name)| name.clone())).collect()
    };
    let mut parts = Vec::new();
    let monitors = named(selector.monitors.iter().map(ToString::to_string).collect(), &subjects.monitors);
    if !monitors.is_empty() {
        parts.push(tr.a(msg("rules.select.monitors_list"), "names", monitors.join(", ")));
    }
    let tasks = named(selector.tasks.iter().map(ToString::to_string).collect(), &subjects.tasks);
    if !tasks.is_empty() {
        parts.push(tr.a(msg("rules.select.tasks_list"), "names", tasks.join(", ")));
    }
    if !selector.tags.is_empty() {
        parts.push(tr.a(msg("rules.select.tags_list"), "tags", selector.tags.iter().cloned().collect::<Vec<_>>().join(", ")));
    }
    parts.join(" · ")
}
