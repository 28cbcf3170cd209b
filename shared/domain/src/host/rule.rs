//! The rules an organisation sets on its hosts, as stored, and each rule's state per host.

use crate::agent::metric::{MetricKey, MetricName};
use crate::agent::rule::{Direction, RuleCondition, RuleState, ThresholdRule};
use crate::host::Host;
use crate::ids::{AgentId, HostRuleId, HostWatchId, TenantId};
use crate::monitor::{FieldError, SpecErrors};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A rule on one host or on every host of an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostRule {
    /// Identity.
    pub id: HostRuleId,
    /// Owner.
    pub tenant_id: TenantId,
    /// Its name, as incidents show it.
    pub name: String,
    /// The host it watches; every host of the organisation when absent.
    pub host: Option<AgentId>,
    /// What it watches.
    pub condition: RuleCondition,
    /// When it was made.
    pub created_at: Timestamp,
    /// Who made it, as the audit log names them.
    pub created_by: String,
}

impl HostRule {
    /// Whether it watches `host`.
    pub fn watches(&self, host: &Host) -> bool {
        host.tenant_id == self.tenant_id && self.host.is_none_or(|id| id == host.id)
    }

    /// The subject of the incidents it opens for `host`.
    pub fn watch_id(&self, host: AgentId) -> HostWatchId {
        HostWatchId::of(self.id, host)
    }

    /// Whether it is a silence rule.
    pub fn is_silence(&self) -> bool {
        matches!(self.condition, RuleCondition::Silent(_))
    }

    /// Its state for a host it has no stored state for: clear since it began watching it.
    pub fn initial_state(&self, host: &Host) -> RuleState {
        RuleState::new(self.created_at.max(host.enrolled_at))
    }

    /// The incident's subject name: "<host>: <rule>".
    pub fn subject_name(&self, host: &Host) -> String {
        format!("{}: {}", host.name, self.name)
    }
}

/// A rule's state for one host, stored only when the rule changes (opens or resolves).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleWatch {
    /// Owner.
    pub tenant_id: TenantId,
    /// The rule.
    pub rule_id: HostRuleId,
    /// The host.
    pub agent_id: AgentId,
    /// Its state.
    pub state: RuleState,
}

/// A rule as a client sends it: exactly one of a metric with `above` or `below`, a container
/// (`container_down`), or a silence (`silent_seconds`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HostRuleDraft {
    /// Its name (defaults to a description of the condition).
    #[serde(default)]
    pub name: Option<String>,
    /// The host's id; every host when absent.
    #[serde(default)]
    pub host: Option<String>,
    /// A metric, as `name` or `name[subject]` (`cpu.percent`, `disk.used_percent[/]`).
    #[serde(default)]
    pub metric: Option<String>,
    /// Opens when the metric's average is at least this.
    #[serde(default)]
    pub above: Option<f64>,
    /// Opens when the metric's average is at most this.
    #[serde(default)]
    pub below: Option<f64>,
    /// Resolves only once the average is back at this level (hysteresis); anywhere on the good
    /// side of the threshold when absent.
    #[serde(default)]
    pub resolve_at: Option<f64>,
    /// The window the average is taken over, in seconds (0: the latest sample alone; 300 by
    /// default for metrics, 60 for containers).
    #[serde(default)]
    pub window_seconds: Option<u32>,
    /// A container that must be running and not unhealthy.
    #[serde(default)]
    pub container_down: Option<String>,
    /// Opens when the host sent no sample for this many seconds.
    #[serde(default)]
    pub silent_seconds: Option<u32>,
}

/// Limits and defaults of rules.
pub mod limits {
    /// Longest name, in characters.
    pub const NAME_CHARS: usize = 200;
    /// The window of a metric rule that gives none.
    pub const DEFAULT_WINDOW_SECONDS: u32 = 300;
    /// The window of a container rule that gives none.
    pub const DEFAULT_CONTAINER_WINDOW_SECONDS: u32 = 60;
}

/// A validated draft: what a [`HostRule`] is made of.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidRule {
    /// The name.
    pub name: String,
    /// The host, if one.
    pub host: Option<AgentId>,
    /// The condition.
    pub condition: RuleCondition,
}

