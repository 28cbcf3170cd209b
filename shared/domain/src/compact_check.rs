//! A check result in the fewest bytes a store can keep it in, without its ids (a store's key
//! carries them).
//!
//! A store that is billed by the byte keeps results this way: DynamoDB charges storage per
//! byte-month and reads per 4 KB, and the JSON form of an ordinary result is about 300 bytes
//! without its ids, this one about 30. Numbers are LEB128 varints, zigzag-coded where they may be negative;
//! times are kept to the nanosecond and timings to the microsecond, as the JSON form keeps them,
//! so a result reads back equal to what its JSON would.

use crate::check::{CheckFailure, CheckOutcome, CheckResult, FailedAssertion, FailureClass};
use crate::ids::{CheckId, MonitorId, TenantId};
use crate::probe::Timings;
use crate::varint::{Reader, put_varint, unzigzag, zigzag};
use jiff::Timestamp;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

const FORMAT_VERSION: u8 = 1;

// What is present: one bit each, in the first flags byte.
const DNS: u8 = 1;
const CONNECT: u8 = 1 << 1;
const TLS: u8 = 1 << 2;
const FIRST_BYTE: u8 = 1 << 3;
const STATUS_CODE: u8 = 1 << 4;
const RESPONSE_BYTES: u8 = 1 << 5;
const CERTIFICATE: u8 = 1 << 6;
const TRUNCATED: u8 = 1 << 7;

// The second flags byte: the outcome in the low two bits, then the address's kind, then
// whether a failure names an assertion.
const OUTCOME_MASK: u8 = 0b11;
const UP: u8 = 0;
const DOWN: u8 = 1;
const ERROR: u8 = 2;
const IP_MASK: u8 = 0b1100;
const IPV4: u8 = 1 << 2;
const IPV6: u8 = 2 << 2;
const ASSERTION: u8 = 1 << 4;

const NANOS_PER_MS: i128 = 1_000_000;
const NANOS_PER_S: i128 = 1_000_000_000;

/// A compact result that cannot be read back.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a stored check result is not readable: {0}")]
pub struct CompactCheckError(&'static str);

impl From<&'static str> for CompactCheckError {
    fn from(what: &'static str) -> Self {
        Self(what)
    }
}

/// The bytes of `result`, without its id, tenant and monitor.
pub fn encode(result: &CheckResult) -> Vec<u8> {
    let t = &result.timings;
    let optional_timings = [(t.dns, DNS), (t.connect, CONNECT), (t.tls, TLS), (t.first_byte, FIRST_BYTE)];
    let mut presence = 0;
    for (timing, bit) in optional_timings {
        presence |= if timing.is_some() { bit } else { 0 };
    }
    presence |= if result.status_code.is_some() { STATUS_CODE } else { 0 };
    presence |= if result.response_bytes.is_some() { RESPONSE_BYTES } else { 0 };
    presence |= if result.certificate_expires_at.is_some() { CERTIFICATE } else { 0 };
    presence |= if result.body_truncated { TRUNCATED } else { 0 };
    let mut kind = match &result.outcome {
        CheckOutcome::Up => UP,
        CheckOutcome::Down { failure } => DOWN | if failure.assertion.is_some() { ASSERTION } else { 0 },
        CheckOutcome::Error { .. } => ERROR,
    };
    kind |= match result.remote_ip {
        None => 0,
        Some(IpAddr::V4(_)) => IPV4,
        Some(IpAddr::V6(_)) => IPV6,
    };

    let mut out = Vec::with_capacity(32);
    out.extend([FORMAT_VERSION, presence, kind]);
    // The start is kept as its difference from the plan in milliseconds: a few bytes, not six.
    let (planned_ms, planned_sub) = split_ms(result.planned_at);
    let (started_ms, started_sub) = split_ms(result.started_at);
    put_varint(&mut out, zigzag(planned_ms));
    put_varint(&mut out, planned_sub);
    put_varint(&mut out, zigzag(started_ms - planned_ms));
    put_varint(&mut out, started_sub);
    for (timing, _) in optional_timings {
        if let Some(timing) = timing {
            put_varint(&mut out, micros(timing));
        }
    }
    put_varint(&mut out, micros(t.total));
    if let Some(code) = result.status_code {
        put_varint(&mut out, u64::from(code));
    }
    if let Some(bytes) = result.response_bytes {
        put_varint(&mut out, bytes);
    }
    if let Some(expiry) = result.certificate_expires_at {
        let nanos = expiry.as_nanosecond();
        put_varint(&mut out, zigzag(nanos.div_euclid(NANOS_PER_S) as i64));
        put_varint(&mut out, nanos.rem_euclid(NANOS_PER_S) as u64);
    }
    match result.remote_ip {
        Some(IpAddr::V4(ip)) => out.extend(ip.octets()),
        Some(IpAddr::V6(ip)) => out.extend(ip.octets()),
        None => {}
    }
    match &result.outcome {
        CheckOutcome::Up => {}
        CheckOutcome::Down { failure } => {
            out.push(failure_code(failure.class));
            put_text(&mut out, &failure.message);
            if let Some(assertion) = &failure.assertion {
                put_varint(&mut out, assertion.index as u64);
                put_text(&mut out, &assertion.expression);
                put_text(&mut out, &assertion.actual);
            }
        }
        CheckOutcome::Error { message } => put_text(&mut out, message),
    }
    out
}

