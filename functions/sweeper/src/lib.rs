//! The sweeper function: EventBridge fires it every minute. It moves heartbeat tasks whose
//! deadline passed (Late, Down, runs past their limit) by reading the due-index, so its cost
//! grows with the tasks due, not with all tasks; runs the escalations and reminders that are
//! due; and puts back on the notifier queue any delivery overdue by more than a grace period
//! (its queue message was lost: a failed send after the store write); and once an hour deletes
//! audit entries past their organisation's retention.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use jiff::SignedDuration;
use lambda_runtime::LambdaEvent;
use serde::Serialize;
use vigil_app::heartbeats::{SweepDueTasks, sweep_due_tasks};
use vigil_app::notifications::{ClaimDueDeliveries, RunDueTimers, claim_due_deliveries, run_due_timers};
use vigil_app::{Deps, SystemClock};
use vigil_aws::sqs::{DeliveryMessage, DeliveryQueue};

/// What the handler needs.
pub struct Sweeper {
    /// The use cases' dependencies.
    pub deps: Deps,
    /// The notifications queue.
    pub queue: DeliveryQueue,
    /// A delivery this long past due has lost its queue message ([`OVERDUE_GRACE`] in
    /// production).
    pub overdue_grace: SignedDuration,
}

/// What one run did (the invocation's result, also logged).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    /// Heartbeat tasks read from the due-index.
    pub tasks_due: usize,
    /// Heartbeat status changes announced.
    pub task_changes: usize,
    /// Escalation and reminder timers run.
    pub timers: usize,
    /// Overdue deliveries put back on the queue.
    pub requeued: usize,
    /// Audit entries deleted past their organisation's retention (once an hour).
    pub audit_purged: u64,
}

/// A delivery this long past due has lost its queue message: longer than the notifier's claim,
/// so that a delivery being attempted is not queued again.
pub const OVERDUE_GRACE: SignedDuration = SignedDuration::from_secs(120);
/// The most overdue deliveries put back on the queue per run; the rest wait for the next run.
const REQUEUE_BATCH: usize = 500;

impl Sweeper {
    /// One run. A failing part fails the invocation (EventBridge retries it; every part is
    /// safe to run twice) after the other parts ran.
    pub async fn handle(&self, event: LambdaEvent<EventBridgeEvent>) -> anyhow::Result<SweepReport> {
        let now = SystemClock::now();
        let mut report = SweepReport::default();
        let mut problems = Vec::new();
        match sweep_due_tasks(&self.deps, SweepDueTasks::default(), now).await {
            Ok(swept) => {
                report.tasks_due = swept.due;
                report.task_changes = swept.changed;
            }
            Err(error) => problems.push(format!("sweeping heartbeat tasks: {error}")),
        }
        match run_due_timers(&self.deps, RunDueTimers::default(), now).await {
            Ok(ran) => report.timers = ran,
            Err(error) => problems.push(format!("running timers: {error}")),
        }
        // Claimed as of `now - grace` with a lease of the grace: their due time becomes `now`,
        // so the notifier can claim them at once.
        let overdue = ClaimDueDeliveries { overdue_by: self.overdue_grace, lease: self.overdue_grace, limit: REQUEUE_BATCH };
        match claim_due_deliveries(&self.deps, overdue, now).await {
            Ok(overdue) => {
                for delivery in overdue {
                    let message = DeliveryMessage { tenant_id: delivery.tenant_id, delivery_id: delivery.id };
                    match self.queue.send(message, now, now).await {
                        Ok(()) => report.requeued += 1,
                        Err(error) => problems.push(format!("requeueing delivery {}: {error}", delivery.id)),
                    }
                }
            }
            Err(error) => problems.push(format!("claiming overdue deliveries: {error}")),
        }
        // Once an hour: the first run of each hour.
        if now.as_second().rem_euclid(3600) < 60 {
            match vigil_app::accounts::purge_audit_logs(&self.deps, now).await {
                Ok(purged) => report.audit_purged = purged,
                Err(error) => problems.push(format!("purging audit logs: {error}")),
            }
        }
        tracing::info!(?report, request_id = %event.context.request_id, "sweep done");
        if problems.is_empty() { Ok(report) } else { Err(anyhow::anyhow!(problems.join("; "))) }
    }
}
