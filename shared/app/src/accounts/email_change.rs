//! Changing one's email: a link goes to the new address, and the change happens when it is
//! followed, so nobody can move an account to an address they do not hold.

use super::AccountError;
use super::mail::{self, AccountMail};
use super::profile::{person, save};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::Actor;
use vigil_domain::accounts::{Email, OneTimeToken, SecretToken, TokenPurpose};

/// Ask to change one's email.
#[derive(Clone, Debug)]
pub struct RequestEmailChange {
    /// The new address.
    pub new_email: String,
    /// The password (proves it is them).
    pub password: String,
}

/// Checks the password and mails a confirmation link to the new address.
#[tracing::instrument(name = "request_email_change", skip_all)]
pub async fn request_email_change(deps: &Deps, actor: &Actor, cmd: RequestEmailChange, now: Timestamp) -> Result<(), AccountError> {
    let user = person(deps, actor).await?;
    let password_ok = match &user.password {
        Some(hash) => deps.passwords.verify_password(&cmd.password, hash).await,
        None => false,
    };
    if !password_ok {
        return Err(AccountError::invalid("password", "the password is wrong"));
    }
    let new_email = Email::parse(&cmd.new_email).map_err(|e| AccountError::invalid("new_email", e.to_string()))?;
    if new_email == user.email {
        return Err(AccountError::invalid("new_email", "this is already your address"));
    }
    if deps.stores.users.user_by_email(&new_email).await?.is_some() {
        return Err(AccountError::invalid("new_email", "another account uses this address"));
    }
    let token = SecretToken::from_random(deps.random.secret_bytes());
    let purpose = TokenPurpose::EmailChange { user: user.id, new_email: new_email.clone() };
    deps.stores.one_time_tokens.insert_token(&OneTimeToken::new(token.hash(), purpose, now)).await?;
    let link = mail::link(deps, "/confirm-email", token.expose());
    mail::send(deps, new_email.as_str(), AccountMail::EmailChange { link: &link }, user.locale).await
}

/// Makes the proven address the account's.
#[tracing::instrument(name = "confirm_email_change", skip_all)]
pub async fn confirm_email_change(deps: &Deps, actor: &Actor, token: SecretToken, now: Timestamp) -> Result<(), AccountError> {
    let bad = || AccountError::BadToken("the confirmation link is not valid, was used already or expired".into());
    let stored = deps.stores.one_time_tokens.take_token(&token.hash()).await?.filter(|t| t.is_live(now)).ok_or_else(bad)?;
    let TokenPurpose::EmailChange { user, new_email } = stored.purpose else { return Err(bad()) };
    let mut account = person(deps, actor).await?;
    if account.id != user {
        return Err(bad());
    }
    let old = account.email.clone();
    account.email = new_email;
    account.email_verified = true;
    account.version += 1;
    save(deps, actor, &account, "user.email_change", json!({"email": {"from": old, "to": account.email}}), now).await
}
