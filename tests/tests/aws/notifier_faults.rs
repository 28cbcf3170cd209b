//! The emulator failing under the notifier function: deliveries that were not attempted come
//! back as batch item failures and are sent once when it returns; an attempt that went out while
//! the emulator was gone is recorded when it comes back, not sent again.

use crate::alerting::{Alerting, drain, make_visible_again, one_batch};
use std::time::Duration;
use tokio::time::Instant;
use vigil_aws::ClientOptions;
use vigil_domain::incident::TimelineEvent;
use vigil_domain::notify::DeliveryStatus;
use vigil_domain::page::PageRequest;
use vigil_fn_notifier::Notifier;
use vigil_tests::emulator::clients;
use vigil_tests::fault_proxy::{Fault, FaultProxy};
use vigil_tests::lambda::receive_all;

/// Claims in these tests last this long, so that a delivery claimed by a failed attempt comes
/// back within the test.
const LEASE: Duration = Duration::from_secs(2);
/// Longer than the SDK's own retries of a request last (three attempts, at most 1 s and 2 s
/// apart): an outage this long fails the request.
const OUTLASTING_THE_SDK: Duration = Duration::from_secs(4);

/// Opens an incident for each of `monitors` monitors, so that the notifications queue holds one
/// delivery message per incident; returns the set-up and a notifier claiming for `lease` that
/// reaches the emulator through a fault proxy.
async fn deliveries_queued(monitors: usize, lease: Duration) -> (Alerting, FaultProxy, Notifier) {
    let alerting = Alerting::start(monitors).await;
    alerting.take_down().await;
    assert_eq!(alerting.handle_incident_events().await, monitors);
    let proxy = FaultProxy::start(&alerting.session.endpoint).await;
    let notifier = alerting.notifier(&clients(&proxy.endpoint, ClientOptions::default()).await, lease);
    (alerting, proxy, notifier)
}

