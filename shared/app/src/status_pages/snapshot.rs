//! Computing a page's snapshot: what its sources, public maintenance and public incidents say
//! now, and its history, reusing the days and months of the previous snapshot that can no
//! longer change.

use crate::Deps;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use std::collections::{BTreeMap, HashMap};
use vigil_domain::heartbeat::TaskRecord;
use vigil_domain::ids::{ComponentId, MonitorId, TaskId, TenantId};
use vigil_domain::incident::IncidentSubject;
use vigil_domain::monitor::MonitorRecord;
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{IncidentQuery, StoreError};
use vigil_domain::status_page::health::{indicator, page_statuses};
use vigil_domain::status_page::history::{
    BAR_DAYS, HISTORY_MONTHS, SETTLED_AFTER, check_uptime, day_bounds, last_days, last_months, mean, month_bounds, time_uptime,
};
use vigil_domain::status_page::{
    Component, ComponentFacts, Influences, MaintenanceFacts, PageFacts, PageSnapshot, PublicIncident, SourceFacts, SourceState, StatusPage,
};

/// How long a snapshot serves before a reader's request has it computed again (today's bar and
/// the uptime figures move with every check; states and incidents refresh it at once).
pub const FRESH_FOR: SignedDuration = SignedDuration::from_secs(60);
/// The most public incidents a snapshot reads.
const MOST_INCIDENTS: usize = 1000;

/// What the sources of a page are now.
struct Sources {
    monitors: HashMap<MonitorId, MonitorRecord>,
    tasks: HashMap<TaskId, TaskRecord>,
}

impl Sources {
    async fn read(deps: &Deps, page: &StatusPage) -> Result<Self, StoreError> {
        let (mut monitors, mut tasks) = (HashMap::new(), HashMap::new());
        for component in &page.components {
            for id in &component.sources.monitors {
                if !monitors.contains_key(id)
                    && let Some(record) = deps.stores.monitors.get(page.tenant_id, *id).await?
                {
                    monitors.insert(*id, record);
                }
            }
            for id in &component.sources.tasks {
                if !tasks.contains_key(id)
                    && let Some(record) = deps.stores.tasks.get(page.tenant_id, *id).await?
                {
                    tasks.insert(*id, record);
                }
            }
        }
        Ok(Self { monitors, tasks })
    }

    fn states(&self, component: &Component) -> Vec<SourceState> {
        let monitors =
            component.sources.monitors.iter().filter_map(|id| self.monitors.get(id)).map(|r| SourceState::Monitor(r.health.status));
        let tasks = component.sources.tasks.iter().filter_map(|id| self.tasks.get(id)).map(|r| SourceState::Task(r.state.reported.status));
        monitors.chain(tasks).collect()
    }

    /// Whether `window` selects one of the component's sources.
    fn selected_by(&self, component: &Component, select: &vigil_domain::notify::Selector) -> bool {
        let none = Default::default();
        component.sources.monitors.iter().any(|id| {
            let tags = self.monitors.get(id).map_or(&none, |r| &r.monitor.spec.tags);
            select.matches(&IncidentSubject::Monitor(*id), tags)
        }) || component.sources.tasks.iter().any(|id| select.matches(&IncidentSubject::Task(*id), &none))
    }

    fn facts(&self, component: &Component) -> Vec<SourceFacts> {
        if !component.show_sources {
            return Vec::new();
        }
        let monitors = component
            .sources
            .monitors
            .iter()
            .filter_map(|id| self.monitors.get(id))
            .map(|r| SourceFacts { name: r.monitor.spec.name.clone(), url: Some(r.monitor.spec.url.to_string()) });
        let tasks = component
            .sources
            .tasks
            .iter()
            .filter_map(|id| self.tasks.get(id))
            .map(|r| SourceFacts { name: r.task.spec.name.clone(), url: None });
        monitors.chain(tasks).collect()
    }
}

