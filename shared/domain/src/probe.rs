//! The contract between a check and the engine that performs it: what to request
//! ([`ProbeRequest`]), what came back ([`ProbeReport`]), and which addresses may be reached
//! ([`NetworkPolicy`]).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;
use url::Url;

use crate::monitor::HttpMethod;

/// One HTTP request to perform, with everything the engine needs to judge transport.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeRequest {
    /// Where to send it (http or https).
    pub url: Url,
    /// The method.
    pub method: HttpMethod,
    /// Extra request headers.
    pub headers: Vec<(String, String)>,
    /// Optional request body.
    pub body: Option<String>,
    /// The whole check, redirects and body included, ends after this.
    pub timeout: Duration,
    /// Follow 3xx responses with a Location (at most [`ProbeRequest::MAX_REDIRECTS`] hops).
    pub follow_redirects: bool,
    /// Refuse certificates that do not verify.
    pub verify_tls: bool,
    /// The most body bytes read and kept; the rest is not read.
    pub body_cap: usize,
    /// Which addresses may be connected to.
    pub network_policy: NetworkPolicy,
}

impl ProbeRequest {
    /// The most redirect hops followed.
    pub const MAX_REDIRECTS: u8 = 10;
    /// The default body cap: 1 MiB.
    pub const DEFAULT_BODY_CAP: usize = 1024 * 1024;

    /// A plain GET of `url` under `network_policy`, with the defaults of a new monitor: five
    /// seconds, redirects followed, TLS verified, the default body cap.
    pub fn get(url: Url, network_policy: NetworkPolicy) -> Self {
        ProbeRequest {
            url,
            method: HttpMethod::Get,
            headers: Vec::new(),
            body: None,
            timeout: Duration::from_secs(5),
            follow_redirects: true,
            verify_tls: true,
            body_cap: Self::DEFAULT_BODY_CAP,
            network_policy,
        }
    }
}

/// How long each phase of a check took, as far as the engine could observe it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    /// Name resolution (absent for an IP literal).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_micros")]
    pub dns: Option<Duration>,
    /// TCP connect.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_micros")]
    pub connect: Option<Duration>,
    /// TLS handshake (https only).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_micros")]
    pub tls: Option<Duration>,
    /// From sending the request to the response head.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_micros")]
    pub first_byte: Option<Duration>,
    /// The whole check, from start to the last body byte read (or the failure).
    #[serde(with = "micros")]
    pub total: Duration,
}

mod micros {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_micros() as u64)
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_micros)
    }
}

mod opt_micros {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&(d.as_micros() as u64)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_micros))
    }
}

/// What the target answered, as assertions see it.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseObservation {
    /// When the response was observed (certificate expiry is measured from here).
    pub observed_at: Timestamp,
    /// HTTP status of the final response.
    pub status: u16,
    /// Response headers of the final response, names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body, up to the cap.
    pub body: Vec<u8>,
    /// Whether the body went on past the cap (it was not read further).
    pub body_truncated: bool,
    /// Total time of the check.
    pub response_time: Duration,
    /// Expiry of the leaf certificate, for https.
    pub certificate_expires_at: Option<Timestamp>,
    /// The address finally connected to.
    pub remote_ip: Option<IpAddr>,
}

impl ResponseObservation {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a request did not produce a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportFailure {
    /// The name did not resolve.
    Dns,
    /// The target actively refused the connection.
    ConnectionRefused,
    /// The connection failed otherwise (unreachable, reset).
    Connect,
    /// The check ran past its timeout.
    Timeout,
    /// The TLS handshake or certificate verification failed.
    Tls,
    /// The address is not allowed by the network policy.
    Blocked,
    /// The target broke the HTTP protocol (malformed response, bad redirect).
    Protocol,
}

/// The outcome of one probe.
#[derive(Clone, Debug, PartialEq)]
pub enum ProbeReport {
    /// A response came back (any status).
    Responded {
        /// The final response.
        response: ResponseObservation,
        /// Phase timings (of the last hop when redirects were followed; `total` covers all).
        timings: Timings,
        /// Redirect hops followed.
        redirects: u8,
    },
    /// The target could not be reached or did not answer properly.
    Unreachable {
        /// Class of failure.
        failure: TransportFailure,
        /// Human-readable detail.
        message: String,
        /// Timings up to the failure.
        timings: Timings,
        /// Certificate expiry if the handshake got that far.
        certificate_expires_at: Option<Timestamp>,
    },
    /// The probe itself failed (the prober's own resources or configuration), which says
    /// nothing about the target.
    ProbeError {
        /// Human-readable detail.
        message: String,
    },
}

/// Which addresses a check may connect to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkPolicy {
    /// Any address: private networks, loopback and link-local included (self-hosted default,
    /// where people watch their LAN).
    AllowPrivate,
    /// Public unicast addresses only (the multi-tenant default): private, loopback,
    /// link-local, CGNAT, cloud metadata and reserved ranges are refused.
    PublicOnly,
}

