use super::Stores;
use super::fixtures::{at, t0, tenant};
use super::incident_fixtures::{channel_id, delivery, monitor_subject, open_incident, timer};
use jiff::SignedDuration;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;
use vigil_domain::ids::{AlertRuleId, MaintenanceWindowId};
use vigil_domain::managed::Managed;
use vigil_domain::notify::{
    AlertRule, AttemptResult, Channel, ChannelConfig, DeliveryStatus, MaintenanceWindow, Mute, NotificationKind, NotifyOn, RetryPolicy,
    Selector, SigningSecret, TimerKind, WindowSchedule,
};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{EnqueueOutcome, StoreError};

fn channel(tenant: vigil_domain::ids::TenantId, name: &str, created: i64) -> Channel {
    Channel {
        id: channel_id(),
        tenant_id: tenant,
        name: name.into(),
        config: ChannelConfig::Webhook {
            url: "https://hooks.example.com/vigil".parse().unwrap(),
            secret: SigningSecret::from_random([5; 32]),
        },
        created_at: at(created),
        managed: None,
    }
}

/// The mark of a resource managed by the file `prod.yaml` under `key`.
fn managed(key: &str) -> Option<Managed> {
    Some(Managed { source: "prod.yaml".into(), key: key.into() })
}

/// Channels, alert rules, maintenance windows and mutes: round trips, listing, deletion, tenancy.
pub async fn notification_settings_contract(stores: Stores) {
    let tenant = tenant();
    let mut channels: Vec<Channel> = (0..5).map(|i| channel(tenant, &format!("c{i}"), i)).collect();
    channels[4].managed = managed("ops-hook");
    for c in &channels {
        stores.channels.insert(c).await.unwrap();
    }
    assert_eq!(stores.channels.get(tenant, channels[4].id).await.unwrap(), Some(channels[4].clone()), "the managed mark is kept");
    let replaced =
        Channel { name: "c4 renamed".into(), config: ChannelConfig::Email { to: vec!["ops@example.com".into()] }, ..channels[4].clone() };
    stores.channels.insert(&replaced).await.unwrap();
    assert_eq!(stores.channels.get(tenant, channels[4].id).await.unwrap(), Some(replaced.clone()), "an insert of the same id replaces");
    channels[4] = replaced;
    assert_eq!(stores.channels.get(tenant, channels[0].id).await.unwrap(), Some(channels[0].clone()), "secrets round-trip");
    assert_eq!(stores.channels.get(super::fixtures::tenant(), channels[0].id).await.unwrap(), None);
    let mut listed = Vec::new();
    let mut page = PageRequest { cursor: None, limit: 2 };
    loop {
        let read = stores.channels.list(tenant, &page).await.unwrap();
        listed.extend(read.items);
        match read.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    assert_eq!(listed, channels, "oldest first, each once");
    assert!(stores.channels.delete(tenant, channels[1].id).await.unwrap());
    assert!(!stores.channels.delete(tenant, channels[1].id).await.unwrap());
    assert!(!stores.channels.delete(super::fixtures::tenant(), channels[2].id).await.unwrap(), "another tenant cannot delete it");

    let rule = AlertRule {
        id: AlertRuleId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        name: "prod".into(),
        select: Selector { tags: ["prod".to_owned()].into(), ..Selector::default() },
        channels: vec![channels[0].id],
        notify_on: NotifyOn { acknowledged: false, ..NotifyOn::default() },
        escalation: vec![],
        repeat_every_seconds: Some(600),
        created_at: t0(),
        managed: managed("prod"),
    };
    stores.alert_rules.put(&rule).await.unwrap();
    let renamed = AlertRule { name: "prod v2".into(), ..rule.clone() };
    stores.alert_rules.put(&renamed).await.unwrap();
    assert_eq!(stores.alert_rules.all(tenant).await.unwrap(), vec![renamed.clone()], "put replaces");
    assert_eq!(stores.alert_rules.get(tenant, rule.id).await.unwrap(), Some(renamed));
    assert!(stores.alert_rules.all(super::fixtures::tenant()).await.unwrap().is_empty());
    assert!(stores.alert_rules.delete(tenant, rule.id).await.unwrap());
    assert!(stores.alert_rules.get(tenant, rule.id).await.unwrap().is_none());

    let window = MaintenanceWindow {
        id: MaintenanceWindowId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        name: "sunday upgrades".into(),
        select: Selector { all: true, ..Selector::default() },
        schedule: WindowSchedule::Recurring {
            timezone: "Europe/Paris".into(),
            days: Default::default(),
            start: "02:00".into(),
            duration_minutes: 90,
        },
        created_at: t0(),
        managed: managed("sundays"),
        // Stored with what status pages say of it.
        public: Some(vigil_domain::notify::PublicMaintenance {
            title: "Database upgrade".into(),
            message: "Writes pause for a minute.".into(),
        }),
    };
    stores.silences.put_window(&window).await.unwrap();
    assert_eq!(stores.silences.windows(tenant).await.unwrap(), vec![window.clone()]);
    assert!(stores.silences.delete_window(tenant, window.id).await.unwrap());
    assert!(stores.silences.windows(tenant).await.unwrap().is_empty());

    let subject = monitor_subject();
    let mute = Mute { tenant_id: tenant, subject, until: Some(at(3600)), created_at: t0() };
    stores.silences.put_mute(&mute).await.unwrap();
    let forever = Mute { until: None, ..mute.clone() };
    stores.silences.put_mute(&forever).await.unwrap();
    assert_eq!(stores.silences.mutes(tenant).await.unwrap(), vec![forever], "one mute per subject, replaced");
    assert!(stores.silences.delete_mute(tenant, subject).await.unwrap());
    assert!(!stores.silences.delete_mute(tenant, subject).await.unwrap());
    assert!(stores.silences.mutes(tenant).await.unwrap().is_empty());
}

/// Deliveries: idempotent enqueueing (also under concurrent writers), conditional attempts, the
/// attempt log, the per-incident and failed listings, and due claims that never double.
pub async fn delivery_log_contract(stores: Stores) {
    let tenant = tenant();
    let incident = open_incident(tenant, monitor_subject(), at(0));
    let hook = channel_id();
    let first = delivery(&incident, hook, NotificationKind::Opened, at(10));
    assert_eq!(stores.deliveries.enqueue(&first).await.unwrap(), EnqueueOutcome::Enqueued);
    let again = delivery(&incident, hook, NotificationKind::Opened, at(10));
    assert_eq!(stores.deliveries.enqueue(&again).await.unwrap(), EnqueueOutcome::Duplicate, "same incident, transition and channel");
    assert_eq!(stores.deliveries.get(tenant, again.id).await.unwrap(), None);
    assert_eq!(stores.deliveries.get(tenant, first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(stores.deliveries.get(super::fixtures::tenant(), first.id).await.unwrap(), None);

    // Concurrent enqueues of one transition to one channel: exactly one is stored.
    let resolved_key = channel_id();
    let racers = (0..8).map(|_| {
        let log = Arc::clone(&stores.deliveries);
        let d = delivery(&incident, resolved_key, NotificationKind::Resolved, at(10));
        tokio::spawn(async move { log.enqueue(&d).await.unwrap() })
    });
    let mut enqueued = 0;
    for racer in racers {
        if racer.await.unwrap() == EnqueueOutcome::Enqueued {
            enqueued += 1;
        }
    }
    assert_eq!(enqueued, 1);
    assert_eq!(stores.deliveries.for_incident(tenant, incident.core().id).await.unwrap().len(), 2);

    // Claims: only what is due, pushed past the lease, never twice.
    let lease = SignedDuration::from_secs(30);
    assert!(stores.delivery_due.claim_due(at(5), lease, 10).await.unwrap().iter().all(|d| d.tenant_id != tenant), "not due yet");
    let claimed: Vec<_> =
        stores.delivery_due.claim_due(at(10), lease, 10).await.unwrap().into_iter().filter(|d| d.tenant_id == tenant).collect();
    assert_eq!(claimed.len(), 2);
    assert!(stores.delivery_due.claim_due(at(20), lease, 10).await.unwrap().iter().all(|d| d.tenant_id != tenant), "leased");
    let back: Vec<_> =
        stores.delivery_due.claim_due(at(41), lease, 10).await.unwrap().into_iter().filter(|d| d.tenant_id == tenant).collect();
    assert_eq!(back.len(), 2, "a lapsed lease hands them out again");

    // One delivery by id, as a deliverer driven by a message per delivery claims it.
    let one = stores.delivery_due.claim(tenant, first.id, at(71), lease).await.unwrap().expect("due again once the lease lapsed");
    assert_eq!((one.id, one.next_attempt_at), (first.id, Some(at(101))));
    assert_eq!(stores.delivery_due.claim(tenant, first.id, at(72), lease).await.unwrap(), None, "leased");
    assert_eq!(stores.delivery_due.claim(super::fixtures::tenant(), first.id, at(500), lease).await.unwrap(), None, "another tenant's");

    // Attempts are recorded once each, conditional on the attempt count.
    let policy = RetryPolicy { max_attempts: 2, first_delay: Duration::from_secs(5), max_delay: Duration::from_secs(5) };
    let failing = AttemptResult::Rejected { status_code: Some(500), error: "HTTP 500".into(), retryable: true };
    let (retrying, log1) = first.after_attempt(failing.clone(), &policy, at(41), Duration::from_millis(20));
    stores.deliveries.record_attempt(&retrying, &log1).await.unwrap();
    assert!(matches!(stores.deliveries.record_attempt(&retrying, &log1).await, Err(StoreError::Conflict)), "recorded once");
    assert_eq!(stores.deliveries.get(tenant, first.id).await.unwrap().unwrap().status, DeliveryStatus::Pending);
    let (failed, log2) = retrying.after_attempt(failing, &policy, at(47), Duration::from_millis(20));
    assert_eq!(failed.status, DeliveryStatus::Failed);
    stores.deliveries.record_attempt(&failed, &log2).await.unwrap();
    assert_eq!(stores.deliveries.attempts(tenant, first.id).await.unwrap(), vec![log1, log2]);
    assert!(stores.deliveries.attempts(super::fixtures::tenant(), first.id).await.unwrap().is_empty());
    let dead = stores.deliveries.failed(tenant, &PageRequest::first()).await.unwrap();
    assert_eq!(dead.items, vec![failed.clone()]);
    assert!(stores.deliveries.failed(super::fixtures::tenant(), &PageRequest::first()).await.unwrap().items.is_empty());
    let due_later: Vec<_> =
        stores.delivery_due.claim_due(at(1000), lease, 10).await.unwrap().into_iter().filter(|d| d.id == first.id).collect();
    assert!(due_later.is_empty(), "a failed delivery is never due again");

    // Concurrent claimers never get the same delivery.
    let busy = tenant_with_deliveries(&stores, 40).await;
    let claims = (0..4).map(|_| {
        let due = Arc::clone(&stores.delivery_due);
        tokio::spawn(async move { due.claim_due(at(2000), lease, 15).await.unwrap() })
    });
    let mut seen = HashSet::new();
    for claim in claims {
        for d in claim.await.unwrap().into_iter().filter(|d| d.tenant_id == busy) {
            assert!(seen.insert(d.id), "claimed twice");
        }
    }
    for d in stores.delivery_due.claim_due(at(2000), lease, 100).await.unwrap().into_iter().filter(|d| d.tenant_id == busy) {
        assert!(seen.insert(d.id), "claimed twice");
    }
    assert_eq!(seen.len(), 40);
}

async fn tenant_with_deliveries(stores: &Stores, n: usize) -> vigil_domain::ids::TenantId {
    let tenant = tenant();
    let incident = open_incident(tenant, monitor_subject(), at(0));
    for _ in 0..n {
        stores.deliveries.enqueue(&delivery(&incident, channel_id(), NotificationKind::Opened, at(1500))).await.unwrap();
    }
    tenant
}

/// Escalation and reminder timers: one per (incident, rule, slot), due claims with a lease,
/// completion replacing or deleting, concurrent claimers never doubling.
pub async fn timer_index_contract(stores: Stores) {
    let tenant = tenant();
    let incident = open_incident(tenant, monitor_subject(), at(0)).core().id;
    let rule = AlertRuleId::from_uuid(Uuid::now_v7());
    let step1 = timer(tenant, incident, rule, TimerKind::Escalation { step: 1 }, at(300));
    let reminder = timer(tenant, incident, rule, TimerKind::Reminder { count: 1 }, at(600));
    stores.timers.schedule(&[step1.clone(), reminder.clone()]).await.unwrap();
    // Scheduling the same slot again replaces it.
    let moved = timer(tenant, incident, rule, TimerKind::Escalation { step: 1 }, at(200));
    stores.timers.schedule(std::slice::from_ref(&moved)).await.unwrap();
    let mine = |timers: Vec<vigil_domain::notify::Timer>| timers.into_iter().filter(|t| t.incident_id == incident).collect::<Vec<_>>();
    let lease = SignedDuration::from_secs(60);
    assert!(mine(stores.timers.claim_due(at(199), lease, 10).await.unwrap()).is_empty());
    let due = mine(stores.timers.claim_due(at(200), lease, 10).await.unwrap());
    assert_eq!(due, vec![moved.clone()], "one timer per slot, the replacement");
    assert!(mine(stores.timers.claim_due(at(250), lease, 10).await.unwrap()).is_empty(), "leased");
    let step2 = timer(tenant, incident, rule, TimerKind::Escalation { step: 2 }, at(900));
    stores.timers.complete(&moved, Some(&step2)).await.unwrap();
    assert!(mine(stores.timers.claim_due(at(599), lease, 10).await.unwrap()).is_empty(), "completed, not due again");
    let due = mine(stores.timers.claim_due(at(900), lease, 10).await.unwrap());
    assert_eq!(due, vec![reminder.clone(), step2.clone()], "earliest first");
    stores.timers.complete(&reminder, None).await.unwrap();
    stores.timers.complete(&step2, None).await.unwrap();
    assert!(mine(stores.timers.claim_due(at(100_000), lease, 10).await.unwrap()).is_empty(), "deleted");

    let many: Vec<_> = (0..30)
        .map(|i| timer(tenant, open_incident(tenant, monitor_subject(), at(i)).core().id, rule, TimerKind::Reminder { count: 1 }, at(5000)))
        .collect();
    stores.timers.schedule(&many).await.unwrap();
    let claims = (0..3).map(|_| {
        let timers = Arc::clone(&stores.timers);
        tokio::spawn(async move { timers.claim_due(at(5000), lease, 12).await.unwrap() })
    });
    let mut seen = HashSet::new();
    for claim in claims {
        for t in claim.await.unwrap().into_iter().filter(|t| t.tenant_id == tenant) {
            assert!(seen.insert(t.incident_id), "claimed twice");
        }
    }
    for t in stores.timers.claim_due(at(5000), lease, 100).await.unwrap().into_iter().filter(|t| t.tenant_id == tenant) {
        assert!(seen.insert(t.incident_id), "claimed twice");
    }
    assert_eq!(seen.len(), 30);
}
