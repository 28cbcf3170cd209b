use super::*;
use uuid::Uuid;

fn ids() -> (TenantId, MonitorId) {
    (TenantId::from_uuid(Uuid::from_u128(7)), MonitorId::from_uuid(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0042)))
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn base() -> CheckResult {
    let (tenant_id, monitor_id) = ids();
    let planned_at = at("2026-12-07T22:40:00.123Z");
    CheckResult {
        id: CheckId::for_planned_check(monitor_id, planned_at.as_millisecond()),
        tenant_id,
        monitor_id,
        planned_at,
        started_at: at("2026-12-07T22:40:00.125408713Z"),
        timings: Timings {
            dns: Some(Duration::from_micros(1_204)),
            connect: Some(Duration::from_micros(310)),
            tls: None,
            first_byte: Some(Duration::from_micros(8_911)),
            total: Duration::from_micros(10_503),
        },
        status_code: Some(200),
        response_bytes: Some(5_310),
        body_truncated: false,
        certificate_expires_at: None,
        remote_ip: Some("192.0.2.10".parse().unwrap()),
        outcome: CheckOutcome::Up,
    }
}

fn down(class: FailureClass, message: &str, assertion: Option<FailedAssertion>) -> CheckOutcome {
    CheckOutcome::Down { failure: CheckFailure { class, message: message.into(), assertion } }
}

/// Each case: a name, the result, and the most bytes it may take.
fn cases() -> Vec<(&'static str, CheckResult, usize)> {
    let https = CheckResult {
        timings: Timings { tls: Some(Duration::from_micros(22_000)), ..base().timings },
        certificate_expires_at: Some(at("2027-03-01T12:00:00Z")),
        remote_ip: Some("2001:db8::1".parse().unwrap()),
        body_truncated: true,
        ..base()
    };
    let assertion = FailedAssertion {
        index: 2,
        expression: "json.status == \"ok\"".into(),
        actual: "json.status == \"dégradé\" (attendu \"ok\")".into(),
    };
    let dns = CheckResult {
        timings: Timings { dns: Some(Duration::from_micros(5_000_000)), total: Duration::from_micros(5_000_120), ..Timings::default() },
        status_code: None,
        response_bytes: None,
        remote_ip: None,
        outcome: down(FailureClass::Dns, "no such host: example.invalid", None),
        ..base()
    };
    let early = CheckResult { started_at: at("2026-12-07T22:39:59.999999999Z"), ..base() };
    let manual = CheckResult {
        planned_at: at("2026-12-07T22:41:17.004560001Z"),
        started_at: at("2026-12-07T22:41:17.004560001Z"),
        id: CheckId::for_planned_check(ids().1, at("2026-12-07T22:41:17.004Z").as_millisecond()),
        ..base()
    };
    vec![
        ("an ordinary check over http", base(), 30),
        ("https, an IPv6 address, a truncated body", https, 56),
        ("a bad status", CheckResult { status_code: Some(503), outcome: down(FailureClass::BadStatus, "status 503", None), ..base() }, 45),
        (
            "a failed assertion, with accents",
            CheckResult { outcome: down(FailureClass::AssertionFailed, "assertion 3 failed", Some(assertion)), ..base() },
            130,
        ),
        ("a name that did not resolve", dns, 60),
        ("a probe error", CheckResult { outcome: CheckOutcome::Error { message: "the prober ran out of sockets".into() }, ..base() }, 60),
        ("started a moment before its plan", early, 34),
        ("a manual check, planned to the nanosecond", manual, 34),
    ]
}

#[test]
fn a_result_reads_back_whole_in_a_tenth_of_its_json() {
    let (tenant, monitor) = ids();
    for (name, result, most) in cases() {
        let bytes = encode(&result);
        assert_eq!(decode(&bytes, tenant, monitor).as_ref(), Ok(&result), "{name}");
        assert!(bytes.len() <= most, "{name}: {} bytes, more than {most}", bytes.len());
        let json = serde_json::to_string(&result).unwrap();
        assert!(bytes.len() * 3 < json.len(), "{name}: {} bytes against {} of JSON", bytes.len(), json.len());
    }
    let ordinary = serde_json::to_string(&base()).unwrap().len();
    assert!(encode(&base()).len() * 10 <= ordinary, "{} bytes against {ordinary} of JSON", encode(&base()).len());
}

#[test]
fn timings_keep_what_the_json_form_keeps() {
    let (tenant, monitor) = ids();
    let mut result = base();
    result.timings.total = Duration::from_nanos(10_503_999);
    let through_json: CheckResult = serde_json::from_str(&serde_json::to_string(&result).unwrap()).unwrap();
    assert_eq!(decode(&encode(&result), tenant, monitor), Ok(through_json));
}

#[test]
fn the_ids_come_from_the_store_and_the_plan() {
    let (tenant, monitor) = ids();
    let other = MonitorId::from_uuid(Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0099));
    let read = decode(&encode(&base()), tenant, other).unwrap();
    assert_eq!((read.tenant_id, read.monitor_id), (tenant, other));
    assert_eq!(read.id, CheckId::for_planned_check(other, base().planned_at.as_millisecond()));
    assert_eq!(decode(&encode(&base()), tenant, monitor).unwrap().id, base().id);
}

#[test]
fn damaged_bytes_are_refused_with_what_is_wrong() {
    let (tenant, monitor) = ids();
    let failing = cases().into_iter().find(|(name, ..)| name.starts_with("a failed assertion")).unwrap().1;
    let bytes = encode(&failing);
    for cut in 0..bytes.len() {
        assert!(decode(&bytes[..cut], tenant, monitor).is_err(), "cut at {cut} of {}", bytes.len());
    }
    let reason = |bytes: &[u8]| decode(bytes, tenant, monitor).unwrap_err().to_string();
    let mut later = bytes.clone();
    later[0] = 2;
    assert_eq!(reason(&later), "a stored check result is not readable: unknown version");
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(reason(&longer), "a stored check result is not readable: bytes left over");
    let mut outcome = encode(&base());
    outcome[2] |= OUTCOME_MASK;
    assert_eq!(reason(&outcome), "a stored check result is not readable: unknown outcome");
    let mut address = encode(&base());
    address[2] |= IP_MASK;
    assert_eq!(reason(&address), "a stored check result is not readable: unknown address kind");
}
