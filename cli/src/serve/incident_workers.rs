//! The self-hosted half of the incidents and notifier functions: what the incidents and
//! notifier Lambdas, their SQS queues and the sweeper's escalation pass are on AWS.
//!
//! - The event consumer reads status changes from the in-process bus and runs `handle_event`
//!   (open, resolve, enqueue deliveries), retrying a failed event a few times.
//! - The deliverer reads the delivery due-index when its earliest delivery is due or one was
//!   enqueued or retried (at once when the consumer or the timer loop enqueued something), and
//!   attempts each due delivery in its own task under a deadline, so a slow or dead receiver
//!   only ever holds its own task; retries are due times in SQLite, so a restart loses no
//!   pending delivery.
//! - The timer loop reads the escalation and reminder due-index when its earliest timer is due
//!   or timers were scheduled.

use jiff::SignedDuration;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, Semaphore, broadcast, watch};
use tokio::task::JoinSet;
use vigil_app::Deps;
use vigil_app::SystemClock;
use vigil_app::incidents::{HandleEvent, handle_event};
use vigil_app::notifications::{ClaimDueDeliveries, Deliver, RunDueTimers, claim_due_deliveries, deliver, run_due_timers};
use vigil_domain::events::DomainEvent;
use vigil_local::DueWatch;

use super::pacing::Pacing;

/// How the workers pace themselves.
#[derive(Clone, Debug)]
pub struct IncidentWorkersConfig {
    /// The shortest time between two reads of the delivery due-index, and the time between them
    /// without a watch.
    pub delivery_tick: Duration,
    /// The delivery due-index's watch.
    pub deliveries_due: Option<DueWatch>,
    /// The same for the timer due-index.
    pub timer_tick: Duration,
    /// The timer due-index's watch.
    pub timers_due: Option<DueWatch>,
    /// The most deliveries being attempted at once.
    pub max_concurrent_deliveries: usize,
    /// How long a claimed delivery or timer is kept from others before it comes back (must
    /// exceed the send timeout).
    pub lease: Duration,
    /// On shutdown, how long running attempts may take to finish and be recorded.
    pub shutdown_grace: Duration,
}

impl Default for IncidentWorkersConfig {
    fn default() -> Self {
        Self {
            delivery_tick: Duration::from_millis(200),
            deliveries_due: None,
            timer_tick: Duration::from_millis(500),
            timers_due: None,
            max_concurrent_deliveries: 64,
            lease: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(15),
        }
    }
}

/// The workers.
pub struct IncidentWorkers {
    deps: Deps,
    config: IncidentWorkersConfig,
}

/// Attempts at handling one event before it is given up (and logged).
const EVENT_ATTEMPTS: u32 = 5;

impl IncidentWorkers {
    /// Workers running use cases with `deps`.
    pub fn new(deps: Deps, config: IncidentWorkersConfig) -> Self {
        Self { deps, config }
    }

    /// Runs every worker until `shutdown` completes. `events` must be subscribed before
    /// anything is published, so that no status change is missed.
    pub async fn run(self, events: broadcast::Receiver<DomainEvent>, shutdown: impl Future<Output = ()>) {
        let (stop_tx, stop_rx) = watch::channel(false);
        let enqueued = Arc::new(Notify::new());
        let consumer = tokio::spawn(consume_events(self.deps.clone(), events, Arc::clone(&enqueued), stop_rx.clone()));
        let timers = tokio::spawn(run_timers(self.deps.clone(), self.config.clone(), Arc::clone(&enqueued), stop_rx.clone()));
        let deliverer = tokio::spawn(deliver_due(self.deps.clone(), self.config.clone(), enqueued, stop_rx));
        shutdown.await;
        let _ = stop_tx.send(true);
        for task in [consumer, timers, deliverer] {
            if let Err(error) = task.await {
                tracing::error!(%error, "an incident worker panicked");
            }
        }
    }
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stopped| *stopped).await;
}

