//! A [`DeliveryLog`] that keeps trying to record an attempt while its delivery's claim holds.
//!
//! By the time an attempt is recorded its message has gone out. If the record fails, the
//! delivery stays claimed-but-unrecorded and, once the claim lapses, is attempted again: the
//! receiver gets the message a second time (under the same `webhook-id`). The SDK's own retries
//! last about three seconds; a store that is gone for longer, and back before the claim ends,
//! would still cost a second message. So the notifier records with patience: until the claim
//! it attempted under ends, then it gives up and the message comes back as a batch item failure.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::time::Duration;
use vigil_domain::ids::{DeliveryId, IncidentId, TenantId};
use vigil_domain::notify::{Delivery, DeliveryAttempt};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{DeliveryLog, EnqueueOutcome, StoreError};

/// The first pause between two tries of a record; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(250);
/// The longest pause between two tries of a record.
const LONGEST_PAUSE: Duration = Duration::from_secs(2);

/// Records attempts through `log`, trying again on a backend failure until `patience` after the
/// attempt started (the claim it was made under); everything else passes through.
#[derive(Clone)]
pub struct PatientDeliveryLog {
    log: Arc<dyn DeliveryLog>,
    patience: SignedDuration,
}

impl PatientDeliveryLog {
    /// Records through `log`, trying for `patience` from each attempt's start: no longer than
    /// the claim an attempt is made under, after which another deliverer may make it again.
    pub fn new(log: Arc<dyn DeliveryLog>, patience: SignedDuration) -> Self {
        Self { log, patience }
    }

    /// After a try that failed, a conflict may be that try having landed with its answer lost:
    /// the stored delivery then is this very state.
    async fn landed(&self, delivery: &Delivery) -> Result<bool, StoreError> {
        let stored = self.log.get(delivery.tenant_id, delivery.id).await?;
        Ok(stored.is_some_and(|s| s.attempts == delivery.attempts && s.status == delivery.status && s.updated_at == delivery.updated_at))
    }
}

#[async_trait]
impl DeliveryLog for PatientDeliveryLog {
    async fn enqueue(&self, delivery: &Delivery) -> Result<EnqueueOutcome, StoreError> {
        self.log.enqueue(delivery).await
    }
    async fn get(&self, tenant: TenantId, id: DeliveryId) -> Result<Option<Delivery>, StoreError> {
        self.log.get(tenant, id).await
    }
    async fn record_attempt(&self, delivery: &Delivery, attempt: &DeliveryAttempt) -> Result<(), StoreError> {
        let deadline = attempt.at + self.patience;
        let mut pause = FIRST_PAUSE;
        let mut tries = 1;
        loop {
            match self.log.record_attempt(delivery, attempt).await {
                Err(StoreError::Conflict) if tries > 1 && self.landed(delivery).await? => return Ok(()),
                Err(StoreError::Backend(error)) if Timestamp::now() + pause < deadline => {
                    tracing::warn!(delivery = %delivery.id, tries, error = %error, "recording a delivery attempt failed; trying again while the claim holds");
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(LONGEST_PAUSE);
                    tries += 1;
                }
                Err(StoreError::Backend(error)) => {
                    tracing::error!(delivery = %delivery.id, tries, error = %error, "a delivery attempt was made but could not be recorded within its claim; it will be made again");
                    return Err(StoreError::Backend(error));
                }
                other => return other,
            }
        }
    }
    async fn for_incident(&self, tenant: TenantId, incident: IncidentId) -> Result<Vec<Delivery>, StoreError> {
        self.log.for_incident(tenant, incident).await
    }
    async fn attempts(&self, tenant: TenantId, id: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
        self.log.attempts(tenant, id).await
    }
    async fn failed(&self, tenant: TenantId, page: &PageRequest) -> Result<Page<Delivery>, StoreError> {
        self.log.failed(tenant, page).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, VecDeque};
    use std::sync::Mutex;
    use uuid::Uuid;
    use vigil_domain::ids::{ChannelId, MonitorId};
    use vigil_domain::incident::{AnyIncident, Incident, IncidentCause, IncidentCore, IncidentSubject};
    use vigil_domain::notify::{AttemptResult, Notification, NotificationKind, RetryPolicy};

    /// A log whose records answer from a script and whose stored delivery is fixed.
    struct Scripted {
        records: Mutex<VecDeque<Result<(), StoreError>>>,
        stored: Option<Delivery>,
        tries: Mutex<u32>,
    }

