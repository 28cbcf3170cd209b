//! HTTPS: verification, the private-CA option, and certificate expiry.

use crate::basics::assert_ordered;
use crate::support::*;
use jiff::Timestamp;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose, date_time_ymd};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use vigil_domain::ports::Prober;
use vigil_domain::probe::TransportFailure;
use vigil_probe::{PolicyVetter, ProberConfig};

type Chain = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn params(names: &[&str], not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> CertificateParams {
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).expect("params");
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    params
}

fn key_der(key: &KeyPair) -> PrivateKeyDer<'static> {
    PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()))
}

fn self_signed(names: &[&str], not_after: (i32, u8, u8)) -> Chain {
    let key = KeyPair::generate().expect("key");
    let cert = params(names, (2024, 1, 1), not_after).self_signed(&key).expect("self-signed");
    (vec![cert.der().clone()], key_der(&key))
}

fn test_ca() -> CertifiedIssuer<'static, KeyPair> {
    let mut params = params(&[], (2020, 1, 1), (2040, 1, 1));
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.distinguished_name.push(DnType::CommonName, "Vigil Test CA");
    CertifiedIssuer::self_signed(params, KeyPair::generate().expect("key")).expect("CA")
}

fn issued_by(ca: &CertifiedIssuer<'static, KeyPair>, names: &[&str], not_before: (i32, u8, u8), not_after: (i32, u8, u8)) -> Chain {
    let key = KeyPair::generate().expect("key");
    let cert = params(names, not_before, not_after).signed_by(&key, &**ca).expect("issued");
    (vec![cert.der().clone()], key_der(&key))
}

fn trusting(ca: &CertifiedIssuer<'static, KeyPair>) -> ProberConfig {
    ProberConfig { extra_root_certificates_pem: Some(ca.pem().into_bytes()), ..ProberConfig::default() }
}

fn at(stamp: &str) -> Option<Timestamp> {
    Some(stamp.parse().expect("timestamp"))
}

async fn https_ok((chain, key): Chain) -> TestServer {
    https_server(chain, key, |_| async { reply(200, "secure") }).await
}

fn app_url(server: &TestServer) -> String {
    format!("https://app.test:{}/", server.addr.port())
}

#[tokio::test]
async fn a_self_signed_certificate_is_refused_when_verifying() {
    let server = https_ok(self_signed(&["app.test"], (2031, 1, 1))).await;
    let (failure, message, timings, expires) = unreachable(prober().probe(&get(&app_url(&server))).await);
    assert_eq!(failure, TransportFailure::Tls);
    assert_eq!(message, "certificate is not trusted: it is self-signed");
    assert_eq!(expires, at("2031-01-01T00:00:00Z"), "expiry is reported even though verification failed");
    assert!(timings.tls.is_some(), "{timings:?}");
    assert!(server.seen().is_empty(), "no request goes out over an untrusted connection");
}

#[tokio::test]
async fn a_self_signed_certificate_is_accepted_without_verification() {
    let server = https_ok(self_signed(&["app.test"], (2031, 1, 1))).await;
    let mut request = get(&app_url(&server));
    request.verify_tls = false;
    let (response, timings, _) = responded(prober().probe(&request).await);
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"secure");
    assert_eq!(response.certificate_expires_at, at("2031-01-01T00:00:00Z"));
    assert!(timings.dns.is_some() && timings.connect.is_some() && timings.tls.is_some() && timings.first_byte.is_some());
    assert_ordered(&timings);
}

#[tokio::test]
async fn a_private_ca_in_the_config_makes_its_certificates_verify() {
    let ca = test_ca();
    let server = https_ok(issued_by(&ca, &["app.test"], (2024, 1, 1), (2033, 6, 1))).await;
    let request = get(&app_url(&server));

    let with_ca = prober_with(trusting(&ca), names(), PolicyVetter);
    let (response, _, _) = responded(with_ca.probe(&request).await);
    assert_eq!(response.body, b"secure");
    assert_eq!(response.certificate_expires_at, at("2033-06-01T00:00:00Z"));

    let (failure, message, _, _) = unreachable(prober().probe(&request).await);
    assert_eq!(failure, TransportFailure::Tls);
    assert_eq!(message, "certificate is not trusted: it is not issued by a known certificate authority");
}

#[tokio::test]
async fn an_expired_certificate_is_refused_with_its_expiry() {
    let ca = test_ca();
    let server = https_ok(issued_by(&ca, &["app.test"], (2020, 1, 1), (2021, 1, 1))).await;
    let with_ca = prober_with(trusting(&ca), names(), PolicyVetter);
    let (failure, message, _, expires) = unreachable(with_ca.probe(&get(&app_url(&server))).await);
    assert_eq!(failure, TransportFailure::Tls);
    assert_eq!(message, "certificate expired on 2021-01-01T00:00:00Z");
    assert_eq!(expires, at("2021-01-01T00:00:00Z"));
}

#[tokio::test]
async fn a_certificate_for_another_name_is_a_mismatch() {
    let ca = test_ca();
    let server = https_ok(issued_by(&ca, &["other.test"], (2024, 1, 1), (2033, 1, 1))).await;
    let with_ca = prober_with(trusting(&ca), names(), PolicyVetter);
    let (failure, message, _, expires) = unreachable(with_ca.probe(&get(&app_url(&server))).await);
    assert_eq!(failure, TransportFailure::Tls);
    assert!(message.starts_with("certificate name mismatch: it is not valid for app.test"), "{message}");
    assert!(message.contains("other.test"), "{message}");
    assert_eq!(expires, at("2033-01-01T00:00:00Z"));
}

#[tokio::test]
async fn an_ip_literal_is_verified_against_ip_names() {
    let ca = test_ca();
    let server = https_ok(issued_by(&ca, &["127.0.0.1"], (2024, 1, 1), (2033, 1, 1))).await;
    let with_ca = prober_with(trusting(&ca), names(), PolicyVetter);
    let (response, timings, _) = responded(with_ca.probe(&get(&format!("https://127.0.0.1:{}/", server.addr.port()))).await);
    assert_eq!(response.status, 200);
    assert_eq!(timings.dns, None);
    assert!(timings.tls.is_some());
    assert_ordered(&timings);
}

#[tokio::test]
async fn https_to_a_plain_http_port_is_a_tls_failure() {
    let server = http_server(|_| async { reply(200, "plain") }).await;
    let (failure, message, _, expires) = unreachable(prober().probe(&get(&format!("https://127.0.0.1:{}/", server.addr.port()))).await);
    assert_eq!(failure, TransportFailure::Tls);
    assert!(message.starts_with("TLS handshake failed"), "{message}");
    assert_eq!(expires, None);
}
