//! A component's bars as a status page draws them: each day (or month) with its uptime, the
//! colour that uptime and the incidents of that span call for, and the incidents readers can
//! follow from it. A group's incidents are its own and its members'.

use super::component::ComponentStatus;
use super::history::{bar_status, day_bounds, month_bounds};
use super::snapshot::{ComponentFacts, PageSnapshot};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// One day or month of a bar.
#[derive(Clone, Debug, PartialEq)]
pub struct BarSpan {
    /// The day, or the first day of the month.
    pub date: Date,
    /// Uptime in percent; `None` without data.
    pub uptime: Option<f64>,
    /// The colour it calls for; `None` without data or incident.
    pub status: Option<ComponentStatus>,
    /// The names of the public incidents that touched the component then, oldest first.
    pub incidents: Vec<String>,
}

/// The 90-day bar of `component` at `now`, oldest day first.
pub fn day_bar(snapshot: &PageSnapshot, component: &ComponentFacts, now: Timestamp) -> Vec<BarSpan> {
    spans(snapshot, component, &component.days, snapshot.first_day, now, |d, i| d.checked_add((i as i64).days()).ok(), day_bounds)
}

/// The monthly history of `component` at `now`, oldest month first.
pub fn month_bar(snapshot: &PageSnapshot, component: &ComponentFacts, now: Timestamp) -> Vec<BarSpan> {
    spans(snapshot, component, &component.months, snapshot.first_month, now, |d, i| d.checked_add((i as i64).months()).ok(), month_bounds)
}

