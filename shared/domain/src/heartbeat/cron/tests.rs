//! Table tests of parsing and of fire times, DST transitions included. The differential test
//! against cronsim itself (tests/cron_differential.rs) covers thousands more.

use super::CronExpr;
use jiff::Timestamp;
use jiff::tz::TimeZone;

fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).expect("zone in the system tz database")
}

/// The next `n` fire times after local `start` (which is unambiguous) in `zone`, as RFC 3339
/// with offsets.
fn fires(expr: &str, zone_name: &str, start: &str, n: usize) -> Vec<String> {
    let tz = zone(zone_name);
    let start: Timestamp = start.parse().expect("start instant");
    let expr = CronExpr::parse(expr).expect("valid expression");
    expr.fire_times_after(start, &tz)
        .take(n)
        .map(|t| t.to_zoned_datetime(tz.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
        .collect()
}

#[test]
fn parsing_accepts_what_cronsim_accepts() {
    let valid = [
        "* * * * *",
        "*/15 9-17 * * MON-FRI",
        "0 0 1,15 * *",
        "0 12 L * *",
        "0 12 LW * *",
        "0 12 L/3 * *",
        "0 0 * * 5L",
        "0 0 * * MON#2",
        "0 0 * * 7",
        "0 0 * JAN,JUL *",
        "5-5/10 * * * *",
        "0 0 30 2 MON",
        "0 0 31 1-12 *",
        "0 0 * * sun",
        "  1  2  3  4  5  ",
    ];
    for expr in valid {
        assert!(CronExpr::parse(expr).is_ok(), "{expr}");
    }
    let invalid = [
        ("* * * *", "five fields"),
        ("* * * * * *", "five fields"),
        ("60 * * * *", "bad minute `60`: it takes 0-59"),
        ("61 * * * *", "0-59"),
        ("* 24 * * *", "bad hour"),
        ("* * 0 * *", "bad day-of-month"),
        ("* * 32 * *", "bad day-of-month"),
        ("* * * 13 *", "bad month"),
        ("* * * * 8", "bad day-of-week"),
        ("5-1 * * * *", "bad minute"),
        ("*/0 * * * *", "bad minute"),
        ("/5 * * * *", "bad minute"),
        ("1, * * * *", "bad minute"),
        ("* * * * MON#6", "bad day-of-week"),
        ("* * * * L", "bad day-of-week"),
        ("* * * * MONL", "bad day-of-week"),
        ("* * L * *", ""),
        ("* * * MON *", "bad month"),
        ("* * * * JAN", "bad day-of-week"),
        ("0 0 30 2 *", "never fires: February has no day 30"),
        ("0 0 31 4,6,9,11 *", "never fires: none of its months (April, June, September, November) has a day 31"),
        ("* * * * mon#6", "bad day-of-week `mon#6`"),
        ("* * ¹ * *", "bad day-of-month"),
    ];
    for (expr, needle) in invalid {
        match CronExpr::parse(expr) {
            Ok(_) if needle.is_empty() => {}
            Ok(parsed) => panic!("{expr} parsed as {parsed:?}"),
            Err(error) => assert!(error.to_string().contains(needle), "{expr}: {error}"),
        }
    }
}

#[test]
fn fire_times_in_utc() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("* * * * *", "2024-01-01T00:00:00Z", &["2024-01-01T00:01:00+00:00", "2024-01-01T00:02:00+00:00"]),
        ("* * * * *", "2024-01-01T00:00:59.999Z", &["2024-01-01T00:01:00+00:00"]),
        ("*/20 * * * *", "2024-01-01T00:05:00Z", &["2024-01-01T00:20:00+00:00", "2024-01-01T00:40:00+00:00"]),
        ("0 12 L * *", "2024-02-01T00:00:00Z", &["2024-02-29T12:00:00+00:00", "2024-03-31T12:00:00+00:00"]),
        // Last weekday: 2024-03-31 is a Sunday, so Friday the 29th.
        ("0 12 LW * *", "2024-03-01T00:00:00Z", &["2024-03-29T12:00:00+00:00", "2024-04-30T12:00:00+00:00"]),
        ("0 0 * * 5L", "2024-05-01T00:00:00Z", &["2024-05-31T00:00:00+00:00", "2024-06-28T00:00:00+00:00"]),
        ("0 0 * * MON#2", "2024-05-01T00:00:00Z", &["2024-05-13T00:00:00+00:00", "2024-06-10T00:00:00+00:00"]),
        // Day of month OR day of week: the 13th and every Friday.
        ("0 0 13 * FRI", "2024-09-01T00:00:00Z", &["2024-09-06T00:00:00+00:00", "2024-09-13T00:00:00+00:00", "2024-09-20T00:00:00+00:00"]),
        // A star makes it AND: Fridays that are the 13th.
        ("0 0 */1 * FRI", "2024-09-01T00:00:00Z", &["2024-09-06T00:00:00+00:00"]),
        // `*/7` is every seventh weekday from 0: Sundays (0 and 7), and the star makes it AND.
        ("0 0 13 * */7", "2024-01-01T00:00:00Z", &["2024-10-13T00:00:00+00:00"]),
        ("0 0 29 2 *", "2024-03-01T00:00:00Z", &["2028-02-29T00:00:00+00:00"]),
        // A single start with a step runs to the end of the range.
        (
            "5-5/20 * * * *",
            "2024-01-01T00:00:00Z",
            &["2024-01-01T00:05:00+00:00", "2024-01-01T00:25:00+00:00", "2024-01-01T00:45:00+00:00"],
        ),
    ];
    for (expr, start, expected) in cases {
        assert_eq!(fires(expr, "UTC", start, expected.len()), expected.to_vec(), "{expr} after {start}");
    }
}

