//! Threshold rules on host metrics, as one pure function: (rule, state, samples, now) → next
//! state, and whether an incident opens or resolves.
//!
//! A threshold rule judges the average of one metric over a window ("CPU at least 90 % over
//! 5 min") and needs the window covered by samples before it judges at all, so an agent that
//! just started does not page on its first busy second. It has hysteresis: it opens at one
//! level and resolves only at another ("open at 90, resolve at or below 80"), each judged on the
//! window's average, so a metric hovering at the threshold does not flap. A container that is
//! "not running or unhealthy" is the metric `container.down[name]` (1 down, 0 up) at least 1
//! over the window, resolving at 0. A silence rule opens when no sample came for a while.

use super::metric::{MetricKey, MetricKeyError, MetricName};
use super::sample::HostSample;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// Which side of the threshold is bad.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Bad when the average is at least the threshold.
    Above,
    /// Bad when the average is at most the threshold.
    Below,
}

/// A rule on a metric's average over a window. Deserializing checks it as [`ThresholdRule::new`]
/// does.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "StoredThreshold")]
pub struct ThresholdRule {
    metric: MetricKey,
    direction: Direction,
    open_at: f64,
    resolve_at: Option<f64>,
    window: SignedDuration,
}

/// Why a rule was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A threshold that is not a finite number.
    #[error("thresholds must be finite numbers")]
    NotFinite,
    /// The resolve level is on the bad side of (or equal to) the open level.
    #[error("the resolve level must be {0} the open level, or the rule would flap")]
    ResolveOnTheBadSide(&'static str),
    /// A negative window, or one longer than a day.
    #[error("the window must be between 0 and 24 hours")]
    Window,
    /// A silence shorter than a second or longer than a day.
    #[error("the silence must be between 1 second and 24 hours")]
    Silence,
    /// The metric does not exist or its subject does not fit.
    #[error(transparent)]
    Metric(#[from] MetricKeyError),
}

const LONGEST_WINDOW: SignedDuration = SignedDuration::from_hours(24);

impl ThresholdRule {
    /// A rule that opens when the average of `metric` over `window` is at `open_at` or beyond
    /// (in `direction`), and resolves when it is back at `resolve_at` or on the good side of it
    /// (by default, anywhere on the good side of `open_at`). A zero window judges the latest
    /// sample alone.
    pub fn new(
        metric: MetricKey,
        direction: Direction,
        open_at: f64,
        resolve_at: Option<f64>,
        window: SignedDuration,
    ) -> Result<Self, RuleError> {
        if !open_at.is_finite() || resolve_at.is_some_and(|r| !r.is_finite()) {
            return Err(RuleError::NotFinite);
        }
        match (direction, resolve_at) {
            (Direction::Above, Some(r)) if r >= open_at => return Err(RuleError::ResolveOnTheBadSide("below")),
            (Direction::Below, Some(r)) if r <= open_at => return Err(RuleError::ResolveOnTheBadSide("above")),
            _ => {}
        }
        if window.is_negative() || window > LONGEST_WINDOW {
            return Err(RuleError::Window);
        }
        Ok(Self { metric, direction, open_at, resolve_at, window })
    }

    /// "Container `name` not running or unhealthy" throughout `window`; resolves when it was
    /// up throughout the window.
    pub fn container_down(name: &str, window: SignedDuration) -> Result<Self, RuleError> {
        let metric = MetricKey::new(MetricName::ContainerDown, Some(name))?;
        Self::new(metric, Direction::Above, 1.0, Some(0.0), window)
    }

    /// The metric judged.
    pub fn metric(&self) -> &MetricKey {
        &self.metric
    }

    /// The window averaged over.
    pub fn window(&self) -> SignedDuration {
        self.window
    }

    /// Which side of the threshold is bad.
    pub fn direction(&self) -> Direction {
        self.direction
    }

    /// The level at which it opens.
    pub fn open_at(&self) -> f64 {
        self.open_at
    }

    /// The level at which it resolves, if not just anywhere on the good side of `open_at`.
    pub fn resolve_at(&self) -> Option<f64> {
        self.resolve_at
    }

    fn is_bad(&self, value: f64) -> bool {
        match self.direction {
            Direction::Above => value >= self.open_at,
            Direction::Below => value <= self.open_at,
        }
    }

    fn is_good(&self, value: f64) -> bool {
        match (self.direction, self.resolve_at) {
            (Direction::Above, Some(r)) => value <= r,
            (Direction::Below, Some(r)) => value >= r,
            (Direction::Above, None) => value < self.open_at,
            (Direction::Below, None) => value > self.open_at,
        }
    }

    /// The window's average, if samples cover the window: at least two samples in it whose
    /// span, plus their mean spacing (the share of the window the oldest stands for), reaches
    /// the window's length. A zero window takes the latest sample.
    fn average(&self, samples: &[HostSample], now: Timestamp) -> Option<Windowed> {
        if self.window.is_zero() {
            let latest = samples.iter().filter(|s| s.at <= now).max_by_key(|s| s.at)?;
            return latest.value(&self.metric).map(|value| Windowed { value, samples: 1 });
        }
        let start = now - self.window;
        let points: Vec<(Timestamp, f64)> =
            samples.iter().filter(|s| s.at > start && s.at <= now).filter_map(|s| s.value(&self.metric).map(|v| (s.at, v))).collect();
        let oldest = points.iter().map(|(at, _)| *at).min()?;
        let newest = points.iter().map(|(at, _)| *at).max()?;
        let count = points.len();
        if count < 2 {
            return None;
        }
        let span = newest.duration_since(oldest);
        let spacing = span / i32::try_from(count - 1).unwrap_or(i32::MAX);
        if span + spacing < self.window {
            return None;
        }
        let value = points.iter().map(|(_, v)| v).sum::<f64>() / count as f64;
        Some(Windowed { value, samples: count })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredThreshold {
    metric: MetricKey,
    direction: Direction,
    open_at: f64,
    resolve_at: Option<f64>,
    window: SignedDuration,
}

impl TryFrom<StoredThreshold> for ThresholdRule {
    type Error = RuleError;
    fn try_from(s: StoredThreshold) -> Result<Self, RuleError> {
        Self::new(s.metric, s.direction, s.open_at, s.resolve_at, s.window)
    }
}

struct Windowed {
    value: f64,
    samples: usize,
}

/// What a rule watches.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RuleCondition {
    /// A metric's windowed average.
    Threshold(ThresholdRule),
    /// No sample for a while.
    Silent(SilenceRule),
}

/// "Host silent for `after`". Deserializing checks it as [`RuleCondition::silent`] does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StoredSilence")]
pub struct SilenceRule {
    after: SignedDuration,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredSilence {
    after: SignedDuration,
}

impl TryFrom<StoredSilence> for SilenceRule {
    type Error = RuleError;
    fn try_from(s: StoredSilence) -> Result<Self, RuleError> {
        if s.after < SignedDuration::from_secs(1) || s.after > LONGEST_WINDOW {
            return Err(RuleError::Silence);
        }
        Ok(Self { after: s.after })
    }
}

impl SilenceRule {
    /// How long without a sample before the rule opens.
    pub fn after(&self) -> SignedDuration {
        self.after
    }
}

impl RuleCondition {
    /// "Host silent for `after`" (1 s to 24 h).
    pub fn silent(after: SignedDuration) -> Result<Self, RuleError> {
        SilenceRule::try_from(StoredSilence { after }).map(Self::Silent)
    }
}

/// Whether a rule is firing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// Not firing.
    Clear,
    /// Firing: an incident is open.
    Firing,
}

/// A rule's state for one host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleState {
    /// Firing or not.
    pub status: RuleStatus,
    /// Since when (or since the rule began watching the host).
    pub since: Timestamp,
    /// The newest sample seen.
    pub last_sample_at: Option<Timestamp>,
}

impl RuleState {
    /// A rule that began watching a host at `at`.
    pub const fn new(at: Timestamp) -> Self {
        Self { status: RuleStatus::Clear, since: at, last_sample_at: None }
    }
}

/// What was seen when a rule changed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observation {
    /// The metric's average over the window.
    Average {
        /// The average.
        value: f64,
        /// Over how many samples.
        samples: usize,
    },
    /// The host's last sample.
    Silence {
        /// When it came, if ever.
        last_sample_at: Option<Timestamp>,
    },
}

