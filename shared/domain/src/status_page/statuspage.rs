//! A snapshot as Atlassian Statuspage's public `api/v2` documents, field for field, so that
//! aggregators and integrations that read Statuspage pages read ours unchanged.

use super::component::ComponentStatus;
use super::incident::PublicIncident;
use super::snapshot::{ComponentFacts, MaintenanceFacts, PageSnapshot};
use jiff::Timestamp;
use serde_json::{Value, json};

/// The documents a page serves under `api/v2/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatuspageDocument {
    /// `summary.json`: page, components, unresolved incidents, upcoming and running
    /// maintenance, status.
    Summary,
    /// `status.json`: the page and its overall status.
    Status,
    /// `components.json`.
    Components,
    /// `incidents.json`: the latest incidents, resolved or not.
    Incidents,
    /// `incidents/unresolved.json`.
    Unresolved,
    /// `scheduled-maintenances/upcoming.json`: maintenance not yet started.
    UpcomingMaintenances,
}

impl StatuspageDocument {
    /// The document served at `path` (after `api/v2/`), if any.
    pub fn at(path: &str) -> Option<Self> {
        Some(match path {
            "summary.json" => Self::Summary,
            "status.json" => Self::Status,
            "components.json" => Self::Components,
            "incidents.json" => Self::Incidents,
            "incidents/unresolved.json" => Self::Unresolved,
            "scheduled-maintenances/upcoming.json" => Self::UpcomingMaintenances,
            _ => return None,
        })
    }

    /// This document of `snapshot`, for a page served at `url`, at `now` (which maintenance runs).
    pub fn render(self, snapshot: &PageSnapshot, url: &str, now: Timestamp) -> Value {
        let page = page(snapshot, url);
        let status = json!({"indicator": snapshot.indicator.as_str(), "description": snapshot.indicator.description()});
        let components = || Value::Array(snapshot.components.iter().map(|c| component(snapshot, c)).collect());
        let incidents = |only_unresolved: bool| {
            let chosen = snapshot.incidents.iter().filter(|i| !only_unresolved || !i.is_resolved());
            Value::Array(chosen.map(|i| incident(snapshot, i, url)).collect())
        };
        let maintenances = |started_too: bool| {
            let chosen = snapshot.maintenances.iter().filter(|m| now < m.ends_at && (started_too || now < m.starts_at));
            Value::Array(chosen.map(|m| maintenance(snapshot, m, url, now)).collect())
        };
        match self {
            Self::Summary => json!({
                "page": page,
                "components": components(),
                "incidents": incidents(true),
                "scheduled_maintenances": maintenances(true),
                "status": status,
            }),
            Self::Status => json!({"page": page, "status": status}),
            Self::Components => json!({"page": page, "components": components()}),
            Self::Incidents => json!({"page": page, "incidents": incidents(false)}),
            Self::Unresolved => json!({"page": page, "incidents": incidents(true)}),
            Self::UpcomingMaintenances => json!({"page": page, "scheduled_maintenances": maintenances(false)}),
        }
    }
}

fn page(snapshot: &PageSnapshot, url: &str) -> Value {
    json!({
        "id": snapshot.page_id.to_string(),
        "name": snapshot.page.name,
        "url": url,
        "time_zone": snapshot.page.time_zone,
        "updated_at": snapshot.updated_at.to_string(),
    })
}

fn component(snapshot: &PageSnapshot, c: &ComponentFacts) -> Value {
    let children: Vec<String> = snapshot.components.iter().filter(|x| x.group_id == Some(c.id)).map(|x| x.id.to_string()).collect();
    let mut value = json!({
        "id": c.id.to_string(),
        "name": c.name,
        "status": c.status.as_str(),
        "created_at": c.created_at.to_string(),
        "updated_at": c.updated_at.to_string(),
        "position": c.position,
        "description": (!c.description.is_empty()).then_some(&c.description),
        "showcase": !c.is_group,
        "start_date": c.created_at.strftime("%Y-%m-%d").to_string(),
        "group_id": c.group_id.map(|g| g.to_string()),
        "page_id": snapshot.page_id.to_string(),
        "group": c.is_group,
        "only_show_if_degraded": false,
    });
    if c.is_group {
        value["components"] = json!(children);
    }
    value
}

/// The components an incident or maintenance names, as Statuspage lists them.
fn named_components(snapshot: &PageSnapshot, ids: impl IntoIterator<Item = crate::ids::ComponentId>) -> Value {
    Value::Array(ids.into_iter().filter_map(|id| snapshot.component(id)).map(|c| component(snapshot, c)).collect())
}