impl HostRuleDraft {
    /// Validates the draft, reporting every broken rule at once, each under its field.
    pub fn validate(&self) -> Result<ValidRule, SpecErrors> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| errors.push(FieldError { field: field.to_owned(), message });
        let host = match self.host.as_deref().map(str::trim) {
            None => None,
            Some(text) => match text.parse::<AgentId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    fail("host", format!("`{text}` is not a host id (ids look like 0192f3a4-5b6c-7d8e-9f01-23456789abcd)"));
                    None
                }
            },
        };
        let kinds = [self.metric.is_some(), self.container_down.is_some(), self.silent_seconds.is_some()];
        let condition = match kinds {
            [true, false, false] => self.threshold(&mut fail),
            [false, true, false] => self.container(&mut fail),
            [false, false, true] => self.silence(&mut fail),
            _ => {
                fail("metric", "give exactly one of `metric` (with `above` or `below`), `container_down` or `silent_seconds`".into());
                None
            }
        };
        let name = match self.name.as_deref().map(str::trim) {
            Some("") => {
                fail("name", "must not be blank".into());
                None
            }
            Some(name) if name.chars().count() > limits::NAME_CHARS || name.chars().any(char::is_control) => {
                fail("name", format!("must be at most {} characters, without control characters", limits::NAME_CHARS));
                None
            }
            Some(name) => Some(name.to_owned()),
            None => condition.as_ref().map(describe),
        };
        match (name, condition) {
            (Some(name), Some(condition)) if errors.is_empty() => Ok(ValidRule { name, host, condition }),
            _ => Err(SpecErrors(errors)),
        }
    }

    fn window(&self, default: u32) -> SignedDuration {
        SignedDuration::from_secs(i64::from(self.window_seconds.unwrap_or(default)))
    }

    fn threshold(&self, fail: &mut impl FnMut(&str, String)) -> Option<RuleCondition> {
        let metric = match MetricKey::parse(self.metric.as_deref().unwrap_or_default().trim()) {
            Ok(metric) => Some(metric),
            Err(error) => {
                fail("metric", error.to_string());
                None
            }
        };
        let (direction, level) = match (self.above, self.below) {
            (Some(level), None) => (Direction::Above, level),
            (None, Some(level)) => (Direction::Below, level),
            _ => {
                fail("above", "give exactly one of `above` or `below` with a metric".into());
                return None;
            }
        };
        let field = if direction == Direction::Above { "above" } else { "below" };
        match ThresholdRule::new(metric?, direction, level, self.resolve_at, self.window(limits::DEFAULT_WINDOW_SECONDS)) {
            Ok(rule) => Some(RuleCondition::Threshold(rule)),
            Err(error) => {
                let field = match error {
                    crate::agent::rule::RuleError::ResolveOnTheBadSide(_) => "resolve_at",
                    crate::agent::rule::RuleError::Window => "window_seconds",
                    _ => field,
                };
                fail(field, error.to_string());
                None
            }
        }
    }

    fn container(&self, fail: &mut impl FnMut(&str, String)) -> Option<RuleCondition> {
        for (field, given) in [("above", self.above.is_some()), ("below", self.below.is_some()), ("resolve_at", self.resolve_at.is_some())]
        {
            if given {
                fail(field, "a container rule takes no threshold: it opens while the container is not running or unhealthy".into());
            }
        }
        let name = self.container_down.as_deref().unwrap_or_default().trim();
        match ThresholdRule::container_down(name, self.window(limits::DEFAULT_CONTAINER_WINDOW_SECONDS)) {
            Ok(rule) => Some(RuleCondition::Threshold(rule)),
            Err(crate::agent::rule::RuleError::Window) => {
                fail("window_seconds", crate::agent::rule::RuleError::Window.to_string());
                None
            }
            Err(error) => {
                fail("container_down", error.to_string());
                None
            }
        }
    }

    fn silence(&self, fail: &mut impl FnMut(&str, String)) -> Option<RuleCondition> {
        let extra = [
            ("above", self.above.is_some()),
            ("below", self.below.is_some()),
            ("resolve_at", self.resolve_at.is_some()),
            ("window_seconds", self.window_seconds.is_some()),
        ];
        for (field, given) in extra {
            if given {
                fail(field, "a silence rule takes only `silent_seconds`".into());
            }
        }
        match RuleCondition::silent(SignedDuration::from_secs(i64::from(self.silent_seconds.unwrap_or_default()))) {
            Ok(condition) => Some(condition),
            Err(error) => {
                fail("silent_seconds", error.to_string());
                None
            }
        }
    }
}

