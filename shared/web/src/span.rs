//! Lengths of time as people read them, in the reader's language: at most two units, largest
//! first ("2 h 30 min", "3 j 4 h").

use crate::i18n::{Tr, msg};

/// The units, largest first: seconds in one, and the message writing a count of them.
const UNITS: [(i64, &str); 4] = [(86_400, msg("spans.d")), (3_600, msg("spans.h")), (60, msg("spans.min")), (1, msg("spans.s"))];

/// `seconds` in at most two units ("0 s" for nothing; a negative length reads as its size).
pub(crate) fn seconds(tr: &Tr, seconds: i64) -> String {
    let mut left = seconds.unsigned_abs() as i64;
    let mut parts = Vec::with_capacity(2);
    for (size, key) in UNITS {
        if left >= size && parts.len() < 2 {
            parts.push(tr.a(key, "count", tr.number(left / size)));
            left %= size;
        } else if !parts.is_empty() {
            // Two units must be neighbours: "1 d 5 s" would hide the hours in between.
            break;
        }
    }
    if parts.is_empty() { tr.a(msg("spans.s"), "count", 0) } else { parts.join(" ") }
}

/// `millis` milliseconds: under ten seconds with a decimal ("1.25 s", "340 ms"), beyond as
/// [`seconds`].
pub(crate) fn millis(tr: &Tr, millis: i64) -> String {
    match millis.unsigned_abs() {
        ms if ms < 1_000 => tr.a(msg("spans.ms"), "count", ms),
        ms if ms < 10_000 => tr.a(msg("spans.s"), "count", tr.decimal(ms as f64 / 1000.0, 2)),
        ms => seconds(tr, (ms / 1000) as i64),
    }
}

/// The units a length is typed in on a form: name, seconds, message.
const FORM_UNITS: [(&str, u32, &str); 4] = [
    ("s", 1, msg("spans.unit_s")),
    ("min", 60, msg("spans.unit_min")),
    ("h", 3600, msg("spans.unit_h")),
    ("d", 86_400, msg("spans.unit_d")),
];

/// A unit a form offers.
pub(crate) struct Unit {
    /// Its value in the form.
    pub(crate) value: &'static str,
    /// Its name.
    pub(crate) name: String,
}

/// The units a form offers, from `smallest` (`s` or `min`) up.
pub(crate) fn units(tr: &Tr, smallest: &str) -> Vec<Unit> {
    FORM_UNITS
        .iter()
        .skip_while(|(value, _, _)| *value != smallest)
        .map(|(value, _, key)| Unit { value, name: tr.t(key).to_owned() })
        .collect()
}

/// `seconds` as a number in its largest whole unit, and that unit.
pub(crate) fn in_unit(seconds: u32) -> (String, String) {
    let (unit, size, _) = FORM_UNITS.iter().rev().find(|(_, size, _)| seconds.is_multiple_of(*size)).copied().unwrap_or(FORM_UNITS[0]);
    ((seconds / size).to_string(), unit.to_owned())
}

/// A length typed as `value` in `unit`, in seconds: `Ok(None)` when empty, `Err` when not a
/// positive whole number of a known unit or too long.
pub(crate) fn read(value: &str, unit: &str) -> Result<Option<u32>, ()> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let size = FORM_UNITS.iter().find(|(name, _, _)| *name == unit).map(|(_, size, _)| *size).ok_or(())?;
    match value.parse::<u32>().ok().and_then(|n| n.checked_mul(size)) {
        Some(seconds) if seconds > 0 => Ok(Some(seconds)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn lengths_in_each_language() {
        let en = Tr::new(Locale::En, "UTC");
        let fr = Tr::new(Locale::Fr, "UTC");
        let cases = [
            (seconds(&en, 0), "0 s"),
            (seconds(&en, 45), "45 s"),
            (seconds(&en, 90), "1 min 30 s"),
            (seconds(&en, 3600), "1 h"),
            (seconds(&en, 9000), "2 h 30 min"),
            (seconds(&en, 86_400 + 5), "1 d"),
            (seconds(&fr, 86_400 * 3 + 3600 * 4), "3 j 4 h"),
            (seconds(&en, 365 * 86_400), "365 d"),
            (seconds(&fr, 20_000 * 86_400), "20\u{202f}000 j"),
            (millis(&en, 340), "340 ms"),
            (millis(&fr, 1250), "1,25 s"),
            (millis(&en, 125_000), "2 min 5 s"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn lengths_typed_with_a_unit() {
        assert_eq!(read("2", "h"), Ok(Some(7200)));
        assert_eq!(read(" ", "h"), Ok(None));
        assert_eq!(read("0", "s"), Err(()));
        assert_eq!(read("-1", "min"), Err(()));
        assert_eq!(read("1", "fortnight"), Err(()));
        assert_eq!(read("4294967296", "s"), Err(()));
        assert_eq!(read("50000", "d"), Err(()), "overflow");
        assert_eq!(in_unit(7200), ("2".into(), "h".into()));
        assert_eq!(in_unit(90), ("90".into(), "s".into()));
        assert_eq!(in_unit(172_800), ("2".into(), "d".into()));
        let en = Tr::new(Locale::En, "UTC");
        assert_eq!(units(&en, "min").iter().map(|u| u.value).collect::<Vec<_>>(), ["min", "h", "d"]);
    }
}