/// Runs the notifier over its queue until every delivery is done (a delivery still claimed by a
/// failed attempt is postponed until its claim ends, so this may take a lease).
async fn deliver_everything(alerting: &Alerting, notifier: &Notifier) {
    let queue = &alerting.session.resources.notify_queue_url;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        drain(&alerting.session, queue, |e| async { notifier.handle(e).await.unwrap() }).await;
        let deliveries = alerting.deliveries().await;
        if deliveries.iter().all(|d| d.status != DeliveryStatus::Pending) {
            return;
        }
        assert!(Instant::now() < deadline, "deliveries still pending: {deliveries:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every delivery was delivered with one recorded attempt; the receiver accepted each one's
/// message `times` times and received nothing else; nothing went to the dead-letter queue, and
/// nothing more comes once every claim has ended.
async fn assert_each_delivered(alerting: &Alerting, notifier: &Notifier, count: usize, times: usize) {
    let deliveries = alerting.assert_each_delivery_sent(times).await;
    assert_eq!(deliveries.len(), count, "one delivery per incident");
    let stores = &alerting.session.deps().stores;
    for delivery in &deliveries {
        assert_eq!((delivery.status, delivery.attempts), (DeliveryStatus::Delivered, 1), "{delivery:?}");
        assert_eq!(stores.deliveries.attempts(alerting.tenant, delivery.id).await.unwrap().len(), 1);
    }
    let r = &alerting.session.resources;
    assert!(receive_all(alerting.session.clients.sqs(), &r.notify_dlq_url).await.is_empty());
    tokio::time::sleep(notifier.lease.unsigned_abs() + Duration::from_millis(500)).await;
    assert_eq!(drain(&alerting.session, &r.notify_queue_url, |e| async { notifier.handle(e).await.unwrap() }).await, 0);
    assert_eq!(alerting.receiver.received().len(), count * times, "nothing more came");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_stopping_mid_notifier_batch_returns_the_unsent_deliveries_and_sends_each_once() {
    const MONITORS: usize = 4;
    let (alerting, proxy, notifier) = deliveries_queued(MONITORS, OUTLASTING_THE_SDK + LEASE).await;
    let queue = &alerting.session.resources.notify_queue_url;

    // Claiming a delivery takes two requests (a read, a conditional update) and reading its
    // channel a third, before the message is sent: the emulator stops after every claim and one
    // channel read; it stays away longer than the SDK's retries last, and comes back within the
    // claims.
    proxy.set(Fault::Outage { after: 2 * MONITORS as u32 + 1, lasting: OUTLASTING_THE_SDK });
    let (messages, failed) = one_batch(&alerting.session, queue, |e| async { notifier.handle(e).await.unwrap() }).await;
    proxy.set(Fault::None);
    assert_eq!(messages.len(), MONITORS);
    assert!(proxy.refused() > 0, "the emulator was gone mid-batch");
    assert!(!failed.is_empty(), "the deliveries that could not be attempted come back as batch item failures");
    // Nine requests pass, and each send needs three: at least one message went
    // out (its record then met the outage), and at least one did not.
    let sent_during = alerting.receiver.received().len();
    assert!((1..MONITORS).contains(&sent_during), "{sent_during} sent while the emulator was gone");
    eprintln!("notifier batch of {MONITORS}: {sent_during} sent during the outage, {} returned as failures", failed.len());

    // The emulator is back: the returned messages are delivered again.
    let returned: Vec<_> = messages.iter().filter(|m| m.message_id().is_some_and(|id| failed.contains(id))).cloned().collect();
    make_visible_again(&alerting.session, queue, &returned).await;
    deliver_everything(&alerting, &notifier).await;
    assert_each_delivered(&alerting, &notifier, MONITORS, 1).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emulator_stopping_between_a_send_and_its_record_sends_the_message_once() {
    // The webhook is sent, then the emulator is gone when the attempt is to be recorded, for
    // longer than the SDK retries, and back within the claim.
    let (alerting, proxy, notifier) = deliveries_queued(1, OUTLASTING_THE_SDK + LEASE).await;
    let queue = &alerting.session.resources.notify_queue_url;
    proxy.set(Fault::OutageAt { operation: "TransactWriteItems", lasting: OUTLASTING_THE_SDK });
    let (_, failed) = one_batch(&alerting.session, queue, |e| async { notifier.handle(e).await.unwrap() }).await;
    assert!(proxy.refused() > 0, "the record of the attempt met the outage");
    assert!(failed.is_empty(), "the attempt was recorded once the emulator was back: {failed:?}");
    assert_each_delivered(&alerting, &notifier, 1, 1).await;
    let delivery = &alerting.deliveries().await[0];
    let timeline = alerting
        .session
        .deps()
        .stores
        .incidents
        .timeline(alerting.tenant, delivery.channel_message().expect("a channel delivery").incident_id, &PageRequest::first())
        .await
        .unwrap();
    let notified = timeline.items.iter().filter(|e| matches!(e.event, TimelineEvent::Notified { .. })).count();
    assert_eq!(notified, 1, "the incident's timeline says it was notified, once");
}

/// The limit of what a deliverer can know: an attempt whose outcome could not be recorded before
/// its claim ended is made again. It is the same message (the same `webhook-id`, which receivers
/// deduplicate by, as docs/incidents.md says), recorded once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_outlasting_the_claim_sends_the_message_again_under_the_same_webhook_id() {
    let (alerting, proxy, notifier) = deliveries_queued(1, LEASE).await;
    let queue = &alerting.session.resources.notify_queue_url;

    // Twice what the SDK's retries span: on a loaded machine their backoff stretches, and a
    // last retry landing after a shorter outage would be recorded after all. The outage is
    // lifted by hand below, so its length costs no time.
    proxy.set(Fault::OutageAt { operation: "TransactWriteItems", lasting: OUTLASTING_THE_SDK * 2 });
    let (messages, failed) = one_batch(&alerting.session, queue, |e| async { notifier.handle(e).await.unwrap() }).await;
    assert_eq!(failed.len(), 1, "the attempt could not be recorded within its claim");
    assert_eq!(alerting.receiver.received().len(), 1);
    proxy.set(Fault::None);
    make_visible_again(&alerting.session, queue, &messages).await;
    deliver_everything(&alerting, &notifier).await;
    assert_each_delivered(&alerting, &notifier, 1, 2).await;
}
