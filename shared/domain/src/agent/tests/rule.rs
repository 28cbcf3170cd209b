use super::{at, cpu_at, sample};
use crate::agent::metric::MetricKey;
use crate::agent::rule::*;
use crate::agent::sample::{ContainerHealth, ContainerState, HostSample};
use jiff::SignedDuration;

fn minutes(n: i64) -> SignedDuration {
    SignedDuration::from_mins(n)
}

fn cpu_rule() -> RuleCondition {
    let metric = MetricKey::parse("cpu.percent").unwrap();
    RuleCondition::Threshold(ThresholdRule::new(metric, Direction::Above, 90.0, Some(80.0), minutes(5)).unwrap())
}

/// Samples every 10 s from `from` to `to` seconds (inclusive), each with the CPU `value(t)`.
fn cpu_series(from: i64, to: i64, value: impl Fn(i64) -> f64) -> Vec<HostSample> {
    (from..=to).step_by(10).map(|t| cpu_at(t, value(t))).collect()
}

fn state(status: RuleStatus) -> RuleState {
    RuleState { status, since: at(0), last_sample_at: None }
}

fn average(value: f64, samples: usize) -> Observation {
    Observation::Average { value, samples }
}

#[test]
fn cpu_above_90_for_5_minutes_with_hysteresis() {
    use RuleStatus::*;
    let now = 1000;
    let cases: Vec<(&str, RuleStatus, Vec<HostSample>, Option<RuleChange>)> = vec![
        ("two minutes of 95 % do not cover the window", Clear, cpu_series(now - 120, now, |_| 95.0), None),
        ("five minutes of 95 % open", Clear, cpu_series(now - 290, now, |_| 95.0), Some(RuleChange::Open(average(95.0, 30)))),
        (
            "an average of exactly 90 opens",
            Clear,
            cpu_series(now - 290, now, |t| if t % 20 == 0 { 100.0 } else { 80.0 }),
            Some(RuleChange::Open(average(90.0, 30))),
        ),
        ("89.5 % does not", Clear, cpu_series(now - 290, now, |_| 89.5), None),
        ("one spike does not", Clear, cpu_series(now - 290, now, |t| if t == now { 100.0 } else { 10.0 }), None),
        ("firing, 85 % stays firing (hysteresis)", Firing, cpu_series(now - 290, now, |_| 85.0), None),
        ("firing, 80 % resolves", Firing, cpu_series(now - 290, now, |_| 80.0), Some(RuleChange::Resolve(average(80.0, 30)))),
        (
            "firing, a last minute at 50 % is not enough",
            Firing,
            cpu_series(now - 290, now, |t| if t > now - 60 { 50.0 } else { 95.0 }),
            None,
        ),
        ("firing, no sample at all changes nothing", Firing, vec![], None),
        ("samples older than the window are not counted", Clear, cpu_series(now - 900, now - 300, |_| 99.0), None),
        ("samples stamped in the future are ignored", Clear, cpu_series(now + 10, now + 300, |_| 99.0), None),
        (
            "a sample without CPU is skipped, the window still covered",
            Clear,
            {
                let mut series = cpu_series(now - 290, now, |_| 95.0);
                series[10].cpu = None;
                series
            },
            Some(RuleChange::Open(average(95.0, 29))),
        ),
    ];
    for (name, status, samples, expected) in cases {
        let evaluation = cpu_rule().evaluate(&state(status), &samples, at(now));
        assert_eq!(evaluation.change, expected, "{name}");
        let expected_status = match (&expected, status) {
            (Some(RuleChange::Open(_)), _) => Firing,
            (Some(RuleChange::Resolve(_)), _) => Clear,
            (None, status) => status,
        };
        assert_eq!(evaluation.next.status, expected_status, "{name}");
        assert_eq!(evaluation.next.since, if expected.is_some() { at(now) } else { at(0) }, "{name}");
    }
}

#[test]
fn a_rule_opens_once_and_resolves_once_along_a_day() {
    let rule = cpu_rule();
    let mut state = RuleState::new(at(0));
    let load = |t: i64| if (600..1200).contains(&t) { 97.0 } else { 20.0 };
    let samples = cpu_series(0, 3000, load);
    let mut changes = Vec::new();
    for now in (0..=3000).step_by(10) {
        let window: Vec<HostSample> = samples.iter().filter(|s| s.at <= at(now)).cloned().collect();
        let evaluation = rule.evaluate(&state, &window, at(now));
        if let Some(change) = &evaluation.change {
            changes.push((now, matches!(change, RuleChange::Open(_))));
        }
        state = evaluation.next;
    }
    assert_eq!(changes.len(), 2, "{changes:?}");
    let (opened, resolved) = (changes[0], changes[1]);
    assert!(opened.1 && !resolved.1);
    assert!((600 + 150..=600 + 300).contains(&opened.0), "opens once the average over 5 min reaches 90: {opened:?}");
    assert!((1200..=1200 + 300).contains(&resolved.0), "resolves once it is back at 80: {resolved:?}");
}