fn incident(snapshot: &PageSnapshot, i: &PublicIncident, url: &str) -> Value {
    let mut before: std::collections::BTreeMap<_, ComponentStatus> = std::collections::BTreeMap::new();
    let mut updates: Vec<Value> = i
        .updates
        .iter()
        .map(|u| {
            let affected: Vec<Value> = u
                .impacts
                .iter()
                .filter_map(|(id, new)| {
                    let name = snapshot.component(*id)?.name.clone();
                    let old = before.insert(*id, *new).unwrap_or(ComponentStatus::Operational);
                    Some(json!({"code": id.to_string(), "name": name, "old_status": old.as_str(), "new_status": new.as_str()}))
                })
                .collect();
            json!({
                "id": u.id.to_string(),
                "status": u.status.as_str(),
                "body": u.body,
                "incident_id": i.id.to_string(),
                "created_at": u.at.to_string(),
                "updated_at": u.at.to_string(),
                "display_at": u.at.to_string(),
                "affected_components": affected,
                "deliver_notifications": u.notify,
                "custom_tweet": null,
                "tweet_id": null,
            })
        })
        .collect();
    // Statuspage lists updates newest first.
    updates.reverse();
    json!({
        "id": i.id.to_string(),
        "name": i.name,
        "status": i.status().as_str(),
        "created_at": i.created_at.to_string(),
        "updated_at": i.updated_at().to_string(),
        "monitoring_at": i.monitoring_at().map(|t| t.to_string()),
        "resolved_at": i.resolved_at().map(|t| t.to_string()),
        "impact": i.impact().as_str(),
        "shortlink": format!("{}/incidents/{}", url.trim_end_matches('/'), i.id),
        "started_at": i.created_at.to_string(),
        "page_id": snapshot.page_id.to_string(),
        "incident_updates": updates,
        "components": named_components(snapshot, i.components()),
    })
}

