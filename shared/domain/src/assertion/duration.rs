//! Durations in Go's notation (`72h`, `1h30m`, `1.5s`, `500ms`), which Gatus configs use for
//! `[CERTIFICATE_EXPIRATION]` and `[RESPONSE_TIME]`. Conditions compare them in milliseconds.

use super::number::Number;

/// Why a duration did not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct DurationError {
    /// Characters into the duration text where the problem is.
    pub offset: usize,
    /// What is wrong, for a person.
    pub message: String,
}

const NANOS_PER_MILLI: i128 = 1_000_000;

fn unit_nanos(unit: &str) -> Option<i128> {
    Some(match unit {
        "ns" => 1,
        // Go accepts the micro sign and the Greek mu alike.
        "us" | "µs" | "μs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Reads a Go duration into milliseconds: an optional sign, then one or more `<number><unit>`
/// pairs; a bare `0` is allowed too. Like Go, the total must fit in an `i64` of nanoseconds.
pub(super) fn parse_millis(text: &str) -> Result<Number, DurationError> {
    let chars: Vec<char> = text.chars().collect();
    let fail = |offset: usize, message: String| Err(DurationError { offset, message });
    let mut i = 0;
    let negative = match chars.first() {
        Some('-') => {
            i = 1;
            true
        }
        Some('+') => {
            i = 1;
            false
        }
        _ => false,
    };
    if chars[i..] == ['0'] {
        return Ok(Number::Int(0));
    }
    if i == chars.len() {
        return fail(i, "expected a duration such as 72h, 30m or 1h30m".into());
    }
    let mut nanos: i128 = 0;
    while i < chars.len() {
        let number_start = i;
        let take_digits = |i: &mut usize| {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            chars[start..*i].iter().collect::<String>()
        };
        let whole = take_digits(&mut i);
        let fraction = if chars.get(i) == Some(&'.') {
            i += 1;
            take_digits(&mut i)
        } else {
            String::new()
        };
        if whole.is_empty() && fraction.is_empty() {
            return fail(number_start, format!("expected a number in the duration `{text}`, e.g. 72h or 1h30m"));
        }
        let unit_start = i;
        while chars.get(i).is_some_and(|c| !c.is_ascii_digit() && *c != '.') {
            i += 1;
        }
        let unit: String = chars[unit_start..i].iter().collect();
        let written: String = chars[number_start..i].iter().collect();
        if unit.is_empty() {
            return fail(number_start, format!("`{written}` needs a unit in the duration `{text}`: h, m, s, ms, us or ns"));
        }
        let Some(per_unit) = unit_nanos(&unit) else {
            return fail(unit_start, unknown_unit(&unit, &whole, &fraction));
        };
        let too_long = || DurationError { offset: 0, message: format!("`{text}` is too long a duration (the most is about 2562047h)") };
        // More than 20 digits overflows any duration Go can hold, so refuse before i128 parsing.
        let whole_value: i128 = if whole.is_empty() {
            0
        } else if whole.len() > 20 {
            return Err(too_long());
        } else {
            whole.parse().map_err(|_| too_long())?
        };
        let fraction_value: f64 = if fraction.is_empty() { 0.0 } else { format!("0.{fraction}").parse().unwrap_or(0.0) };
        nanos += whole_value * per_unit + (fraction_value * per_unit as f64).round() as i128;
        if nanos > i128::from(i64::MAX) {
            return Err(too_long());
        }
    }
    let nanos = if negative { -nanos } else { nanos };
    Ok(if nanos % NANOS_PER_MILLI == 0 {
        Number::Int(nanos / NANOS_PER_MILLI)
    } else {
        Number::Float(nanos as f64 / NANOS_PER_MILLI as f64)
    })
}

fn unknown_unit(unit: &str, whole: &str, fraction: &str) -> String {
    let hours_per = match unit {
        "d" | "day" | "days" => Some(24),
        "w" | "week" | "weeks" => Some(168),
        _ => None,
    };
    match (hours_per, whole.parse::<u64>(), fraction.is_empty()) {
        (Some(per), Ok(n), true) => {
            format!("`{unit}` is not a duration unit: durations stop at hours (h), so write {}h for {n}{unit}", n.saturating_mul(per))
        }
        (Some(_), _, _) => format!("`{unit}` is not a duration unit: durations stop at hours (h), e.g. 72h for three days"),
        _ => format!("`{unit}` is not a duration unit; use h, m, s, ms, us or ns, e.g. 72h or 1h30m"),
    }
}

/// Prints milliseconds the way Gatus shows certificate expiry (`336h`, `1h30m`, `1h0m15s`),
/// whole seconds only; under a second it shows milliseconds rather than Gatus's `0s`.
pub(super) fn format_millis(millis: i128) -> String {
    let sign = if millis < 0 { "-" } else { "" };
    let millis = millis.unsigned_abs();
    if millis == 0 {
        return "0s".into();
    }
    if millis < 1000 {
        return format!("{sign}{millis}ms");
    }
    let seconds = millis / 1000;
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    let mut out = sign.to_owned();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 || (h > 0 && s > 0) {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Number::{Float, Int};

    #[test]
    fn good_durations() {
        let cases: &[(&str, Number)] = &[
            ("72h", Int(259_200_000)),
            ("30m", Int(1_800_000)),
            ("1h30m", Int(5_400_000)),
            ("1s", Int(1000)),
            ("500ms", Int(500)),
            ("1.5s", Int(1500)),
            ("1.5h", Int(5_400_000)),
            (".5s", Int(500)),
            ("1h0m15s", Int(3_615_000)),
            ("250us", Float(0.25)),
            ("250µs", Float(0.25)),
            ("1000000ns", Int(1)),
            ("-24h", Int(-86_400_000)),
            ("+2m", Int(120_000)),
            ("0", Int(0)),
            ("2562047h", Int(9_223_369_200_000)),
        ];
        for (text, millis) in cases {
            assert_eq!(parse_millis(text), Ok(*millis), "parsing {text:?}");
        }
    }

    #[test]
    fn bad_durations() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "expected a duration"),
            ("-", 1, "expected a duration"),
            ("72", 0, "needs a unit"),
            ("1h30", 2, "`30` needs a unit"),
            ("3d", 1, "write 72h for 3d"),
            ("2w", 1, "write 336h for 2w"),
            ("1.5d", 3, "durations stop at hours"),
            ("5y", 1, "`y` is not a duration unit"),
            ("h", 0, "expected a number"),
            ("1.h.", 3, "expected a number"),
            ("2562048h", 0, "too long"),
            ("99999999999999999999999h", 0, "too long"),
        ];
        for (text, offset, phrase) in cases {
            let error = parse_millis(text).expect_err(text);
            assert_eq!(error.offset, *offset, "offset for {text:?}: {}", error.message);
            assert!(error.message.contains(phrase), "message for {text:?}: {}", error.message);
        }
    }

    #[test]
    fn formatting() {
        let cases: &[(i128, &str)] = &[
            (0, "0s"),
            (250, "250ms"),
            (-250, "-250ms"),
            (1000, "1s"),
            (30_000, "30s"),
            (90_000, "1m30s"),
            (3_600_000, "1h"),
            (5_400_000, "1h30m"),
            (3_615_000, "1h0m15s"),
            (1_209_600_000, "336h"),
            (1_209_600_999, "336h"),
            (-86_400_000, "-24h"),
        ];
        for (millis, text) in cases {
            assert_eq!(format_millis(*millis), *text, "formatting {millis}");
        }
    }
}
