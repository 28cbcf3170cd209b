//! The judgement of one host's rules, as one pure function: (host, rules, their stored
//! states, recent samples, now) → the rules that open or resolve, with their next state and a
//! reason for people.
//!
//! Threshold rules are judged when samples arrive; silence rules when time passes (the
//! sweeper), from the newest sample the host's progress records. A rule with no stored state
//! for a host is clear since it began watching it.

use super::record::Host;
use super::rule::{HostRule, RuleWatch, describe};
use crate::agent::metric::MetricName;
use crate::agent::rule::{Observation, RuleChange, RuleCondition};
use crate::agent::sample::HostSample;
use jiff::Timestamp;

/// Which of a host's rules to judge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    /// Rules on metrics (and containers): judged when samples arrive.
    Thresholds,
    /// Silence rules: judged as time passes.
    Silences,
}

/// A rule that opens or resolves for the host.
#[derive(Clone, Debug, PartialEq)]
pub struct Judged {
    /// The rule.
    pub rule: HostRule,
    /// Its next state for the host, to store.
    pub watch: RuleWatch,
    /// Open or resolve.
    pub change: RuleChange,
    /// Why, for a person.
    pub reason: String,
}

impl Judged {
    /// Whether the rule opens.
    pub fn opens(&self) -> bool {
        matches!(self.change, RuleChange::Open(_))
    }
}

/// Since when samples are needed to judge the threshold rules of `rules` that watch `host` at
/// `now`; `None` when none does.
pub fn samples_needed(host: &Host, rules: &[HostRule], now: Timestamp) -> Option<Timestamp> {
    rules
        .iter()
        .filter(|rule| rule.watches(host))
        .filter_map(|rule| match &rule.condition {
            RuleCondition::Threshold(threshold) => Some(now - threshold.window()),
            RuleCondition::Silent(_) => None,
        })
        .min()
}

/// Judges the rules of `which` kind that watch `host` at `now`, on `samples` (for threshold
/// rules, at least their windows'), from their stored `watches`.
pub fn judge(host: &Host, rules: &[HostRule], watches: &[RuleWatch], samples: &[HostSample], which: Which, now: Timestamp) -> Vec<Judged> {
    let mut judged = Vec::new();
    for rule in rules.iter().filter(|rule| rule.watches(host) && rule.is_silence() == (which == Which::Silences)) {
        let mut state =
            watches.iter().find(|w| w.rule_id == rule.id && w.agent_id == host.id).map_or_else(|| rule.initial_state(host), |w| w.state);
        state.last_sample_at = state.last_sample_at.max(host.progress.last_sample_at);
        let evaluation = rule.condition.evaluate(&state, samples, now);
        if let Some(change) = evaluation.change {
            let reason = reason(&rule.condition, &change);
            let watch = RuleWatch { tenant_id: host.tenant_id, rule_id: rule.id, agent_id: host.id, state: evaluation.next };
            judged.push(Judged { rule: rule.clone(), watch, change, reason });
        }
    }
    judged
}

