//! Public incidents: what an organisation tells its readers, kept apart from the internal
//! incidents that page people. A person posts one and its updates (investigating → identified →
//! monitoring → resolved), each with the impact on every component it touches and whether it
//! notifies subscribers; an internal incident can be posted with one action.

use super::component::ComponentStatus;
use super::health::Indicator;
use super::page::StatusPage;
use crate::ids::{ComponentId, IncidentId, PublicIncidentId, PublicUpdateId, StatusPageId, TenantId};
use crate::notify::{InvalidInput, Problems};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where a public incident stands, as Statuspage names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PublicStatus {
    /// Looking into it.
    Investigating,
    /// The cause is known.
    Identified,
    /// A fix is out; watching.
    Monitoring,
    /// Over.
    Resolved,
}

impl PublicStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [PublicStatus; 4] =
        [PublicStatus::Investigating, PublicStatus::Identified, PublicStatus::Monitoring, PublicStatus::Resolved];

    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PublicStatus::Investigating => "investigating",
            PublicStatus::Identified => "identified",
            PublicStatus::Monitoring => "monitoring",
            PublicStatus::Resolved => "resolved",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for PublicStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One update of a public incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUpdate {
    /// Identity.
    pub id: PublicUpdateId,
    /// The incident's status from this update on.
    pub status: PublicStatus,
    /// What readers are told.
    pub body: String,
    /// When it was posted.
    pub at: Timestamp,
    /// The impact on each component touched, from this update on.
    #[serde(default)]
    pub impacts: BTreeMap<ComponentId, ComponentStatus>,
    /// Whether subscribers were notified of it.
    pub notify: bool,
    /// Who posted it (for editors; never shown on the page).
    pub by: String,
}

/// An incident posted on a status page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIncident {
    /// Identity.
    pub id: PublicIncidentId,
    /// Owner.
    pub tenant_id: TenantId,
    /// The page it is posted on.
    pub page_id: StatusPageId,
    /// Its title.
    pub name: String,
    /// An impact chosen by hand, instead of the one its components' impacts call for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_override: Option<Indicator>,
    /// Its updates, oldest first; never empty.
    pub updates: Vec<PublicUpdate>,
    /// The internal incident it was posted from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<IncidentId>,
    /// Whether it resolves when its internal incident does (posted automatically).
    #[serde(default)]
    pub follows_source: bool,
    /// When it was posted.
    pub created_at: Timestamp,
    /// Increases with every change.
    pub revision: u64,
}

/// A resolved incident takes no more updates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the incident is resolved: it takes no more updates")]
pub struct IncidentClosed;

impl PublicIncident {
    /// The last update.
    pub fn latest(&self) -> &PublicUpdate {
        self.updates.last().expect("an incident has at least one update")
    }

    /// Its status: the last update's.
    pub fn status(&self) -> PublicStatus {
        self.latest().status
    }

    /// Whether it is over.
    pub fn is_resolved(&self) -> bool {
        self.status() == PublicStatus::Resolved
    }

    /// When it was resolved.
    pub fn resolved_at(&self) -> Option<Timestamp> {
        self.is_resolved().then(|| self.latest().at)
    }

    /// When it first went to monitoring.
    pub fn monitoring_at(&self) -> Option<Timestamp> {
        self.updates.iter().find(|u| u.status == PublicStatus::Monitoring).map(|u| u.at)
    }

    /// When it last changed.
    pub fn updated_at(&self) -> Timestamp {
        self.latest().at
    }

    /// The impact on each component now: the last update's; none once resolved.
    pub fn current_impacts(&self) -> BTreeMap<ComponentId, ComponentStatus> {
        if self.is_resolved() { BTreeMap::new() } else { self.latest().impacts.clone() }
    }

    /// The worst state it ever gave `component`, if it touched it.
    pub fn worst_impact_on(&self, component: ComponentId) -> Option<ComponentStatus> {
        self.updates.iter().filter_map(|u| u.impacts.get(&component).copied()).max()
    }

