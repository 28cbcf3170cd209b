//! Finding the resource a person names: by id, by the first or last characters of its id (tables
//! show the last eight), by name, or by its logical name in a monitoring file.

use crate::failure::Failure;
use futures::{StreamExt, TryStreamExt};
use vigil_api::{AlertRule, Channel, Incident, IncidentQuery, MaintenanceWindow, Managed, Monitor, MonitorQuery, Task};
use vigil_client::Client;

/// What a reference can match.
pub struct Names<'a> {
    /// The id.
    pub id: String,
    /// The display name (and, for tasks, the slug).
    pub names: Vec<&'a str>,
    /// The mark of its monitoring file.
    pub managed: Option<&'a Managed>,
}

/// The one item of `items` that `reference` names.
pub fn pick<T>(items: Vec<T>, reference: &str, noun: &str, names: impl Fn(&T) -> Names<'_>) -> Result<T, Failure> {
    let reference = reference.trim();
    let lower = reference.to_lowercase();
    let tiers: [&dyn Fn(&Names<'_>) -> bool; 4] = [
        &|n| n.id == lower,
        &|n| lower.len() >= 4 && (n.id.starts_with(&lower) || n.id.ends_with(&lower)),
        &|n| n.names.contains(&reference),
        &|n| n.managed.is_some_and(|m| m.key == reference),
    ];
    for matches in tiers {
        let found: Vec<usize> = items.iter().enumerate().filter(|(_, item)| matches(&names(item))).map(|(i, _)| i).collect();
        match found.as_slice() {
            [] => continue,
            [one] => return Ok(items.into_iter().nth(*one).expect("an index of items")),
            many => {
                let ids: Vec<String> = many.iter().map(|i| names(&items[*i]).id).collect();
                return Err(Failure::usage(format!("`{reference}` names {} {noun}s ({}): give an id", many.len(), ids.join(", "))));
            }
        }
    }
    Err(Failure::not_found(format!("no {noun} `{reference}` (by id, name or logical name)")))
}

/// The monitor `reference` names.
pub async fn monitor(client: &Client, reference: &str) -> Result<Monitor, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_monitor(id).await?);
    }
    let all: Vec<Monitor> = client.monitors(MonitorQuery::default()).try_collect().await?;
    pick(all, reference, "monitor", |m| Names { id: m.id.to_string(), names: vec![&m.name], managed: m.managed.as_ref() })
}

/// The task `reference` names (by slug too).
pub async fn task(client: &Client, reference: &str) -> Result<Task, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_task(id).await?);
    }
    let all: Vec<Task> = client.tasks().try_collect().await?;
    pick(all, reference, "task", |t| Names {
        id: t.id.to_string(),
        names: [Some(t.name.as_str()), t.slug.as_deref()].into_iter().flatten().collect(),
        managed: t.managed.as_ref(),
    })
}

/// The channel `reference` names.
pub async fn channel(client: &Client, reference: &str) -> Result<Channel, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_channel(id).await?);
    }
    let all: Vec<Channel> = client.channels().try_collect().await?;
    pick(all, reference, "channel", |c| Names { id: c.id.to_string(), names: vec![&c.name], managed: c.managed.as_ref() })
}

/// The alert rule `reference` names.
pub async fn rule(client: &Client, reference: &str) -> Result<AlertRule, Failure> {
    let all = client.alert_rules().await?;
    pick(all, reference, "alert rule", |r| Names { id: r.id.to_string(), names: vec![&r.name], managed: r.managed.as_ref() })
}

/// The maintenance window `reference` names.
pub async fn window(client: &Client, reference: &str) -> Result<MaintenanceWindow, Failure> {
    let all = client.maintenance_windows().await?;
    pick(all, reference, "maintenance window", |w| Names { id: w.id.to_string(), names: vec![&w.name], managed: w.managed.as_ref() })
}

/// The incident `reference` names: its id, or the first or last characters of the id of one of the
/// 500 most recent.
pub async fn incident(client: &Client, reference: &str) -> Result<Incident, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_incident(id).await?.incident);
    }
    let recent: Vec<Incident> = client.incidents(IncidentQuery::default()).take(500).try_collect().await?;
    pick(recent, reference, "incident", |i| Names { id: i.id.to_string(), names: vec![], managed: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item(&'static str, &'static str, Option<Managed>);

    fn names(item: &Item) -> Names<'_> {
        Names { id: item.0.to_owned(), names: vec![item.1], managed: item.2.as_ref() }
    }

    #[test]
    fn references_by_id_prefix_suffix_name_and_logical_name() {
        let items = || {
            vec![
                Item("0192f3a4-0000-7000-8000-000000000001", "API", Some(Managed { source: "prod".into(), key: "api".into() })),
                Item("0192f3a4-0000-7000-8000-000000000002", "Web", None),
                Item("0192aaaa-0000-7000-8000-000000000003", "Web", None),
            ]
        };
        let name = |reference: &str| pick(items(), reference, "monitor", names).map(|i| i.0);
        assert_eq!(name("0192f3a4-0000-7000-8000-000000000002").unwrap(), "0192f3a4-0000-7000-8000-000000000002");
        assert_eq!(name("0192AAAA").unwrap(), "0192aaaa-0000-7000-8000-000000000003");
        assert_eq!(name("API").unwrap(), "0192f3a4-0000-7000-8000-000000000001");
        assert_eq!(name("api").unwrap(), "0192f3a4-0000-7000-8000-000000000001", "the logical name");
        let ambiguous = name("Web").unwrap_err();
        assert!(ambiguous.message.contains("2 monitors"), "{ambiguous}");
        let short = name("019").unwrap_err();
        assert_eq!(short.code, crate::failure::Exit::NotFound, "three characters are too few to be an id prefix");
        assert!(name("0192f3a4").is_err(), "a prefix shared by two");
        assert_eq!(name("00000002").unwrap(), "0192f3a4-0000-7000-8000-000000000002", "the last characters, as tables show them");
    }
}
