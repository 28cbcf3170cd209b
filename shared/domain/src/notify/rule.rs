//! Alert rules: which subjects notify which channels on which transitions, and how to escalate
//! an incident nobody acknowledges.

use super::kind::NotificationKind;
use super::selector::{Selector, SelectorDraft, parse_ids};
use super::{InvalidInput, Problems};
use crate::ids::{AlertRuleId, ChannelId, TenantId};
use crate::incident::IncidentCore;
use crate::managed::Managed;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Which transitions notify the rule's channels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NotifyOn {
    /// When an incident opens.
    #[serde(default = "yes")]
    pub opened: bool,
    /// When someone acknowledges it.
    #[serde(default = "yes")]
    pub acknowledged: bool,
    /// When it is resolved.
    #[serde(default = "yes")]
    pub resolved: bool,
}

fn yes() -> bool {
    true
}

impl Default for NotifyOn {
    fn default() -> Self {
        Self { opened: true, acknowledged: true, resolved: true }
    }
}

/// One step of an escalation policy: if the incident is still unacknowledged `after_seconds`
/// after it opened, these channels are notified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// Seconds after the incident opened.
    pub after_seconds: u32,
    /// Who to notify.
    pub channels: Vec<ChannelId>,
}

/// A stored alert rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertRule {
    /// Identity.
    pub id: AlertRuleId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Display name.
    pub name: String,
    /// Which monitors and tasks.
    pub select: Selector,
    /// The channels notified first.
    pub channels: Vec<ChannelId>,
    /// On which transitions.
    pub notify_on: NotifyOn,
    /// Steps taken while nobody acknowledges, in order.
    pub escalation: Vec<EscalationStep>,
    /// Remind `channels` this often while the incident is not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_every_seconds: Option<u32>,
    /// When it was created.
    pub created_at: Timestamp,
    /// The monitoring-as-code file managing the rule, if one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

impl AlertRule {
    /// Every channel the rule may notify.
    pub fn all_channels(&self) -> BTreeSet<ChannelId> {
        self.channels.iter().chain(self.escalation.iter().flat_map(|s| &s.channels)).copied().collect()
    }
}

/// An escalation step as a client sends it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EscalationStepDraft {
    /// Seconds after the incident opened.
    pub after_seconds: u32,
    /// Who to notify, by channel id.
    pub channels: Vec<String>,
}

/// A rule as a client sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AlertRuleDraft {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Which monitors and tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select: Option<SelectorDraft>,
    /// The channels notified first, by id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channels: Option<Vec<String>>,
    /// On which transitions (all three by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notify_on: Option<NotifyOn>,
    /// Escalation steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Vec<EscalationStepDraft>>,
    /// Reminder period in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_every_seconds: Option<u32>,
    /// The monitoring-as-code file managing the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed: Option<Managed>,
}

/// Limits on rules.
pub mod limits {
    /// Most escalation steps.
    pub const STEPS: usize = 10;
    /// Most channels per list.
    pub const CHANNELS: usize = 20;
    /// Longest escalation delay: a week.
    pub const MAX_DELAY_SECONDS: u32 = 7 * 24 * 3600;
}

