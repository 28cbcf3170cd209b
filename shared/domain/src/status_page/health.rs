//! What state each component is in, and the page's overall indicator: one pure function of what
//! its sources say, the public maintenance running, the public incidents open and the states set
//! by hand.

use super::component::{Component, ComponentStatus};
use super::page::StatusPage;
use crate::heartbeat::TaskStatus;
use crate::ids::ComponentId;
use crate::monitor::MonitorStatus;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What one source says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceState {
    /// A monitor's status.
    Monitor(MonitorStatus),
    /// A task's status.
    Task(TaskStatus),
}

/// How bad one source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    /// Working, or saying nothing (not checked yet, paused, never pinged).
    Fine,
    /// A failed check not yet counted as down, a recovery under way, a late ping.
    Shaky,
    /// Down.
    Down,
    /// Not watched: counts for nothing.
    Silent,
}

fn level(state: SourceState) -> Level {
    match state {
        SourceState::Monitor(MonitorStatus::Down) | SourceState::Task(TaskStatus::Down) => Level::Down,
        SourceState::Monitor(MonitorStatus::Suspicious | MonitorStatus::Recovering) | SourceState::Task(TaskStatus::Late) => Level::Shaky,
        SourceState::Monitor(MonitorStatus::Paused) | SourceState::Task(TaskStatus::Paused) => Level::Silent,
        _ => Level::Fine,
    }
}

/// The state `sources` add up to: a major outage when every watched source is down, a partial
/// one when some are, degraded performance when one is shaky, operational otherwise (and with
/// nothing watched).
pub fn from_sources(sources: &[SourceState]) -> ComponentStatus {
    let levels: Vec<Level> = sources.iter().copied().map(level).filter(|l| *l != Level::Silent).collect();
    let down = levels.iter().filter(|l| **l == Level::Down).count();
    match (down, levels.len()) {
        (0, _) if levels.contains(&Level::Shaky) => ComponentStatus::DegradedPerformance,
        (0, _) => ComponentStatus::Operational,
        (down, watched) if down == watched => ComponentStatus::MajorOutage,
        _ => ComponentStatus::PartialOutage,
    }
}

/// What bears on one component now, besides a state set by hand.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Influences {
    /// What each source says.
    pub sources: Vec<SourceState>,
    /// Whether a public maintenance covering one of its sources is running.
    pub in_maintenance: bool,
    /// The impact each open public incident gives it.
    pub incident_impacts: Vec<ComponentStatus>,
}

/// A (non-group) component's state: set by hand, it is that; otherwise what its sources say
/// (or under maintenance while a public maintenance covers it), made worse by any open public
/// incident's impact on it.
pub fn component_status(component: &Component, influences: &Influences) -> ComponentStatus {
    if let Some(manual) = component.manual {
        return manual;
    }
    let base = if influences.in_maintenance { ComponentStatus::UnderMaintenance } else { from_sources(&influences.sources) };
    influences.incident_impacts.iter().copied().fold(base, ComponentStatus::max)
}

/// Every component's and group's state: a group set by hand is that, otherwise it shows its
/// worst member (operational with none).
pub fn page_statuses(page: &StatusPage, influences: &BTreeMap<ComponentId, Influences>) -> BTreeMap<ComponentId, ComponentStatus> {
    let none = Influences::default();
    let mut out: BTreeMap<ComponentId, ComponentStatus> = page
        .components
        .iter()
        .filter(|c| !c.is_group)
        .map(|c| (c.id, component_status(c, influences.get(&c.id).unwrap_or(&none))))
        .collect();
    for group in page.components.iter().filter(|c| c.is_group) {
        let worst = page.children(group.id).filter_map(|c| out.get(&c.id).copied()).max().unwrap_or(ComponentStatus::Operational);
        out.insert(group.id, group.manual.unwrap_or(worst));
    }
    out
}

/// The page's overall state, as Statuspage's `status.indicator` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// All systems operational.
    None,
    /// A planned maintenance is running.
    Maintenance,
    /// Degraded performance somewhere.
    Minor,
    /// A partial outage.
    Major,
    /// A major outage.
    Critical,
}

impl Indicator {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Indicator::None => "none",
            Indicator::Maintenance => "maintenance",
            Indicator::Minor => "minor",
            Indicator::Major => "major",
            Indicator::Critical => "critical",
        }
    }

    /// Statuspage's English description of it.
    pub const fn description(self) -> &'static str {
        match self {
            Indicator::None => "All Systems Operational",
            Indicator::Maintenance => "Service Under Maintenance",
            Indicator::Minor => "Minor Service Outage",
            Indicator::Major => "Partial System Outage",
            Indicator::Critical => "Major System Outage",
        }
    }

    /// The indicator a component state calls for.
    pub const fn of_status(status: ComponentStatus) -> Self {
        match status {
            ComponentStatus::Operational => Indicator::None,
            ComponentStatus::UnderMaintenance => Indicator::Maintenance,
            ComponentStatus::DegradedPerformance => Indicator::Minor,
            ComponentStatus::PartialOutage => Indicator::Major,
            ComponentStatus::MajorOutage => Indicator::Critical,
        }
    }
}

