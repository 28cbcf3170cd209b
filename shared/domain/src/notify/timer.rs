//! Escalation and reminder timers: the next moment a rule must act on an incident, kept in a
//! due-index so that only what is due is read.

use super::kind::NotificationKind;
use super::rule::AlertRule;
use crate::ids::{AlertRuleId, ChannelId, IncidentId, TenantId};
use crate::incident::{IncidentCore, IncidentStatus};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What a timer does when due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimerKind {
    /// Notify escalation step `step` (from 1) if nobody acknowledged.
    Escalation {
        /// The step, from 1.
        step: u32,
    },
    /// Remind the rule's channels, for the `count`th time, while not resolved.
    Reminder {
        /// The reminder, from 1.
        count: u32,
    },
}

/// One pending action of one rule on one incident. A rule has at most one escalation timer
/// and one reminder timer per incident (its [`Timer::slot`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timer {
    /// Owner.
    pub tenant_id: TenantId,
    /// The incident.
    pub incident_id: IncidentId,
    /// The rule.
    pub rule_id: AlertRuleId,
    /// What to do.
    pub kind: TimerKind,
    /// When.
    pub due_at: Timestamp,
}

impl Timer {
    /// The timers a rule starts when an incident opens.
    pub fn first_for(rule: &AlertRule, incident: &IncidentCore) -> Vec<Timer> {
        [TimerKind::Escalation { step: 1 }, TimerKind::Reminder { count: 1 }]
            .into_iter()
            .filter_map(|kind| Self::at(rule, incident.tenant_id, incident.id, incident.opened_at, kind))
            .collect()
    }

    /// The timer that follows this one, if the rule has more to do.
    pub fn next(&self, rule: &AlertRule, opened_at: Timestamp) -> Option<Timer> {
        let kind = match self.kind {
            TimerKind::Escalation { step } => TimerKind::Escalation { step: step + 1 },
            TimerKind::Reminder { count } => TimerKind::Reminder { count: count + 1 },
        };
        Self::at(rule, self.tenant_id, self.incident_id, opened_at, kind)
    }

    fn at(rule: &AlertRule, tenant_id: TenantId, incident_id: IncidentId, opened_at: Timestamp, kind: TimerKind) -> Option<Timer> {
        let offset = match kind {
            TimerKind::Escalation { step } => rule.escalation.get(step.checked_sub(1)? as usize)?.after_seconds.into(),
            TimerKind::Reminder { count } => i64::from(rule.repeat_every_seconds?) * i64::from(count),
        };
        Some(Timer { tenant_id, incident_id, rule_id: rule.id, kind, due_at: opened_at + SignedDuration::from_secs(offset) })
    }