impl AlertRuleDraft {
    /// Validates the draft into the parts of a rule: (name, select, channels, notify_on,
    /// escalation, repeat). Whether the channels exist is for the caller to check.
    #[allow(clippy::type_complexity)]
    pub fn validate(self) -> Result<(String, Selector, Vec<ChannelId>, NotifyOn, Vec<EscalationStep>, Option<u32>), InvalidInput> {
        let mut problems = Problems::default();
        let name = self.name.as_deref().map(str::trim).unwrap_or_default().to_owned();
        if name.is_empty() || name.chars().count() > 200 {
            problems.add("name", "is required, 1 to 200 characters");
        }
        let select = self.select.unwrap_or_default().validate("select", &mut problems);
        if select.is_empty() {
            problems.add("select", "must select something: `all`, `monitors`, `tasks` or `tags`");
        }
        // Counted as sent: a bad id is reported as such, not again as a missing channel.
        let raw_channels = self.channels.unwrap_or_default();
        let raw_escalation = self.escalation.unwrap_or_default();
        let draft_step_lengths: Vec<usize> = raw_escalation.iter().map(|s| s.channels.len()).collect();
        let channels: Vec<ChannelId> = parse_ids("channels", &raw_channels, "channel", &mut problems);
        let escalation: Vec<EscalationStep> = raw_escalation
            .into_iter()
            .enumerate()
            .map(|(i, step)| EscalationStep {
                after_seconds: step.after_seconds,
                channels: parse_ids(&format!("escalation[{i}].channels"), &step.channels, "channel", &mut problems),
            })
            .collect();
        if raw_channels.is_empty() && escalation.is_empty() {
            problems.add("channels", "must name at least one channel");
        }
        if raw_channels.len() > limits::CHANNELS {
            problems.add("channels", format!("must have at most {} entries", limits::CHANNELS));
        }
        if escalation.len() > limits::STEPS {
            problems.add("escalation", format!("must have at most {} steps", limits::STEPS));
        }
        let mut previous = 0;
        for (i, step) in escalation.iter().enumerate() {
            if step.after_seconds <= previous || step.after_seconds > limits::MAX_DELAY_SECONDS {
                problems.add(
                    format!("escalation[{i}].after_seconds"),
                    format!("must be more than the step before and at most {} (a week)", limits::MAX_DELAY_SECONDS),
                );
            }
            previous = step.after_seconds;
            if draft_step_lengths[i] == 0 || draft_step_lengths[i] > limits::CHANNELS {
                problems.add(format!("escalation[{i}].channels"), format!("must name 1 to {} channels", limits::CHANNELS));
            }
        }
        if let Some(repeat) = self.repeat_every_seconds
            && !(1..=limits::MAX_DELAY_SECONDS).contains(&repeat)
        {
            problems.add("repeat_every_seconds", format!("must be between 1 and {}", limits::MAX_DELAY_SECONDS));
        }
        for problem in self.managed.as_ref().map(|m| m.problems("managed")).unwrap_or_default() {
            problems.add(problem.field, problem.message);
        }
        let notify_on = self.notify_on.unwrap_or_default();
        problems.finish(|| (name, select, channels, notify_on, escalation, self.repeat_every_seconds))
    }
}