impl NetworkPolicy {
    /// Whether `ip` may be connected to; if not, the class that forbids it.
    pub fn vet(self, ip: IpAddr) -> Result<(), AddressClass> {
        match (self, AddressClass::of(ip)) {
            (NetworkPolicy::AllowPrivate, _) | (_, AddressClass::Public) => Ok(()),
            (NetworkPolicy::PublicOnly, class) => Err(class),
        }
    }

    /// Parses `allow_private` / `public_only` (also `allow` / `deny`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allow_private" | "allow" => Some(NetworkPolicy::AllowPrivate),
            "public_only" | "deny" => Some(NetworkPolicy::PublicOnly),
            _ => None,
        }
    }
}

/// The kind of network an address belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// Globally routable unicast.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// RFC 1918 and IPv6 unique-local.
    Private,
    /// 169.254.0.0/16, fe80::/10.
    LinkLocal,
    /// 100.64.0.0/10 carrier-grade NAT.
    SharedCgnat,
    /// Instance metadata endpoints of cloud providers.
    CloudMetadata,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// Multicast and broadcast.
    Multicast,
    /// Documentation, benchmarking and reserved ranges.
    Reserved,
}

impl AddressClass {
    /// Classifies an address, looking through IPv4-mapped, NAT64 and 6to4 IPv6 forms so that
    /// `::ffff:127.0.0.1` is loopback.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self::of_v4(v4),
            IpAddr::V6(v6) => match embedded_v4(v6) {
                Some(v4) => Self::of_v4(v4),
                None => Self::of_v6(v6),
            },
        }
    }

    fn of_v4(ip: Ipv4Addr) -> Self {
        let [a, b, c, _] = ip.octets();
        match (a, b, c) {
            _ if ip == Ipv4Addr::new(169, 254, 169, 254) || ip == Ipv4Addr::new(169, 254, 170, 2) => AddressClass::CloudMetadata,
            _ if ip == Ipv4Addr::new(100, 100, 100, 200) => AddressClass::CloudMetadata,
            (0, _, _) => AddressClass::Unspecified,
            (127, _, _) => AddressClass::Loopback,
            (10, _, _) | (192, 168, _) => AddressClass::Private,
            (172, b, _) if (16..32).contains(&b) => AddressClass::Private,
            (169, 254, _) => AddressClass::LinkLocal,
            (100, b, _) if (64..128).contains(&b) => AddressClass::SharedCgnat,
            (224..=239, _, _) | (255, 255, 255) => AddressClass::Multicast,
            (240..=255, _, _) => AddressClass::Reserved,
            (192, 0, 0) | (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => AddressClass::Reserved,
            (198, 18 | 19, _) => AddressClass::Reserved,
            _ => AddressClass::Public,
        }
    }

    fn of_v6(ip: Ipv6Addr) -> Self {
        let segments = ip.segments();
        if ip.is_unspecified() {
            AddressClass::Unspecified
        } else if ip.is_loopback() {
            AddressClass::Loopback
        } else if segments[0] == 0xfd00 && segments[1] == 0x0ec2 && ip.segments()[2..7] == [0; 5] && segments[7] == 0x254 {
            AddressClass::CloudMetadata
        } else if segments[0] & 0xfe00 == 0xfc00 {
            AddressClass::Private
        } else if segments[0] & 0xffc0 == 0xfe80 {
            AddressClass::LinkLocal
        } else if segments[0] & 0xff00 == 0xff00 {
            AddressClass::Multicast
        } else if segments[0] == 0x2001 && segments[1] == 0x0db8 {
            AddressClass::Reserved
        } else if segments[0] & 0xe000 == 0x2000 {
            AddressClass::Public
        } else {
            // Outside 2000::/3 nothing is assigned for global unicast.
            AddressClass::Reserved
        }
    }
}