/// The outages of a task since `since` (its internal incidents: opened, resolved).
async fn task_outages(
    deps: &Deps,
    tenant: TenantId,
    task: TaskId,
    since: Timestamp,
) -> Result<Vec<(Timestamp, Option<Timestamp>)>, StoreError> {
    let mut out = Vec::new();
    let mut request = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    loop {
        let query = IncidentQuery {
            status: None,
            subject: Some(IncidentSubject::Task(task)),
            opened_from: None,
            opened_before: None,
            page: request.clone(),
        };
        let page = deps.stores.incidents.list(tenant, &query).await?;
        let mut done = page.next_cursor.is_none();
        for incident in page.items {
            let resolved = incident.resolution().map(|r| r.at);
            if resolved.is_some_and(|r| r < since) {
                done = true;
                continue;
            }
            out.push((incident.core().opened_at, resolved));
        }
        match page.next_cursor {
            Some(cursor) if !done => request.cursor = Some(cursor),
            _ => return Ok(out),
        }
    }
}

/// A component's uptime over spans (days or months), reusing settled spans of `previous`.
struct Spans<'a> {
    starts: &'a [Date],
    bounds: fn(Date, &TimeZone) -> (Timestamp, Timestamp),
}

impl Spans<'_> {
    #[allow(clippy::too_many_arguments)]
    async fn uptime(
        &self,
        deps: &Deps,
        tenant: TenantId,
        component: &Component,
        sources: &Sources,
        outages: &HashMap<TaskId, Vec<(Timestamp, Option<Timestamp>)>>,
        previous: &HashMap<Date, Option<f64>>,
        zone: &TimeZone,
        now: Timestamp,
    ) -> Result<Vec<Option<f64>>, StoreError> {
        let mut out = Vec::with_capacity(self.starts.len());
        for start in self.starts {
            let (from, to) = (self.bounds)(*start, zone);
            if to + SETTLED_AFTER <= now
                && let Some(settled) = previous.get(start)
            {
                out.push(*settled);
                continue;
            }
            let mut values = Vec::new();
            for id in &component.sources.monitors {
                if from <= now {
                    let tally = deps.stores.checks.tally(tenant, *id, from, to).await?;
                    values.push(check_uptime(tally.up, tally.down));
                }
            }
            for id in &component.sources.tasks {
                if let (Some(record), Some(outages)) = (sources.tasks.get(id), outages.get(id)) {
                    values.push(time_uptime(outages, from, to, now, record.task.created_at));
                }
            }
            out.push(mean(values));
        }
        Ok(out)
    }
}

/// What the previous snapshot knew of a component's spans, by their first day, if it was
/// computed from the same sources.
fn known(
    previous: Option<&ComponentFacts>,
    key: &str,
    first: Option<Date>,
    values: impl Fn(&ComponentFacts) -> &Vec<Option<f64>>,
    step: impl Fn(Date, usize) -> Option<Date>,
) -> HashMap<Date, Option<f64>> {
    match (previous, first) {
        (Some(facts), Some(first)) if facts.sources_key == key => {
            values(facts).iter().enumerate().filter_map(|(i, v)| step(first, i).map(|d| (d, *v))).collect()
        }
        _ => HashMap::new(),
    }
}

/// The public incidents a snapshot shows: every open one, and those posted since `since`.
async fn incidents(deps: &Deps, page: &StatusPage, since: Timestamp) -> Result<Vec<PublicIncident>, StoreError> {
    let mut out = Vec::new();
    let mut request = PageRequest { cursor: None, limit: PageRequest::MAX_LIMIT };
    let mut read = 0;
    loop {
        let batch = deps.stores.public_incidents.incidents(page.tenant_id, page.id, &request).await?;
        read += batch.items.len();
        out.extend(batch.items.into_iter().filter(|i| i.created_at >= since || !i.is_resolved()));
        match batch.next_cursor {
            Some(cursor) if read < MOST_INCIDENTS => request.cursor = Some(cursor),
            _ => return Ok(out),
        }
    }
}

