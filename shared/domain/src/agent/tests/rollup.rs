use super::{at, cpu_at};
use crate::agent::metric::MetricKey;
use crate::agent::rollup::*;
use crate::agent::sample::HostSample;
use jiff::Timestamp;

fn cpu() -> MetricKey {
    MetricKey::parse("cpu.percent").unwrap()
}

#[test]
fn buckets_are_aligned_on_utc_minutes_and_hours() {
    let t = |s: &str| s.parse::<Timestamp>().unwrap();
    let cases = [
        (Resolution::Minute, "2027-01-15T08:00:00Z", "2027-01-15T08:00:00Z"),
        (Resolution::Minute, "2027-01-15T08:00:59.999Z", "2027-01-15T08:00:00Z"),
        (Resolution::Minute, "2027-01-15T08:01:00Z", "2027-01-15T08:01:00Z"),
        (Resolution::Hour, "2027-01-15T08:59:59Z", "2027-01-15T08:00:00Z"),
        (Resolution::Hour, "2027-01-15T09:00:00Z", "2027-01-15T09:00:00Z"),
        (Resolution::Hour, "1969-12-31T23:30:00Z", "1969-12-31T23:00:00Z"),
    ];
    for (resolution, at, start) in cases {
        assert_eq!(resolution.bucket_start(t(at)), t(start), "{resolution:?} {at}");
    }
}

/// Every 10 s over `minutes` minutes from a whole hour, CPU a whole number so that sums are
/// exact in any order.
fn series(minutes: i64) -> Vec<HostSample> {
    let hour = Resolution::Hour.bucket_start(at(0)).as_second() - at(0).as_second();
    (0..minutes * 6).map(|i| cpu_at(hour + i * 10, (i % 7) as f64 * 10.0)).collect()
}

#[test]
fn a_minute_sums_up_its_samples() {
    let samples = series(3);
    let minutes = roll_up(&samples, Resolution::Minute);
    assert_eq!(minutes.len(), 3);
    let first = &minutes[0].metrics[&cpu()];
    // CPU over the first minute: 0, 10, 20, 30, 40, 50.
    assert_eq!((first.count, first.sum, first.min, first.max, first.last), (6, 150.0, 0.0, 50.0, 50.0));
    assert_eq!(first.mean(), 25.0);
    assert_eq!(first.last_at, samples[5].at);
    assert_eq!(minutes[1].start, minutes[0].start + Resolution::Minute.length());
    assert!(minutes[0].metrics.contains_key(&MetricKey::parse("disk.used_percent[/]").unwrap()), "every metric is rolled up");
}

#[test]
fn minutes_fold_into_the_hour_they_make() {
    let samples = series(120);
    let hours = roll_up(&samples, Resolution::Hour);
    let from_minutes = coarsen(&roll_up(&samples, Resolution::Minute), Resolution::Hour);
    assert_eq!(hours.len(), 2);
    assert_eq!(from_minutes, hours);
}

#[test]
fn batches_rolled_apart_merge_to_the_same_rollup_in_any_order() {
    let samples = series(1);
    let whole = roll_up(&samples, Resolution::Minute).remove(0);
    let (a, b) = samples.split_at(2);
    let (ra, rb) = (roll_up(a, Resolution::Minute).remove(0), roll_up(b, Resolution::Minute).remove(0));
    let mut ab = ra.clone();
    assert!(ab.merge(&rb));
    let mut ba = rb.clone();
    assert!(ba.merge(&ra));
    assert_eq!(ab, whole);
    assert_eq!(ba, whole);
}

#[test]
fn a_rollup_refuses_what_is_not_within_its_bucket() {
    let samples = series(2);
    let minutes = roll_up(&samples, Resolution::Minute);
    let mut first = minutes[0].clone();
    assert!(!first.merge(&minutes[1]), "another minute");
    assert_eq!(first, minutes[0], "unchanged");
    let hour = roll_up(&samples, Resolution::Hour).remove(0);
    assert!(!first.merge(&hour), "an hour into a minute");
    let mut hour_again = hour.clone();
    assert!(hour_again.merge(&minutes[0]), "a minute into its hour");
}

#[test]
fn ties_of_the_latest_time_keep_the_same_value_whatever_the_order() {
    let (a, b) = (MetricSummary::of(1.0, at(5)), MetricSummary::of(2.0, at(5)));
    let mut ab = a;
    ab.merge(&b);
    let mut ba = b;
    ba.merge(&a);
    assert_eq!(ab, ba);
    assert_eq!(ab.last, 2.0);
}

#[test]
fn rollups_serialize_with_metric_keys_as_text() {
    let rollup = roll_up(&series(1), Resolution::Minute).remove(0);
    let json = serde_json::to_value(&rollup).unwrap();
    assert_eq!(json["resolution"], "minute");
    assert_eq!(json["metrics"]["disk.used_percent[/]"]["count"], 6);
    assert_eq!(serde_json::from_value::<Rollup>(json).unwrap(), rollup);
}