/// The IPv4 address carried inside IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96),
/// NAT64 (64:ff9b::/96) and 6to4 (2002::/16) addresses.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = |hi: u16, lo: u16| Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0; 6] && !ip.is_loopback() && !ip.is_unspecified() {
        return Some(tail(s[6], s[7]));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4] {
        return Some(tail(s[6], s[7]));
    }
    if s[0] == 0x2002 {
        return Some(tail(s[1], s[2]));
    }
    None
}

impl AddressClass {
    /// The class as a noun phrase with its article: "a loopback address", "an unspecified
    /// address".
    pub fn an_address(self) -> String {
        let article = if matches!(self, AddressClass::Unspecified) { "an" } else { "a" };
        format!("{article} {self} address")
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Private => "private",
            AddressClass::LinkLocal => "link-local",
            AddressClass::SharedCgnat => "carrier-grade NAT",
            AddressClass::CloudMetadata => "cloud metadata",
            AddressClass::Unspecified => "unspecified",
            AddressClass::Multicast => "multicast or broadcast",
            AddressClass::Reserved => "reserved",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_classes() {
        let cases = [
            ("8.8.8.8", AddressClass::Public),
            ("1.1.1.1", AddressClass::Public),
            ("127.0.0.1", AddressClass::Loopback),
            ("127.8.9.1", AddressClass::Loopback),
            ("10.1.2.3", AddressClass::Private),
            ("172.16.0.1", AddressClass::Private),
            ("172.31.255.255", AddressClass::Private),
            ("172.32.0.1", AddressClass::Public),
            ("192.168.1.1", AddressClass::Private),
            ("169.254.1.1", AddressClass::LinkLocal),
            ("169.254.169.254", AddressClass::CloudMetadata),
            ("169.254.170.2", AddressClass::CloudMetadata),
            ("100.64.0.1", AddressClass::SharedCgnat),
            ("100.127.255.255", AddressClass::SharedCgnat),
            ("100.128.0.1", AddressClass::Public),
            ("0.0.0.0", AddressClass::Unspecified),
            ("224.0.0.1", AddressClass::Multicast),
            ("255.255.255.255", AddressClass::Multicast),
            ("240.0.0.1", AddressClass::Reserved),
            ("198.18.0.1", AddressClass::Reserved),
            ("192.0.2.1", AddressClass::Reserved),
            ("::1", AddressClass::Loopback),
            ("::", AddressClass::Unspecified),
            ("fe80::1", AddressClass::LinkLocal),
            ("fd12:3456::1", AddressClass::Private),
            ("fd00:ec2::254", AddressClass::CloudMetadata),
            ("ff02::1", AddressClass::Multicast),
            ("2606:4700:4700::1111", AddressClass::Public),
            ("2001:db8::1", AddressClass::Reserved),
            ("::ffff:127.0.0.1", AddressClass::Loopback),
            ("::ffff:169.254.169.254", AddressClass::CloudMetadata),
            ("::ffff:8.8.8.8", AddressClass::Public),
            ("::127.0.0.1", AddressClass::Loopback),
            ("64:ff9b::10.0.0.1", AddressClass::Private),
            ("2002:c0a8:0101::1", AddressClass::Private),
        ];
        for (ip, class) in cases {
            assert_eq!(AddressClass::of(ip.parse().unwrap()), class, "{ip}");
        }
    }

    #[test]
    fn policies() {
        let lan: IpAddr = "192.168.1.10".parse().unwrap();
        let public: IpAddr = "93.184.216.34".parse().unwrap();
        assert_eq!(NetworkPolicy::AllowPrivate.vet(lan), Ok(()));
        assert_eq!(NetworkPolicy::PublicOnly.vet(lan), Err(AddressClass::Private));
        assert_eq!(NetworkPolicy::PublicOnly.vet(public), Ok(()));
        assert_eq!(NetworkPolicy::parse("deny"), Some(NetworkPolicy::PublicOnly));
        assert_eq!(NetworkPolicy::parse("ALLOW_PRIVATE"), Some(NetworkPolicy::AllowPrivate));
        assert_eq!(NetworkPolicy::parse("maybe"), None);
    }
}
