//! Numbers as conditions see them: integers kept exact, everything else as `f64`.

use std::cmp::Ordering;
use std::fmt;

/// A number read from a condition or a response.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Number {
    /// A whole number; `i128` holds every JSON integer serde_json produces (`i64` and `u64`).
    Int(i128),
    /// Anything with a fraction or an exponent.
    Float(f64),
}

impl Number {
    /// Reads decimal integers and decimals, and integers in the `0x`, `0o` and `0b` forms
    /// that Gatus accepts (it reads numbers with Go's `ParseInt(s, 0, 64)`).
    ///
    /// `inf`, `NaN` and the like are refused even though `f64::from_str` takes them: a body
    /// saying "nan" is text, not a number.
    pub(super) fn parse(text: &str) -> Option<Number> {
        Self::parse_int(text).map(Number::Int).or_else(|| Self::parse_decimal(text).map(Number::Float))
    }

    /// Reads an integer (decimal, `0x`, `0o` or `0b`, with an optional sign).
    pub(super) fn parse_int(text: &str) -> Option<i128> {
        let (negative, digits) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (radix, digits) = match digits.get(..2) {
            Some("0x" | "0X") => (16, &digits[2..]),
            Some("0o" | "0O") => (8, &digits[2..]),
            Some("0b" | "0B") => (2, &digits[2..]),
            _ => (10, digits),
        };
        // from_str_radix takes its own sign, which would let "--1" or "0x-1" through.
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let magnitude = i128::from_str_radix(digits, radix).ok()?;
        Some(if negative { -magnitude } else { magnitude })
    }

    fn parse_decimal(text: &str) -> Option<f64> {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let mantissa_ok = !(whole.is_empty() && fraction.is_empty()) && all_digits(whole) && all_digits(fraction);
        let exponent_ok = exponent.is_none_or(|e| {
            let e = e.strip_prefix(['-', '+']).unwrap_or(e);
            !e.is_empty() && all_digits(e)
        });
        if !(mantissa_ok && exponent_ok) {
            return None;
        }
        text.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// The number behind a JSON number.
    pub(super) fn from_json(n: &serde_json::Number) -> Number {
        if let Some(i) = n.as_i64() {
            Number::Int(i128::from(i))
        } else if let Some(u) = n.as_u64() {
            Number::Int(i128::from(u))
        } else {
            // Without serde_json's arbitrary_precision every other JSON number is an f64.
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    /// Orders two numbers; integers compare exactly, anything else as `f64`.
    pub(super) fn compare(self, other: Number) -> Option<Ordering> {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }

    /// Whether two numbers are the same value (so `1.0` equals `1`).
    pub(super) fn same(self, other: Number) -> bool {
        self.compare(other) == Some(Ordering::Equal)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            // Rust prints 1.0 as "1" and never switches to exponents, which reads well in messages.
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Number::{self, Float, Int};

    #[test]
    fn parsing() {
        let cases: &[(&str, Option<Number>)] = &[
            ("200", Some(Int(200))),
            ("-5", Some(Int(-5))),
            ("+5", Some(Int(5))),
            ("007", Some(Int(7))),
            ("0x1", Some(Int(1))),
            ("0xC0ff33", Some(Int(12_648_243))),
            ("0o17", Some(Int(15))),
            ("0b0010", Some(Int(2))),
            ("-0x10", Some(Int(-16))),
            ("1.5", Some(Float(1.5))),
            ("123.40000000000005", Some(Float(123.400_000_000_000_05))),
            (".5", Some(Float(0.5))),
            ("1.", Some(Float(1.0))),
            ("1e3", Some(Float(1000.0))),
            ("2.5E-1", Some(Float(0.25))),
            ("", None),
            ("-", None),
            (".", None),
            ("0x", None),
            ("0xg", None),
            ("--1", None),
            ("0x-1", None),
            ("1e", None),
            ("1.2.3", None),
            ("inf", None),
            ("NaN", None),
            ("infinity", None),
            ("12abc", None),
            (" 1", None),
            ("1_000", None),
        ];
        for (text, expected) in cases {
            assert_eq!(Number::parse(text), *expected, "parsing {text:?}");
        }
    }

    #[test]
    fn comparing_and_printing() {
        assert!(Int(1).same(Float(1.0)));
        assert!(!Int(1).same(Float(1.5)));
        assert_eq!(Int(2).compare(Float(1.5)), Some(std::cmp::Ordering::Greater));
        let printed: &[(Number, &str)] =
            &[(Int(-3), "-3"), (Float(1.0), "1"), (Float(0.25), "0.25"), (Float(1e21), "1000000000000000000000")];
        for (number, text) in printed {
            assert_eq!(number.to_string(), *text, "printing {number:?}");
        }
    }
}
