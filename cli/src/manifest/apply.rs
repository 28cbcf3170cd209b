//! `vigil apply`: carries out a plan. Channels, monitors and tasks first, then the rules and
//! windows that name them (with the ids of what was just created), then, with `--prune`, the
//! deletions, rules and windows before what they name. Each resource is marked with the file's
//! source and its logical name, so the next plan finds it again.

use super::plan::{Action, Change, Current, Kind, Plan, References};
use super::validate::{Desired, secret_field};
use serde_json::Value;
use vigil_api::{AlertRuleId, ChannelId, MaintenanceWindowId, Managed, MonitorId, TaskId};
use vigil_client::{Client, Error};

/// Why applying stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The plan cannot be carried out as it is (nothing was changed).
    #[error("{0}")]
    Refused(String),
    /// A change failed; the ones before it were made.
    #[error("{noun} `{key}`: {error}")]
    Failed {
        /// The kind of resource.
        noun: &'static str,
        /// Its logical name.
        key: String,
        /// What the server said.
        #[source]
        error: Box<Error>,
        /// How many changes were made before.
        done: usize,
    },
}

/// The changes that make something happen, in the order they are made.
pub fn steps(plan: &Plan, prune: bool) -> Vec<&Change> {
    let mut steps: Vec<&Change> =
        plan.changes.iter().filter(|c| matches!(c.action, Action::Create | Action::Update | Action::Adopt)).collect();
    if prune {
        let order = [Kind::AlertRule, Kind::MaintenanceWindow, Kind::Monitor, Kind::Task, Kind::Channel];
        for kind in order {
            steps.extend(plan.changes.iter().filter(|c| c.action == Action::Delete && c.kind == kind));
        }
    }
    steps
}

/// The channels the plan would create without the secret they need (the file left it out,
/// which only keeps the secret of a channel that exists).
pub fn missing_secrets(plan: &Plan, desired: &Desired) -> Vec<String> {
    plan.changes
        .iter()
        .filter(|c| c.kind == Kind::Channel && c.action == Action::Create)
        .filter_map(|c| {
            let channel = desired.channels.get(&c.key)?;
            let kind = channel.draft.kind.as_deref().unwrap_or_default();
            let field = secret_field(kind).filter(|f| *f != "secret")?;
            (!channel.secret_given).then(|| {
                format!(
                    "channels.{}: a new {kind} channel needs its `{field}` (from an environment variable, like `{field}: ${{…}}`)",
                    c.key
                )
            })
        })
        .collect()
}

/// Carries out `plan` (made from `desired` and `current`), calling `done` after each change.
/// Returns how many changes were made.
pub async fn apply(
    client: &Client,
    desired: &Desired,
    current: &Current,
    plan: &Plan,
    prune: bool,
    done: &(dyn Fn(&Change) + Sync),
) -> Result<usize, ApplyError> {
    let missing = missing_secrets(plan, desired);
    if !missing.is_empty() {
        return Err(ApplyError::Refused(missing.join("\n")));
    }
    let mut ids = plan.ids.clone();
    let mut count = 0;
    for change in steps(plan, prune) {
        let managed = Managed { source: desired.source.clone(), key: change.key.clone() };
        let failed =
            |error: Error| ApplyError::Failed { noun: change.kind.noun(), key: change.key.clone(), error: Box::new(error), done: count };
        let id = change.id.clone().unwrap_or_default();
        let created = match (change.kind, change.action) {
            (Kind::Channel, Action::Delete) => client.delete_channel(parse(&id)?).await.map(|_| None),
            (Kind::Monitor, Action::Delete) => client.delete_monitor(parse(&id)?).await.map(|_| None),
            (Kind::Task, Action::Delete) => client.delete_task(parse(&id)?).await.map(|_| None),
            (Kind::AlertRule, Action::Delete) => client.delete_alert_rule(parse(&id)?).await.map(|_| None),
            (Kind::MaintenanceWindow, Action::Delete) => client.delete_maintenance_window(parse(&id)?).await.map(|_| None),
            (Kind::Channel, action) => {
                let mut draft = desired.channels[&change.key].draft.clone();
                draft.managed = Some(managed);
                if action == Action::Create {
                    client.create_channel(&draft).await.map(|c| Some(c.id.to_string()))
                } else {
                    client.replace_channel(parse::<ChannelId>(&id)?, &draft).await.map(|_| None)
                }
            }
            (Kind::Monitor, action) => {
                let mut draft = desired.monitors[&change.key].clone();
                draft.managed = Some(Some(managed));
                if action == Action::Create {
                    client.create_monitor(&draft).await.map(|m| Some(m.id.to_string()))
                } else {
                    let mut patch = serde_json::to_value(&draft).unwrap_or_default();
                    let had_body = current.monitors.iter().any(|m| m.id.to_string() == id && m.body.is_some());
                    if had_body && draft.body.is_none() {
                        patch["body"] = Value::Null;
                    }
                    client.update_monitor(parse::<MonitorId>(&id)?, &patch, None).await.map(|_| None)
                }
            }
            (Kind::Task, action) => {
                let mut draft = desired.tasks[&change.key].clone();
                draft.managed = Some(Some(managed));
                if action == Action::Create {
                    client.create_task(&draft).await.map(|t| Some(t.id.to_string()))
                } else {
                    client.update_task(parse::<TaskId>(&id)?, &draft).await.map(|_| None)
                }
            }
            (Kind::AlertRule, action) => {
                let refs = References::of(desired, &ids);
                let mut draft = refs.rule_draft(&desired.rules[&change.key]);
                draft.managed = Some(managed);
                if action == Action::Create {
                    client.create_alert_rule(&draft).await.map(|r| Some(r.id.to_string()))
                } else {
                    client.replace_alert_rule(parse::<AlertRuleId>(&id)?, &draft).await.map(|_| None)
                }
            }
            (Kind::MaintenanceWindow, action) => {
                let refs = References::of(desired, &ids);
                let mut draft = refs.window_draft(&desired.windows[&change.key]);
                draft.managed = Some(managed);
                if action == Action::Create {
                    client.create_maintenance_window(&draft).await.map(|w| Some(w.id.to_string()))
                } else {
                    client.replace_maintenance_window(parse::<MaintenanceWindowId>(&id)?, &draft).await.map(|_| None)
                }
            }
        }
        .map_err(failed)?;
        if let Some(new_id) = created {
            ids.0.insert((change.kind, change.key.clone()), new_id);
        }
        count += 1;
        done(change);
    }
    Ok(count)
}

fn parse<T: std::str::FromStr>(id: &str) -> Result<T, ApplyError> {
    id.parse().map_err(|_| ApplyError::Refused(format!("`{id}` is not an id")))
}
