use super::AuthError;
use super::second_factor::{SecondFactorProof, check_second_factor};
use crate::Deps;
use jiff::Timestamp;
use std::sync::OnceLock;
use vigil_domain::access::{Origin, Role};
use vigil_domain::accounts::{Email, OneTimeToken, PasswordHash, SecretToken, ThrottleKey, TokenPurpose, User};
use vigil_domain::ids::TenantId;

/// Sign in with an email and a password (and a second factor, if the account has one).
#[derive(Clone, Debug)]
pub struct SignIn {
    /// As typed.
    pub email: String,
    /// As typed; never logged.
    pub password: String,
    /// A TOTP or recovery code, if the client can send one with the password.
    pub code: Option<String>,
    /// The organisation to sign in to; the oldest membership that allows passwords otherwise.
    pub tenant: Option<TenantId>,
    /// Where the request came from (throttling counts per address).
    pub origin: Origin,
}

/// A person proven to be who they say, in one organisation.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// Who.
    pub user: User,
    /// Where.
    pub tenant_id: TenantId,
    /// As what.
    pub role: Role,
}

/// How a password sign-in ended.
#[derive(Debug)]
pub enum SignInOutcome {
    /// Signed in.
    SignedIn(Box<SignedIn>),
    /// The password was right and a second factor is needed: the ticket finishes the sign-in
    /// within five minutes ([`super::finish_sign_in`]).
    SecondFactorNeeded(SecretToken),
}

const REJECTED: &str = "the email or the password is wrong";

/// A hash to verify against when the account does not exist, so that the answer takes as long
/// either way and says nothing about which emails have accounts.
async fn dummy_hash(deps: &Deps) -> PasswordHash {
    static DUMMY: OnceLock<PasswordHash> = OnceLock::new();
    if let Some(hash) = DUMMY.get() {
        return hash.clone();
    }
    let hash = deps.passwords.hash_password("a password nobody has, hashed only for timing").await.unwrap_or(PasswordHash(String::new()));
    DUMMY.get_or_init(|| hash).clone()
}

fn throttle_keys(email: &str, origin: &Origin) -> Vec<ThrottleKey> {
    let account = Email::parse(email).map(|e| e.to_string()).unwrap_or_else(|_| email.trim().to_lowercase());
    let mut keys = vec![ThrottleKey::Account(account)];
    keys.extend(origin.ip.clone().map(ThrottleKey::Address));
    keys
}

/// Refuses with `TooManyAttempts` while any of `keys` must wait.
pub(crate) async fn check_throttle(deps: &Deps, keys: &[ThrottleKey], now: Timestamp) -> Result<(), AuthError> {
    let policy = deps.settings.accounts.throttle;
    let since = now - policy.window;
    for key in keys {
        let (failures, last) = deps.stores.sign_in_attempts.failures(&key.as_storage_key(), since).await?;
        if let Some(wait) = policy.wait(key, failures, last, now) {
            return Err(AuthError::TooManyAttempts { retry_after_seconds: wait.as_secs().max(1) as u64 });
        }
    }
    Ok(())
}

/// Counts a failure against each of `keys`.
pub(crate) async fn record_failure(deps: &Deps, keys: &[ThrottleKey], now: Timestamp) -> Result<(), AuthError> {
    let since = now - deps.settings.accounts.throttle.window;
    for key in keys {
        deps.stores.sign_in_attempts.record_failure(&key.as_storage_key(), now, since).await?;
    }
    Ok(())
}

/// Checks the password, throttled per account and per address, then picks the organisation
/// and asks for a second factor where the account has one.
#[tracing::instrument(name = "sign_in", skip_all)]
pub async fn sign_in(deps: &Deps, cmd: SignIn, now: Timestamp) -> Result<SignInOutcome, AuthError> {
    let keys = throttle_keys(&cmd.email, &cmd.origin);
    check_throttle(deps, &keys, now).await?;
    let user = match Email::parse(&cmd.email) {
        Ok(email) => deps.stores.users.user_by_email(&email).await?,
        Err(_) => None,
    };
    let hash = match user.as_ref().and_then(|u| u.password.clone()) {
        Some(hash) => hash,
        None => dummy_hash(deps).await,
    };
    let verified = deps.passwords.verify_password(&cmd.password, &hash).await;
    let Some(user) = user.filter(|u| verified && u.password.is_some()) else {
        record_failure(deps, &keys, now).await?;
        return Err(AuthError::rejected(REJECTED));
    };
    let (tenant_id, role) = choose_organisation(deps, &user, cmd.tenant).await?;
    if user.totp.is_some() {
        match cmd.code {
            Some(code) => {
                let proof = SecondFactorProof { user, code };
                let user = check_second_factor(deps, proof, &keys, now).await?;
                deps.stores.sign_in_attempts.clear_failures(&keys[0].as_storage_key()).await?;
                return Ok(SignInOutcome::SignedIn(Box::new(SignedIn { user, tenant_id, role })));
            }
            None => {
                let ticket = SecretToken::from_random(deps.random.secret_bytes());
                let purpose = TokenPurpose::SecondFactor { user: user.id, tenant: Some(tenant_id) };
                deps.stores.one_time_tokens.insert_token(&OneTimeToken::new(ticket.hash(), purpose, now)).await?;
                return Ok(SignInOutcome::SecondFactorNeeded(ticket));
            }
        }
    }
    deps.stores.sign_in_attempts.clear_failures(&keys[0].as_storage_key()).await?;
    Ok(SignInOutcome::SignedIn(Box::new(SignedIn { user, tenant_id, role })))
}

/// The organisation a password sign-in lands in: the one asked for, or the oldest membership
/// whose organisation allows passwords.
async fn choose_organisation(deps: &Deps, user: &User, wanted: Option<TenantId>) -> Result<(TenantId, Role), AuthError> {
    let memberships = deps.stores.memberships.memberships_of(user.id).await?;
    if memberships.is_empty() {
        return Err(AuthError::rejected("this account belongs to no organisation any more; ask an admin for an invitation"));
    }
    let candidates: Vec<_> = match wanted {
        Some(tenant) => memberships.into_iter().filter(|(m, _)| m.tenant_id == tenant).collect(),
        None => memberships,
    };
    if candidates.is_empty() {
        return Err(AuthError::NotAMember);
    }
    candidates
        .iter()
        .find(|(_, tenant)| tenant.settings.password_sign_in)
        .map(|(m, _)| (m.tenant_id, m.role))
        .ok_or(AuthError::PasswordSignInDisabled)
}
