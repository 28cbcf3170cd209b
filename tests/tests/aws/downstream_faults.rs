//! A function's downstream failing after its own state write: the prober's events topic, the
//! incidents function's notifications queue. Nothing is lost (the redelivery, or the sweeper,
//! finishes the work) and nothing is sent twice (the idempotency keys of transitions and
//! deliveries, and the delivery's claim).

use crate::alerting::{Alerting, drain, make_visible_again, one_batch};
use jiff::SignedDuration;
use lambda_runtime::{Context, LambdaEvent};
use std::time::Duration;
use vigil_app::jobs::dispatch_due_checks;
use vigil_app::{Deps, SystemClock};
use vigil_aws::sqs::DeliveryQueue;
use vigil_aws::{ClientOptions, wiring};
use vigil_domain::events::DomainEvent;
use vigil_domain::monitor::{MonitorStatus, TransitionCause};
use vigil_domain::notify::DeliveryStatus;
use vigil_domain::page::PageRequest;
use vigil_fn_sweeper::Sweeper;
use vigil_tests::emulator::{clients, prober_deps};
use vigil_tests::fault_proxy::{Fault, FaultProxy};
use vigil_tests::lambda::{receive_all, sample_event, settle};

/// `monitors` monitors gone down, their status changes waiting on the incidents queue; the
/// functions' dependencies through a fault proxy.
async fn down_behind_a_proxy(monitors: usize) -> (Alerting, FaultProxy, Deps) {
    let alerting = Alerting::start(monitors).await;
    alerting.take_down().await;
    let proxy = FaultProxy::start(&alerting.session.endpoint).await;
    let deps = wiring::incidents_deps(&clients(&proxy.endpoint, ClientOptions::default()).await, &alerting.session.store_config()).unwrap();
    (alerting, proxy, deps)
}

