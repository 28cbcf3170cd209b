//! The search for the next fire time. It moves a cursor forward field by field (month, then
//! day, hour, minute, second), restarting from the month whenever a field had to move, the way
//! cronsim does; its quirks around DST transitions are part of the contract, so they are
//! reproduced here rather than improved on.
//!
//! The cursor is a local date and time plus a `fold` flag (which of two occurrences of a
//! repeated local time is meant), read the way Python's `zoneinfo` reads one: in a gap or a
//! fold, `fold = false` takes the offset in force before the transition and `fold = true` the
//! one after.

use super::CronExpr;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// Expressions that match nothing within this many years yield nothing.
const GIVE_UP_YEARS: i16 = 50;

/// How the cursor moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clock {
    /// On the local wall clock, ignoring the zone until a result is produced.
    Wall,
    /// In real time: every step goes through UTC and back to local time.
    Real,
}

/// An iterator of fire times.
pub(super) struct Walk<'a> {
    expr: &'a CronExpr,
    zone: &'a TimeZone,
    clock: Clock,
    at: DateTime,
    fold: bool,
    done: bool,
}

/// The day of the month of the last Monday-to-Friday day of `day`'s month.
fn last_weekday_of_month(day: Date) -> i8 {
    let last = day.last_of_month();
    match last.weekday() {
        Weekday::Sunday => last.day() - 2,
        Weekday::Saturday => last.day() - 1,
        _ => last.day(),
    }
}

impl<'a> Walk<'a> {
    pub(super) fn new(expr: &'a CronExpr, zone: &'a TimeZone, after: Timestamp) -> Self {
        // Whole seconds, rounding down.
        let second = after.as_second() - i64::from(after.subsec_nanosecond() < 0);
        let start = Timestamp::from_second(second).unwrap_or(after);
        let clock = if expr.wall_clock { Clock::Wall } else { Clock::Real };
        let (at, fold) = local(zone, start);
        Self { expr, zone, clock, at, fold: fold && clock == Clock::Real, done: false }
    }

