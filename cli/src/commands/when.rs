//! Times given on the command line: an RFC 3339 time, or a duration (`90d`, `12h`, `1d6h`,
//! `30m`) from now, ahead (an expiry) or back (a filter's start).

use crate::failure::Failure;
use crate::manifest::gatus::go_duration_ms;
use jiff::{SignedDuration, Timestamp};

/// Which way a duration counts from now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    /// Into the future (`--expires 90d`).
    Ahead,
    /// Into the past (`--since 24h`).
    Back,
}

/// A duration like `90d`, `1d6h`, `12h` or `30m`.
fn duration(text: &str) -> Option<SignedDuration> {
    let text = text.trim();
    let (days, rest) = match text.split_once('d') {
        Some((days, rest)) => (days.parse::<i64>().ok()?, rest),
        None => (0, text),
    };
    let rest_ms = if rest.is_empty() { 0 } else { i64::try_from(go_duration_ms(rest)?).ok()? };
    let total = SignedDuration::from_hours(days.checked_mul(24)?).checked_add(SignedDuration::from_millis(rest_ms))?;
    (!total.is_zero()).then_some(total)
}

/// The time `text` names for the flag `flag`, counting a duration from `now` the `way` given.
pub fn time(text: &str, now: Timestamp, way: Way, flag: &str) -> Result<Timestamp, Failure> {
    if let Ok(at) = text.trim().parse::<Timestamp>() {
        return Ok(at);
    }
    let span = duration(text).ok_or_else(|| {
        Failure::usage(format!("{flag} `{text}` is neither a duration (90d, 12h, 30m) nor an RFC 3339 time (2026-03-01T10:00:00Z)"))
    })?;
    let at = match way {
        Way::Ahead => now.checked_add(span),
        Way::Back => now.checked_sub(span),
    };
    at.map_err(|_| Failure::usage(format!("{flag} `{text}` is too far away")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times() {
        let now: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        for (text, way, expected) in [
            ("90d", Way::Ahead, "2026-05-30T12:00:00Z"),
            ("12h", Way::Ahead, "2026-03-02T00:00:00Z"),
            ("1d6h", Way::Back, "2026-02-28T06:00:00Z"),
            ("30m", Way::Back, "2026-03-01T11:30:00Z"),
            ("2026-01-01T00:00:00Z", Way::Back, "2026-01-01T00:00:00Z"),
        ] {
            assert_eq!(time(text, now, way, "--x").unwrap(), at(expected), "{text}");
        }
        for bad in ["", "0d", "soon", "3w", "d"] {
            assert!(time(bad, now, Way::Ahead, "--x").is_err(), "{bad}");
        }
    }
}
