//! Planning the messages of an incident transition: which channels, what they say, each
//! delivery enqueued under its idempotency key so that a replayed transition sends nothing twice.

use crate::Deps;
use jiff::Timestamp;
use std::collections::BTreeSet;
use vigil_domain::ids::{AlertRuleId, ChannelId, DeliveryId, IncidentId, TimelineEntryId};
use vigil_domain::incident::{AnyIncident, TimelineEntry, TimelineEvent};
use vigil_domain::notify::{Delivery, DeliveryStatus, Notification, NotificationKind, Timer, recipients};
use vigil_domain::ports::{EnqueueOutcome, StoreError};

/// A new timeline entry of `incident`.
pub(crate) fn timeline_entry(deps: &Deps, incident: IncidentId, at: Timestamp, event: TimelineEvent) -> TimelineEntry {
    TimelineEntry { id: TimelineEntryId::from_uuid(deps.random.new_id(at)), incident_id: incident, at, event }
}

/// Enqueues `kind` about `incident` to `channels`; returns how many deliveries are new (the
/// others were enqueued by an earlier run of the same transition). A channel deleted since the
/// rule named it is skipped.
pub(crate) async fn enqueue(
    deps: &Deps,
    incident: &AnyIncident,
    kind: NotificationKind,
    at: Timestamp,
    channels: &[(ChannelId, Option<AlertRuleId>)],
    now: Timestamp,
) -> Result<usize, StoreError> {
    let core = incident.core();
    let notification = Notification::of(incident, kind, at, &deps.settings.public_url);
    let mut new = 0;
    for (channel, rule) in channels {
        if deps.stores.channels.get(core.tenant_id, *channel).await?.is_none() {
            continue;
        }
        let id = DeliveryId::from_uuid(deps.random.new_id(now));
        let delivery = Delivery::planned(id, core.tenant_id, *channel, *rule, notification.clone(), now);
        if deps.stores.deliveries.enqueue(&delivery).await? == EnqueueOutcome::Enqueued {
            new += 1;
        }
    }
    Ok(new)
}

/// Announces an opening, acknowledgement or resolution to the channels of the matching alert
/// rules, and on opening starts the rules' escalation and reminder timers. A silenced incident
/// (maintenance, mute) announces nothing. Idempotent.
pub(crate) async fn announce(deps: &Deps, incident: &AnyIncident, kind: NotificationKind, now: Timestamp) -> Result<usize, StoreError> {
    let core = incident.core();
    if core.silenced.is_some() {
        return Ok(0);
    }
    let rules = deps.stores.alert_rules.all(core.tenant_id).await?;
    let alerted: BTreeSet<ChannelId> = if kind == NotificationKind::Opened {
        BTreeSet::new()
    } else {
        deps.stores
            .deliveries
            .for_incident(core.tenant_id, core.id)
            .await?
            .iter()
            .filter(|d| d.status != DeliveryStatus::Failed)
            .filter_map(|d| d.channel_message())
            .filter(|m| m.notification.kind.is_alarm())
            .map(|m| m.channel_id)
            .collect()
    };
    let at = match kind {
        NotificationKind::Acknowledged => incident.acknowledgement().map_or(now, |a| a.at),
        NotificationKind::Resolved => incident.resolution().map_or(now, |r| r.at),
        _ => core.opened_at,
    };
    let channels: Vec<_> = recipients(&rules, core, kind, &alerted).into_iter().map(|(c, r)| (c, Some(r))).collect();
    let new = enqueue(deps, incident, kind, at, &channels, now).await?;
    if kind == NotificationKind::Opened {
        let timers: Vec<Timer> =
            rules.iter().filter(|r| r.select.matches(&core.subject, &core.tags)).flat_map(|r| Timer::first_for(r, core)).collect();
        if !timers.is_empty() {
            deps.stores.timers.schedule(&timers).await?;
        }
    }
    Ok(new)
}
