//! The body of a probe-job message: compact JSON, versioned, one entry per check.
//!
//! `{"v":1,"checks":[{"t":"<tenant>","m":"<monitor>","p":<planned ms>,"i":<interval s>}]}`
//!
//! About 120 bytes a check, so a job of 50 checks is about 6 KB, far under SQS's 256 KiB.

use serde::{Deserialize, Serialize};
use vigil_domain::ids::{MonitorId, TenantId};
use vigil_domain::job::{JobEntry, ProbeJob};
use vigil_domain::monitor::CheckInterval;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Message {
    v: u32,
    checks: Vec<Check>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    t: TenantId,
    m: MonitorId,
    p: i64,
    i: CheckInterval,
}

/// Why a message is not a probe job. Such a message can never succeed: it is reported as a
/// batch failure and the queue's redrive policy moves it to the dead-letter queue.
#[derive(Debug, thiserror::Error)]
pub enum JobMessageError {
    /// Not the JSON of a job.
    #[error("not a probe job: {0}")]
    Malformed(#[from] serde_json::Error),
    /// A job of a format this build does not know.
    #[error("probe job format version {0} is not supported (this build reads version {VERSION})")]
    Version(u32),
    /// A planned time out of range.
    #[error("planned time {0} is out of range")]
    PlannedAt(i64),
    /// A job without checks.
    #[error("the probe job has no checks")]
    Empty,
}

/// The message body of a job.
pub fn encode_job(job: &ProbeJob) -> String {
    let message = Message {
        v: VERSION,
        checks: job
            .entries
            .iter()
            .map(|e| Check { t: e.tenant_id, m: e.monitor_id, p: e.planned_at.as_millisecond(), i: e.interval })
            .collect(),
    };
    serde_json::to_string(&message).unwrap_or_default()
}

/// The job in a message body.
pub fn decode_job(body: &str) -> Result<ProbeJob, JobMessageError> {
    let message: Message = serde_json::from_str(body)?;
    if message.v != VERSION {
        return Err(JobMessageError::Version(message.v));
    }
    if message.checks.is_empty() {
        return Err(JobMessageError::Empty);
    }
    let entries = message
        .checks
        .into_iter()
        .map(|c| {
            let planned_at = jiff::Timestamp::from_millisecond(c.p).map_err(|_| JobMessageError::PlannedAt(c.p))?;
            Ok(JobEntry { tenant_id: c.t, monitor_id: c.m, planned_at, interval: c.i })
        })
        .collect::<Result<_, JobMessageError>>()?;
    Ok(ProbeJob { entries })
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    /// No message body, however mangled, makes the prober panic: it is either a job or a named
    /// error (the message then goes to the dead-letter queue). `VIGIL_FUZZ_SECONDS` sets the
    /// budget, as for the domain's fuzz targets.
    #[test]
    fn fuzzed_job_messages_decode_or_are_refused() {
        use vigil_domain::fuzzing::{JSON_PUNCTUATION, fuzz, with};
        const FIELDS: &[&str] = &[
            "\"v\"",
            "\"checks\"",
            "\"t\"",
            "\"m\"",
            "\"p\"",
            "\"i\"",
            "1",
            "2",
            "-9223372036854775808",
            "9223372036854775807",
            "1e400",
            "\"01920000-0000-7000-8000-000000000000\"",
        ];
        fuzz(&with(JSON_PUNCTUATION, FIELDS), |body| {
            if let Ok(job) = decode_job(body) {
                assert_eq!(decode_job(&encode_job(&job)).expect("re-encoded"), job, "{body}");
            }
        });
    }

    #[test]
    fn jobs_round_trip_and_bad_messages_are_named() {
        let entry = JobEntry {
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(2)),
            planned_at: jiff::Timestamp::from_millisecond(1_767_225_600_123).unwrap(),
            interval: CheckInterval::from_seconds(30).unwrap(),
        };
        let job = ProbeJob { entries: vec![entry; 3] };
        let body = encode_job(&job);
        assert_eq!(decode_job(&body).unwrap(), job);
        assert!(body.len() < 3 * 130, "{} bytes", body.len());
        assert!(matches!(decode_job("{not json"), Err(JobMessageError::Malformed(_))));
        assert!(matches!(decode_job(r#"{"v":2,"checks":[]}"#), Err(JobMessageError::Version(2))));
        assert!(matches!(decode_job(r#"{"v":1,"checks":[]}"#), Err(JobMessageError::Empty)));
        let bad_interval = body.replace("\"i\":30", "\"i\":5");
        assert!(matches!(decode_job(&bad_interval), Err(JobMessageError::Malformed(_))));
    }
}
