//! `vigil hosts` and `vigil host-rules`.

use super::resolve::{Names, pick};
use super::{Session, read_draft};
use crate::args::{HostCommand, HostRuleCommand};
use crate::failure::Failure;
use crate::output::{Output, ago, short_id};
use jiff::Timestamp;
use std::time::Duration;
use vigil_api::{Host, HostAction, HostRule, HostRuleDraft, NewEnrolment, PageQuery, SeriesQuery};
use vigil_client::Client;

/// How long `vigil hosts run` waits for the agent's answer.
const ANSWER_WAIT: Duration = Duration::from_secs(120);

/// The host `reference` names, by id, id prefix or name.
async fn host(client: &Client, reference: &str) -> Result<Host, Failure> {
    if let Ok(id) = reference.parse() {
        return Ok(client.get_host(id).await?);
    }
    let hosts = client.list_hosts().await?.items;
    pick(hosts, reference, "host", |h| Names { id: h.id.to_string(), names: vec![&h.name], managed: None })
}

fn firing(host: &Host) -> String {
    let names: Vec<&str> = host.firing.iter().map(|f| f.name.as_str()).collect();
    if names.is_empty() { "-".into() } else { names.join(", ") }
}

fn show(out: &Output, host: &Host) {
    if out.json {
        return out.json(host);
    }
    let now = Timestamp::now();
    println!("{}  {}", out.bold(&host.name), out.status(host.status.as_str()));
    let info = &host.info;
    let lines = [
        ("id", host.id.to_string()),
        ("tags", host.tags.join(", ")),
        ("system", format!("{} {} ({}), {} cores", info.os, info.kernel, info.arch, info.cpu_cores)),
        ("agent", info.agent_version.clone()),
        ("last seen", ago(host.last_seen_at, now)),
        ("sample", ago(host.last_sample_at, now)),
        ("batches", format!("{} acknowledged, {} dropped by the agent", host.acked_through.unwrap_or(0), host.dropped_total)),
        ("firing", firing(host)),
        ("revoked", ago(host.revoked_at, now)),
    ];
    for (label, value) in lines {
        println!("  {} {value}", out.dim(&format!("{label:<9}")));
    }
}

fn action_row(out: &Output, action: &HostAction, now: Timestamp) -> Vec<String> {
    let result = match (&action.refusal_detail, action.exit_code) {
        (Some(refusal), _) => refusal.clone(),
        (None, Some(code)) => format!("exit {code} in {} ms", action.duration_ms.unwrap_or(0)),
        (None, None) => "-".into(),
    };
    vec![
        out.dim(&short_id(&action.id)),
        ago(Some(action.requested_at), now),
        action.host_name.clone(),
        action.action.clone(),
        action.requested_by.clone(),
        out.status(&action.status),
        result,
    ]
}