/// The status changes on the queue subscribed to the events topic, taken off it.
async fn published(alerting: &Alerting) -> Vec<DomainEvent> {
    let (sqs, tap) = (alerting.session.clients.sqs(), &alerting.session.resources.events_tap_url);
    let messages = receive_all(sqs, tap).await;
    settle(sqs, tap, &messages, &[]).await;
    messages.iter().map(|m| vigil_aws::events::event_from_sns_envelope(m.body().unwrap_or_default()).unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_publish_failing_after_the_state_write_is_made_once_by_the_redelivery_and_alerts_once() {
    let alerting = Alerting::start(1).await;
    let session = &alerting.session;
    let (tenant, monitor) = (alerting.tenant, alerting.monitors[0]);
    let stores = session.deps().stores;
    alerting.target.set_status(503);
    let (dispatch_deps, dispatch) = wiring::scheduler_deps(&session.clients, &session.scheduler_config(SignedDuration::from_secs(61)));
    dispatch_due_checks(&dispatch_deps, dispatch, SystemClock::now()).await.unwrap();

    // The prober reaches DynamoDB and S3, but SNS refuses every publish.
    let proxy = FaultProxy::start(&session.endpoint).await;
    let prober = prober_deps(&clients(&proxy.endpoint, ClientOptions::default()).await, &session.store_config());
    proxy.set(Fault::RefuseService { service: "sns", after: 0 });
    let queue = &session.resources.probe_queue_url;
    let probe = |e| async { vigil_fn_prober::handle(&prober, e).await.unwrap() };
    let (jobs, failed) = one_batch(session, queue, probe).await;
    assert_eq!(jobs.len(), 1);
    assert_eq!(failed.len(), 1, "the job whose status change was not published comes back");
    assert!(proxy.refused() > 0, "the publish was refused");
    // The state write happened: the check, the new status and the transition are stored.
    assert_eq!(stores.monitors.get(tenant, monitor).await.unwrap().unwrap().health.status, MonitorStatus::Down);
    let checks = stores.checks.list(tenant, monitor, &PageRequest::first()).await.unwrap().items;
    assert_eq!(checks.len(), 1);
    assert_eq!(stores.transitions.list(tenant, monitor, &PageRequest::first()).await.unwrap().items.len(), 1);
    assert!(published(&alerting).await.is_empty(), "nothing reached the topic");

    // SNS is back; the job is delivered again: the check is recognised as stored, and the
    // transition it caused (found through it) is published.
    proxy.set(Fault::None);
    make_visible_again(session, queue, &jobs).await;
    let (again, failed) = one_batch(session, queue, probe).await;
    assert_eq!((again.len(), failed.len()), (1, 0));
    assert_eq!(stores.checks.list(tenant, monitor, &PageRequest::first()).await.unwrap().items.len(), 1, "no second check");
    let transitions = stores.transitions.list(tenant, monitor, &PageRequest::first()).await.unwrap().items;
    assert_eq!(transitions.len(), 1, "no second transition");
    let events = published(&alerting).await;
    assert_eq!(events.len(), 1, "the transition is published once: {events:?}");
    let DomainEvent::MonitorStatusChanged(event) = &events[0] else { panic!("{events:?}") };
    assert_eq!((event.from, event.to), (MonitorStatus::Pending, MonitorStatus::Down));
    assert!(matches!(&event.cause, TransitionCause::Check { check_id, .. } if *check_id == checks[0].id), "{event:?}");
    assert_eq!(event.checked_at, Some(checks[0].started_at), "the event describes the check as first stored");

    // One incident, one message.
    assert_eq!(alerting.handle_incident_events().await, 1);
    let notifier = alerting.notifier(&session.clients, Duration::from_secs(45));
    let r = &session.resources;
    assert_eq!(drain(session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 1);
    assert_eq!(alerting.assert_each_delivery_sent(1).await.len(), 1);

    // The job delivered once more (at least once): the same event again, which opens nothing
    // and sends nothing.
    let body = jobs[0].body().unwrap();
    session.clients.sqs().send_message().queue_url(queue).message_body(body).send().await.unwrap();
    let (_, failed) = one_batch(session, queue, probe).await;
    assert!(failed.is_empty());
    assert_eq!(alerting.handle_incident_events().await, 1);
    assert_eq!(drain(session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 0);
    assert_eq!(alerting.receiver.received().len(), 1, "exactly one message");
    assert_eq!(alerting.deliveries().await.len(), 1, "one incident, one delivery");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_notifications_queue_failing_mid_incident_batch_loses_no_delivery_and_sends_none_twice() {
    const MONITORS: usize = 3;
    let (alerting, proxy, incidents) = down_behind_a_proxy(MONITORS).await;
    let (session, r) = (&alerting.session, &alerting.session.resources);

    // The incidents function stores every incident and delivery, but SQS takes only the first
    // delivery message.
    proxy.set(Fault::RefuseService { service: "sqs", after: 1 });
    let (events, failed) =
        one_batch(session, &r.incident_queue_url, |e| async { vigil_fn_incidents::handle(&incidents, e).await.unwrap() }).await;
    assert_eq!(events.len(), MONITORS);
    assert!(failed.is_empty(), "each event is handled: its incident and delivery are stored: {failed:?}");
    assert!(proxy.refused() > 0, "the notifications queue refused messages");
    assert_eq!(alerting.deliveries().await.len(), MONITORS, "every delivery is stored");
    proxy.set(Fault::None);

    let notifier = alerting.notifier(&session.clients, Duration::from_secs(45));
    let notify = |e| async { notifier.handle(e).await.unwrap() };
    assert_eq!(drain(session, &r.notify_queue_url, notify).await, 1, "one delivery message was queued");
    assert_eq!(alerting.receiver.received().len(), 1);

    // The sweeper finds the deliveries whose message was lost, once they are overdue by its
    // grace, and queues them; the notifier sends them.
    let grace = Duration::from_secs(1);
    let sweeper = Sweeper {
        deps: session.wired(wiring::sweeper_deps),
        queue: DeliveryQueue::new(session.clients.sqs_messages(), &r.notify_queue_url),
        overdue_grace: SignedDuration::try_from(grace).unwrap(),
    };
    let sweep = || async {
        let event = serde_json::from_value(sample_event("eventbridge-scheduled.json")).unwrap();
        sweeper.handle(LambdaEvent::new(event, Context::default())).await.unwrap()
    };
    tokio::time::sleep(grace + Duration::from_millis(200)).await;
    assert_eq!(sweep().await.requeued, MONITORS - 1);
    assert_eq!(drain(session, &r.notify_queue_url, notify).await, MONITORS - 1);

    // Every delivery sent once, under its own id; nothing is left to queue.
    let deliveries = alerting.assert_each_delivery_sent(1).await;
    assert_eq!(deliveries.len(), MONITORS);
    assert!(deliveries.iter().all(|d| d.status == DeliveryStatus::Delivered && d.attempts == 1), "{deliveries:?}");
    tokio::time::sleep(grace + Duration::from_millis(200)).await;
    assert_eq!(sweep().await.requeued, 0);
    assert_eq!(drain(session, &r.notify_queue_url, notify).await, 0);
    assert_eq!(alerting.receiver.received().len(), MONITORS, "nothing more came");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_stopping_mid_incident_batch_returns_the_unfinished_events_and_alerts_each_once() {
    const MONITORS: usize = 3;
    let (alerting, proxy, incidents) = down_behind_a_proxy(MONITORS).await;
    let (session, r) = (&alerting.session, &alerting.session.resources);

    // Events are handled one after the other, each in nine requests: silences (two reads),
    // the incident's conditional write, the alert rules, the channel, the delivery's conditional
    // write and its queue message, then the organisation's status pages (read twice: to follow
    // the incident, and to refresh the pages its subject feeds). The emulator stops after the
    // first event and four requests of the second: its incident is stored, its delivery is not.
    proxy.set(Fault::Outage { after: 9 + 4, lasting: Duration::from_secs(3600) });
    let handle = |e| async { vigil_fn_incidents::handle(&incidents, e).await.unwrap() };
    let (events, failed) = one_batch(session, &r.incident_queue_url, handle).await;
    assert_eq!(events.len(), MONITORS);
    assert_eq!(failed.len(), MONITORS - 1, "the events not fully handled come back");
    assert_eq!(
        (alerting.incidents().await.len(), alerting.deliveries().await.len()),
        (2, 1),
        "the second incident is open, its delivery not planned"
    );

    // The emulator is back: the returned events are handled again, the second one announcing
    // the incident its first delivery opened.
    proxy.set(Fault::None);
    let returned: Vec<_> = events.iter().filter(|m| m.message_id().is_some_and(|id| failed.contains(id))).cloned().collect();
    make_visible_again(session, &r.incident_queue_url, &returned).await;
    assert_eq!(drain(session, &r.incident_queue_url, handle).await, MONITORS - 1);
    let notifier = alerting.notifier(&session.clients, Duration::from_secs(45));
    assert_eq!(drain(session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, MONITORS);
    assert_eq!(alerting.incidents().await.len(), MONITORS);
    assert_eq!(alerting.assert_each_delivery_sent(1).await.len(), MONITORS, "one message per incident");
}