#[test]
fn disk_above_85_percent_on_the_latest_sample() {
    let rule = RuleCondition::Threshold(
        ThresholdRule::new(MetricKey::parse("disk.used_percent[/]").unwrap(), Direction::Above, 85.0, None, SignedDuration::ZERO).unwrap(),
    );
    let with_disk = |second: i64, used: u64| {
        let mut s = sample();
        s.at = at(second);
        s.disks[0].used_bytes = used;
        s.disks[0].available_bytes = 100 - used;
        s
    };
    let cases = [
        ("84 % is fine", RuleStatus::Clear, vec![with_disk(0, 84)], None),
        ("85 % opens", RuleStatus::Clear, vec![with_disk(0, 85)], Some(true)),
        ("the latest counts, not the worst", RuleStatus::Clear, vec![with_disk(0, 99), with_disk(10, 50)], None),
        ("firing, 85 % stays", RuleStatus::Firing, vec![with_disk(0, 85)], None),
        (
            "firing, 84.9 resolves (no resolve level: anywhere below the open level)",
            RuleStatus::Firing,
            vec![with_disk(0, 84)],
            Some(false),
        ),
        (
            "another mount is not this rule's",
            RuleStatus::Clear,
            vec![{
                let mut s = with_disk(0, 99);
                s.disks[0].mount = "/var".into();
                s
            }],
            None,
        ),
    ];
    for (name, status, samples, expected) in cases {
        let change = rule.evaluate(&state(status), &samples, at(20)).change;
        assert_eq!(change.map(|c| matches!(c, RuleChange::Open(_))), expected, "{name}");
    }
}

#[test]
fn memory_below_a_floor() {
    let metric = MetricKey::parse("memory.available_bytes").unwrap();
    let rule = RuleCondition::Threshold(ThresholdRule::new(metric, Direction::Below, 100.0, Some(300.0), minutes(1)).unwrap());
    let series = |available: u64| -> Vec<HostSample> {
        (0..=60)
            .step_by(10)
            .map(|t| {
                let mut s = cpu_at(t, 0.0);
                s.memory.available_bytes = available;
                s
            })
            .collect()
    };
    assert!(matches!(rule.evaluate(&state(RuleStatus::Clear), &series(100), at(60)).change, Some(RuleChange::Open(_))));
    assert_eq!(rule.evaluate(&state(RuleStatus::Firing), &series(299), at(60)).change, None);
    assert!(matches!(rule.evaluate(&state(RuleStatus::Firing), &series(300), at(60)).change, Some(RuleChange::Resolve(_))));
}

#[test]
fn container_not_running_or_unhealthy() {
    let rule = RuleCondition::Threshold(ThresholdRule::container_down("api", minutes(1)).unwrap());
    let series = |up: &dyn Fn(i64) -> Option<(ContainerState, Option<ContainerHealth>)>| -> Vec<HostSample> {
        (0..=60)
            .step_by(10)
            .map(|t| {
                let mut s = cpu_at(t, 0.0);
                match up(t) {
                    Some((state, health)) => {
                        let containers = s.containers.as_mut().unwrap();
                        containers[0].state = state;
                        containers[0].health = health;
                    }
                    None => s.containers = Some(vec![]),
                }
                s
            })
            .collect()
    };
    let running = Some((ContainerState::Running, Some(ContainerHealth::Healthy)));
    let exited = Some((ContainerState::Exited, None));
    let unhealthy = Some((ContainerState::Running, Some(ContainerHealth::Unhealthy)));
    let cases: Vec<(&str, RuleStatus, Vec<HostSample>, Option<bool>)> = vec![
        ("running and healthy", RuleStatus::Clear, series(&|_| running), None),
        ("exited throughout", RuleStatus::Clear, series(&|_| exited), Some(true)),
        ("unhealthy throughout", RuleStatus::Clear, series(&|_| unhealthy), Some(true)),
        ("gone throughout", RuleStatus::Clear, series(&|_| None), Some(true)),
        ("restarting once is no outage", RuleStatus::Clear, series(&|t| if t == 30 { exited } else { running }), None),
        (
            "still starting its health check counts as up",
            RuleStatus::Clear,
            series(&|_| Some((ContainerState::Running, Some(ContainerHealth::Starting)))),
            None,
        ),
        ("firing, up for part of the window stays", RuleStatus::Firing, series(&|t| if t < 30 { exited } else { running }), None),
        ("firing, up throughout resolves", RuleStatus::Firing, series(&|_| running), Some(false)),
        (
            "no Docker engine: no verdict",
            RuleStatus::Clear,
            {
                let mut s = series(&|_| exited);
                s.iter_mut().for_each(|s| s.containers = None);
                s
            },
            None,
        ),
    ];
    for (name, status, samples, expected) in cases {
        let change = rule.evaluate(&state(status), &samples, at(60)).change;
        assert_eq!(change.map(|c| matches!(c, RuleChange::Open(_))), expected, "{name}");
    }
}