/// Runs `vigil hosts …`.
pub async fn hosts(session: &Session, command: HostCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    let now = Timestamp::now();
    match command {
        HostCommand::List => {
            let hosts = client.list_hosts().await?.items;
            if out.json {
                out.json(&hosts);
            } else {
                let rows: Vec<_> = hosts
                    .iter()
                    .map(|h| {
                        vec![
                            out.dim(&short_id(&h.id)),
                            h.name.clone(),
                            out.status(h.status.as_str()),
                            ago(h.last_sample_at, now),
                            firing(h),
                        ]
                    })
                    .collect();
                out.table(&["ID", "NAME", "STATUS", "LAST SAMPLE", "FIRING"], &rows);
            }
        }
        HostCommand::Get { host: reference } => show(out, &host(client, &reference).await?),
        HostCommand::Enrol { name, tags, silent_after } => {
            let enrolment =
                client.create_enrolment(&NewEnrolment { name, tags, silent_after_seconds: silent_after, lifetime_seconds: None }).await?;
            if out.json {
                out.json(&enrolment);
            } else {
                println!("{}", enrolment.token.as_deref().unwrap_or_default());
                eprintln!(
                    "{}",
                    out.dim(&format!(
                        "The token is shown this once; give it to the agent (VIGIL_AGENT_TOKEN). It expires {}.",
                        ago(Some(enrolment.expires_at), now)
                    ))
                );
            }
        }
        HostCommand::Revoke { host: reference } => {
            let revoked = client.revoke_host(host(client, &reference).await?.id).await?;
            show(out, &revoked);
        }
        HostCommand::Metrics { host: reference, metric } => {
            let found = host(client, &reference).await?;
            match metric {
                None => {
                    let latest = client.host_metrics(found.id).await?;
                    if out.json {
                        out.json(&latest);
                    } else {
                        println!("{}  {}", out.bold(&found.name), out.dim(&ago(latest.at, now)));
                        let rows: Vec<_> = latest.values.iter().map(|v| vec![v.metric.clone(), format!("{:.2}", v.value)]).collect();
                        out.table(&["METRIC", "VALUE"], &rows);
                    }
                }
                Some(metric) => {
                    let series = client.host_series(found.id, &SeriesQuery { metric, from: None, to: None, resolution: None }).await?;
                    if out.json {
                        out.json(&series);
                    } else {
                        let rows: Vec<_> = series
                            .points
                            .iter()
                            .map(|p| vec![p.at.to_string(), format!("{:.2}", p.mean), format!("{:.2}", p.min), format!("{:.2}", p.max)])
                            .collect();
                        out.table(&["AT", "MEAN", "MIN", "MAX"], &rows);
                    }
                }
            }
        }
        HostCommand::Run { host: reference, action } => {
            let found = host(client, &reference).await?;
            let mut answer = client.request_action(found.id, &action).await?;
            let deadline = tokio::time::Instant::now() + ANSWER_WAIT;
            while answer.status == "pending" && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(500)).await;
                answer = client.get_action(answer.id).await?;
            }
            if out.json {
                out.json(&answer);
            } else {
                out.table(&["ID", "WHEN", "HOST", "ACTION", "BY", "STATUS", "RESULT"], &[action_row(out, &answer, now)]);
                if let Some(tail) = &answer.output_tail {
                    println!("{tail}");
                }
            }
            return Ok(if answer.exit_code == Some(0) { 0 } else { 1 });
        }
        HostCommand::Actions { host: reference } => {
            let id = match reference {
                Some(reference) => Some(host(client, &reference).await?.id),
                None => None,
            };
            let actions = client.list_actions(id, &PageQuery { cursor: None, limit: Some(100) }).await?.items;
            if out.json {
                out.json(&actions);
            } else {
                let rows: Vec<_> = actions.iter().map(|a| action_row(out, a, now)).collect();
                out.table(&["ID", "WHEN", "HOST", "ACTION", "BY", "STATUS", "RESULT"], &rows);
            }
        }
    }
    Ok(0)
}

fn rule_row(out: &Output, rule: &HostRule) -> Vec<String> {
    let firing = rule.hosts.iter().filter(|h| h.status == "firing").map(|h| h.host_name.as_str()).collect::<Vec<_>>();
    vec![
        out.dim(&short_id(&rule.id)),
        rule.name.clone(),
        rule.description.clone(),
        if firing.is_empty() { "-".into() } else { out.paint("31;1", &firing.join(", ")) },
    ]
}

/// Runs `vigil host-rules …`.
pub async fn rules(session: &Session, command: HostRuleCommand) -> Result<i32, Failure> {
    let (client, out) = (&session.client, &session.out);
    match command {
        HostRuleCommand::List => {
            let rules = client.list_host_rules().await?.items;
            if out.json {
                out.json(&rules);
            } else {
                let rows: Vec<_> = rules.iter().map(|r| rule_row(out, r)).collect();
                out.table(&["ID", "NAME", "RULE", "FIRING ON"], &rows);
            }
        }
        HostRuleCommand::Create { file } => {
            let draft: HostRuleDraft = read_draft(&file)?;
            let rule = client.create_host_rule(&draft).await?;
            if out.json {
                out.json(&rule);
            } else {
                out.table(&["ID", "NAME", "RULE", "FIRING ON"], &[rule_row(out, &rule)]);
            }
        }
        HostRuleCommand::Delete { rule } => {
            let rules = client.list_host_rules().await?.items;
            let found = pick(rules, &rule, "host rule", |r| Names { id: r.id.to_string(), names: vec![&r.name], managed: None })?;
            client.delete_host_rule(found.id).await?;
            if !out.json {
                println!("Deleted {}.", found.name);
            }
        }
    }
    Ok(0)
}