    /// The instant the cursor stands for.
    fn instant(&self, at: DateTime, fold: bool) -> Option<Timestamp> {
        let offset = match self.zone.to_ambiguous_timestamp(at).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset,
            AmbiguousOffset::Gap { before, after } | AmbiguousOffset::Fold { before, after } => {
                if fold {
                    after
                } else {
                    before
                }
            }
        };
        offset.to_timestamp(at).ok()
    }

    /// Moves the cursor `seconds` forward.
    fn tick(&mut self, seconds: i64) -> Option<()> {
        match self.clock {
            Clock::Wall => self.at = self.at.checked_add(SignedDuration::from_secs(seconds)).ok()?,
            Clock::Real => {
                let instant = self.instant(self.at, self.fold)?.checked_add(SignedDuration::from_secs(seconds)).ok()?;
                (self.at, self.fold) = local(self.zone, instant);
            }
        }
        Some(())
    }

    /// Replaces the time of day, keeping the date and the fold.
    fn set_time(&mut self, hour: i8, minute: i8, second: i8) {
        self.at = self.at.date().at(hour, minute, second, 0);
    }

    /// Moves to the start of `day`.
    fn set_day(&mut self, day: Date) {
        self.at = day.at(0, 0, 0, 0);
        self.fold = false;
    }

    fn day_of_month_matches(&self, day: Date) -> bool {
        let days = &self.expr.days;
        days.days & (1 << day.day()) != 0
            || (days.last_weekday && day.day() >= 26 && day.day() == last_weekday_of_month(day))
            || (days.last && day.day() >= 28 && day.day() == day.days_in_month())
    }

    fn day_of_week_matches(&self, day: Date) -> bool {
        let set = &self.expr.weekdays;
        // Monday 1 to Sunday 7; Sunday also as 0.
        let number = day.weekday().to_monday_one_offset() as usize;
        let both = [number, number % 7];
        if both.iter().any(|n| set.days & (1 << n) != 0) {
            return true;
        }
        if both.iter().any(|n| set.last & (1 << n) != 0) && day.day() + 7 > day.days_in_month() {
            return true;
        }
        let nth = (day.day() as usize).div_ceil(7);
        both.iter().any(|n| set.nth[*n] & (1 << nth) != 0)
    }

    fn day_matches(&self, day: Date) -> bool {
        if self.expr.days_and {
            self.day_of_month_matches(day) && self.day_of_week_matches(day)
        } else {
            self.day_of_month_matches(day) || self.day_of_week_matches(day)
        }
    }

    fn month_allowed(&self, month: i8) -> bool {
        self.expr.months & (1 << month) != 0
    }

    fn advance_month(&mut self) -> Option<()> {
        if self.month_allowed(self.at.month()) {
            return Some(());
        }
        let mut day = self.at.date();
        while !self.month_allowed(day.month()) {
            day = day.last_of_month().tomorrow().ok()?;
        }
        self.set_day(day);
        Some(())
    }

    /// `Some(true)` if the cursor had to move.
    fn advance_day(&mut self) -> Option<bool> {
        let mut day = self.at.date();
        if self.day_matches(day) {
            return Some(false);
        }
        while !self.day_matches(day) {
            day = day.tomorrow().ok()?;
            if day.day() == 1 {
                // A new month: its month must be checked again first.
                break;
            }
        }
        self.set_day(day);
        Some(true)
    }

    fn advance_hour(&mut self) -> Option<bool> {
        let allowed = |hour: i8| self.expr.hours & (1 << hour) != 0;
        if allowed(self.at.hour()) {
            return Some(false);
        }
        self.set_time(self.at.hour(), 0, 0);
        while !allowed(self.at.hour()) {
            self.tick(3600)?;
            if self.at.hour() == 0 {
                break;
            }
        }
        Some(true)
    }

    fn advance_minute(&mut self) -> Option<bool> {
        let minutes = self.expr.minutes;
        let allowed = |minute: i8| minutes & (1 << minute) != 0;
        if allowed(self.at.minute()) {
            return Some(false);
        }
        self.set_time(self.at.hour(), self.at.minute(), 0);
        if minutes.count_ones() == 1 {
            let target = minutes.trailing_zeros() as i64;
            self.tick((target - i64::from(self.at.minute())).rem_euclid(60) * 60)?;
        }
        while !allowed(self.at.minute()) {
            self.tick(60)?;
            if self.at.minute() == 0 {
                break;
            }
        }
        Some(true)
    }

    /// Five-field expressions fire at second 0.
    fn advance_second(&mut self) -> Option<bool> {
        let second = self.at.second();
        if second == 0 {
            return Some(false);
        }
        self.tick((60 - i64::from(second)).rem_euclid(60))?;
        // Offsets with seconds (local mean time, before standard time zones) need single steps.
        while self.at.second() != 0 {
            self.tick(1)?;
        }
        Some(true)
    }

    /// Moves the cursor to the next time every field allows; `None` past the give-up horizon.
    fn advance(&mut self) -> Option<()> {
        let start_year = self.at.year();
        loop {
            self.advance_month()?;
            if self.at.year() > start_year.saturating_add(GIVE_UP_YEARS) {
                return None;
            }
            if self.advance_day()? || self.advance_hour()? || self.advance_minute()? || self.advance_second()? {
                continue;
            }
            return Some(());
        }
    }

    fn step(&mut self) -> Option<Timestamp> {
        self.tick(1)?;
        self.advance()?;
        match self.clock {
            Clock::Real => self.instant(self.at, self.fold),
            Clock::Wall => {
                // A wall time skipped by a DST jump fires at the first minute after the gap; a
                // repeated one fires at its first occurrence.
                while matches!(self.zone.to_ambiguous_timestamp(self.at).offset(), AmbiguousOffset::Gap { .. }) {
                    self.at = self.at.checked_add(SignedDuration::from_mins(1)).ok()?;
                }
                self.instant(self.at, false)
            }
        }
    }
}

/// The local time of `instant` and whether it is the second occurrence of a repeated time.
fn local(zone: &TimeZone, instant: Timestamp) -> (DateTime, bool) {
    let at = zone.to_datetime(instant);
    let fold = match zone.to_ambiguous_timestamp(at).offset() {
        AmbiguousOffset::Fold { before, after } => before != after && zone.to_offset(instant) == after,
        _ => false,
    };
    (at, fold)
}

impl Iterator for Walk<'_> {
    type Item = Timestamp;

    fn next(&mut self) -> Option<Timestamp> {
        if self.done {
            return None;
        }
        let next = self.step();
        self.done = next.is_none();
        next
    }
}