    /// Every component it touched, in the order first touched.
    pub fn components(&self) -> Vec<ComponentId> {
        let mut out: Vec<ComponentId> = Vec::new();
        for id in self.updates.iter().flat_map(|u| u.impacts.keys()) {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        out
    }

    /// Its impact, as Statuspage says it: chosen by hand, or what the worst state it ever gave a
    /// component calls for (`minor` when it touched none).
    pub fn impact(&self) -> Indicator {
        if let Some(chosen) = self.impact_override {
            return chosen;
        }
        let worst = self.updates.iter().flat_map(|u| u.impacts.values().copied()).max();
        match worst {
            Some(status) => Indicator::of_status(status).max(Indicator::Minor),
            None => Indicator::Minor,
        }
    }

    /// The incident after `update`; refused once resolved.
    pub fn post(&self, update: PublicUpdate) -> Result<PublicIncident, IncidentClosed> {
        if self.is_resolved() {
            return Err(IncidentClosed);
        }
        let mut next = self.clone();
        next.updates.push(update);
        next.revision += 1;
        Ok(next)
    }
}

/// A public incident as an editor sends it to post one.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "Slow logins", "status": "investigating", "body": "We are looking into slow logins.",
    "components": {"0192f3a4-5b6c-7d8e-9f01-23456789abcd": "degraded_performance"}, "notify": true
})))]
#[serde(deny_unknown_fields)]
pub struct PublicIncidentDraft {
    /// Its title (1 to 200 characters).
    pub name: String,
    /// `investigating` (the default), `identified`, `monitoring` or `resolved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// What readers are told (1 to 5,000 characters).
    pub body: String,
    /// The impact on each component touched: component id → state.
    #[serde(default)]
    pub components: BTreeMap<String, String>,
    /// Notify subscribers (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
    /// An impact chosen by hand (`none`, `minor`, `major`, `critical`) instead of the one the
    /// components' states call for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<String>,
}

/// An update as an editor sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "status": "monitoring", "body": "A fix is out; we are watching.", "notify": true
})))]
#[serde(deny_unknown_fields)]
pub struct PublicUpdateDraft {
    /// `investigating`, `identified`, `monitoring` or `resolved`.
    pub status: String,
    /// What readers are told (1 to 5,000 characters).
    pub body: String,
    /// The impact on each component from now on; left out, the last update's stays (and
    /// resolving clears every impact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<BTreeMap<String, String>>,
    /// Notify subscribers (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify: Option<bool>,
}

/// A validated update, to be given its id, time and author.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateContent {
    /// The status from now on.
    pub status: PublicStatus,
    /// The text.
    pub body: String,
    /// Impacts, or `None` to keep the last update's.
    pub impacts: Option<BTreeMap<ComponentId, ComponentStatus>>,
    /// Whether it notifies.
    pub notify: bool,
}

fn impacts(page: &StatusPage, raw: &BTreeMap<String, String>, problems: &mut Problems) -> BTreeMap<ComponentId, ComponentStatus> {
    let mut out = BTreeMap::new();
    for (id, state) in raw {
        let field = format!("components.{id}");
        let component = match id.trim().parse::<ComponentId>() {
            Ok(component) if page.component(component).is_some() => Some(component),
            _ => {
                problems.add(field.clone(), "is not a component of this page");
                None
            }
        };
        let status = ComponentStatus::parse(state.trim());
        if status.is_none() {
            problems.add(
                field,
                format!("`{state}` is not one of operational, under_maintenance, degraded_performance, partial_outage, major_outage"),
            );
        }
        if let (Some(component), Some(status)) = (component, status) {
            out.insert(component, status);
        }
    }
    out
}

fn body(problems: &mut Problems, body: &str) -> String {
    let body = body.trim().to_owned();
    if body.is_empty() || body.chars().count() > 5000 {
        problems.add("body", "must be 1 to 5,000 characters");
    }
    body
}

fn status(problems: &mut Problems, raw: Option<&str>) -> PublicStatus {
    match raw.map(str::trim) {
        None => PublicStatus::Investigating,
        Some(name) => PublicStatus::parse(name).unwrap_or_else(|| {
            problems.add("status", format!("`{name}` is not one of investigating, identified, monitoring, resolved"));
            PublicStatus::Investigating
        }),
    }
}

impl PublicIncidentDraft {
    /// Validates the draft for `page`: (title, impact chosen by hand, first update).
    pub fn validate(self, page: &StatusPage) -> Result<(String, Option<Indicator>, UpdateContent), InvalidInput> {
        let mut problems = Problems::default();
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            problems.add("name", "must be 1 to 200 characters");
        }
        let status = status(&mut problems, self.status.as_deref());
        let body = body(&mut problems, &self.body);
        let impacts = impacts(page, &self.components, &mut problems);
        let impact = match self.impact.as_deref().map(str::trim) {
            None => None,
            Some(name) => {
                match [Indicator::None, Indicator::Minor, Indicator::Major, Indicator::Critical].into_iter().find(|i| i.as_str() == name) {
                    Some(impact) => Some(impact),
                    None => {
                        problems.add("impact", format!("`{name}` is not one of none, minor, major, critical"));
                        None
                    }
                }
            }
        };
        let notify = self.notify.unwrap_or(true);
        problems.finish(|| (name, impact, UpdateContent { status, body, impacts: Some(impacts), notify }))
    }
}