async fn consume_events(deps: Deps, mut events: broadcast::Receiver<DomainEvent>, enqueued: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    loop {
        let event = tokio::select! {
            () = stopped(&mut stop) => return,
            received = events.recv() => match received {
                Ok(event) => event,
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::error!(missed, "the incident consumer fell behind the event bus; events were lost");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
        };
        let key = event.idempotency_key();
        for attempt in 1..=EVENT_ATTEMPTS {
            match handle_event(&deps, HandleEvent { event: event.clone() }, SystemClock::now()).await {
                Ok(outcome) => {
                    tracing::debug!(event = %key, ?outcome, "event handled");
                    // The new deliveries go out now rather than at the next poll.
                    enqueued.notify_one();
                    break;
                }
                Err(error) if attempt < EVENT_ATTEMPTS => {
                    tracing::warn!(%error, event = %key, attempt, "handling an event failed; retrying");
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
                Err(error) => tracing::error!(%error, event = %key, "handling an event failed; giving up"),
            }
        }
    }
}

async fn run_timers(deps: Deps, config: IncidentWorkersConfig, enqueued: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let pacing = Pacing { watch: config.timers_due.clone(), tick: config.timer_tick, lead: Duration::ZERO, floor: config.timer_tick };
    let mut previous = None;
    let lease = SignedDuration::try_from(config.lease).unwrap_or(SignedDuration::from_secs(60));
    loop {
        tokio::select! {
            () = stopped(&mut stop) => return,
            () = pacing.next_pass(previous) => {}
        }
        previous = Some(tokio::time::Instant::now());
        match run_due_timers(&deps, RunDueTimers { lease, ..RunDueTimers::default() }, SystemClock::now()).await {
            Ok(0) => {}
            // The new deliveries go out now rather than at the next poll.
            Ok(_) => enqueued.notify_one(),
            Err(error) => tracing::error!(%error, "running due escalations and reminders failed; retrying next tick"),
        }
    }
}

async fn deliver_due(deps: Deps, config: IncidentWorkersConfig, enqueued: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let slots = Arc::new(Semaphore::new(config.max_concurrent_deliveries));
    let mut tasks = JoinSet::new();
    let pacing =
        Pacing { watch: config.deliveries_due.clone(), tick: config.delivery_tick, lead: Duration::ZERO, floor: config.delivery_tick };
    let mut previous = None;
    let lease = SignedDuration::try_from(config.lease).unwrap_or(SignedDuration::from_secs(60));
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            () = pacing.next_pass(previous) => {}
            () = enqueued.notified() => {}
        }
        previous = Some(tokio::time::Instant::now());
        while let Some(joined) = tasks.try_join_next() {
            if let Err(error) = joined {
                tracing::error!(%error, "a delivery task panicked");
            }
        }
        // Claim only what free slots can start now, so that nothing claimed waits behind a
        // slow receiver.
        let claim = ClaimDueDeliveries { overdue_by: SignedDuration::ZERO, lease, limit: slots.available_permits() };
        let claimed = match claim_due_deliveries(&deps, claim, SystemClock::now()).await {
            Ok(claimed) => claimed,
            Err(error) => {
                tracing::error!(%error, "claiming due deliveries failed; retrying next tick");
                continue;
            }
        };
        for delivery in claimed {
            let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else { break };
            let deps = deps.clone();
            tasks.spawn(async move {
                let id = delivery.id;
                match deliver(&deps, Deliver { delivery }, SystemClock::now()).await {
                    Ok(recorded) => {
                        tracing::info!(delivery = %id, status = %recorded.status, attempts = recorded.attempts, "delivery attempted")
                    }
                    Err(error) => tracing::error!(%error, delivery = %id, "recording a delivery attempt failed; it will come back"),
                }
                drop(permit);
            });
        }
    }
    let drained = tokio::time::timeout(config.shutdown_grace, async { while tasks.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        tracing::warn!(
            running = tasks.len(),
            "deliveries still running at the end of the shutdown grace period come back after their lease"
        );
    }
}
