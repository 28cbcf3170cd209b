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
    /// Timers claimed at a time; claims repeat while they come back full.
    pub batch: usize,
    /// The most timers handled in one run; the rest stays due for the next.
    pub max: usize,
}

impl Default for RunDueTimers {
    fn default() -> Self {
        Self { lease: SignedDuration::from_secs(120), batch: 100, max: 2_000 }
    }
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
#[tracing::instrument(name = "run_due_timers", skip_all)]
pub async fn run_due_timers(deps: &Deps, cmd: RunDueTimers, now: Timestamp) -> Result<usize, RunDueTimersError> {
    let mut handled = 0;
    loop {
        let want = cmd.batch.max(1).min(cmd.max - handled);
        if want == 0 {
            return Ok(handled);
        }
        let claimed = run_claimed_timers(deps, cmd.lease, want, now).await?;
        handled += claimed;
        if claimed < want {
            return Ok(handled);
        }
    }
}

/// Claims up to `limit` due timers and acts on each; returns how many were claimed.
async fn run_claimed_timers(deps: &Deps, lease: SignedDuration, limit: usize, now: Timestamp) -> Result<usize, RunDueTimersError> {
    let timers = deps.stores.timers.claim_due(now, lease, limit).await?;
    for timer in &timers {
        let incident = deps.stores.incidents.get(timer.tenant_id, timer.incident_id).await?;
        let rule = deps.stores.alert_rules.get(timer.tenant_id, timer.rule_id).await?;
        let (Some(incident), Some(rule)) = (incident, rule) else {
            deps.stores.timers.complete(timer, None).await?;
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
                deps.stores.incidents.append(timer.tenant_id, &[timeline_entry(deps, core.id, now, event)]).await?;
            }
        }
        let next = if timer.is_moot(status) { None } else { timer.next(&rule, core.opened_at) };
        deps.stores.timers.complete(timer, next.as_ref()).await?;
    }
    Ok(timers.len())
}