    /// `escalation` or `reminder`: with the incident and rule, the timer's key.
    pub fn slot(&self) -> &'static str {
        match self.kind {
            TimerKind::Escalation { .. } => "escalation",
            TimerKind::Reminder { .. } => "reminder",
        }
    }

    /// Whether the timer acts on an incident in `status`: escalation only while nobody has
    /// acknowledged, reminders while the subject is down.
    pub fn fires_on(&self, status: IncidentStatus) -> bool {
        match self.kind {
            TimerKind::Escalation { .. } => status == IncidentStatus::Open,
            TimerKind::Reminder { .. } => status.is_ongoing(),
        }
    }

    /// Whether the timer can ever act again on an incident in `status` (so it can be dropped).
    pub fn is_moot(&self, status: IncidentStatus) -> bool {
        !self.fires_on(status)
    }

    /// The notification it sends.
    pub fn notification(&self) -> NotificationKind {
        match self.kind {
            TimerKind::Escalation { step } => NotificationKind::Escalated { step },
            TimerKind::Reminder { count } => NotificationKind::Reminder { count },
        }
    }

    /// The channels it notifies.
    pub fn channels<'r>(&self, rule: &'r AlertRule) -> &'r [ChannelId] {
        match self.kind {
            TimerKind::Escalation { step } => {
                step.checked_sub(1).and_then(|i| rule.escalation.get(i as usize)).map_or(&[], |s| s.channels.as_slice())
            }
            TimerKind::Reminder { .. } => &rule.channels,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::MonitorId;
    use crate::incident::{IncidentCause, IncidentSubject};
    use crate::notify::rule::{EscalationStep, NotifyOn};
    use crate::notify::selector::Selector;
    use uuid::Uuid;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + s).unwrap()
    }

    fn rule(steps: &[u32], repeat: Option<u32>) -> AlertRule {
        let c = ChannelId::from_uuid(Uuid::from_u128(3));
        AlertRule {
            id: AlertRuleId::from_uuid(Uuid::from_u128(2)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            name: "r".into(),
            select: Selector { all: true, ..Selector::default() },
            channels: vec![c],
            notify_on: NotifyOn::default(),
            escalation: steps.iter().map(|s| EscalationStep { after_seconds: *s, channels: vec![c] }).collect(),
            repeat_every_seconds: repeat,
            created_at: t(0),
            managed: None,
        }
    }

    fn incident() -> IncidentCore {
        let m = MonitorId::from_uuid(Uuid::from_u128(9));
        IncidentCore {
            id: IncidentId::for_opening(m.as_uuid(), t(0).as_millisecond()),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            subject: IncidentSubject::Monitor(m),
            subject_name: "m".into(),
            subject_url: None,
            tags: Default::default(),
            cause: IncidentCause::described("down"),
            opened_at: t(0),
            silenced: None,
        }
    }

    /// Walks every timer a rule produces until it has no more (or `limit` of them).
    fn schedule(rule: &AlertRule, limit: usize) -> Vec<(TimerKind, i64)> {
        let mut out = Vec::new();
        let mut pending = Timer::first_for(rule, &incident());
        while let Some(timer) = pending.pop() {
            if out.len() == limit {
                break;
            }
            out.push((timer.kind, timer.due_at.as_second() - t(0).as_second()));
            pending.extend(timer.next(rule, t(0)));
        }
        out.sort_by_key(|(_, at)| *at);
        out
    }

    #[test]
    fn schedule_table() {
        use TimerKind::*;
        type Case = (&'static str, AlertRule, usize, Vec<(TimerKind, i64)>);
        let cases: Vec<Case> = vec![
            ("no escalation, no reminder", rule(&[], None), 10, vec![]),
            ("two steps", rule(&[300, 900], None), 10, vec![(Escalation { step: 1 }, 300), (Escalation { step: 2 }, 900)]),
            (
                "reminders go on",
                rule(&[], Some(600)),
                3,
                vec![(Reminder { count: 1 }, 600), (Reminder { count: 2 }, 1200), (Reminder { count: 3 }, 1800)],
            ),
        ];
        for (name, rule, limit, expected) in cases {
            assert_eq!(schedule(&rule, limit), expected, "{name}");
        }
    }

    #[test]
    fn acknowledging_stops_escalation_but_not_reminders() {
        let r = rule(&[60], Some(60));
        let timers = Timer::first_for(&r, &incident());
        let (escalation, reminder) = (&timers[0], &timers[1]);
        let cases = [
            (escalation, IncidentStatus::Open, true),
            (escalation, IncidentStatus::Acknowledged, false),
            (escalation, IncidentStatus::Resolved, false),
            (reminder, IncidentStatus::Open, true),
            (reminder, IncidentStatus::Acknowledged, true),
            (reminder, IncidentStatus::Resolved, false),
        ];
        for (timer, status, fires) in cases {
            assert_eq!(timer.fires_on(status), fires, "{:?} on {status}", timer.kind);
        }
        assert_eq!(escalation.notification(), NotificationKind::Escalated { step: 1 });
        assert_eq!(escalation.channels(&r), r.escalation[0].channels.as_slice());
    }
}
