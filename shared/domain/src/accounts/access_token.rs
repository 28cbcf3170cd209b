//! Short-lived access tokens for API clients: a JWT (RFC 7519) signed with HMAC-SHA-256
//! (`HS256`), the one algorithm accepted. The signing key is a server secret; the token is
//! checked without a store read, which is why it lives only fifteen minutes.

use crate::ids::{RefreshFamilyId, TenantId, UserId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// What an access token says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer: always `vigil`.
    pub iss: String,
    /// The user.
    pub sub: UserId,
    /// The organisation it acts in.
    pub org: TenantId,
    /// The refresh family it came from (revoking the family stops refreshes).
    pub fam: RefreshFamilyId,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expires at, Unix seconds.
    pub exp: i64,
}

/// Why a token was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessTokenError {
    /// Not three base64url parts of JSON.
    #[error("the access token is malformed")]
    Malformed,
    /// Another algorithm than HS256 (`none` included).
    #[error("the access token's algorithm is not accepted")]
    Algorithm,
    /// The signature does not verify.
    #[error("the access token's signature is not valid")]
    Signature,
    /// Past its expiry.
    #[error("the access token has expired; get a new one with the refresh token")]
    Expired,
}

#[derive(Serialize, Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
}

impl AccessClaims {
    /// How long an access token works.
    pub const LIFETIME: SignedDuration = SignedDuration::from_mins(15);

    /// Claims for `user` in `org`, issued at `now`.
    pub fn new(user: UserId, org: TenantId, family: RefreshFamilyId, now: Timestamp) -> Self {
        let iat = now.as_second();
        Self { iss: "vigil".into(), sub: user, org, fam: family, iat, exp: iat + Self::LIFETIME.as_secs() }
    }

    /// The signed token.
    pub fn sign(&self, key: &[u8]) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("claims serialise"));
        let signing_input = format!("{header}.{payload}");
        let signature = URL_SAFE_NO_PAD.encode(mac(key, signing_input.as_bytes()).finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The claims of `token` if its signature verifies with `key` and it has not expired at
    /// `now`.
    pub fn verify(token: &str, key: &[u8], now: Timestamp) -> Result<Self, AccessTokenError> {
        let mut parts = token.trim().split('.');
        let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(AccessTokenError::Malformed);
        };
        let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| AccessTokenError::Malformed);
        let parsed: Header = serde_json::from_slice(&decode(header)?).map_err(|_| AccessTokenError::Malformed)?;
        if parsed.alg != "HS256" {
            return Err(AccessTokenError::Algorithm);
        }
        let signing_input = &token.trim()[..header.len() + 1 + payload.len()];
        mac(key, signing_input.as_bytes()).verify_slice(&decode(signature)?).map_err(|_| AccessTokenError::Signature)?;
        let claims: Self = serde_json::from_slice(&decode(payload)?).map_err(|_| AccessTokenError::Malformed)?;
        if claims.iss != "vigil" {
            return Err(AccessTokenError::Malformed);
        }
        if now.as_second() >= claims.exp {
            return Err(AccessTokenError::Expired);
        }
        Ok(claims)
    }

    /// Whether `text` has the shape of a JWT (three dot-separated parts), to tell tokens from
    /// API keys in an `Authorization` header.
    pub fn looks_like_token(text: &str) -> bool {
        text.starts_with("eyJ") && text.matches('.').count() == 2
    }
}

fn mac(key: &[u8], input: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(input);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn tokens_verify_and_every_tampering_is_refused() {
        let t0: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let key = [9u8; 32];
        let claims = AccessClaims::new(
            UserId::from_uuid(Uuid::from_u128(1)),
            TenantId::from_uuid(Uuid::from_u128(2)),
            RefreshFamilyId::from_uuid(Uuid::from_u128(3)),
            t0,
        );
        let token = claims.sign(&key);
        assert!(AccessClaims::looks_like_token(&token));
        assert_eq!(AccessClaims::verify(&token, &key, t0), Ok(claims.clone()));
        assert_eq!(AccessClaims::verify(&token, &key, t0 + AccessClaims::LIFETIME), Err(AccessTokenError::Expired));
        assert_eq!(AccessClaims::verify(&token, &[8u8; 32], t0), Err(AccessTokenError::Signature));
        let parts: Vec<&str> = token.split('.').collect();
        let none = format!("{}.{}.", URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#), parts[1]);
        assert_eq!(AccessClaims::verify(&none, &key, t0), Err(AccessTokenError::Algorithm));
        let mut other = claims.clone();
        other.org = TenantId::from_uuid(Uuid::from_u128(99));
        let swapped = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(serde_json::to_vec(&other).unwrap()), parts[2]);
        assert_eq!(AccessClaims::verify(&swapped, &key, t0), Err(AccessTokenError::Signature));
        for bad in ["", "a.b", "a.b.c.d", "!!.!!.!!"] {
            assert_eq!(AccessClaims::verify(bad, &key, t0), Err(AccessTokenError::Malformed), "{bad:?}");
        }
    }
}