/// A condition in words: "cpu.percent ≥ 90 over 5 min", "silent for 2 min".
pub fn describe(condition: &RuleCondition) -> String {
    match condition {
        RuleCondition::Threshold(rule) if rule.metric().name() == MetricName::ContainerDown => {
            format!("container {} down for {}", rule.metric().subject().unwrap_or_default(), span(rule.window()))
        }
        RuleCondition::Threshold(rule) => {
            let sign = if rule.direction() == Direction::Above { "≥" } else { "≤" };
            let over = if rule.window().is_zero() { "now".to_owned() } else { format!("over {}", span(rule.window())) };
            format!("{} {sign} {} {over}", rule.metric(), rule.open_at())
        }
        RuleCondition::Silent(rule) => format!("silent for {}", span(rule.after())),
    }
}

/// A duration as a person says it: `90 s`, `5 min`, `2 h`.
pub fn span(duration: SignedDuration) -> String {
    let seconds = duration.as_secs();
    match seconds {
        s if s >= 3600 && s % 3600 == 0 => format!("{} h", s / 3600),
        s if s >= 60 && s % 60 == 0 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(value: serde_json::Value) -> HostRuleDraft {
        serde_json::from_value(value).expect("a draft")
    }

    #[test]
    fn valid_drafts_and_their_names() {
        let cases = [
            (json!({"metric": "cpu.percent", "above": 90}), "cpu.percent ≥ 90 over 5 min"),
            (json!({"metric": "disk.used_percent[/]", "above": 85, "window_seconds": 0}), "disk.used_percent[/] ≥ 85 now"),
            (
                json!({"metric": "memory.available_bytes", "below": 1e8, "resolve_at": 2e8, "window_seconds": 90}),
                "memory.available_bytes ≤ 100000000 over 90 s",
            ),
            (json!({"container_down": "api"}), "container api down for 1 min"),
            (json!({"silent_seconds": 120}), "silent for 2 min"),
            (json!({"silent_seconds": 7200, "name": "  gone  "}), "gone"),
        ];
        for (value, name) in cases {
            let valid = draft(value.clone()).validate().unwrap_or_else(|e| panic!("{value}: {e}"));
            assert_eq!(valid.name, name, "{value}");
            assert_eq!(valid.host, None);
        }
        let host = "0192f3a4-5b6c-7d8e-9f01-23456789abcd";
        let valid = draft(json!({"silent_seconds": 60, "host": host})).validate().unwrap();
        assert_eq!(valid.host.map(|h| h.to_string()), Some(host.to_owned()));
    }

    #[test]
    fn every_problem_is_reported_under_its_field() {
        let cases: Vec<(serde_json::Value, Vec<&str>)> = vec![
            (json!({}), vec!["metric"]),
            (json!({"metric": "cpu.percent", "silent_seconds": 5}), vec!["metric"]),
            (json!({"metric": "cpu", "above": 1}), vec!["metric"]),
            (json!({"metric": "cpu.percent"}), vec!["above"]),
            (json!({"metric": "cpu.percent", "above": 1, "below": 0}), vec!["above"]),
            (json!({"metric": "cpu.percent", "above": 90, "resolve_at": 95}), vec!["resolve_at"]),
            (json!({"metric": "cpu.percent", "above": 90, "window_seconds": 90000}), vec!["window_seconds"]),
            (json!({"metric": "cpu.percent", "above": 90, "host": "web-1", "name": ""}), vec!["host", "name"]),
            (json!({"container_down": "a]b"}), vec!["container_down"]),
            (json!({"container_down": "api", "above": 1}), vec!["above"]),
            (json!({"silent_seconds": 0}), vec!["silent_seconds"]),
            (json!({"silent_seconds": 60, "window_seconds": 60, "below": 2}), vec!["below", "window_seconds"]),
        ];
        for (value, fields) in cases {
            let errors = draft(value.clone()).validate().expect_err(&value.to_string());
            let mut found: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
            found.sort();
            assert_eq!(found, fields, "{value}: {errors}");
        }
        assert!(
            serde_json::from_value::<HostRuleDraft>(json!({"metric": "cpu.percent", "abve": 1})).is_err(),
            "unknown fields are refused"
        );
    }
}
