//! The digest of a monitor's history that lists show: its newest checks in brief and its counts
//! over the last day, week and month, small enough to read for a thousand monitors at once.
//! [`RollingHistory`] is the form a store keeps up to date check by check.
//!
//! A digest counts whole hours and whole UTC days, the current one so far: its "24 h" is the
//! current hour and the 23 before it, its "7 d" and "30 d" the current UTC day and the 6 or 29
//! before it ([`window_start`]). Exact windows ending at an instant come from the tallies of
//! `CheckLog::tally`, which the monitor page uses.

use crate::check::{CheckOutcome, CheckResult, FailureClass};
use crate::uptime::{CheckTally, UptimeWindow};
use crate::varint::{Reader, put_varint, unzigzag, zigzag};
use jiff::Timestamp;
use std::time::Duration;

/// How many of its newest checks a digest keeps.
pub const RECENT_CHECKS: usize = 50;
const HOUR_SLOTS: usize = 24;
const DAY_SLOTS: usize = 30;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
const FORMAT_VERSION: u8 = 2;

/// How a check ended, in brief.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BriefOutcome {
    /// Passed.
    Up,
    /// Failed, for this reason.
    Down(FailureClass),
    /// The prober failed; says nothing about the target.
    Error,
}

impl BriefOutcome {
    /// The brief of an outcome.
    pub fn of(outcome: &CheckOutcome) -> Self {
        match outcome {
            CheckOutcome::Up => BriefOutcome::Up,
            CheckOutcome::Down { failure } => BriefOutcome::Down(failure.class),
            CheckOutcome::Error { .. } => BriefOutcome::Error,
        }
    }

    fn code(self) -> u8 {
        match self {
            BriefOutcome::Up => 0,
            BriefOutcome::Error => 1,
            BriefOutcome::Down(class) => 2 + FailureClass::ALL.iter().position(|c| *c == class).unwrap_or(0) as u8,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            0 => Some(BriefOutcome::Up),
            1 => Some(BriefOutcome::Error),
            n => FailureClass::ALL.get(usize::from(n - 2)).map(|class| BriefOutcome::Down(*class)),
        }
    }
}

/// One check in brief: when, how it ended, how long the response took.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckBrief {
    /// When it was planned (with the monitor, the check's identity).
    pub planned_at: Timestamp,
    /// When it started.
    pub started_at: Timestamp,
    /// How it ended.
    pub outcome: BriefOutcome,
    /// The whole check's time in microseconds, when a response came back.
    pub response_us: Option<u32>,
}

impl CheckBrief {
    /// The brief of a stored check.
    pub fn of(result: &CheckResult) -> Self {
        Self {
            planned_at: result.planned_at,
            started_at: result.started_at,
            outcome: BriefOutcome::of(&result.outcome),
            response_us: result.status_code.map(|_| result.timings.total.as_micros().min(u128::from(u32::MAX - 1)) as u32),
        }
    }

    /// The response time, when a response came back.
    pub fn response_time(&self) -> Option<Duration> {
        self.response_us.map(|us| Duration::from_micros(u64::from(us)))
    }
}

/// Checks counted by how they ended.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Passed.
    pub up: u64,
    /// Failed.
    pub down: u64,
    /// Probe errors (not counted against uptime).
    pub errors: u64,
}

impl Counts {
    fn one(outcome: BriefOutcome) -> Self {
        match outcome {
            BriefOutcome::Up => Counts { up: 1, ..Counts::default() },
            BriefOutcome::Down(_) => Counts { down: 1, ..Counts::default() },
            BriefOutcome::Error => Counts { errors: 1, ..Counts::default() },
        }
    }

    /// Adds another count.
    pub fn add(&mut self, other: Counts) {
        self.up += other.up;
        self.down += other.down;
        self.errors += other.errors;
    }

    /// Passed / (passed + failed) as a percentage; `None` without any judged check.
    pub fn uptime_percent(&self) -> Option<f64> {
        let judged = self.up + self.down;
        (judged > 0).then(|| self.up as f64 * 100.0 / judged as f64)
    }
}

impl From<&CheckTally> for Counts {
    fn from(tally: &CheckTally) -> Self {
        Counts { up: tally.up, down: tally.down, errors: tally.errors }
    }
}

