//! Cron expressions as Healthchecks evaluates them (its `cronsim` library), so that a schedule
//! that works there works here and fires at the same instants.
//!
//! Five fields: minute, hour, day of month, month, day of week. When the day-of-month or the
//! day-of-week field starts with `*`, a day must match both; otherwise either (Debian cron).
//!
//! Time zones follow Debian cron too. An expression with a fixed minute and hour (neither field
//! starts with `*`) walks the local wall clock: a time skipped by a DST jump fires at the first
//! minute after the gap, and a repeated time fires once, at its first occurrence. Other
//! expressions walk real time and fire at every instant whose local time matches, so an hourly
//! job fires once per real hour through both transitions. A differential test checks the
//! instants against cronsim itself.

mod field;
mod walk;

#[cfg(test)]
mod tests;

use field::{Field, Item};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A parsed cron expression.
#[derive(Clone, PartialEq, Eq)]
pub struct CronExpr {
    source: String,
    minutes: u64,
    hours: u32,
    days: DaySet,
    months: u16,
    weekdays: WeekdaySet,
    /// Day of month and day of week must both match (one of them starts with `*`).
    days_and: bool,
    /// The minute and hour are fixed: walk the wall clock (Debian cron's DST handling).
    wall_clock: bool,
}

/// Allowed days of the month.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct DaySet {
    /// Bit n: day n (1-31).
    days: u32,
    last: bool,
    last_weekday: bool,
}

/// Allowed days of the week; 0 and 7 are Sunday.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct WeekdaySet {
    /// Bit n: weekday n.
    days: u8,
    /// Bit n: the last weekday n of the month.
    last: u8,
    /// Element n, bit k: the kth weekday n of the month.
    nth: [u8; 8],
}

/// Why an expression was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CronError(String);

/// Month names, for people.
const MONTH_NAMES: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// How many days each month can have.
const DAYS_IN_MONTH: [u32; 13] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

impl CronExpr {
    /// Parses a five-field expression.
    pub fn parse(source: &str) -> Result<Self, CronError> {
        let upper = source.to_uppercase();
        let parts: Vec<&str> = upper.split_whitespace().collect();
        if parts.len() != 5 {
            return Err(CronError(format!("a cron expression has five fields (minute hour day month weekday), got {}", parts.len())));
        }
        let written: Vec<&str> = source.split_whitespace().collect();
        let position = |field: Field| match field {
            Field::Minute => 0,
            Field::Hour => 1,
            Field::Day => 2,
            Field::Month => 3,
            Field::Weekday => 4,
        };
        let set = |field: Field, text: &str| field.parse(text).map_err(|_| CronError(field.refusal(written[position(field)])));
        let values = |items: &std::collections::BTreeSet<Item>| -> u64 {
            items.iter().fold(0, |bits, item| if let Item::Value(v) = item { bits | 1 << v } else { bits })
        };
        let minutes = values(&set(Field::Minute, parts[0])?);
        let hours = values(&set(Field::Hour, parts[1])?) as u32;
        let day_items = set(Field::Day, parts[2])?;
        let months = values(&set(Field::Month, parts[3])?) as u16;
        let weekday_items = set(Field::Weekday, parts[4])?;
        let days_and = parts[2].starts_with('*') || parts[4].starts_with('*');

        let days = DaySet {
            days: values(&day_items) as u32,
            last: day_items.contains(&Item::LastDay),
            last_weekday: day_items.contains(&Item::LastWeekday),
        };
        let mut weekdays = WeekdaySet { days: values(&weekday_items) as u8, ..WeekdaySet::default() };
        for item in &weekday_items {
            match *item {
                Item::LastOf(day) => weekdays.last |= 1 << day,
                Item::Nth(day, nth) => weekdays.nth[day as usize] |= 1 << nth,
                _ => {}
            }
        }

        // Only plain days above the 29th, all required together with the weekday: no month
        // allowed by the expression has them.
        if days_and && !days.last && !days.last_weekday && days.days != 0 {
            let first_day = days.days.trailing_zeros();
            let longest = (1..=12).filter(|m| months & (1 << m) != 0).map(|m| DAYS_IN_MONTH[m]).max().unwrap_or(0);
            if first_day > 29 && first_day > longest {
                let allowed: Vec<&str> = (1..=12).filter(|m| months & (1 << m) != 0).map(|m| MONTH_NAMES[m - 1]).collect();
                let which = match allowed.as_slice() {
                    [one] => format!("{one} has no day {first_day}"),
                    _ => format!("none of its months ({}) has a day {first_day}", allowed.join(", ")),
                };
                return Err(CronError(format!("never fires: {which}")));
            }
        }

        Ok(Self {
            source: source.trim().to_owned(),
            minutes,
            hours,
            days,
            months,
            weekdays,
            days_and,
            wall_clock: !parts[0].starts_with('*') && !parts[1].starts_with('*'),
        })
    }

    /// The expression as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The first fire time strictly after `after` (whole seconds), in `zone`; `None` if the
    /// expression does not fire within 50 years.
    pub fn next_after(&self, after: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
        self.fire_times_after(after, zone).next()
    }

    /// Successive fire times strictly after `after`, in `zone`.
    pub fn fire_times_after<'a>(&'a self, after: Timestamp, zone: &'a TimeZone) -> impl Iterator<Item = Timestamp> + 'a {
        walk::Walk::new(self, zone, after)
    }
}

impl fmt::Debug for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronExpr({:?})", self.source)
    }
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Serialize for CronExpr {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for CronExpr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        CronExpr::parse(&source).map_err(serde::de::Error::custom)
    }
}
