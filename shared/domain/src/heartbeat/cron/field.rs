//! Parsing of one cron field into the set of values it allows, with the grammar that
//! Healthchecks' cron library (cronsim) accepts: `*`, numbers, `a-b` ranges, `/step`s, `,` lists,
//! month and weekday names, `L` and `LW` in the day of month, `5L` (last Friday) and `MON#2`
//! (second Monday) in the day of week.

use std::collections::BTreeSet;

/// The five fields of an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Field {
    Minute,
    Hour,
    Day,
    Month,
    Weekday,
}

/// One allowed value of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Item {
    /// A plain number.
    Value(u32),
    /// `L` in the day of month: the last day.
    LastDay,
    /// `LW` in the day of month: the last weekday (Monday to Friday).
    LastWeekday,
    /// `5L` in the day of week: the last such weekday of the month.
    LastOf(u32),
    /// `MON#2` in the day of week: the nth such weekday of the month.
    Nth(u32, u32),
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

impl Field {
    /// The inclusive bounds of plain numbers.
    pub(super) fn bounds(self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::Day => (1, 31),
            Field::Month => (1, 12),
            // 0 and 7 are both Sunday.
            Field::Weekday => (0, 7),
        }
    }

    /// The field's name, as people call it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::Day => "day-of-month",
            Field::Month => "month",
            Field::Weekday => "day-of-week",
        }
    }

    /// What a refused field says: which field, what was written, what it accepts.
    pub(super) fn refusal(self, written: &str) -> String {
        let accepts = match self {
            Field::Minute => "0-59",
            Field::Hour => "0-23",
            Field::Day => "1-31, L (the last day) or LW (the last weekday)",
            Field::Month => "1-12 or JAN-DEC",
            Field::Weekday => "0-7 (0 and 7 are Sunday) or SUN-SAT, 5L (the last Friday) or MON#2 (the second Monday)",
        };
        format!("bad {} `{written}`: it takes {accepts}, as `*`, single values, ranges (1-5), steps (*/15) and lists (1,15)", self.name())
    }

    /// The refusal of a term inside the field; [`Field::refusal`] words it for people.
    fn error(self) -> String {
        self.name().to_owned()
    }

    /// An unsigned decimal made of ASCII digits only. Values too large for `u32` saturate: they
    /// are out of every range, and as a step they select the first value only, as any step
    /// longer than the range does.
    fn digits(self, text: &str) -> Result<u32, String> {
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error());
        }
        Ok(text.bytes().fold(0u32, |n, b| n.saturating_mul(10).saturating_add(u32::from(b - b'0'))))
    }

    /// A number or, in the month and weekday fields, a name; within the field's bounds.
    fn value(self, text: &str) -> Result<u32, String> {
        let named = match self {
            Field::Month => MONTHS.iter().position(|m| *m == text).map(|i| i as u32 + 1),
            Field::Weekday => WEEKDAYS.iter().position(|d| *d == text).map(|i| i as u32),
            _ => None,
        };
        if let Some(value) = named {
            return Ok(value);
        }
        let value = self.digits(text)?;
        let (low, high) = self.bounds();
        if (low..=high).contains(&value) { Ok(value) } else { Err(self.error()) }
    }

    /// The set of items `text` (already upper-cased) allows.
    pub(super) fn parse(self, text: &str) -> Result<BTreeSet<Item>, String> {
        let (low, high) = self.bounds();
        if text == "*" {
            return Ok((low..=high).map(Item::Value).collect());
        }
        if text.contains(',') {
            let mut all = BTreeSet::new();
            for term in text.split(',') {
                all.extend(self.parse(term)?);
            }
            return Ok(all);
        }
        if self == Field::Weekday && text.contains('L') {
            // Only a bare weekday number may precede the L.
            let day = text.strip_suffix('L').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
            let day = day.ok_or_else(|| self.error())?;
            return Ok(BTreeSet::from([Item::LastOf(self.value(day)?)]));
        }
        if self == Field::Weekday
            && let Some((day, nth)) = text.split_once('#')
        {
            let nth = self.digits(nth)?;
            if !(1..=5).contains(&nth) {
                return Err(self.error());
            }
            return Ok(BTreeSet::from([Item::Nth(self.value(day)?, nth)]));
        }
        if let Some((term, step)) = text.split_once('/') {
            let step = self.digits(step)?;
            if step == 0 {
                return Err(self.error());
            }
            let items = self.parse(term)?;
            if items.len() == 1 && matches!(items.first(), Some(Item::LastDay | Item::LastWeekday)) {
                // A step after L or LW changes nothing.
                return Ok(items);
            }
            let values: Vec<u32> = if items.len() == 1 {
                // A single start runs to the end of the field's range.
                let Some(Item::Value(start)) = items.first() else { return Err(self.error()) };
                (*start..=high).collect()
            } else {
                items.iter().filter_map(|item| if let Item::Value(v) = item { Some(*v) } else { None }).collect()
            };
            return Ok(values.into_iter().step_by(step as usize).map(Item::Value).collect());
        }
        if let Some((from, to)) = text.split_once('-') {
            let (from, to) = (self.value(from)?, self.value(to)?);
            if to < from {
                return Err(self.error());
            }
            return Ok((from..=to).map(Item::Value).collect());
        }
        if self == Field::Day && text == "LW" {
            return Ok(BTreeSet::from([Item::LastWeekday]));
        }
        if self == Field::Day && text == "L" {
            return Ok(BTreeSet::from([Item::LastDay]));
        }
        Ok(BTreeSet::from([Item::Value(self.value(text)?)]))
    }
}
