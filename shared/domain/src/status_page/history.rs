//! History: a component's uptime day by day (the 90-day bar) and month by month, in the page's
//! time zone. A monitor's uptime is its passed checks over its judged checks (from the hourly
//! rollups); a task's is the share of the time it was not down (from its incidents); a
//! component's is the mean of its sources'.

use super::component::ComponentStatus;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// Days on the bar.
pub const BAR_DAYS: usize = 90;
/// Months on the history page.
pub const HISTORY_MONTHS: usize = 12;
/// How long after a day or month ends its figures may still change (late results, rollups
/// written an hour after their hour): past that, a snapshot reuses them instead of reading again.
pub const SETTLED_AFTER: SignedDuration = SignedDuration::from_hours(2);

/// `[start, end)` of the local day `date` in `zone`.
pub fn day_bounds(date: Date, zone: &TimeZone) -> (Timestamp, Timestamp) {
    let start = |d: Date| {
        d.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
    };
    (start(date), start(date.tomorrow().unwrap_or(date)))
}

/// `[start, end)` of the local month starting on `first` (a first day of a month) in `zone`.
pub fn month_bounds(first: Date, zone: &TimeZone) -> (Timestamp, Timestamp) {
    let start = |d: Date| {
        d.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(zone.clone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
    };
    (start(first), start(first.checked_add(1.month()).unwrap_or(first)))
}

/// The last `n` local days up to the one holding `now`, oldest first.
pub fn last_days(now: Timestamp, zone: &TimeZone, n: usize) -> Vec<Date> {
    let today = now.to_zoned_datetime(zone.clone()).date();
    let mut days: Vec<Date> = (0..n as i64).filter_map(|back| today.checked_sub(back.days()).ok()).collect();
    days.reverse();
    days
}

/// The first days of the last `n` local months up to the one holding `now`, oldest first.
pub fn last_months(now: Timestamp, zone: &TimeZone, n: usize) -> Vec<Date> {
    let first = now.to_zoned_datetime(zone.clone()).date().first_of_month();
    let mut months: Vec<Date> = (0..n as i64).filter_map(|back| first.checked_sub(back.months()).ok()).collect();
    months.reverse();
    months
}

/// Uptime as a percentage from counts of passed and failed checks; `None` with none judged.
pub fn check_uptime(up: u64, down: u64) -> Option<f64> {
    let judged = up + down;
    (judged > 0).then(|| up as f64 * 100.0 / judged as f64)
}

/// The share of `[from, min(to, now))` not covered by `outages` (each a start and an end, or
/// none while ongoing), as a percentage; `None` for a span not begun or before `since` (the
/// source did not exist).
pub fn time_uptime(
    outages: &[(Timestamp, Option<Timestamp>)],
    from: Timestamp,
    to: Timestamp,
    now: Timestamp,
    since: Timestamp,
) -> Option<f64> {
    let from = from.max(since);
    let to = to.min(now);
    if to <= from {
        return None;
    }
    let mut spans: Vec<(Timestamp, Timestamp)> =
        outages.iter().map(|(start, end)| ((*start).max(from), end.unwrap_or(to).min(to))).filter(|(start, end)| start < end).collect();
    spans.sort();
    let mut down = SignedDuration::ZERO;
    let mut reach = from;
    for (start, end) in spans {
        let start = start.max(reach);
        if end > start {
            down += end.duration_since(start);
            reach = end;
        }
    }
    let total = to.duration_since(from).as_secs_f64();
    Some((1.0 - down.as_secs_f64() / total) * 100.0)
}

/// The mean of the values that exist; `None` when none does.
pub fn mean(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let known: Vec<f64> = values.into_iter().flatten().collect();
    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
}

/// The colour of a day (or month) on the bar: what its uptime calls for (operational at 100 %,
/// degraded from 99 %, a partial outage from 95 %, a major one below), made worse by the worst
/// state an incident gave the component that day; `None` without data or incident.
pub fn bar_status(uptime: Option<f64>, worst_incident: Option<ComponentStatus>) -> Option<ComponentStatus> {
    let by_uptime = uptime.map(|u| match u {
        u if u >= 99.995 => ComponentStatus::Operational,
        u if u >= 99.0 => ComponentStatus::DegradedPerformance,
        u if u >= 95.0 => ComponentStatus::PartialOutage,
        _ => ComponentStatus::MajorOutage,
    });
    match (by_uptime, worst_incident) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn days_and_months_follow_the_zone() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let now = at("2026-03-29T22:30:00Z"); // 00:30 on the 30th in Paris (summer time began on the 29th)
        let days = last_days(now, &paris, 3);
        assert_eq!(days.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2026-03-28", "2026-03-29", "2026-03-30"]);
        let (start, end) = day_bounds(days[1], &paris);
        assert_eq!((start, end), (at("2026-03-28T23:00:00Z"), at("2026-03-29T22:00:00Z")), "a 23-hour day");
        let months = last_months(now, &paris, 2);
        assert_eq!(months.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2026-02-01", "2026-03-01"]);
        assert_eq!(month_bounds(months[0], &paris), (at("2026-01-31T23:00:00Z"), at("2026-02-28T23:00:00Z")));
        assert_eq!(last_days(now, &TimeZone::UTC, BAR_DAYS).len(), BAR_DAYS);
    }

    #[test]
    fn uptime_from_checks_and_from_outages() {
        assert_eq!(check_uptime(99, 1), Some(99.0));
        assert_eq!(check_uptime(0, 0), None);
        let day = (at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"));
        let long_ago = at("2025-01-01T00:00:00Z");
        let after = at("2026-02-01T00:00:00Z");
        type Outages<'a> = &'a [(Timestamp, Option<Timestamp>)];
        let cases: [(Outages, Timestamp, Timestamp, Option<f64>); 6] = [
            (&[], after, long_ago, Some(100.0)),
            (&[(at("2026-01-01T06:00:00Z"), Some(at("2026-01-01T12:00:00Z")))], after, long_ago, Some(75.0)),
            // Overlapping outages count once, and the part outside the day not at all.
            (
                &[
                    (at("2025-12-31T18:00:00Z"), Some(at("2026-01-01T06:00:00Z"))),
                    (at("2026-01-01T03:00:00Z"), Some(at("2026-01-01T06:00:00Z"))),
                ],
                after,
                long_ago,
                Some(75.0),
            ),
            // Still down, and the day not over: the time so far counts.
            (&[(at("2026-01-01T06:00:00Z"), None)], at("2026-01-01T12:00:00Z"), long_ago, Some(50.0)),
            // Created at noon: only the afternoon counts.
            (&[(at("2026-01-01T18:00:00Z"), Some(at("2026-01-02T00:00:00Z")))], after, at("2026-01-01T12:00:00Z"), Some(50.0)),
            (&[], at("2025-12-31T00:00:00Z"), long_ago, None),
        ];
        for (outages, now, since, want) in cases {
            assert_eq!(time_uptime(outages, day.0, day.1, now, since), want, "{outages:?}");
        }
        assert_eq!(mean([Some(100.0), None, Some(98.0)]), Some(99.0));
        assert_eq!(mean([None, None]), None);
    }

    #[test]
    fn bar_colours() {
        use ComponentStatus::*;
        let cases = [
            (Some(100.0), None, Some(Operational)),
            (Some(99.999), None, Some(Operational)),
            (Some(99.9), None, Some(DegradedPerformance)),
            (Some(97.0), None, Some(PartialOutage)),
            (Some(50.0), None, Some(MajorOutage)),
            (Some(100.0), Some(PartialOutage), Some(PartialOutage)),
            (None, Some(UnderMaintenance), Some(UnderMaintenance)),
            (None, None, None),
        ];
        for (uptime, incident, want) in cases {
            assert_eq!(bar_status(uptime, incident), want, "{uptime:?} {incident:?}");
        }
    }
}