/// The result [`encode`] wrote, given the ids its store keeps beside it. Its id is the one
/// derived from the monitor and the planned time, as every stored check's is.
pub fn decode(bytes: &[u8], tenant_id: TenantId, monitor_id: MonitorId) -> Result<CheckResult, CompactCheckError> {
    let mut reader = Reader(bytes);
    let [version, presence, kind] = reader.take::<3>()?;
    if version != FORMAT_VERSION {
        return Err(CompactCheckError("unknown version"));
    }
    let planned_ms = unzigzag(reader.varint()?);
    let planned_at = join_ms(planned_ms, reader.varint()?)?;
    let started_ms = planned_ms.checked_add(unzigzag(reader.varint()?)).ok_or("time out of range")?;
    let started_at = join_ms(started_ms, reader.varint()?)?;
    let mut timing = |bit: u8| -> Result<Option<Duration>, CompactCheckError> {
        Ok(if presence & bit != 0 { Some(Duration::from_micros(reader.varint()?)) } else { None })
    };
    let (dns, connect, tls, first_byte) = (timing(DNS)?, timing(CONNECT)?, timing(TLS)?, timing(FIRST_BYTE)?);
    let timings = Timings { dns, connect, tls, first_byte, total: Duration::from_micros(reader.varint()?) };
    let status_code = match presence & STATUS_CODE {
        0 => None,
        _ => Some(u16::try_from(reader.varint()?).map_err(|_| "status code out of range")?),
    };
    let response_bytes = if presence & RESPONSE_BYTES != 0 { Some(reader.varint()?) } else { None };
    let certificate_expires_at = match presence & CERTIFICATE {
        0 => None,
        _ => {
            let seconds = i128::from(unzigzag(reader.varint()?));
            let nanos = i128::from(reader.varint()?);
            if nanos >= NANOS_PER_S {
                return Err(CompactCheckError("time out of range"));
            }
            Some(Timestamp::from_nanosecond(seconds * NANOS_PER_S + nanos).map_err(|_| "time out of range")?)
        }
    };
    let remote_ip = match kind & IP_MASK {
        0 => None,
        IPV4 => Some(IpAddr::V4(Ipv4Addr::from(reader.take::<4>()?))),
        IPV6 => Some(IpAddr::V6(Ipv6Addr::from(reader.take::<16>()?))),
        _ => return Err(CompactCheckError("unknown address kind")),
    };
    let outcome = match kind & OUTCOME_MASK {
        UP => CheckOutcome::Up,
        DOWN => {
            let class = *FailureClass::ALL.get(usize::from(reader.take::<1>()?[0])).ok_or("unknown failure class")?;
            let message = text(&mut reader)?;
            let assertion = match kind & ASSERTION {
                0 => None,
                _ => Some(FailedAssertion {
                    index: usize::try_from(reader.varint()?).map_err(|_| "assertion index out of range")?,
                    expression: text(&mut reader)?,
                    actual: text(&mut reader)?,
                }),
            };
            CheckOutcome::Down { failure: CheckFailure { class, message, assertion } }
        }
        ERROR => CheckOutcome::Error { message: text(&mut reader)? },
        _ => return Err(CompactCheckError("unknown outcome")),
    };
    if !reader.is_done() {
        return Err(CompactCheckError("bytes left over"));
    }
    Ok(CheckResult {
        id: CheckId::for_planned_check(monitor_id, planned_at.as_millisecond()),
        tenant_id,
        monitor_id,
        planned_at,
        started_at,
        timings,
        status_code,
        response_bytes,
        body_truncated: presence & TRUNCATED != 0,
        certificate_expires_at,
        remote_ip,
        outcome,
    })
}

/// Whole milliseconds since the epoch and the nanoseconds past them.
fn split_ms(at: Timestamp) -> (i64, u64) {
    let nanos = at.as_nanosecond();
    (nanos.div_euclid(NANOS_PER_MS) as i64, nanos.rem_euclid(NANOS_PER_MS) as u64)
}

fn join_ms(ms: i64, sub: u64) -> Result<Timestamp, CompactCheckError> {
    if i128::from(sub) >= NANOS_PER_MS {
        return Err(CompactCheckError("time out of range"));
    }
    Timestamp::from_nanosecond(i128::from(ms) * NANOS_PER_MS + i128::from(sub)).map_err(|_| CompactCheckError("time out of range"))
}

/// Microseconds, as the JSON form keeps timings.
fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_micros()).unwrap_or(u64::MAX)
}

fn failure_code(class: FailureClass) -> u8 {
    FailureClass::ALL.iter().position(|c| *c == class).unwrap_or_default() as u8
}

fn put_text(out: &mut Vec<u8>, text: &str) {
    put_varint(out, text.len() as u64);
    out.extend(text.as_bytes());
}

fn text(reader: &mut Reader<'_>) -> Result<String, CompactCheckError> {
    let length = reader.varint()?;
    let bytes = reader.bytes(length)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| CompactCheckError("text is not UTF-8"))
}

#[cfg(test)]
mod tests;
