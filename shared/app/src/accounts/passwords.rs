//! Changing a password knowing the old one, and resetting a forgotten one by mail.

use super::mail::{self, AccountMail};
use super::profile::{person, save};
use super::{AccountError, AuthError};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, ActorId, Grant};
use vigil_domain::accounts::{Email, OneTimeToken, SecretToken, ThrottleKey, TokenHash, TokenPurpose, check_password};

/// Change one's password.
#[derive(Clone, Debug)]
pub struct ChangePassword {
    /// The password now (proves it is them, not someone at an unlocked screen).
    pub current: String,
    /// The new one.
    pub new: String,
    /// The session to keep signed in (every other session and refresh token ends).
    pub keep_session: Option<TokenHash>,
}

/// Checks the current password, stores the new one, and ends every other session and every
/// refresh token of the account.
#[tracing::instrument(name = "change_password", skip_all)]
pub async fn change_password(deps: &Deps, actor: &Actor, cmd: ChangePassword, now: Timestamp) -> Result<(), AccountError> {
    let mut user = person(deps, actor).await?;
    let current_ok = match &user.password {
        Some(hash) => deps.passwords.verify_password(&cmd.current, hash).await,
        None => false,
    };
    if !current_ok {
        return Err(AccountError::invalid("current", "the current password is wrong"));
    }
    check_password(&cmd.new, &user.email).map_err(|e| AccountError::invalid("new", e.to_string()))?;
    user.password = Some(deps.passwords.hash_password(&cmd.new).await?);
    user.version += 1;
    save(deps, actor, &user, "user.password_change", json!({"password": "changed"}), now).await?;
    deps.stores.sessions.delete_sessions_of(user.id, cmd.keep_session.as_ref()).await?;
    deps.stores.refresh_tokens.revoke_families_of(user.id, now).await?;
    Ok(())
}

/// Ask for a password reset link.
#[derive(Clone, Debug)]
pub struct RequestPasswordReset {
    /// As typed.
    pub email: String,
    /// Where the request came from (throttled like sign-ins).
    pub origin: vigil_domain::access::Origin,
}

/// Mails a reset link if the address has an account, and answers the same either way.
#[tracing::instrument(name = "request_password_reset", skip_all)]
pub async fn request_password_reset(deps: &Deps, cmd: RequestPasswordReset, now: Timestamp) -> Result<(), AuthError> {
    let Ok(email) = Email::parse(&cmd.email) else { return Ok(()) };
    let mut keys = vec![ThrottleKey::Account(format!("reset:{email}"))];
    keys.extend(cmd.origin.ip.clone().map(|ip| ThrottleKey::Address(format!("reset:{ip}"))));
    super::sign_in::check_throttle(deps, &keys, now).await?;
    // Each request counts, so that nobody can flood an inbox with reset mail.
    super::sign_in::record_failure(deps, &keys, now).await?;
    let Some(user) = deps.stores.users.user_by_email(&email).await? else { return Ok(()) };
    let token = SecretToken::from_random(deps.random.secret_bytes());
    deps.stores.one_time_tokens.insert_token(&OneTimeToken::new(token.hash(), TokenPurpose::PasswordReset { user: user.id }, now)).await?;
    let link = mail::link(deps, "/reset-password", token.expose());
    if let Err(error) = mail::send(deps, user.email.as_str(), AccountMail::PasswordReset { link: &link }, user.locale).await {
        // The answer must not differ for existing accounts; the operator sees the failure.
        tracing::error!(%error, "a password reset mail could not be sent");
    }
    Ok(())
}

/// Set a new password with a reset link's token.
#[derive(Clone, Debug)]
pub struct ResetPassword {
    /// The token from the link.
    pub token: SecretToken,
    /// The new password.
    pub password: String,
}

/// Takes the token (once), stores the new password, proves the email, clears sign-in
/// throttling, and ends every session and refresh token of the account.
#[tracing::instrument(name = "reset_password", skip_all)]
pub async fn reset_password(deps: &Deps, cmd: ResetPassword, now: Timestamp) -> Result<(), AccountError> {
    let bad = || AccountError::BadToken("the reset link is not valid, was used already or expired; ask for a new one".into());
    let token = deps.stores.one_time_tokens.take_token(&cmd.token.hash()).await?.ok_or_else(bad)?;
    let TokenPurpose::PasswordReset { user } = token.purpose.clone() else { return Err(bad()) };
    if !token.is_live(now) {
        return Err(bad());
    }
    let mut user = deps.stores.users.user(user).await?.ok_or_else(bad)?;
    if let Err(rejected) = check_password(&cmd.password, &user.email) {
        // The person may fix the password and submit again with the same link.
        deps.stores.one_time_tokens.insert_token(&token).await?;
        return Err(AccountError::invalid("password", rejected.to_string()));
    }
    user.password = Some(deps.passwords.hash_password(&cmd.password).await?);
    user.email_verified = true;
    user.version += 1;
    let memberships = deps.stores.memberships.memberships_of(user.id).await?;
    deps.stores.users.update_user(&user).await?;
    deps.stores.sessions.delete_sessions_of(user.id, None).await?;
    deps.stores.refresh_tokens.revoke_families_of(user.id, now).await?;
    deps.stores.sign_in_attempts.clear_failures(&ThrottleKey::Account(user.email.to_string()).as_storage_key()).await?;
    for (membership, _) in memberships {
        let actor = Actor {
            tenant_id: membership.tenant_id,
            id: ActorId::User(user.id),
            grant: Grant::Member(membership.role),
            label: user.email.to_string(),
            origin: Default::default(),
        };
        let change = super::audit_trail::Change {
            action: "user.password_reset",
            kind: "user",
            id: user.id.to_string(),
            name: Some(user.email.to_string()),
            before: serde_json::Value::Null,
            after: json!({"password": "reset by mail"}),
        };
        super::audit_trail::record(deps, &actor, change, now).await?;
    }
    Ok(())
}