/// Where a digest's `window` starts when read at `now`: the start of the hour 23 hours before
/// `now`'s for a day, of the UTC day 6 or 29 days before `now`'s for a week or a month.
pub fn window_start(window: UptimeWindow, now: Timestamp) -> Timestamp {
    let ms = now.as_millisecond();
    let start = match window {
        UptimeWindow::Day => (ms.div_euclid(HOUR_MS) - (HOUR_SLOTS as i64 - 1)) * HOUR_MS,
        UptimeWindow::Week => (ms.div_euclid(DAY_MS) - 6) * DAY_MS,
        UptimeWindow::Month => (ms.div_euclid(DAY_MS) - (DAY_SLOTS as i64 - 1)) * DAY_MS,
    };
    Timestamp::from_millisecond(start).unwrap_or(Timestamp::MIN)
}

/// What a list shows of a monitor's history.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryDigest {
    /// Its newest checks, newest first, at most [`RECENT_CHECKS`].
    pub recent: Vec<CheckBrief>,
    /// Checks since [`window_start`] of a day.
    pub day: Counts,
    /// Checks since [`window_start`] of a week.
    pub week: Counts,
    /// Checks since [`window_start`] of a month.
    pub month: Counts,
}

impl HistoryDigest {
    /// The counts over `window`.
    pub fn counts(&self, window: UptimeWindow) -> Counts {
        match window {
            UptimeWindow::Day => self.day,
            UptimeWindow::Week => self.week,
            UptimeWindow::Month => self.month,
        }
    }

    /// The digest of `checks` (any order) as read at `now`.
    pub fn of_checks<'a>(checks: impl IntoIterator<Item = &'a CheckResult>, now: Timestamp) -> Self {
        let mut rolling = RollingHistory::default();
        for check in checks {
            rolling.record(check);
        }
        rolling.digest(now)
    }
}

/// One hour's or one day's counts in a ring of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Slot {
    /// The hour or day number since the epoch; `i64::MIN` while unused.
    index: i64,
    counts: Counts,
}

impl Default for Slot {
    fn default() -> Self {
        Slot { index: i64::MIN, counts: Counts::default() }
    }
}

/// A ring of `N` slots, slot `index % N` holding that hour's (or day's) counts; an older hour
/// than the slot holds is dropped, a newer one takes the slot over.
fn count_in<const N: usize>(ring: &mut [Slot; N], index: i64, counts: Counts) {
    let slot = &mut ring[index.rem_euclid(N as i64) as usize];
    if slot.index < index {
        *slot = Slot { index, counts: Counts::default() };
    }
    if slot.index == index {
        slot.counts.add(counts);
    }
}

fn sum_of<const N: usize>(ring: &[Slot; N], from: i64, to: i64) -> Counts {
    let mut total = Counts::default();
    for slot in ring.iter().filter(|s| (from..=to).contains(&s.index)) {
        total.add(slot.counts);
    }
    total
}

/// The stored form of a digest, updated check by check: the newest checks, and the counts of
/// the last 24 hours and the last 30 UTC days.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RollingHistory {
    recent: Vec<CheckBrief>,
    hours: [Slot; HOUR_SLOTS],
    days: [Slot; DAY_SLOTS],
}

impl Default for RollingHistory {
    fn default() -> Self {
        Self { recent: Vec::new(), hours: [Slot::default(); HOUR_SLOTS], days: [Slot::default(); DAY_SLOTS] }
    }
}

/// Why stored bytes are not a [`RollingHistory`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a stored history digest is not readable: {0}")]
pub struct DigestDecodeError(&'static str);

impl From<&'static str> for DigestDecodeError {
    fn from(what: &'static str) -> Self {
        Self(what)
    }
}

impl RollingHistory {
    /// Adds a stored check: among the newest if it is one of them, and to its hour's and day's
    /// counts.
    pub fn record(&mut self, result: &CheckResult) {
        let brief = CheckBrief::of(result);
        self.note_recent(brief);
        self.count(result.started_at, Counts::one(brief.outcome));
    }

    /// Keeps `brief` among the newest checks if it is one of them.
    pub fn note_recent(&mut self, brief: CheckBrief) {
        match self.recent.binary_search_by(|b| brief.planned_at.cmp(&b.planned_at)) {
            Ok(same) => self.recent[same] = brief,
            Err(position) => self.recent.insert(position, brief),
        }
        self.recent.truncate(RECENT_CHECKS);
    }

