use crate::Deps;
use crate::incidents::{enqueue, timeline_entry};
use jiff::{SignedDuration, Timestamp};
use vigil_domain::incident::TimelineEvent;
use vigil_domain::notify::TimerKind;
use vigil_domain::ports::StoreError;

/// Act on the escalation and reminder timers that are due.
#[derive(Clone, Copy, Debug)]
pub struct RunDueTimers {
    /// How long a claimed timer is kept from other runners before it comes back.
    pub lease: SignedDuration,
    /// The most timers handled in one run.
    pub limit: usize,
}

/// Why due timers could not be handled; claimed ones come back when their lease ends.
#[derive(Debug, thiserror::Error)]
pub enum RunDueTimersError {
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Claims due timers from the due-index and, for each, escalates (if nobody acknowledged) or
/// reminds (if not resolved), then schedules the rule's next timer or drops it. Sending twice is
/// impossible: each escalation step and reminder has its own idempotency key per channel.
/// Returns how many timers were handled.
pub async fn run_due_timers(deps: &Deps, cmd: RunDueTimers, now: Timestamp) -> Result<usize, RunDueTimersError> {
    let timers = deps.timers.claim_due(now, cmd.lease, cmd.limit).await?;
    for timer in &timers {
        let incident = deps.incidents.get(timer.tenant_id, timer.incident_id).await?;
        let rule = deps.alert_rules.get(timer.tenant_id, timer.rule_id).await?;
        let (Some(incident), Some(rule)) = (incident, rule) else {
            deps.timers.complete(timer, None).await?;
            continue;
        };
        let core = incident.core();
        let status = incident.status();
        if timer.fires_on(status) && core.silenced.is_none() {
            let channels: Vec<_> = timer.channels(&rule).iter().map(|c| (*c, Some(rule.id))).collect();
            let new = enqueue(deps, &incident, timer.notification(), timer.due_at, &channels, now).await?;
            if new > 0 {
                let event = match timer.kind {
                    TimerKind::Escalation { step } => {
                        TimelineEvent::Escalated { rule_id: rule.id, step, channels: channels.iter().map(|(c, _)| *c).collect() }
                    }
                    TimerKind::Reminder { count } => TimelineEvent::Reminded { rule_id: rule.id, count },
                };
                deps.incidents.append(timer.tenant_id, &[timeline_entry(deps, core.id, now, event)]).await?;
            }
        }
        let next = if timer.is_moot(status) { None } else { timer.next(&rule, core.opened_at) };
        deps.timers.complete(timer, next.as_ref()).await?;
    }
    Ok(timers.len())
}