impl PublicUpdateDraft {
    /// Validates the update for `page`.
    pub fn validate(self, page: &StatusPage) -> Result<UpdateContent, InvalidInput> {
        let mut problems = Problems::default();
        let status = status(&mut problems, Some(&self.status));
        let body = body(&mut problems, &self.body);
        let impacts = self.components.as_ref().map(|raw| impacts(page, raw, &mut problems));
        let notify = self.notify.unwrap_or(true);
        problems.finish(|| UpdateContent { status, body, impacts, notify })
    }
}

impl UpdateContent {
    /// The update with its id, time and author; impacts left out are `previous`'s.
    pub fn into_update(self, id: PublicUpdateId, at: Timestamp, by: &str, previous: Option<&PublicUpdate>) -> PublicUpdate {
        let impacts = self.impacts.unwrap_or_else(|| previous.map(|p| p.impacts.clone()).unwrap_or_default());
        PublicUpdate { id, status: self.status, body: self.body, at, impacts, notify: self.notify, by: by.to_owned() }
    }
}

/// What an incident posted without a person's words says: that it is being investigated
/// (naming the components touched), or that it is resolved, in the page's language.
pub fn automatic_body(resolved: bool, components: &[String], locale: crate::accounts::Locale) -> String {
    use crate::accounts::Locale;
    let list = components.join(", ");
    match (resolved, locale, components.is_empty()) {
        (false, Locale::En, false) => format!("We are investigating a problem affecting {list}."),
        (false, Locale::En, true) => "We are investigating a problem.".to_owned(),
        (false, Locale::Fr, false) => format!("Nous enquêtons sur un problème touchant {list}."),
        (false, Locale::Fr, true) => "Nous enquêtons sur un problème.".to_owned(),
        (true, Locale::En, _) => "This incident has been resolved.".to_owned(),
        (true, Locale::Fr, _) => "Cet incident est résolu.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn update(n: u128, status: PublicStatus, impacts: &[(u128, ComponentStatus)]) -> PublicUpdate {
        PublicUpdate {
            id: PublicUpdateId::from_uuid(Uuid::from_u128(n)),
            status,
            body: format!("update {n}"),
            at: Timestamp::from_second(1_780_000_000 + n as i64 * 60).unwrap(),
            impacts: impacts.iter().map(|(c, s)| (ComponentId::from_uuid(Uuid::from_u128(*c)), *s)).collect(),
            notify: true,
            by: "ann@example.com".into(),
        }
    }

    #[test]
    fn an_incident_moves_to_resolved_and_no_further() {
        let first = update(1, PublicStatus::Investigating, &[(7, ComponentStatus::PartialOutage)]);
        let incident = PublicIncident {
            id: PublicIncidentId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            page_id: StatusPageId::from_uuid(Uuid::from_u128(3)),
            name: "Slow API".into(),
            impact_override: None,
            updates: vec![first],
            source: None,
            follows_source: false,
            created_at: Timestamp::from_second(1_780_000_000).unwrap(),
            revision: 1,
        };
        assert_eq!((incident.status(), incident.impact()), (PublicStatus::Investigating, Indicator::Major));
        let worse = incident
            .post(update(2, PublicStatus::Identified, &[(7, ComponentStatus::MajorOutage), (8, ComponentStatus::DegradedPerformance)]))
            .unwrap();
        let watching = worse.post(update(3, PublicStatus::Monitoring, &[(7, ComponentStatus::DegradedPerformance)])).unwrap();
        assert_eq!(watching.impact(), Indicator::Critical, "the worst it ever was");
        assert_eq!(watching.monitoring_at(), Some(watching.updates[2].at));
        assert_eq!(watching.current_impacts().len(), 1);
        let c7 = ComponentId::from_uuid(Uuid::from_u128(7));
        assert_eq!(watching.worst_impact_on(c7), Some(ComponentStatus::MajorOutage));
        assert_eq!(watching.components().len(), 2);
        let over = watching.post(update(4, PublicStatus::Resolved, &[(7, ComponentStatus::DegradedPerformance)])).unwrap();
        assert!(over.is_resolved() && over.current_impacts().is_empty());
        assert_eq!((over.resolved_at(), over.revision), (Some(over.updates[3].at), 4));
        assert_eq!(over.post(update(5, PublicStatus::Investigating, &[])), Err(IncidentClosed));
        let chosen = PublicIncident { impact_override: Some(Indicator::None), ..over.clone() };
        assert_eq!(chosen.impact(), Indicator::None);
    }
}
