//! A page's snapshot in the reader's words: the banner, components with their bars, incidents
//! with their updates, and maintenance.

use crate::history::percent;
use crate::i18n::{Tr, msg};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use vigil_domain::status_page::{
    BarSpan, ComponentFacts, ComponentStatus, Indicator, MaintenanceFacts, PageSnapshot, PublicIncident, PublicStatus, day_bar, month_bar,
};

/// The words and the colour class of a component state; the class never stands alone.
pub(crate) fn component_state(tr: &Tr, status: ComponentStatus) -> (&'static str, String) {
    let (class, key) = match status {
        ComponentStatus::Operational => ("up", msg("public.component.operational")),
        ComponentStatus::UnderMaintenance => ("maintenance", msg("public.component.under_maintenance")),
        ComponentStatus::DegradedPerformance => ("warning", msg("public.component.degraded_performance")),
        ComponentStatus::PartialOutage => ("warning", msg("public.component.partial_outage")),
        ComponentStatus::MajorOutage => ("down", msg("public.component.major_outage")),
    };
    (class, tr.t(key).to_owned())
}

/// The banner of the overall state: its class and words.
pub(crate) fn banner(tr: &Tr, indicator: Indicator) -> (&'static str, String) {
    let (class, key) = match indicator {
        Indicator::None => ("up", msg("public.indicator.none")),
        Indicator::Maintenance => ("maintenance", msg("public.indicator.maintenance")),
        Indicator::Minor => ("warning", msg("public.indicator.minor")),
        Indicator::Major => ("warning", msg("public.indicator.major")),
        Indicator::Critical => ("down", msg("public.indicator.critical")),
    };
    (class, tr.t(key).to_owned())
}

/// A public incident state in words.
pub(crate) fn incident_state(tr: &Tr, status: PublicStatus) -> String {
    tr.t(match status {
        PublicStatus::Investigating => msg("public.incident.investigating"),
        PublicStatus::Identified => msg("public.incident.identified"),
        PublicStatus::Monitoring => msg("public.incident.monitoring"),
        PublicStatus::Resolved => msg("public.incident.resolved"),
    })
    .to_owned()
}

/// One day or month on a bar: its colour class and what focus or hover says of it.
pub(crate) struct Cell {
    /// `up`, `warning`, `down`, `maintenance` or `none`.
    pub(crate) class: &'static str,
    /// "4 Dec 2026: 99.95 % — API down".
    pub(crate) say: String,
    /// The month's short name under a month's cell; empty for days.
    pub(crate) label: String,
}

/// The start of the local day `date` (to write it with the reader's date format).
fn midnight(date: Date, zone: &TimeZone) -> Timestamp {
    vigil_domain::status_page::history::day_bounds(date, zone).0
}

fn cells(tr: &Tr, spans: Vec<BarSpan>, when: impl Fn(Date) -> String, label: impl Fn(Date) -> String) -> Vec<Cell> {
    spans
        .into_iter()
        .map(|span| {
            let class = span.status.map_or("none", |s| component_state(tr, s).0);
            let figure = match span.uptime {
                Some(_) => tr.a(msg("public.bar.uptime"), "value", percent(tr, span.uptime)),
                None => tr.t(msg("public.bar.no_data")).to_owned(),
            };
            let mut say = tr.a2(msg("public.bar.day"), "when", when(span.date), "figure", figure);
            if !span.incidents.is_empty() {
                say = tr.a2(msg("public.bar.with_incidents"), "day", say, "incidents", span.incidents.join(", "));
            }
            Cell { class, say, label: label(span.date) }
        })
        .collect()
}

/// A component as the page shows it.
pub(crate) struct ComponentView {
    /// Its name.
    pub(crate) name: String,
    /// The line under it.
    pub(crate) description: String,
    /// Its state's colour class.
    pub(crate) class: &'static str,
    /// Its state in words.
    pub(crate) state: String,
    /// Uptime over the bar, in words.
    pub(crate) uptime: String,
    /// The days (or months) of its bar.
    pub(crate) cells: Vec<Cell>,
    /// The names of its sources, when it shows them.
    pub(crate) sources: Vec<String>,
    /// Its members, for a group.
    pub(crate) members: Vec<ComponentView>,
    /// Whether it is a group.
    pub(crate) is_group: bool,
    /// Its id (the subscription form's value).
    pub(crate) id: String,
}

impl ComponentView {
    /// Whether its cells carry labels (months do).
    pub(crate) fn has_labels(&self) -> bool {
        self.cells.first().is_some_and(|cell| !cell.label.is_empty())
    }
}

/// Which bar a component view carries.
#[derive(Clone, Copy)]
pub(crate) enum Span {
    /// The 90 days.
    Days,
    /// The months of the history.
    Months,
}

