//! Turning two-factor authentication on (a secret offered, then confirmed by a code) and off.

use super::AccountError;
use super::profile::{person, save};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::Actor;
use vigil_domain::accounts::{RecoveryCode, RecoveryCodes, Totp};

/// A secret offered to an authenticator app.
#[derive(Clone, Debug)]
pub struct TotpOffer {
    /// The secret in base32, for typing in.
    pub secret: String,
    /// The `otpauth://` URI, for a QR code.
    pub uri: String,
}

/// Offers a new TOTP secret; it takes effect once a code from it is confirmed.
#[tracing::instrument(name = "begin_totp", skip_all)]
pub async fn begin_totp(deps: &Deps, actor: &Actor, now: Timestamp) -> Result<TotpOffer, AccountError> {
    let mut user = person(deps, actor).await?;
    if user.totp.is_some() {
        return Err(AccountError::Conflict("two-factor authentication is on already; turn it off first to change the secret".into()));
    }
    let totp = Totp::from_random(deps.random.secret_bytes());
    let offer = TotpOffer { secret: totp.secret_base32().to_owned(), uri: totp.provisioning_uri("Vigil", user.email.as_str()) };
    user.pending_totp = Some(totp);
    user.version += 1;
    save(deps, actor, &user, "user.totp_offer", json!({"totp": "offered"}), now).await?;
    Ok(offer)
}

/// Confirms the offered secret with a code from the app; returns the recovery codes, shown once.
#[tracing::instrument(name = "confirm_totp", skip_all)]
pub async fn confirm_totp(deps: &Deps, actor: &Actor, code: &str, now: Timestamp) -> Result<Vec<RecoveryCode>, AccountError> {
    let mut user = person(deps, actor).await?;
    let pending = user.pending_totp.take().ok_or_else(|| AccountError::Conflict("start by asking for a new secret".into()))?;
    let used = pending.verify(code, now).map_err(|e| AccountError::invalid("code", e.to_string()))?;
    let codes: Vec<RecoveryCode> = (0..RecoveryCodes::COUNT).map(|_| RecoveryCode::from_random(&deps.random.secret_bytes())).collect();
    user.totp = Some(used);
    user.recovery_codes = RecoveryCodes::of(&codes);
    user.version += 1;
    save(deps, actor, &user, "user.totp_enable", json!({"totp": "on"}), now).await?;
    Ok(codes)
}

/// Turns two-factor authentication off, with the password as proof.
#[tracing::instrument(name = "disable_totp", skip_all)]
pub async fn disable_totp(deps: &Deps, actor: &Actor, password: &str, now: Timestamp) -> Result<(), AccountError> {
    let mut user = person(deps, actor).await?;
    let ok = match &user.password {
        Some(hash) => deps.passwords.verify_password(password, hash).await,
        None => false,
    };
    if !ok {
        return Err(AccountError::invalid("password", "the password is wrong"));
    }
    user.totp = None;
    user.pending_totp = None;
    user.recovery_codes = RecoveryCodes::default();
    user.version += 1;
    save(deps, actor, &user, "user.totp_disable", json!({"totp": "off"}), now).await
}