/// The overall indicator: the worst that any component's state or open incident's impact
/// calls for.
pub fn indicator(statuses: impl IntoIterator<Item = ComponentStatus>, incident_impacts: impl IntoIterator<Item = Indicator>) -> Indicator {
    statuses.into_iter().map(Indicator::of_status).chain(incident_impacts).max().unwrap_or(Indicator::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{StatusPageId, TenantId};
    use crate::status_page::draft::ComponentDraft;
    use crate::status_page::page::{PageAccess, PageSlug};
    use ComponentStatus::*;
    use jiff::Timestamp;
    use uuid::Uuid;

    #[test]
    fn sources_add_up_to_a_state() {
        use MonitorStatus as M;
        use SourceState::{Monitor, Task};
        let cases: [(&[SourceState], ComponentStatus); 9] = [
            (&[], Operational),
            (&[Monitor(M::Up), Task(TaskStatus::Up)], Operational),
            (&[Monitor(M::Pending), Task(TaskStatus::New)], Operational),
            (&[Monitor(M::Up), Monitor(M::Suspicious)], DegradedPerformance),
            (&[Task(TaskStatus::Late)], DegradedPerformance),
            (&[Monitor(M::Up), Monitor(M::Down)], PartialOutage),
            (&[Monitor(M::Down), Task(TaskStatus::Down)], MajorOutage),
            (&[Monitor(M::Down), Monitor(M::Paused)], MajorOutage),
            (&[Monitor(M::Paused)], Operational),
        ];
        for (sources, want) in cases {
            assert_eq!(from_sources(sources), want, "{sources:?}");
        }
    }

    fn component(manual: Option<ComponentStatus>) -> Component {
        let at = Timestamp::UNIX_EPOCH;
        Component {
            id: ComponentId::from_uuid(Uuid::from_u128(1)),
            name: "API".into(),
            description: String::new(),
            is_group: false,
            group_id: None,
            sources: Default::default(),
            manual,
            auto_publish: false,
            show_sources: false,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn hand_beats_incidents_beat_maintenance_beats_sources() {
        let down = vec![SourceState::Monitor(MonitorStatus::Down)];
        let cases = [
            (None, &down, false, vec![], MajorOutage),
            (None, &down, true, vec![], UnderMaintenance),
            (None, &down, true, vec![PartialOutage], PartialOutage),
            (None, &vec![], false, vec![DegradedPerformance, Operational], DegradedPerformance),
            (Some(Operational), &down, false, vec![MajorOutage], Operational),
        ];
        for (manual, sources, in_maintenance, incident_impacts, want) in cases {
            let influences = Influences { sources: sources.clone(), in_maintenance, incident_impacts };
            assert_eq!(component_status(&component(manual), &influences), want, "{manual:?} {influences:?}");
        }
    }

    #[test]
    fn a_group_shows_its_worst_member_unless_set_by_hand() {
        let at = Timestamp::UNIX_EPOCH;
        let mut page = StatusPage {
            id: StatusPageId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            slug: PageSlug::parse("acme").unwrap(),
            custom_domain: None,
            name: "Acme".into(),
            description: String::new(),
            access: PageAccess::Public,
            no_index: false,
            default_locale: Default::default(),
            time_zone: "UTC".into(),
            components: vec![],
            revision: 1,
            created_at: at,
            updated_at: at,
        };
        let id = |n| ComponentId::from_uuid(Uuid::from_u128(n));
        let empty_group = ComponentDraft { name: Some("Empty".into()), group: Some(true), ..Default::default() };
        page = page.with_component(empty_group.validate(&page, id(5), at).unwrap());
        page = page.with_component(
            ComponentDraft { name: Some("G".into()), group: Some(true), ..Default::default() }.validate(&page, id(10), at).unwrap(),
        );
        for n in [11, 12] {
            let member = ComponentDraft { name: Some(format!("m{n}")), group_id: Some(id(10).to_string()), ..Default::default() };
            page = page.with_component(member.validate(&page, id(n), at).unwrap());
        }
        let influences: BTreeMap<ComponentId, Influences> = [
            (id(11), Influences { sources: vec![SourceState::Monitor(MonitorStatus::Suspicious)], ..Default::default() }),
            (id(12), Influences { sources: vec![SourceState::Task(TaskStatus::Down)], ..Default::default() }),
        ]
        .into();
        let statuses = page_statuses(&page, &influences);
        assert_eq!(
            (statuses[&id(10)], statuses[&id(11)], statuses[&id(12)], statuses[&id(5)]),
            (MajorOutage, DegradedPerformance, MajorOutage, Operational)
        );
        page = page.with_component(
            ComponentDraft { status: Some("under_maintenance".into()), ..Default::default() }.validate(&page, id(10), at).unwrap(),
        );
        assert_eq!(page_statuses(&page, &influences)[&id(10)], UnderMaintenance);
        assert_eq!(indicator(page_statuses(&page, &influences).into_values(), []), Indicator::Critical);
        assert_eq!(indicator([Operational, UnderMaintenance], []), Indicator::Maintenance);
        assert_eq!(indicator([Operational], [Indicator::Minor]), Indicator::Minor);
        assert_eq!(indicator([], []), Indicator::None);
    }
}
