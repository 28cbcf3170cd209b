//! Numbers, dates and times written as each language writes them.

use super::{Tr, msg};
use jiff::Timestamp;
use vigil_domain::accounts::Locale;

/// The thousands separator and the decimal mark.
fn marks(locale: Locale) -> (&'static str, &'static str) {
    match locale {
        Locale::En => (",", "."),
        // A narrow no-break space, as French typography (and CLDR) writes it.
        Locale::Fr => ("\u{202f}", ","),
    }
}

/// `n` with its digits grouped by three.
pub(super) fn group(n: i64, locale: Locale) -> String {
    let (separator, _) = marks(locale);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(digit);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `n` rounded to `digits` decimals.
pub(super) fn decimal(n: f64, digits: usize, locale: Locale) -> String {
    let (_, mark) = marks(locale);
    let text = format!("{:.*}", digits, n.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole = group(whole.parse().unwrap_or(0), locale);
    let sign = if n < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}{mark}{fraction}") }
}

/// The months' short names, by number.
const MONTHS: [&str; 12] = [
    msg("date.month.jan"),
    msg("date.month.feb"),
    msg("date.month.mar"),
    msg("date.month.apr"),
    msg("date.month.may"),
    msg("date.month.jun"),
    msg("date.month.jul"),
    msg("date.month.aug"),
    msg("date.month.sep"),
    msg("date.month.oct"),
    msg("date.month.nov"),
    msg("date.month.dec"),
];

/// The date of `at` in the reader's zone: "4 Dec 2026", "4 déc. 2026".
pub(super) fn date(tr: &Tr, at: Timestamp) -> String {
    let zoned = at.to_zoned_datetime(tr.zone.clone());
    let month = tr.t(MONTHS[usize::from(zoned.month().unsigned_abs()) - 1]);
    fill_date(tr, msg("date.date"), zoned.day(), month, zoned.year(), "")
}

/// The month and year of `at` in the reader's zone: "Dec 2026", "déc. 2026".
pub(super) fn month(tr: &Tr, at: Timestamp) -> String {
    let zoned = at.to_zoned_datetime(tr.zone.clone());
    let month = tr.t(MONTHS[usize::from(zoned.month().unsigned_abs()) - 1]);
    fill_date(tr, msg("date.month_year"), zoned.day(), month, zoned.year(), "")
}

/// The short name of the month of `at` in the reader's zone: "Dec", "déc.".
pub(super) fn month_name(tr: &Tr, at: Timestamp) -> String {
    let zoned = at.to_zoned_datetime(tr.zone.clone());
    tr.t(MONTHS[usize::from(zoned.month().unsigned_abs()) - 1]).to_owned()
}

/// Date, 24-hour time and the zone's abbreviation: "4 Dec 2026, 21:23 CET".
pub(super) fn datetime(tr: &Tr, at: Timestamp) -> String {
    let zoned = at.to_zoned_datetime(tr.zone.clone());
    let month = tr.t(MONTHS[usize::from(zoned.month().unsigned_abs()) - 1]);
    let time = format!("{:02}:{:02} {}", zoned.hour(), zoned.minute(), zoned.strftime("%Z"));
    fill_date(tr, msg("date.datetime"), zoned.day(), month, zoned.year(), &time)
}

fn fill_date(tr: &Tr, key: &str, day: i8, month: &str, year: i16, time: &str) -> String {
    super::fill(tr.t(key), &[("day", &day.to_string()), ("month", month), ("year", &year.to_string()), ("time", time)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_each_locale() {
        let cases = [
            (group(0, Locale::En), "0"),
            (group(999, Locale::En), "999"),
            (group(1000, Locale::En), "1,000"),
            (group(-1_234_567, Locale::En), "-1,234,567"),
            (group(1_234_567, Locale::Fr), "1\u{202f}234\u{202f}567"),
            (decimal(99.954, 2, Locale::En), "99.95"),
            (decimal(1234.5, 1, Locale::Fr), "1\u{202f}234,5"),
            (decimal(-0.001, 2, Locale::En), "0.00"),
            (decimal(-2.5, 1, Locale::En), "-2.5"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }

    #[test]
    fn dates_in_the_readers_zone_and_language() {
        let at: Timestamp = "2026-12-04T20:23:00Z".parse().unwrap();
        let late: Timestamp = "2026-07-31T23:30:00Z".parse().unwrap();
        let cases = [
            (Tr::new(Locale::En, "UTC").datetime(at), "4 Dec 2026, 20:23 UTC"),
            (Tr::new(Locale::Fr, "Europe/Paris").datetime(at), "4 déc. 2026 à 21:23 CET"),
            (Tr::new(Locale::En, "Europe/Riga").date(late), "1 Aug 2026"),
            (Tr::new(Locale::Fr, "America/New_York").date(late), "31 juil. 2026"),
            (Tr::new(Locale::En, "Not/AZone").datetime(at), "4 Dec 2026, 20:23 UTC"),
            (Tr::new(Locale::En, "UTC").month(at), "Dec 2026"),
            (Tr::new(Locale::Fr, "Europe/Paris").month(late), "août 2026"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
    }
}