    #[async_trait]
    impl DeliveryLog for Scripted {
        async fn enqueue(&self, _: &Delivery) -> Result<EnqueueOutcome, StoreError> {
            unreachable!("not recorded through")
        }
        async fn get(&self, _: TenantId, _: DeliveryId) -> Result<Option<Delivery>, StoreError> {
            Ok(self.stored.clone())
        }
        async fn record_attempt(&self, _: &Delivery, _: &DeliveryAttempt) -> Result<(), StoreError> {
            *self.tries.lock().unwrap() += 1;
            self.records.lock().unwrap().pop_front().unwrap_or_else(|| Err(StoreError::backend("still down")))
        }
        async fn for_incident(&self, _: TenantId, _: IncidentId) -> Result<Vec<Delivery>, StoreError> {
            unreachable!("not recorded through")
        }
        async fn attempts(&self, _: TenantId, _: DeliveryId) -> Result<Vec<DeliveryAttempt>, StoreError> {
            unreachable!("not recorded through")
        }
        async fn failed(&self, _: TenantId, _: &PageRequest) -> Result<Page<Delivery>, StoreError> {
            unreachable!("not recorded through")
        }
    }

    /// A delivery after its first, accepted attempt made now, and that attempt.
    fn attempted() -> (Delivery, DeliveryAttempt) {
        let now = Timestamp::now();
        let subject = IncidentSubject::Monitor(MonitorId::from_uuid(Uuid::now_v7()));
        let incident: AnyIncident = Incident::open(IncidentCore {
            id: IncidentId::for_opening(subject.uuid(), now.as_millisecond()),
            tenant_id: TenantId::from_uuid(Uuid::now_v7()),
            subject,
            subject_name: "api".into(),
            subject_url: None,
            tags: BTreeSet::new(),
            cause: IncidentCause::described("down"),
            opened_at: now,
            silenced: None,
        })
        .into();
        let notification = Notification::of(&incident, NotificationKind::Opened, now, &"https://vigil.test/".parse().unwrap());
        let id = DeliveryId::from_uuid(Uuid::now_v7());
        let planned = Delivery::planned(id, incident.core().tenant_id, ChannelId::from_uuid(Uuid::now_v7()), None, notification, now);
        planned.after_attempt(AttemptResult::Accepted { status_code: Some(200) }, &RetryPolicy::default(), now, Duration::ZERO)
    }

    /// A record's answers in order, what `get` reads, the outcome, and how many tries it took.
    type Case = (Vec<Result<(), StoreError>>, Option<Delivery>, Result<(), &'static str>, u32);

    fn down() -> Result<(), StoreError> {
        Err(StoreError::backend("unreachable"))
    }

    #[tokio::test]
    async fn a_record_is_tried_while_the_claim_holds_and_a_landed_try_is_recognised() {
        let (delivery, attempt) = attempted();
        let mut other = delivery.clone();
        other.updated_at = delivery.updated_at + SignedDuration::from_secs(1);
        let cases: Vec<Case> = vec![
            (vec![Ok(())], None, Ok(()), 1),
            (vec![down(), down(), Ok(())], None, Ok(()), 3),
            (vec![Err(StoreError::Conflict)], Some(delivery.clone()), Err("conflict"), 1),
            (vec![down(), Err(StoreError::Conflict)], Some(delivery.clone()), Ok(()), 2),
            (vec![down(), Err(StoreError::Conflict)], Some(other), Err("conflict"), 2),
            (vec![down(), Err(StoreError::NotFound)], None, Err("not found"), 2),
        ];
        for (i, (script, stored, expected, tries)) in cases.into_iter().enumerate() {
            let scripted = Arc::new(Scripted { records: Mutex::new(script.into()), stored, tries: Mutex::new(0) });
            let patient = PatientDeliveryLog::new(scripted.clone(), SignedDuration::from_secs(30));
            let outcome = patient.record_attempt(&delivery, &attempt).await.map_err(|e| match e {
                StoreError::Conflict => "conflict",
                StoreError::NotFound => "not found",
                _ => "other",
            });
            assert_eq!((outcome, *scripted.tries.lock().unwrap()), (expected, tries), "case {i}");
        }
    }

    #[tokio::test]
    async fn a_store_gone_for_longer_than_the_claim_fails_the_record_when_the_claim_ends() {
        let (delivery, attempt) = attempted();
        let scripted = Arc::new(Scripted { records: Mutex::new(VecDeque::new()), stored: None, tries: Mutex::new(0) });
        let patient = PatientDeliveryLog::new(scripted.clone(), SignedDuration::from_millis(1_200));
        let started = std::time::Instant::now();
        assert!(matches!(patient.record_attempt(&delivery, &attempt).await, Err(StoreError::Backend(_))));
        let (took, tries) = (started.elapsed(), *scripted.tries.lock().unwrap());
        assert!(took < Duration::from_millis(1_200), "given up within the claim: {took:?}");
        assert!(tries >= 3, "tried again meanwhile ({tries} tries, pauses of 250 and 500 ms)");
    }
}