fn reason(condition: &RuleCondition, change: &RuleChange) -> String {
    let (opens, observation) = match change {
        RuleChange::Open(o) => (true, o),
        RuleChange::Resolve(o) => (false, o),
    };
    match (condition, observation) {
        (RuleCondition::Threshold(rule), _) if rule.metric().name() == MetricName::ContainerDown => {
            let name = rule.metric().subject().unwrap_or_default();
            if opens {
                format!("container {name} is not running or unhealthy ({})", describe(condition))
            } else {
                format!("container {name} is up")
            }
        }
        (RuleCondition::Threshold(rule), Observation::Average { value, samples }) => {
            let level = if opens {
                format!("opens at {}", rule.open_at())
            } else {
                format!("resolves at {}", rule.resolve_at().unwrap_or(rule.open_at()))
            };
            format!("{} averaged {value:.1} over {samples} sample{} ({level})", rule.metric(), if *samples == 1 { "" } else { "s" })
        }
        (_, Observation::Silence { last_sample_at: Some(at) }) if opens => format!("no sample since {at}"),
        (_, Observation::Silence { last_sample_at: None }) if opens => "no sample since the host was enrolled".to_owned(),
        (_, Observation::Silence { last_sample_at }) => {
            format!("reporting again (latest sample at {})", last_sample_at.map_or_else(|| "-".to_owned(), |at| at.to_string()))
        }
        (_, Observation::Average { value, .. }) => format!("averaged {value:.1}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::AgentSecret;
    use crate::agent::protocol::HostInfo;
    use crate::agent::rule::{RuleState, RuleStatus};
    use crate::agent::tests::{at, cpu_at};
    use crate::host::{HostCredential, HostProgress, HostRuleDraft};
    use crate::ids::{AgentId, HostRuleId, TenantId};
    use uuid::Uuid;

    fn host(last_sample: Option<i64>) -> Host {
        Host {
            id: AgentId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            name: "web-1".into(),
            tags: Default::default(),
            info: HostInfo {
                hostname: "web-1".into(),
                os: "Debian".into(),
                kernel: "6".into(),
                arch: "x86_64".into(),
                cpu_cores: 2,
                agent_version: "0.1.0".into(),
            },
            credential: HostCredential::of(&AgentSecret::from_random([1; 32])),
            enrolled_at: at(0),
            revoked_at: None,
            progress: HostProgress { last_sample_at: last_sample.map(at), ..HostProgress::default() },
        }
    }

    fn rule(n: u128, draft: serde_json::Value, host: Option<AgentId>) -> HostRule {
        let valid = serde_json::from_value::<HostRuleDraft>(draft).unwrap().validate().unwrap();
        HostRule {
            id: HostRuleId::from_uuid(Uuid::from_u128(n)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            name: valid.name,
            host,
            condition: valid.condition,
            created_at: at(0),
            created_by: "ann".into(),
        }
    }

    #[test]
    fn thresholds_open_and_resolve_per_rule_with_reasons() {
        let h = host(Some(60));
        let busy = rule(1, serde_json::json!({"metric": "cpu.percent", "above": 90, "window_seconds": 30}), None);
        let silent = rule(2, serde_json::json!({"silent_seconds": 60}), Some(h.id));
        let elsewhere = rule(
            3,
            serde_json::json!({"metric": "cpu.percent", "above": 1, "window_seconds": 0}),
            Some(AgentId::from_uuid(Uuid::from_u128(9))),
        );
        let rules = vec![busy.clone(), silent, elsewhere];
        let hot: Vec<_> = (0..=6).map(|i| cpu_at(30 + i * 5, 95.0)).collect();
        assert_eq!(samples_needed(&h, &rules, at(60)), Some(at(30)), "only the rules watching the host count");

        let opened = judge(&h, &rules, &[], &hot, Which::Thresholds, at(60));
        assert_eq!(opened.len(), 1, "{opened:?}");
        assert_eq!(opened[0].rule.id, busy.id);
        assert!(opened[0].opens());
        assert_eq!(opened[0].watch.state.status, RuleStatus::Firing);
        assert_eq!(opened[0].reason, "cpu.percent averaged 95.0 over 6 samples (opens at 90)");

        let watches = vec![opened[0].watch];
        assert!(judge(&h, &rules, &watches, &hot, Which::Thresholds, at(60)).is_empty(), "still firing: no change");
        let cool: Vec<_> = (0..=6).map(|i| cpu_at(60 + i * 5, 10.0)).collect();
        let resolved = judge(&h, &rules, &watches, &cool, Which::Thresholds, at(90));
        assert_eq!(resolved.len(), 1);
        assert!(!resolved[0].opens());
        assert_eq!(resolved[0].reason, "cpu.percent averaged 10.0 over 6 samples (resolves at 90)");
        assert_eq!(resolved[0].watch.state, RuleState { status: RuleStatus::Clear, since: at(90), last_sample_at: Some(at(90)) });
    }

    #[test]
    fn silences_count_from_the_newest_sample_or_the_enrolment() {
        let silent = rule(2, serde_json::json!({"silent_seconds": 60}), None);
        let rules = vec![silent];
        let cases = [
            ("reporting", Some(50), 100, None),
            ("silent a minute", Some(40), 100, Some("no sample since 2027-01-15T08:00:40Z")),
            ("never reported", None, 60, Some("no sample since the host was enrolled")),
            ("just enrolled", None, 59, None),
        ];
        for (name, last, now, expected) in cases {
            let judged = judge(&host(last), &rules, &[], &[], Which::Silences, at(now));
            assert_eq!(judged.first().map(|j| j.reason.as_str()), expected, "{name}");
            assert!(judge(&host(last), &rules, &[], &[], Which::Thresholds, at(now)).is_empty(), "{name}: a silence is no threshold");
        }
        let firing = judge(&host(Some(0)), &rules, &[], &[], Which::Silences, at(100));
        let back = judge(&host(Some(99)), &rules, &[firing[0].watch], &[], Which::Silences, at(100));
        assert_eq!(back[0].reason, "reporting again (latest sample at 2027-01-15T08:01:39Z)");
    }
}