fn component(tr: &Tr, snapshot: &PageSnapshot, facts: &ComponentFacts, span: Span, now: Timestamp) -> ComponentView {
    let (class, state) = component_state(tr, facts.status);
    let zone = tr.zone().clone();
    let (cells, uptime) = match span {
        Span::Days => (cells(tr, day_bar(snapshot, facts, now), |d| tr.date(midnight(d, &zone)), |_| String::new()), facts.bar_uptime()),
        Span::Months => {
            let months = month_bar(snapshot, facts, now);
            let uptime = vigil_domain::status_page::history::mean(months.iter().map(|m| m.uptime));
            (cells(tr, months, |d| tr.month(midnight(d, &zone)), |d| tr.month_name(midnight(d, &zone))), uptime)
        }
    };
    let members = snapshot
        .components
        .iter()
        .filter(|c| facts.is_group && c.group_id == Some(facts.id))
        .map(|c| component(tr, snapshot, c, span, now))
        .collect();
    ComponentView {
        name: facts.name.clone(),
        description: facts.description.clone(),
        class,
        state,
        uptime: match uptime {
            Some(_) => tr.a(msg("public.bar.overall"), "value", percent(tr, uptime)),
            None => tr.t(msg("public.bar.no_history")).to_owned(),
        },
        cells,
        sources: facts.sources.iter().map(|s| s.name.clone()).collect(),
        members,
        is_group: facts.is_group,
        id: facts.id.to_string(),
    }
}

/// The page's top-level components and groups, each group with its members.
pub(crate) fn components(tr: &Tr, snapshot: &PageSnapshot, span: Span, now: Timestamp) -> Vec<ComponentView> {
    snapshot.components.iter().filter(|c| c.group_id.is_none()).map(|c| component(tr, snapshot, c, span, now)).collect()
}

/// One update of an incident.
pub(crate) struct UpdateView {
    /// Its state in words.
    pub(crate) state: String,
    /// What it says.
    pub(crate) body: String,
    /// When, in the page's zone.
    pub(crate) at: String,
    /// Its moment, for `<time datetime>`.
    pub(crate) iso: String,
}

/// An incident as the page shows it.
pub(crate) struct IncidentView {
    /// Its id, for its link.
    pub(crate) id: String,
    /// Its title.
    pub(crate) name: String,
    /// Its state now, in words.
    pub(crate) state: String,
    /// The colour class of its impact.
    pub(crate) class: &'static str,
    /// Its impact in words.
    pub(crate) impact: String,
    /// The components it touched, by name.
    pub(crate) components: Vec<String>,
    /// Its updates, newest first.
    pub(crate) updates: Vec<UpdateView>,
    /// When it began, in words.
    pub(crate) began: String,
}

/// An incident in the reader's words.
pub(crate) fn incident(tr: &Tr, snapshot: &PageSnapshot, incident: &PublicIncident) -> IncidentView {
    let (class, impact) = banner(tr, incident.impact());
    let mut updates: Vec<UpdateView> = incident
        .updates
        .iter()
        .map(|u| UpdateView { state: incident_state(tr, u.status), body: u.body.clone(), at: tr.datetime(u.at), iso: u.at.to_string() })
        .collect();
    updates.reverse();
    IncidentView {
        id: incident.id.to_string(),
        name: incident.name.clone(),
        state: incident_state(tr, incident.status()),
        class: if incident.is_resolved() { "up" } else { class },
        impact,
        components: incident.components().into_iter().filter_map(|id| snapshot.component(id).map(|c| c.name.clone())).collect(),
        updates,
        began: tr.datetime(incident.created_at),
    }
}

/// A public maintenance as the page shows it.
pub(crate) struct MaintenanceView {
    /// Its title.
    pub(crate) name: String,
    /// What readers are told.
    pub(crate) message: String,
    /// When, in words ("from … to …").
    pub(crate) when: String,
    /// Whether it runs now.
    pub(crate) running: bool,
    /// The components it covers, by name.
    pub(crate) components: Vec<String>,
}

/// A maintenance in the reader's words.
pub(crate) fn maintenance(tr: &Tr, snapshot: &PageSnapshot, facts: &MaintenanceFacts, now: Timestamp) -> MaintenanceView {
    MaintenanceView {
        name: facts.name.clone(),
        message: facts.message.clone(),
        when: tr.a2(msg("public.maintenance.when"), "from", tr.datetime(facts.starts_at), "to", tr.datetime(facts.ends_at)),
        running: facts.is_running(now),
        components: facts.components.iter().filter_map(|id| snapshot.component(*id).map(|c| c.name.clone())).collect(),
    }
}