    /// Adds `counts` of checks started at `at` to its hour and its day.
    pub fn count(&mut self, at: Timestamp, counts: Counts) {
        let ms = at.as_millisecond();
        count_in(&mut self.hours, ms.div_euclid(HOUR_MS), counts);
        count_in(&mut self.days, ms.div_euclid(DAY_MS), counts);
    }

    /// The digest as read at `now`.
    pub fn digest(&self, now: Timestamp) -> HistoryDigest {
        let (hour, day) = (now.as_millisecond().div_euclid(HOUR_MS), now.as_millisecond().div_euclid(DAY_MS));
        HistoryDigest {
            recent: self.recent.clone(),
            day: sum_of(&self.hours, hour - (HOUR_SLOTS as i64 - 1), hour),
            week: sum_of(&self.days, day - 6, day),
            month: sum_of(&self.days, day - (DAY_SLOTS as i64 - 1), day),
        }
    }

    /// The bytes a store keeps: about 700 for a monitor checked every 30 s, so that SQLite keeps
    /// the row on its leaf page. Version 1 took about 1,950, which SQLite spilled to an overflow
    /// page: two pages to write instead of one at every check.
    ///
    /// Numbers are LEB128 varints; times are differences (a brief's from the one before it, a
    /// slot's from the last slot in use), zigzag-coded where they may be negative.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(2 + self.recent.len() * 10 + (HOUR_SLOTS + DAY_SLOTS) * 5);
        out.push(FORMAT_VERSION);
        out.push(self.recent.len() as u8);
        let mut previous = 0;
        for brief in &self.recent {
            let planned = brief.planned_at.as_millisecond();
            put_varint(&mut out, zigzag(previous - planned));
            previous = planned;
            put_varint(&mut out, zigzag(lag_of(brief)));
            out.push(brief.outcome.code());
            put_varint(&mut out, brief.response_us.map_or(0, |us| u64::from(us) + 1));
        }
        let mut base = 0;
        for slot in self.hours.iter().chain(self.days.iter()) {
            if slot.index == i64::MIN {
                put_varint(&mut out, 0);
                continue;
            }
            put_varint(&mut out, 1 + zigzag(slot.index - base));
            base = slot.index;
            for count in [slot.counts.up, slot.counts.down, slot.counts.errors] {
                put_varint(&mut out, count);
            }
        }
        out
    }

    /// Reads what [`RollingHistory::encode`] wrote, or what version 1 wrote before it.
    pub fn decode(bytes: &[u8]) -> Result<Self, DigestDecodeError> {
        let mut reader = Reader(bytes);
        let version = reader.take::<1>()?[0];
        let count = usize::from(reader.take::<1>()?[0]);
        let mut history = RollingHistory::default();
        let at = |ms: i64| Timestamp::from_millisecond(ms).map_err(|_| DigestDecodeError("time out of range"));
        let outcome = |code: u8| BriefOutcome::from_code(code).ok_or(DigestDecodeError("unknown outcome"));
        match version {
            1 => {
                for _ in 0..count {
                    let planned = i64::from_le_bytes(reader.take()?);
                    let lag = i32::from_le_bytes(reader.take()?);
                    let outcome = outcome(reader.take::<1>()?[0])?;
                    let response = u32::from_le_bytes(reader.take()?);
                    history.recent.push(CheckBrief {
                        planned_at: at(planned)?,
                        started_at: at(planned + i64::from(lag))?,
                        outcome,
                        response_us: (response != u32::MAX).then_some(response),
                    });
                }
                for slot in history.hours.iter_mut().chain(history.days.iter_mut()) {
                    slot.index = i64::from_le_bytes(reader.take()?);
                    let mut count = || Ok::<_, DigestDecodeError>(u64::from(u32::from_le_bytes(reader.take()?)));
                    slot.counts = Counts { up: count()?, down: count()?, errors: count()? };
                }
            }
            FORMAT_VERSION => {
                let mut previous = 0_i64;
                for _ in 0..count {
                    let planned = previous.checked_sub(unzigzag(reader.varint()?)).ok_or(DigestDecodeError("time out of range"))?;
                    previous = planned;
                    let lag = unzigzag(reader.varint()?);
                    let outcome = outcome(reader.take::<1>()?[0])?;
                    let response = match reader.varint()? {
                        0 => None,
                        n => Some(u32::try_from(n - 1).map_err(|_| DigestDecodeError("response time out of range"))?),
                    };
                    let started = planned.checked_add(lag).ok_or(DigestDecodeError("time out of range"))?;
                    history.recent.push(CheckBrief { planned_at: at(planned)?, started_at: at(started)?, outcome, response_us: response });
                }
                let mut base = 0_i64;
                for slot in history.hours.iter_mut().chain(history.days.iter_mut()) {
                    let index = reader.varint()?;
                    if index == 0 {
                        continue;
                    }
                    slot.index = base.checked_add(unzigzag(index - 1)).ok_or(DigestDecodeError("slot out of range"))?;
                    base = slot.index;
                    slot.counts = Counts { up: reader.varint()?, down: reader.varint()?, errors: reader.varint()? };
                }
            }
            _ => return Err(DigestDecodeError("unknown version")),
        }
        if !reader.is_done() {
            return Err(DigestDecodeError("trailing bytes"));
        }
        Ok(history)
    }
}