/// The public maintenance running or coming within a week that covers components of the page.
async fn maintenances(deps: &Deps, page: &StatusPage, sources: &Sources, now: Timestamp) -> Result<Vec<MaintenanceFacts>, StoreError> {
    let windows = deps.stores.silences.windows(page.tenant_id).await?;
    let mut out: Vec<MaintenanceFacts> = windows
        .iter()
        .filter_map(|window| {
            let public = window.public.as_ref()?;
            let (starts_at, ends_at) = window.schedule.current_or_next(now)?;
            let components: Vec<ComponentId> =
                page.components.iter().filter(|c| !c.is_group && sources.selected_by(c, &window.select)).map(|c| c.id).collect();
            (!components.is_empty()).then(|| MaintenanceFacts {
                window_id: window.id,
                name: public.title.clone(),
                message: public.message.clone(),
                starts_at,
                ends_at,
                components,
                created_at: window.created_at,
            })
        })
        .collect();
    out.sort_by_key(|m| (m.starts_at, m.window_id));
    Ok(out)
}

/// A component's uptime by day and by month (percent; `None` without data).
type DaysAndMonths = (Vec<Option<f64>>, Vec<Option<f64>>);

/// Computes the snapshot of `page` at `now`, reusing the settled history of `previous`.
pub async fn compute_snapshot(
    deps: &Deps,
    page: &StatusPage,
    previous: Option<&PageSnapshot>,
    now: Timestamp,
) -> Result<PageSnapshot, StoreError> {
    let zone = TimeZone::get(&page.time_zone).unwrap_or(TimeZone::UTC);
    let days = last_days(now, &zone, BAR_DAYS);
    let months = last_months(now, &zone, HISTORY_MONTHS);
    let history_start = month_bounds(months[0], &zone).0;
    let sources = Sources::read(deps, page).await?;
    let mut outages = HashMap::new();
    for id in sources.tasks.keys() {
        outages.insert(*id, task_outages(deps, page.tenant_id, *id, history_start).await?);
    }
    let incidents = incidents(deps, page, history_start).await?;
    let maintenances = maintenances(deps, page, &sources, now).await?;
    let running: Vec<&MaintenanceFacts> = maintenances.iter().filter(|m| m.is_running(now)).collect();

    let influences: BTreeMap<ComponentId, Influences> = page
        .components
        .iter()
        .filter(|c| !c.is_group)
        .map(|c| {
            let influences = Influences {
                sources: sources.states(c),
                in_maintenance: running.iter().any(|m| m.components.contains(&c.id)),
                incident_impacts: incidents
                    .iter()
                    .filter(|i| !i.is_resolved())
                    .filter_map(|i| i.current_impacts().get(&c.id).copied())
                    .collect(),
            };
            (c.id, influences)
        })
        .collect();
    let statuses = page_statuses(page, &influences);

    let by_day = Spans { starts: &days, bounds: day_bounds };
    let by_month = Spans { starts: &months, bounds: month_bounds };
    let mut history: HashMap<ComponentId, DaysAndMonths> = HashMap::new();
    for component in page.components.iter().filter(|c| !c.is_group) {
        if component.sources.is_empty() {
            history.insert(component.id, (vec![None; days.len()], vec![None; months.len()]));
            continue;
        }
        let key = component.sources.key();
        let before = previous.and_then(|p| p.component(component.id));
        let known_days =
            known(before, &key, previous.map(|p| p.first_day), |f| &f.days, |d, i| d.checked_add(jiff::Span::new().days(i as i64)).ok());
        let known_months = known(
            before,
            &key,
            previous.map(|p| p.first_month),
            |f| &f.months,
            |d, i| d.checked_add(jiff::Span::new().months(i as i64)).ok(),
        );
        let d = by_day.uptime(deps, page.tenant_id, component, &sources, &outages, &known_days, &zone, now).await?;
        let m = by_month.uptime(deps, page.tenant_id, component, &sources, &outages, &known_months, &zone, now).await?;
        history.insert(component.id, (d, m));
    }
    for group in page.components.iter().filter(|c| c.is_group) {
        let members: Vec<&DaysAndMonths> = page.children(group.id).filter_map(|c| history.get(&c.id)).collect();
        let days_of = |i: usize| mean(members.iter().map(|(d, _)| d[i]));
        let months_of = |i: usize| mean(members.iter().map(|(_, m)| m[i]));
        history.insert(group.id, ((0..days.len()).map(days_of).collect(), (0..months.len()).map(months_of).collect()));
    }

    let mut positions: HashMap<Option<ComponentId>, usize> = HashMap::new();
    let components: Vec<ComponentFacts> = page
        .in_reading_order()
        .into_iter()
        .map(|c| {
            let position = positions.entry(c.group_id).or_default();
            *position += 1;
            let (days, months) = history.remove(&c.id).unwrap_or_default();
            ComponentFacts {
                id: c.id,
                name: c.name.clone(),
                description: c.description.clone(),
                is_group: c.is_group,
                group_id: c.group_id,
                position: *position,
                status: statuses.get(&c.id).copied().unwrap_or(vigil_domain::status_page::ComponentStatus::Operational),
                created_at: c.created_at,
                updated_at: c.updated_at,
                sources: sources.facts(c),
                days,
                months,
                sources_key: c.sources.key(),
            }
        })
        .collect();
    let overall = indicator(statuses.values().copied(), incidents.iter().filter(|i| !i.is_resolved()).map(PublicIncident::impact));
    let updated_at =
        incidents.iter().map(PublicIncident::updated_at).chain(running.iter().map(|m| m.starts_at)).fold(page.updated_at, Timestamp::max);
    Ok(PageSnapshot {
        tenant_id: page.tenant_id,
        page_id: page.id,
        computed_at: now,
        page_revision: page.revision,
        updated_at,
        page: PageFacts {
            slug: page.slug.clone(),
            custom_domain: page.custom_domain.clone(),
            name: page.name.clone(),
            description: page.description.clone(),
            access: page.access.kind().to_owned(),
            no_index: page.no_index,
            default_locale: page.default_locale,
            time_zone: page.time_zone.clone(),
            created_at: page.created_at,
            updated_at: page.updated_at,
        },
        components,
        indicator: overall,
        incidents,
        maintenances,
        first_day: days[0],
        first_month: months[0],
    })
}

/// Computes and stores the snapshot of `page` (after a change, or when the stored one is stale).
pub async fn refresh_snapshot(deps: &Deps, page: &StatusPage, now: Timestamp) -> Result<PageSnapshot, StoreError> {
    let previous = deps.stores.status_snapshots.snapshot(page.tenant_id, page.id).await?;
    let snapshot = compute_snapshot(deps, page, previous.as_ref(), now).await?;
    deps.stores.status_snapshots.put_snapshot(&snapshot).await?;
    Ok(snapshot)
}

/// The snapshot to serve `page` from at `now`: the stored one while it is fresh and of the
/// page's revision, else a new one.
pub async fn current_snapshot(deps: &Deps, page: &StatusPage, now: Timestamp) -> Result<PageSnapshot, StoreError> {
    match deps.stores.status_snapshots.snapshot(page.tenant_id, page.id).await? {
        Some(stored) if stored.page_revision == page.revision && stored.computed_at + FRESH_FOR > now => Ok(stored),
        previous => {
            let snapshot = compute_snapshot(deps, page, previous.as_ref(), now).await?;
            deps.stores.status_snapshots.put_snapshot(&snapshot).await?;
            Ok(snapshot)
        }
    }
}
