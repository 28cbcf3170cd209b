//! Standard Webhooks signatures (<https://www.standardwebhooks.com>): HMAC-SHA256 over
//! `{webhook-id}.{webhook-timestamp}.{payload}` with the channel's secret, sent as
//! `webhook-signature: v1,<base64>`.

use super::channel::SigningSecret;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The signature header value of a message.
pub fn sign(secret: &SigningSecret, message_id: &str, timestamp_seconds: i64, payload: &[u8]) -> String {
    format!("v1,{}", STANDARD.encode(mac(secret, message_id, timestamp_seconds, payload)))
}

fn mac(secret: &SigningSecret, message_id: &str, timestamp_seconds: i64, payload: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.key()).expect("HMAC takes keys of any size");
    mac.update(message_id.as_bytes());
    mac.update(b".");
    mac.update(timestamp_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    mac.finalize().into_bytes().to_vec()
}

/// Why a signature was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The timestamp is too far from now (a replay, or a wrong clock).
    #[error("the timestamp is outside the tolerance")]
    Stale,
    /// No `v1` signature in the header matches.
    #[error("no signature matches")]
    Mismatch,
}

/// Verifies a `webhook-signature` header (space-separated `v1,<base64>` entries, any of which
/// may match, so that secrets can be rotated) as a receiver does, with a timestamp tolerance.
pub fn verify(
    secret: &SigningSecret,
    message_id: &str,
    timestamp_seconds: i64,
    payload: &[u8],
    header: &str,
    now_seconds: i64,
    tolerance_seconds: i64,
) -> Result<(), SignatureError> {
    if (now_seconds - timestamp_seconds).abs() > tolerance_seconds {
        return Err(SignatureError::Stale);
    }
    let mut checker = Hmac::<Sha256>::new_from_slice(secret.key()).expect("HMAC takes keys of any size");
    checker.update(message_id.as_bytes());
    checker.update(b".");
    checker.update(timestamp_seconds.to_string().as_bytes());
    checker.update(b".");
    checker.update(payload);
    let found = header
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| STANDARD.decode(encoded).ok())
        // `verify_slice` compares in constant time.
        .any(|candidate| checker.clone().verify_slice(&candidate).is_ok());
    if found { Ok(()) } else { Err(SignatureError::Mismatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the specification's reference libraries.
    #[test]
    fn the_reference_example_signs_and_verifies() {
        let secret = SigningSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let (id, ts, payload) = ("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, br#"{"test": 2432232314}"#);
        let signature = sign(&secret, id, ts, payload);
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(verify(&secret, id, ts, payload, &signature, ts + 10, 300), Ok(()));
    }

    #[test]
    fn verification_table() {
        let secret = SigningSecret::from_random([3; 32]);
        let other = SigningSecret::from_random([4; 32]);
        let good = sign(&secret, "msg_1", 1000, b"{}");
        let rotated = format!("{} {}", sign(&other, "msg_1", 1000, b"{}"), good);
        let cases = [
            ("good", good.as_str(), "msg_1", 1000, &b"{}"[..], 1000, Ok(())),
            ("rotated secrets: any entry may match", rotated.as_str(), "msg_1", 1000, b"{}", 1000, Ok(())),
            ("tampered payload", good.as_str(), "msg_1", 1000, b"{ }", 1000, Err(SignatureError::Mismatch)),
            ("other id", good.as_str(), "msg_2", 1000, b"{}", 1000, Err(SignatureError::Mismatch)),
            ("other timestamp", good.as_str(), "msg_1", 1001, b"{}", 1001, Err(SignatureError::Mismatch)),
            ("replayed late", good.as_str(), "msg_1", 1000, b"{}", 1400, Err(SignatureError::Stale)),
            ("garbage", "v1,!!!", "msg_1", 1000, b"{}", 1000, Err(SignatureError::Mismatch)),
        ];
        for (name, header, id, ts, payload, now, expected) in cases {
            assert_eq!(verify(&secret, id, ts, payload, header, now, 300), expected, "{name}");
        }
    }
}