/// A brief's start after its planned time, as version 1 kept it (within an `i32` of
/// milliseconds: about 24 days, far beyond any check's delay).
fn lag_of(brief: &CheckBrief) -> i64 {
    (brief.started_at.as_millisecond() - brief.planned_at.as_millisecond()).clamp(i64::from(i32::MIN), i64::from(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckFailure;
    use crate::ids::{CheckId, MonitorId, TenantId};
    use crate::probe::Timings;
    use uuid::Uuid;

    /// 2026-01-01T00:00:00Z, a day's start.
    const DAY0: i64 = 1_767_225_600_000;

    fn check(at_ms: i64, up: bool) -> CheckResult {
        let monitor = MonitorId::from_uuid(Uuid::from_u128(2));
        let at = Timestamp::from_millisecond(at_ms).unwrap();
        let outcome = if up {
            CheckOutcome::Up
        } else {
            CheckOutcome::Down { failure: CheckFailure { class: FailureClass::Timeout, message: "slow".into(), assertion: None } }
        };
        CheckResult {
            id: CheckId::for_planned_check(monitor, at_ms),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(1)),
            monitor_id: monitor,
            planned_at: at,
            started_at: at + jiff::SignedDuration::from_millis(40),
            timings: Timings { total: Duration::from_millis(120), ..Timings::default() },
            status_code: up.then_some(200),
            response_bytes: None,
            body_truncated: false,
            certificate_expires_at: None,
            remote_ip: None,
            outcome,
        }
    }

    fn at(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    #[test]
    fn windows_count_whole_hours_and_days() {
        // Read on day 40 at 10:30.
        let now = DAY0 + 40 * DAY_MS + 10 * HOUR_MS + 30 * 60_000;
        let cases: [(&str, i64, [u64; 3]); 7] = [
            ("now's hour", now - 60_000, [1, 1, 1]),
            ("23 hours before now's hour", DAY0 + 39 * DAY_MS + 11 * HOUR_MS, [1, 1, 1]),
            ("24 hours before now's hour", DAY0 + 39 * DAY_MS + 10 * HOUR_MS + 59 * 60_000, [0, 1, 1]),
            ("6 days before today", DAY0 + 34 * DAY_MS, [0, 1, 1]),
            ("7 days before today", DAY0 + 34 * DAY_MS - 1, [0, 0, 1]),
            ("29 days before today", DAY0 + 11 * DAY_MS, [0, 0, 1]),
            ("30 days before today", DAY0 + 11 * DAY_MS - 1, [0, 0, 0]),
        ];
        for (name, started, [day, week, month]) in cases {
            let mut history = RollingHistory::default();
            history.count(at(started), Counts { up: 1, ..Counts::default() });
            let digest = history.digest(at(now));
            assert_eq!([digest.day.up, digest.week.up, digest.month.up], [day, week, month], "{name}");
            for window in UptimeWindow::ALL {
                let counted = digest.counts(window).up == 1;
                assert_eq!(counted, at(started) >= window_start(window, at(now)), "{name}: {window:?} agrees with window_start");
            }
        }
    }

    #[test]
    fn the_newest_checks_stay_newest_first_whatever_the_order_they_come_in() {
        let mut history = RollingHistory::default();
        let times: Vec<i64> = (0..70).map(|i| DAY0 + ((i * 37) % 70) * 60_000).collect();
        for (i, t) in times.iter().enumerate() {
            history.record(&check(*t, i % 5 != 0));
        }
        let digest = history.digest(at(DAY0 + 70 * 60_000));
        assert_eq!(digest.recent.len(), RECENT_CHECKS);
        assert_eq!(digest.recent[0].planned_at, at(DAY0 + 69 * 60_000));
        assert_eq!(digest.recent[49].planned_at, at(DAY0 + 20 * 60_000));
        assert!(digest.recent.windows(2).all(|w| w[0].planned_at > w[1].planned_at));
        assert_eq!(digest.day.up + digest.day.down, 70, "every check counted, kept among the newest or not");
        assert_eq!(digest.day.down, 14);
    }

    #[test]
    fn a_late_check_older_than_the_ring_changes_no_window() {
        let mut history = RollingHistory::default();
        let now = DAY0 + 40 * DAY_MS;
        history.record(&check(now - HOUR_MS, true));
        history.record(&check(now - 25 * HOUR_MS - 24 * HOUR_MS, false));
        let digest = history.digest(at(now));
        assert_eq!((digest.day.up, digest.day.down), (1, 0));
        assert_eq!(digest.week.down, 1);
    }

    #[test]
    fn the_stored_form_reads_back_as_written() {
        let mut history = RollingHistory::default();
        for i in 0..60 {
            history.record(&check(DAY0 + i * 7 * 60_000, i % 3 != 0));
        }
        let mut error = check(DAY0 + 61 * 7 * 60_000, true);
        error.outcome = CheckOutcome::Error { message: "no sockets".into() };
        error.status_code = None;
        history.record(&error);
        let bytes = history.encode();
        assert!(bytes.len() < 700, "{} bytes", bytes.len());
        let read = RollingHistory::decode(&bytes).unwrap();
        assert_eq!(read, history);
        assert_eq!(read.recent[0].outcome, BriefOutcome::Error);
        assert_eq!(read.recent[0].response_us, None);
        assert_eq!(read.recent[1].response_time(), Some(Duration::from_millis(120)));
        assert!(RollingHistory::decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(RollingHistory::decode(&[9]).is_err());
        for class in FailureClass::ALL {
            assert_eq!(BriefOutcome::from_code(BriefOutcome::Down(class).code()), Some(BriefOutcome::Down(class)));
        }
        assert_eq!(RollingHistory::decode(&encode_v1(&history)).unwrap(), history, "version 1 still reads");
    }

    /// What version 1 wrote: fixed-width little-endian fields.
    fn encode_v1(history: &RollingHistory) -> Vec<u8> {
        let mut out = vec![1, history.recent.len() as u8];
        for brief in &history.recent {
            out.extend_from_slice(&brief.planned_at.as_millisecond().to_le_bytes());
            out.extend_from_slice(&(lag_of(brief) as i32).to_le_bytes());
            out.push(brief.outcome.code());
            out.extend_from_slice(&brief.response_us.unwrap_or(u32::MAX).to_le_bytes());
        }
        for slot in history.hours.iter().chain(history.days.iter()) {
            out.extend_from_slice(&slot.index.to_le_bytes());
            for count in [slot.counts.up, slot.counts.down, slot.counts.errors] {
                out.extend_from_slice(&(count as u32).to_le_bytes());
            }
        }
        out
    }

    #[test]
    fn a_month_of_checks_every_30_s_stays_on_one_sqlite_page() {
        // SQLite keeps a row of an index-organised table on its leaf page up to about 1,000
        // bytes (4 KiB pages), the 32-byte key included; beyond, it spills to overflow pages.
        let mut history = RollingHistory::default();
        for i in 0..(30 * 24 * 120) {
            let mut result = check(DAY0 + i * 30_000 + i % 7, i % 97 != 0);
            result.started_at = result.planned_at + jiff::SignedDuration::from_millis(i % 40);
            result.timings.total = Duration::from_micros(40_000 + (i as u64 * 7_919) % 3_000_000);
            history.record(&result);
        }
        let bytes = history.encode();
        assert!(bytes.len() < 900, "{} bytes", bytes.len());
        assert_eq!(RollingHistory::decode(&bytes).unwrap(), history);
        assert!(encode_v1(&history).len() > 1_900, "version 1 spilled");
    }
}
