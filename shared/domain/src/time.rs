//! Time precision. Stores keep Unix milliseconds, so times are cut to milliseconds wherever
//! they are made.

use jiff::Timestamp;

/// `at` truncated to whole milliseconds.
pub fn to_millis(at: Timestamp) -> Timestamp {
    Timestamp::from_millisecond(at.as_millisecond()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_below_a_millisecond() {
        let at = Timestamp::new(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(to_millis(at), Timestamp::new(1_700_000_000, 123_000_000).unwrap());
    }
}