/// The channels to notify of `kind` (opened, acknowledged or resolved) for the incident `core`,
/// each with the rule that chose it, without duplicates. Acknowledgements and resolutions also
/// reach the escalation channels that were already alerted (`alerted`), so that whoever was
/// paged hears the page is over (PagerDuty closes what it opened).
pub fn recipients(
    rules: &[AlertRule],
    core: &IncidentCore,
    kind: NotificationKind,
    alerted: &BTreeSet<ChannelId>,
) -> Vec<(ChannelId, AlertRuleId)> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for rule in rules.iter().filter(|r| r.select.matches(&core.subject, &core.tags)) {
        let (wanted, follow_up) = match kind {
            NotificationKind::Opened => (rule.notify_on.opened, false),
            NotificationKind::Acknowledged => (rule.notify_on.acknowledged, true),
            NotificationKind::Resolved => (rule.notify_on.resolved, true),
            _ => (false, false),
        };
        if !wanted {
            continue;
        }
        let escalated = rule.escalation.iter().flat_map(|s| &s.channels).filter(|c| follow_up && alerted.contains(c));
        for channel in rule.channels.iter().chain(escalated) {
            if seen.insert(*channel) {
                out.push((*channel, rule.id));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{IncidentId, MonitorId};
    use crate::incident::{IncidentCause, IncidentSubject};
    use uuid::Uuid;

    fn channel(n: u128) -> ChannelId {
        ChannelId::from_uuid(Uuid::from_u128(n))
    }

    fn rule(n: u128, select: Selector, channels: &[u128], steps: &[(u32, &[u128])], notify_on: NotifyOn) -> AlertRule {
        AlertRule {
            id: AlertRuleId::from_uuid(Uuid::from_u128(n)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            name: format!("r{n}"),
            select,
            channels: channels.iter().map(|c| channel(*c)).collect(),
            notify_on,
            escalation: steps
                .iter()
                .map(|(after, cs)| EscalationStep { after_seconds: *after, channels: cs.iter().map(|c| channel(*c)).collect() })
                .collect(),
            repeat_every_seconds: None,
            created_at: Timestamp::UNIX_EPOCH,
            managed: None,
        }
    }

    fn core(monitor: u128, tags: &[&str]) -> IncidentCore {
        let monitor = MonitorId::from_uuid(Uuid::from_u128(monitor));
        IncidentCore {
            id: IncidentId::for_opening(monitor.as_uuid(), 0),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            subject: IncidentSubject::Monitor(monitor),
            subject_name: "m".into(),
            subject_url: None,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            cause: IncidentCause::described("down"),
            opened_at: Timestamp::UNIX_EPOCH,
            silenced: None,
        }
    }

    #[test]
    fn recipients_table() {
        let prod = Selector { tags: ["prod".into()].into(), ..Selector::default() };
        let m5 = Selector { monitors: [MonitorId::from_uuid(Uuid::from_u128(5))].into(), ..Selector::default() };
        let quiet_resolve = NotifyOn { resolved: false, ..NotifyOn::default() };
        let rules = vec![rule(1, prod.clone(), &[10, 11], &[(60, &[20])], NotifyOn::default()), rule(2, m5, &[11, 12], &[], quiet_resolve)];
        let none = BTreeSet::new();
        let paged: BTreeSet<_> = [channel(20)].into();
        let ids = |v: Vec<(ChannelId, AlertRuleId)>| v.into_iter().map(|(c, _)| c.as_uuid().as_u128()).collect::<Vec<_>>();
        type Case<'a> = (&'static str, IncidentCore, NotificationKind, &'a BTreeSet<ChannelId>, Vec<u128>);
        let cases: Vec<Case> = vec![
            ("tag match opens", core(9, &["prod"]), NotificationKind::Opened, &none, vec![10, 11]),
            ("no match", core(9, &["dev"]), NotificationKind::Opened, &none, vec![]),
            ("two rules, shared channel once", core(5, &["prod"]), NotificationKind::Opened, &none, vec![10, 11, 12]),
            ("resolve skips the quiet rule", core(5, &[]), NotificationKind::Resolved, &none, vec![]),
            ("resolve reaches the paged step", core(9, &["prod"]), NotificationKind::Resolved, &paged, vec![10, 11, 20]),
            ("ack reaches the paged step", core(5, &["prod"]), NotificationKind::Acknowledged, &paged, vec![10, 11, 20, 12]),
            ("escalations are not planned here", core(9, &["prod"]), NotificationKind::Escalated { step: 1 }, &none, vec![]),
        ];
        for (name, core, kind, alerted, expected) in cases {
            assert_eq!(ids(recipients(&rules, &core, kind, alerted)), expected, "{name}");
        }
    }

    #[test]
    fn draft_rules() {
        let c = channel(1);
        let parse = |json: serde_json::Value| serde_json::from_value::<AlertRuleDraft>(json).unwrap().validate();
        assert!(parse(serde_json::json!({"name": "r", "select": {"all": true}, "channels": [c]})).is_ok());
        let cases = [
            (serde_json::json!({"name": "r", "channels": [c]}), "select"),
            (serde_json::json!({"name": "r", "select": {"all": true}}), "channels"),
            (serde_json::json!({"select": {"all": true}, "channels": [c]}), "name"),
            (
                serde_json::json!({"name": "r", "select": {"all": true}, "channels": [c],
                    "escalation": [{"after_seconds": 60, "channels": [c]}, {"after_seconds": 30, "channels": [c]}]}),
                "escalation[1].after_seconds",
            ),
            (
                serde_json::json!({"name": "r", "select": {"all": true}, "escalation": [{"after_seconds": 60, "channels": []}]}),
                "escalation[0].channels",
            ),
            (serde_json::json!({"name": "r", "select": {"all": true}, "channels": [c], "repeat_every_seconds": 0}), "repeat_every_seconds"),
        ];
        for (json, field) in cases {
            let errors = parse(json.clone()).unwrap_err().0;
            assert!(errors.iter().any(|e| e.field == field), "{json}: {errors:?}");
        }
    }
}