fn maintenance(snapshot: &PageSnapshot, m: &MaintenanceFacts, url: &str, now: Timestamp) -> Value {
    let status = if m.is_running(now) { "in_progress" } else { "scheduled" };
    let update = json!({
        "id": format!("{}-update", m.id()),
        "status": status,
        "body": m.message,
        "incident_id": m.id(),
        "created_at": m.created_at.to_string(),
        "updated_at": m.created_at.to_string(),
        "display_at": m.created_at.to_string(),
        "affected_components": [],
        "deliver_notifications": false,
        "custom_tweet": null,
        "tweet_id": null,
    });
    json!({
        "id": m.id(),
        "name": m.name,
        "status": status,
        "created_at": m.created_at.to_string(),
        "updated_at": m.created_at.to_string(),
        "monitoring_at": null,
        "resolved_at": null,
        "impact": "maintenance",
        "shortlink": url,
        "started_at": m.starts_at.to_string(),
        "page_id": snapshot.page_id.to_string(),
        "incident_updates": [update],
        "components": named_components(snapshot, m.components.iter().copied()),
        "scheduled_for": m.starts_at.to_string(),
        "scheduled_until": m.ends_at.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Locale;
    use crate::ids::{ComponentId, MaintenanceWindowId, PublicIncidentId, PublicUpdateId, StatusPageId, TenantId};
    use crate::status_page::{Indicator, PageFacts, PageSlug, PublicStatus, PublicUpdate};
    use jiff::civil::date;
    use std::collections::BTreeMap;
    use uuid::Uuid;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + seconds).unwrap()
    }

    fn facts(id: u128, name: &str, group: Option<ComponentId>, is_group: bool, status: ComponentStatus) -> ComponentFacts {
        ComponentFacts {
            id: ComponentId::from_uuid(Uuid::from_u128(id)),
            name: name.into(),
            description: String::new(),
            is_group,
            group_id: group,
            position: 1,
            status,
            created_at: at(0),
            updated_at: at(10),
            sources: Vec::new(),
            days: Vec::new(),
            months: Vec::new(),
            sources_key: String::new(),
        }
    }

    /// A page with a group holding an API in partial outage, one incident with two updates and
    /// one maintenance a day away.
    fn snapshot() -> PageSnapshot {
        let group = facts(1, "Backend", None, true, ComponentStatus::PartialOutage);
        let api = facts(2, "API", Some(group.id), false, ComponentStatus::PartialOutage);
        let (page_id, tenant_id) = (StatusPageId::from_uuid(Uuid::from_u128(9)), TenantId::from_uuid(Uuid::from_u128(8)));
        let update = |n: u128, status, seconds, impact| PublicUpdate {
            id: PublicUpdateId::from_uuid(Uuid::from_u128(100 + n)),
            status,
            body: format!("update {n}"),
            at: at(seconds),
            impacts: BTreeMap::from([(api.id, impact)]),
            notify: true,
            by: "ann".into(),
        };
        let incident = PublicIncident {
            id: PublicIncidentId::from_uuid(Uuid::from_u128(50)),
            tenant_id,
            page_id,
            name: "API errors".into(),
            impact_override: None,
            updates: vec![
                update(1, PublicStatus::Investigating, 60, ComponentStatus::MajorOutage),
                update(2, PublicStatus::Identified, 120, ComponentStatus::PartialOutage),
            ],
            source: None,
            follows_source: false,
            created_at: at(60),
            revision: 2,
        };
        let maintenance = MaintenanceFacts {
            window_id: MaintenanceWindowId::from_uuid(Uuid::from_u128(70)),
            name: "Database upgrade".into(),
            message: "Writes pause.".into(),
            starts_at: at(86_400),
            ends_at: at(90_000),
            components: vec![api.id],
            created_at: at(0),
        };
        PageSnapshot {
            tenant_id,
            page_id,
            computed_at: at(200),
            page_revision: 3,
            updated_at: at(120),
            page: PageFacts {
                slug: PageSlug::parse("acme").unwrap(),
                custom_domain: None,
                name: "Acme".into(),
                description: String::new(),
                access: "public".into(),
                no_index: false,
                default_locale: Locale::En,
                time_zone: "Europe/Paris".into(),
                created_at: at(0),
                updated_at: at(120),
            },
            components: vec![group, api],
            indicator: Indicator::Major,
            incidents: vec![incident],
            maintenances: vec![maintenance],
            first_day: date(2026, 9, 1),
            first_month: date(2026, 6, 1),
        }
    }

    fn keys(value: &Value) -> Vec<&str> {
        let mut keys: Vec<&str> = value.as_object().expect("an object").keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn each_document_has_the_fields_statuspage_documents() {
        let snapshot = snapshot();
        let url = "https://status.acme.test";
        let cases = [
            ("summary.json", vec!["components", "incidents", "page", "scheduled_maintenances", "status"]),
            ("status.json", vec!["page", "status"]),
            ("components.json", vec!["components", "page"]),
            ("incidents.json", vec!["incidents", "page"]),
            ("incidents/unresolved.json", vec!["incidents", "page"]),
            ("scheduled-maintenances/upcoming.json", vec!["page", "scheduled_maintenances"]),
        ];
        for (path, expected) in cases {
            let document = StatuspageDocument::at(path).expect(path).render(&snapshot, url, at(300));
            assert_eq!(keys(&document), expected, "{path}");
            assert_eq!(keys(&document["page"]), vec!["id", "name", "time_zone", "updated_at", "url"], "{path}");
        }
        assert_eq!(StatuspageDocument::at("secrets.json"), None);
    }

    #[test]
    fn the_summary_carries_status_components_incidents_and_maintenance_as_statuspage_does() {
        let summary = StatuspageDocument::Summary.render(&snapshot(), "https://status.acme.test", at(300));
        assert_eq!(summary["status"], json!({"indicator": "major", "description": "Partial System Outage"}));
        let group = &summary["components"][0];
        let api = &summary["components"][1];
        assert_eq!((group["group"].as_bool(), group["components"].as_array().map(Vec::len)), (Some(true), Some(1)));
        assert_eq!(api["group_id"], group["id"]);
        assert_eq!(api["status"], "partial_outage");
        assert_eq!(api["start_date"], "2026-09-21");
        let component_keys = vec![
            "created_at",
            "description",
            "group",
            "group_id",
            "id",
            "name",
            "only_show_if_degraded",
            "page_id",
            "position",
            "showcase",
            "start_date",
            "status",
            "updated_at",
        ];
        assert_eq!(keys(api), component_keys);

        let incident = &summary["incidents"][0];
        assert_eq!((incident["status"].as_str(), incident["impact"].as_str()), (Some("identified"), Some("critical")));
        assert_eq!(incident["shortlink"], format!("https://status.acme.test/incidents/{}", Uuid::from_u128(50)));
        let updates = incident["incident_updates"].as_array().unwrap();
        assert_eq!(updates[0]["status"], "identified", "newest first");
        assert_eq!(
            updates[0]["affected_components"][0],
            json!({"code": api["id"], "name": "API", "old_status": "major_outage", "new_status": "partial_outage"})
        );
        assert_eq!(updates[1]["affected_components"][0]["old_status"], "operational");
        for key in [
            "id",
            "status",
            "body",
            "incident_id",
            "created_at",
            "updated_at",
            "display_at",
            "affected_components",
            "deliver_notifications",
        ] {
            assert!(updates[0].get(key).is_some(), "an update has {key}");
        }

        let maintenance = &summary["scheduled_maintenances"][0];
        assert_eq!((maintenance["status"].as_str(), maintenance["impact"].as_str()), (Some("scheduled"), Some("maintenance")));
        assert_eq!(maintenance["scheduled_for"], at(86_400).to_string());
        assert_eq!(maintenance["components"][0]["name"], "API");
    }

    #[test]
    fn resolved_incidents_and_running_or_past_maintenance_leave_the_short_lists() {
        let mut snapshot = snapshot();
        let resolved = PublicUpdate { status: PublicStatus::Resolved, at: at(400), ..snapshot.incidents[0].updates[1].clone() };
        snapshot.incidents[0].updates.push(resolved);
        let url = "https://status.acme.test";
        let during = at(87_000);
        assert_eq!(StatuspageDocument::Unresolved.render(&snapshot, url, during)["incidents"], json!([]));
        assert_eq!(StatuspageDocument::Incidents.render(&snapshot, url, during)["incidents"][0]["status"], "resolved");
        assert_eq!(StatuspageDocument::UpcomingMaintenances.render(&snapshot, url, during)["scheduled_maintenances"], json!([]));
        assert_eq!(StatuspageDocument::Summary.render(&snapshot, url, during)["scheduled_maintenances"][0]["status"], "in_progress");
        assert_eq!(StatuspageDocument::Summary.render(&snapshot, url, at(95_000))["scheduled_maintenances"], json!([]));
    }
}