#[test]
fn an_expression_that_never_fires_yields_nothing() {
    let expr = CronExpr::parse("1 1 */100 * MON#4").unwrap();
    assert_eq!(expr.next_after("2024-01-01T00:00:00Z".parse().unwrap(), &zone("UTC")), None);
}

/// Europe/Riga in 2021: clocks jump from 03:00 to 04:00 on March 28 and fall back from 04:00
/// to 03:00 on October 31.
#[test]
fn dst_in_riga() {
    let cases: &[(&str, &str, &[&str])] = &[
        // Hourly walks real time: every real hour once.
        ("0 * * * *", "2021-03-27T23:30:00Z", &["2021-03-28T02:00:00+02:00", "2021-03-28T04:00:00+03:00"]),
        (
            "0 * * * *",
            "2021-10-30T22:30:00Z",
            &["2021-10-31T02:00:00+03:00", "2021-10-31T03:00:00+03:00", "2021-10-31T03:00:00+02:00", "2021-10-31T04:00:00+02:00"],
        ),
        // A fixed time in the skipped hour fires right after the gap.
        ("30 3 * * *", "2021-03-27T12:00:00Z", &["2021-03-28T04:00:00+03:00", "2021-03-29T03:30:00+03:00"]),
        // A fixed time in the repeated hour fires once.
        ("30 3 * * *", "2021-10-30T12:00:00Z", &["2021-10-31T03:30:00+03:00", "2021-11-01T03:30:00+02:00"]),
        // Several fixed times in the gap collapse into one run.
        ("15,45 3 * * *", "2021-03-27T12:00:00Z", &["2021-03-28T04:00:00+03:00", "2021-03-29T03:15:00+03:00"]),
        ("* * * * *", "2021-10-31T00:58:00Z", &["2021-10-31T03:59:00+03:00", "2021-10-31T03:00:00+02:00", "2021-10-31T03:01:00+02:00"]),
    ];
    for (expr, start, expected) in cases {
        assert_eq!(fires(expr, "Europe/Riga", start, expected.len()), expected.to_vec(), "{expr} after {start}");
    }
}

/// Australia/Lord_Howe moves by half an hour: 02:00 -> 02:30 on 2024-10-06 and 02:00 -> 01:30
/// on 2024-04-07.
#[test]
fn half_hour_dst_in_lord_howe() {
    let fixed = fires("15 2 * * *", "Australia/Lord_Howe", "2024-10-05T00:00:00Z", 2);
    assert_eq!(fixed, ["2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00"]);
    let repeated = fires("45 1 * * *", "Australia/Lord_Howe", "2024-04-06T00:00:00Z", 2);
    assert_eq!(repeated, ["2024-04-07T01:45:00+11:00", "2024-04-08T01:45:00+10:30"]);
}