#[test]
fn host_silent_for_two_minutes() {
    let rule = RuleCondition::silent(minutes(2)).unwrap();
    let fresh = RuleState::new(at(0));
    assert_eq!(rule.evaluate(&fresh, &[], at(119)).change, None, "a new host has two minutes to speak");
    let opened = rule.evaluate(&fresh, &[], at(120));
    assert_eq!(opened.change, Some(RuleChange::Open(Observation::Silence { last_sample_at: None })));

    let heard = rule.evaluate(&fresh, &[cpu_at(100, 1.0)], at(110)).next;
    assert_eq!(heard.last_sample_at, Some(at(100)));
    assert_eq!(rule.evaluate(&heard, &[], at(219)).change, None, "the state remembers the last sample");
    let silent = rule.evaluate(&heard, &[], at(220));
    assert_eq!(silent.change, Some(RuleChange::Open(Observation::Silence { last_sample_at: Some(at(100)) })));
    assert_eq!(silent.next.status, RuleStatus::Firing);
    assert_eq!(rule.evaluate(&silent.next, &[], at(500)).change, None, "opens once");
    let back = rule.evaluate(&silent.next, &[cpu_at(510, 1.0)], at(511));
    assert_eq!(back.change, Some(RuleChange::Resolve(Observation::Silence { last_sample_at: Some(at(510)) })));
    assert_eq!(back.next, RuleState { status: RuleStatus::Clear, since: at(511), last_sample_at: Some(at(510)) });
}

#[test]
fn rules_that_would_flap_or_make_no_sense_are_refused() {
    let cpu = || MetricKey::parse("cpu.percent").unwrap();
    let cases = [
        (
            "resolve above the open level",
            ThresholdRule::new(cpu(), Direction::Above, 90.0, Some(95.0), minutes(5)),
            RuleError::ResolveOnTheBadSide("below"),
        ),
        (
            "resolve at the open level",
            ThresholdRule::new(cpu(), Direction::Above, 90.0, Some(90.0), minutes(5)),
            RuleError::ResolveOnTheBadSide("below"),
        ),
        (
            "below: resolve below",
            ThresholdRule::new(cpu(), Direction::Below, 10.0, Some(5.0), minutes(5)),
            RuleError::ResolveOnTheBadSide("above"),
        ),
        ("NaN", ThresholdRule::new(cpu(), Direction::Above, f64::NAN, None, minutes(5)), RuleError::NotFinite),
        ("infinite resolve", ThresholdRule::new(cpu(), Direction::Above, 1.0, Some(f64::NEG_INFINITY), minutes(5)), RuleError::NotFinite),
        ("negative window", ThresholdRule::new(cpu(), Direction::Above, 1.0, None, minutes(-1)), RuleError::Window),
        ("window over a day", ThresholdRule::new(cpu(), Direction::Above, 1.0, None, minutes(24 * 60 + 1)), RuleError::Window),
    ];
    for (name, result, expected) in cases {
        assert_eq!(result.unwrap_err(), expected, "{name}");
    }
    assert_eq!(RuleCondition::silent(SignedDuration::ZERO).unwrap_err(), RuleError::Silence);
    assert!(ThresholdRule::container_down("", minutes(1)).is_err());
    assert_eq!(
        RuleError::ResolveOnTheBadSide("below").to_string(),
        "the resolve level must be below the open level, or the rule would flap"
    );
}

#[test]
fn stored_rules_are_checked_when_read() {
    let good = r#"{"kind":"threshold","metric":"cpu.percent","direction":"above","open_at":90.0,"resolve_at":80.0,"window":"PT5M"}"#;
    let rule: RuleCondition = serde_json::from_str(good).unwrap();
    assert_eq!(rule, cpu_rule());
    assert_eq!(serde_json::from_str::<RuleCondition>(&serde_json::to_string(&rule).unwrap()).unwrap(), rule);
    let flapping = good.replace("80.0", "95.0");
    let error = serde_json::from_str::<RuleCondition>(&flapping).unwrap_err().to_string();
    assert!(error.contains("the resolve level must be below the open level"), "{error}");
    let unknown_metric = good.replace("cpu.percent", "cpu.temperature");
    assert!(serde_json::from_str::<RuleCondition>(&unknown_metric).is_err());
    let silent: RuleCondition = serde_json::from_str(r#"{"kind":"silent","after":"PT2M"}"#).unwrap();
    assert_eq!(silent, RuleCondition::silent(minutes(2)).unwrap());
    assert!(serde_json::from_str::<RuleCondition>(r#"{"kind":"silent","after":"PT0S"}"#).is_err(), "checked when read too");
}
