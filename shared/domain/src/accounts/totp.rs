//! Time-based one-time passwords (RFC 6238: HMAC-SHA-1, 30-second steps, six digits), as every
//! authenticator app speaks them. A code is accepted one step early or late, and never twice.

use data_encoding::BASE32_NOPAD;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha1::Sha1;
use std::fmt;

/// A user's TOTP secret and the last step a code was accepted for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totp {
    /// The shared secret, base32 (what the authenticator app is given).
    secret: String,
    /// The last time step a code was accepted for: a code is good once.
    last_step: Option<i64>,
}

impl fmt::Debug for Totp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Totp").field("secret", &"…").field("last_step", &self.last_step).finish()
    }
}

/// Why a code was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TotpError {
    /// Not six digits.
    #[error("a code is six digits")]
    Malformed,
    /// Wrong, too old, or already used.
    #[error("the code is not valid; check the time on your device and use the newest code")]
    Wrong,
}

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;

impl Totp {
    /// A secret from 20 random bytes (160 bits, as RFC 4226 recommends).
    pub fn from_random(bytes: [u8; 32]) -> Self {
        Self { secret: BASE32_NOPAD.encode(&bytes[..20]), last_step: None }
    }

    /// The secret an authenticator app was given (base32), for clients and tests that compute
    /// codes themselves; `None` if it is not base32.
    pub fn from_base32(secret: &str) -> Option<Self> {
        let secret = secret.trim().to_ascii_uppercase();
        BASE32_NOPAD.decode(secret.as_bytes()).ok().map(|_| Self { secret, last_step: None })
    }

    /// The secret in base32, for manual entry.
    pub fn secret_base32(&self) -> &str {
        &self.secret
    }

    /// The `otpauth://` URI an authenticator app reads (as a QR code or a link).
    pub fn provisioning_uri(&self, issuer: &str, account: &str) -> String {
        let label = url::form_urlencoded::byte_serialize(format!("{issuer}:{account}").as_bytes()).collect::<String>();
        let issuer_param = url::form_urlencoded::byte_serialize(issuer.as_bytes()).collect::<String>();
        format!("otpauth://totp/{label}?secret={}&issuer={issuer_param}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}", self.secret)
    }

    /// The code for time step `step`.
    fn code_at(&self, step: i64) -> Option<u32> {
        let key = BASE32_NOPAD.decode(self.secret.as_bytes()).ok()?;
        let mut mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let offset = (digest[19] & 0x0f) as usize;
        let binary = u32::from_be_bytes([digest[offset] & 0x7f, digest[offset + 1], digest[offset + 2], digest[offset + 3]]);
        Some(binary % 10u32.pow(DIGITS))
    }

    /// The code an app shows at `now` (for tests and the set-up page's check).
    pub fn code(&self, now: Timestamp) -> String {
        format!("{:06}", self.code_at(now.as_second().div_euclid(STEP_SECONDS)).unwrap_or(0))
    }

    /// Checks `code` at `now`; on success the secret remembers the step, so the same code is
    /// refused afterwards (store the returned value).
    pub fn verify(&self, code: &str, now: Timestamp) -> Result<Self, TotpError> {
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpError::Malformed);
        }
        let wanted: u32 = code.parse().map_err(|_| TotpError::Malformed)?;
        let now_step = now.as_second().div_euclid(STEP_SECONDS);
        for step in [now_step, now_step - 1, now_step + 1] {
            if self.last_step.is_some_and(|last| step <= last) {
                continue;
            }
            if self.code_at(step) == Some(wanted) {
                return Ok(Self { secret: self.secret.clone(), last_step: Some(step) });
            }
        }
        Err(TotpError::Wrong)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> Totp {
        Totp { secret: BASE32_NOPAD.encode(b"12345678901234567890"), last_step: None }
    }

    /// RFC 6238 appendix B (SHA-1), truncated to six digits.
    #[test]
    fn codes_match_the_rfc_vectors() {
        let vectors =
            [(59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"), (2_000_000_000, "279037")];
        for (seconds, code) in vectors {
            assert_eq!(rfc_secret().code(Timestamp::from_second(seconds).unwrap()), code, "{seconds}");
        }
    }

    #[test]
    fn a_code_is_good_once_and_one_step_either_side() {
        let now = Timestamp::from_second(1_234_567_890).unwrap();
        let totp = rfc_secret();
        let used = totp.verify("005 924", now).unwrap();
        assert_eq!(used.verify("005924", now), Err(TotpError::Wrong));
        let previous = totp.code(now - jiff::SignedDuration::from_secs(30));
        assert!(totp.verify(&previous, now).is_ok());
        let two_back = totp.code(now - jiff::SignedDuration::from_secs(60));
        assert_eq!(totp.verify(&two_back, now), Err(TotpError::Wrong));
        assert_eq!(totp.verify("12345", now), Err(TotpError::Malformed));
        assert_eq!(totp.verify("abcdef", now), Err(TotpError::Malformed));
        assert!(
            totp.provisioning_uri("Vigil", "ann@example.com")
                .starts_with("otpauth://totp/Vigil%3Aann%40example.com?secret=GEZDGNBVGY3TQOJQ")
        );
    }
}
