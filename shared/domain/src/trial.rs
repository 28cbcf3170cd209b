//! Trying a monitor before it is saved: one probe judged as a scheduled check would be
//! ([`crate::check::judge`]), and each assertion judged on its own, since a person writing them
//! wants to see every one that fails, not only the first.

use crate::check::CheckOutcome;
use crate::monitor::HttpMonitorSpec;
use crate::probe::ProbeReport;

/// What one assertion said of the response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssertionVerdict {
    /// It holds.
    Holds,
    /// It does not hold; the condition with the observed values filled in.
    Fails {
        /// E.g. `[STATUS] (503) == 200`.
        actual: String,
    },
    /// No response came back, so it could not be judged.
    NoResponse,
    /// It reads the body, and the body went on past the bytes read.
    BodyTooLarge {
        /// How many bytes were read.
        read: usize,
    },
}

/// One assertion and its verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionTrial {
    /// Its source text.
    pub expression: String,
    /// What it said.
    pub verdict: AssertionVerdict,
}

/// Every assertion of `spec` judged on `report`, in order, each on its own.
pub fn judge_each(spec: &HttpMonitorSpec, report: &ProbeReport) -> Vec<AssertionTrial> {
    spec.assertions
        .iter()
        .map(|assertion| {
            let verdict = match report {
                ProbeReport::Responded { response, .. } if assertion.reads_body() && response.body_truncated => {
                    AssertionVerdict::BodyTooLarge { read: response.body.len() }
                }
                ProbeReport::Responded { response, .. } => match assertion.evaluate(response) {
                    Ok(()) => AssertionVerdict::Holds,
                    Err(mismatch) => AssertionVerdict::Fails { actual: mismatch.actual },
                },
                ProbeReport::Unreachable { .. } | ProbeReport::ProbeError { .. } => AssertionVerdict::NoResponse,
            };
            AssertionTrial { expression: assertion.source().to_owned(), verdict }
        })
        .collect()
}

/// Each assertion of `spec` as a stored check's `outcome` tells of it, in order; `None` where
/// it was not judged. [`judge`](crate::check::judge) stops at the first failure: the assertions
/// before the failing one held, the ones after it were not judged, and none was after a wrong
/// status or a probe error; without a response, none could be.
pub fn verdicts_of_check(spec: &HttpMonitorSpec, outcome: &CheckOutcome) -> Vec<(String, Option<AssertionVerdict>)> {
    let failure = outcome.failure();
    let failed = failure.and_then(|f| f.assertion.as_ref());
    spec.assertions
        .iter()
        .enumerate()
        .map(|(index, assertion)| {
            let verdict = match (outcome, failure, failed) {
                (CheckOutcome::Up, ..) => Some(AssertionVerdict::Holds),
                (_, _, Some(failed)) if index < failed.index => Some(AssertionVerdict::Holds),
                (_, _, Some(failed)) if index == failed.index => Some(AssertionVerdict::Fails { actual: failed.actual.clone() }),
                (_, Some(f), None) if f.class.is_transport() => Some(AssertionVerdict::NoResponse),
                _ => None,
            };
            (assertion.source().to_owned(), verdict)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitor::MonitorDraft;
    use crate::probe::{ResponseObservation, Timings, TransportFailure};
    use jiff::Timestamp;
    use std::time::Duration;

    fn spec(assertions: &[&str]) -> HttpMonitorSpec {
        let draft = MonitorDraft {
            name: Some("t".into()),
            url: Some("https://example.com/".into()),
            assertions: Some(assertions.iter().map(|a| (*a).to_owned()).collect()),
            ..MonitorDraft::default()
        };
        HttpMonitorSpec::from_draft(&draft).unwrap()
    }

    fn responded(status: u16, body: &str, truncated: bool) -> ProbeReport {
        ProbeReport::Responded {
            response: ResponseObservation {
                observed_at: Timestamp::from_second(1_700_000_000).unwrap(),
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.as_bytes().to_vec(),
                body_truncated: truncated,
                response_time: Duration::from_millis(12),
                certificate_expires_at: None,
                remote_ip: None,
            },
            timings: Timings { total: Duration::from_millis(12), ..Timings::default() },
            redirects: 0,
        }
    }

    #[test]
    fn every_assertion_is_judged_on_its_own() {
        let spec = spec(&["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 5000"]);
        let unreachable = ProbeReport::Unreachable {
            failure: TransportFailure::ConnectionRefused,
            message: "refused".into(),
            timings: Timings::default(),
            certificate_expires_at: None,
        };
        type Case = (&'static str, ProbeReport, [fn(&AssertionVerdict) -> bool; 3]);
        let holds: fn(&AssertionVerdict) -> bool = |v| *v == AssertionVerdict::Holds;
        let fails: fn(&AssertionVerdict) -> bool = |v| matches!(v, AssertionVerdict::Fails { .. });
        let no_response: fn(&AssertionVerdict) -> bool = |v| *v == AssertionVerdict::NoResponse;
        let too_large: fn(&AssertionVerdict) -> bool = |v| matches!(v, AssertionVerdict::BodyTooLarge { read: 13 });
        let cases: Vec<Case> = vec![
            ("all hold", responded(200, r#"{"status":"UP"}"#, false), [holds, holds, holds]),
            ("the first and second fail, the third still judged", responded(503, r#"{"status":"DOWN"}"#, false), [fails, fails, holds]),
            ("a truncated body is not judged", responded(200, r#"{"status":"UP"#, true), [holds, too_large, holds]),
            ("no response", unreachable, [no_response, no_response, no_response]),
        ];
        for (name, report, expected) in cases {
            let trials = judge_each(&spec, &report);
            assert_eq!(trials.len(), 3, "{name}");
            for (trial, check) in trials.iter().zip(expected) {
                assert!(check(&trial.verdict), "{name}: {} gave {:?}", trial.expression, trial.verdict);
            }
        }
        let trials = judge_each(&spec, &responded(503, "{}", false));
        assert_eq!(trials.len(), 3);
        assert_eq!(trials[0].verdict, AssertionVerdict::Fails { actual: "[STATUS] (503) == 200".into() });
        assert_eq!(trials[1].expression, "[BODY].status == UP");
    }

    #[test]
    fn a_stored_check_tells_which_assertions_held_failed_or_were_not_judged() {
        use crate::check::{CheckFailure, FailedAssertion, FailureClass};
        let spec = spec(&["[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 5000"]);
        let down = |class, assertion: Option<FailedAssertion>| CheckOutcome::Down {
            failure: CheckFailure { class, message: "m".into(), assertion },
        };
        let second = FailedAssertion { index: 1, expression: "[BODY].status == UP".into(), actual: "[BODY].status (DOWN) == UP".into() };
        let (holds, no) = (Some(AssertionVerdict::Holds), Some(AssertionVerdict::NoResponse));
        let fails = Some(AssertionVerdict::Fails { actual: "[BODY].status (DOWN) == UP".into() });
        let cases = [
            ("up", CheckOutcome::Up, [holds.clone(), holds.clone(), holds.clone()]),
            ("the second failed", down(FailureClass::AssertionFailed, Some(second)), [holds.clone(), fails, None]),
            ("a wrong status", down(FailureClass::BadStatus, None), [None, None, None]),
            ("refused", down(FailureClass::ConnectionRefused, None), [no.clone(), no.clone(), no]),
            ("a probe error", CheckOutcome::Error { message: "m".into() }, [None, None, None]),
        ];
        for (name, outcome, want) in cases {
            let got: Vec<_> = verdicts_of_check(&spec, &outcome).into_iter().map(|(_, v)| v).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}