/// A change the rule asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum RuleChange {
    /// Open an incident.
    Open(Observation),
    /// Resolve it.
    Resolve(Observation),
}

/// The outcome of one evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// The state to keep.
    pub next: RuleState,
    /// The change to make, if any.
    pub change: Option<RuleChange>,
}

impl RuleCondition {
    /// Judges the rule at `now` on `samples` (the host's recent samples, in any order; for a
    /// threshold rule, at least its window's). Samples stamped after `now` are ignored.
    pub fn evaluate(&self, state: &RuleState, samples: &[HostSample], now: Timestamp) -> Evaluation {
        let newest = samples.iter().map(|s| s.at).filter(|at| *at <= now).max();
        let last_sample_at = state.last_sample_at.max(newest);
        let mut next = RuleState { last_sample_at, ..*state };
        let (bad, good, observation) = match self {
            RuleCondition::Threshold(rule) => match rule.average(samples, now) {
                Some(w) => (rule.is_bad(w.value), rule.is_good(w.value), Observation::Average { value: w.value, samples: w.samples }),
                None => return Evaluation { next, change: None },
            },
            RuleCondition::Silent(rule) => {
                let heard = last_sample_at.unwrap_or(state.since);
                let silent = now.duration_since(heard) >= rule.after;
                (silent, !silent, Observation::Silence { last_sample_at })
            }
        };
        let change = match state.status {
            RuleStatus::Clear if bad => Some(RuleChange::Open(observation)),
            RuleStatus::Firing if good => Some(RuleChange::Resolve(observation)),
            _ => None,
        };
        if let Some(change) = &change {
            next.status = match change {
                RuleChange::Open(_) => RuleStatus::Firing,
                RuleChange::Resolve(_) => RuleStatus::Clear,
            };
            next.since = now;
        }
        Evaluation { next, change }
    }
}