fn spans(
    snapshot: &PageSnapshot,
    component: &ComponentFacts,
    uptimes: &[Option<f64>],
    first: Date,
    now: Timestamp,
    nth: impl Fn(Date, usize) -> Option<Date>,
    bounds: impl Fn(Date, &TimeZone) -> (Timestamp, Timestamp),
) -> Vec<BarSpan> {
    let zone = TimeZone::get(&snapshot.page.time_zone).unwrap_or(TimeZone::UTC);
    let watched: Vec<_> = std::iter::once(component.id)
        .chain(snapshot.components.iter().filter(|c| c.group_id == Some(component.id)).map(|c| c.id))
        .collect();
    // Oldest first, so that a span lists its incidents in the order they began.
    let mut touching: Vec<_> = snapshot
        .incidents
        .iter()
        .filter_map(|incident| {
            let worst = watched.iter().filter_map(|id| incident.worst_impact_on(*id)).max()?;
            let end = incident.resolved_at().unwrap_or(now);
            Some((incident.created_at, end, worst, incident.name.as_str()))
        })
        .collect();
    touching.sort_by_key(|(start, ..)| *start);
    uptimes
        .iter()
        .enumerate()
        .filter_map(|(i, uptime)| {
            let date = nth(first, i)?;
            let (from, to) = bounds(date, &zone);
            let during: Vec<_> = touching.iter().filter(|(start, end, ..)| *start < to && *end >= from).collect();
            let worst = during.iter().map(|(_, _, status, _)| *status).max();
            Some(BarSpan {
                date,
                uptime: *uptime,
                status: bar_status(*uptime, worst),
                incidents: during.iter().map(|(.., name)| (*name).to_owned()).collect(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Locale;
    use crate::ids::{ComponentId, PublicIncidentId, PublicUpdateId, StatusPageId, TenantId};
    use crate::status_page::health::Indicator;
    use crate::status_page::incident::{PublicIncident, PublicStatus, PublicUpdate};
    use crate::status_page::page::PageSlug;
    use crate::status_page::snapshot::PageFacts;
    use std::collections::BTreeMap;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn component(n: u128, group: Option<u128>, days: Vec<Option<f64>>) -> ComponentFacts {
        ComponentFacts {
            id: ComponentId::from_uuid(id(n)),
            name: format!("c{n}"),
            description: String::new(),
            is_group: group.is_none() && n == 1,
            group_id: group.map(|g| ComponentId::from_uuid(id(g))),
            position: 1,
            status: ComponentStatus::Operational,
            created_at: at("2026-01-01T00:00:00Z"),
            updated_at: at("2026-01-01T00:00:00Z"),
            sources: vec![],
            days,
            months: vec![Some(99.0), None],
            sources_key: String::new(),
        }
    }

    fn incident(name: &str, component: u128, impact: ComponentStatus, from: &str, to: Option<&str>) -> PublicIncident {
        let update = |status, at_: &str| PublicUpdate {
            id: PublicUpdateId::from_uuid(id(900)),
            status,
            body: String::new(),
            at: at(at_),
            impacts: BTreeMap::from([(ComponentId::from_uuid(id(component)), impact)]),
            notify: false,
            by: String::new(),
        };
        let mut updates = vec![update(PublicStatus::Investigating, from)];
        if let Some(to) = to {
            updates.push(update(PublicStatus::Resolved, to));
        }
        PublicIncident {
            id: PublicIncidentId::from_uuid(id(800)),
            tenant_id: TenantId::from_uuid(id(2)),
            page_id: StatusPageId::from_uuid(id(3)),
            name: name.into(),
            impact_override: None,
            updates,
            source: None,
            follows_source: false,
            created_at: at(from),
            revision: 1,
        }
    }

    fn snapshot(components: Vec<ComponentFacts>, incidents: Vec<PublicIncident>) -> PageSnapshot {
        let when = at("2026-03-01T00:00:00Z");
        PageSnapshot {
            tenant_id: TenantId::from_uuid(id(2)),
            page_id: StatusPageId::from_uuid(id(3)),
            computed_at: when,
            page_revision: 1,
            updated_at: when,
            page: PageFacts {
                slug: PageSlug::parse("acme").unwrap(),
                custom_domain: None,
                name: "Acme".into(),
                description: String::new(),
                access: "public".into(),
                no_index: false,
                default_locale: Locale::En,
                time_zone: "Europe/Paris".into(),
                created_at: when,
                updated_at: when,
            },
            components,
            indicator: Indicator::None,
            incidents,
            maintenances: vec![],
            first_day: "2026-03-01".parse().unwrap(),
            first_month: "2026-02-01".parse().unwrap(),
        }
    }

    #[test]
    fn days_take_their_incidents_in_the_pages_zone_and_groups_take_their_members() {
        let group = component(1, None, vec![Some(100.0), Some(100.0), Some(100.0)]);
        let member = component(2, Some(1), vec![Some(100.0), Some(100.0), None]);
        let incidents = vec![
            // 23:30 UTC on the 1st is 00:30 on the 2nd in Paris.
            incident("Slow API", 2, ComponentStatus::DegradedPerformance, "2026-03-01T23:30:00Z", Some("2026-03-02T01:00:00Z")),
            incident("API down", 2, ComponentStatus::MajorOutage, "2026-03-03T08:00:00Z", None),
        ];
        let snap = snapshot(vec![group.clone(), member.clone()], incidents);
        let now = at("2026-03-03T09:00:00Z");
        let cases: [(&ComponentFacts, usize, Option<ComponentStatus>, &[&str]); 6] = [
            (&member, 0, Some(ComponentStatus::Operational), &[]),
            (&member, 1, Some(ComponentStatus::DegradedPerformance), &["Slow API"]),
            (&member, 2, Some(ComponentStatus::MajorOutage), &["API down"]),
            (&group, 0, Some(ComponentStatus::Operational), &[]),
            (&group, 1, Some(ComponentStatus::DegradedPerformance), &["Slow API"]),
            (&group, 2, Some(ComponentStatus::MajorOutage), &["API down"]),
        ];
        for (facts, day, status, names) in cases {
            let bar = day_bar(&snap, facts, now);
            assert_eq!(bar.len(), 3);
            assert_eq!(bar[day].status, status, "{} day {day}", facts.name);
            assert_eq!(bar[day].incidents, names, "{} day {day}", facts.name);
        }
        assert_eq!(day_bar(&snap, &member, now)[2].date.to_string(), "2026-03-03");
        let unrelated = component(3, None, vec![Some(98.0), None, None]);
        let bar = day_bar(&snapshot(vec![unrelated.clone()], vec![]), &unrelated, now);
        assert_eq!(bar.iter().map(|d| d.status).collect::<Vec<_>>(), [Some(ComponentStatus::PartialOutage), None, None]);
    }

    #[test]
    fn months_start_on_the_first_month() {
        let c = component(3, None, vec![]);
        let months = month_bar(&snapshot(vec![c.clone()], vec![]), &c, at("2026-03-03T09:00:00Z"));
        assert_eq!(months.iter().map(|m| m.date.to_string()).collect::<Vec<_>>(), ["2026-02-01", "2026-03-01"]);
        assert_eq!(months[0].status, Some(ComponentStatus::DegradedPerformance));
        assert_eq!(months[1].status, None);
    }
}
