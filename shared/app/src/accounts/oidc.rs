//! Sign-in through an OpenID provider (authorization code flow with PKCE): start it, finish it
//! when the provider sends the browser back, and say whether it is offered at all.
//!
//! People are matched by verified email. Each organisation's `oidc_rules` decide what the
//! sign-in does there: the first matching rule gives a role (making them a member if they are not
//! one) or refuses them; with no matching rule, members sign in as they are and others get
//! nothing. `password_sign_in` concerns passwords only.

use super::audit_trail;
use super::sign_in::SignedIn;
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use std::collections::HashMap;
use vigil_domain::access::{Actor, ActorId, Grant, Origin, Role};
use vigil_domain::accounts::{
    Admission, Email, Membership, OidcIdentity, OidcRefusal, OneTimeToken, ReturnTo, SecretToken, TokenPurpose, User, admitted,
    oidc_admission, pkce_challenge, valid_name,
};
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::monitor::{FieldError, SpecErrors};
use vigil_domain::ports::{AuthorizationRequest, OidcFailure, OidcProvider, StoreError};
use vigil_domain::tenant::Tenant;

/// Why an OpenID Connect sign-in did not start or finish.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// No provider is configured.
    #[error("sign-in through an identity provider is not set up on this server")]
    NotConfigured,
    /// The request's parameters are not valid, field by field.
    #[error(transparent)]
    Invalid(#[from] SpecErrors),
    /// The callback does not belong to a sign-in under way in this browser (unknown, used,
    /// expired, or started elsewhere).
    #[error("{0}")]
    BadState(String),
    /// The provider refused, could not be reached, or sent an identity that failed validation.
    #[error(transparent)]
    Provider(#[from] OidcFailure),
    /// The provider did not vouch for an email address.
    #[error("{0}")]
    NoVerifiedEmail(String),
    /// No organisation lets the person in.
    #[error(transparent)]
    Refused(#[from] OidcRefusal),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the sign-in page offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInOptions {
    /// The OpenID provider's name, if one is configured.
    pub oidc: Option<String>,
}

/// Whether sign-in through an OpenID provider is offered, and under which name.
pub fn sign_in_options(deps: &Deps) -> SignInOptions {
    SignInOptions { oidc: deps.oidc.as_ref().map(|provider| provider.display_name().to_owned()) }
}

/// Start signing in through the provider.
#[derive(Clone, Debug, Default)]
pub struct StartOidc {
    /// Where to go once signed in: a path on this server (`/` if none).
    pub return_to: Option<String>,
}

/// Where to send the browser, and the state that binds the sign-in to it.
#[derive(Debug)]
pub struct OidcRedirect {
    /// The provider's authorization URL.
    pub url: url::Url,
    /// The `state` the provider sends back; the browser keeps it too (a cookie), so that only
    /// the browser that started a sign-in can finish it.
    pub state: SecretToken,
    /// How long the sign-in can take.
    pub lifetime: jiff::SignedDuration,
}

fn provider(deps: &Deps) -> Result<&dyn OidcProvider, OidcError> {
    deps.oidc.as_deref().ok_or(OidcError::NotConfigured)
}

/// Makes a state, a nonce and a PKCE verifier, keeps them (under the state's hash, for ten
/// minutes, usable once) and returns the provider's URL.
#[tracing::instrument(name = "start_oidc", skip_all)]
pub async fn start_oidc(deps: &Deps, cmd: StartOidc, now: Timestamp) -> Result<OidcRedirect, OidcError> {
    let provider = provider(deps)?;
    let return_to =
        ReturnTo::parse(cmd.return_to.as_deref()).map_err(|message| SpecErrors(vec![FieldError { field: "return_to".into(), message }]))?;
    let state = SecretToken::from_random(deps.random.secret_bytes());
    let nonce = SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned();
    // 43 URL-safe characters: the shortest verifier RFC 7636 allows, with 256 random bits.
    let verifier = SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned();
    let request =
        AuthorizationRequest { state: state.expose().to_owned(), nonce: nonce.clone(), pkce_challenge: pkce_challenge(&verifier) };
    let url = provider.authorization_url(&request).await?;
    let purpose = TokenPurpose::OidcSignIn { verifier, nonce, return_to: return_to.into() };
    let lifetime = purpose.lifetime();
    deps.stores.one_time_tokens.insert_token(&OneTimeToken::new(state.hash(), purpose, now)).await?;
    Ok(OidcRedirect { url, state, lifetime })
}

/// What the provider sent the browser back with.
#[derive(Clone, Debug)]
pub enum ProviderAnswer {
    /// A code to exchange, and the issuer the answer names (RFC 9207), if it names one.
    Code {
        /// The authorization code.
        code: String,
        /// The `iss` parameter.
        issuer: Option<String>,
    },
    /// The provider's refusal (`access_denied`…).
    Error {
        /// The error code.
        error: String,
        /// Its `error_description`.
        description: Option<String>,
    },
}

/// Finish a sign-in when the provider sends the browser back.
#[derive(Clone, Debug)]
pub struct FinishOidc {
    /// The `state` parameter.
    pub state: SecretToken,
    /// The state the browser kept when it started (its cookie), if it sent one.
    pub browser_state: Option<SecretToken>,
    /// What the provider said.
    pub answer: ProviderAnswer,
    /// The browser.
    pub origin: Origin,
}

/// A finished sign-in, and where the browser goes next.
#[derive(Clone, Debug)]
pub struct OidcSignedIn {
    /// Who, where and as what.
    pub signed_in: SignedIn,
    /// The local path asked for at the start.
    pub return_to: String,
}

/// Takes the sign-in's state (once), exchanges the code, requires a verified email, and lets
/// the rules of every organisation decide; makes the account (without a password) and the
/// memberships the rules give. The session lands in the oldest membership, or else the first
/// organisation joined.
#[tracing::instrument(name = "finish_oidc", skip_all)]
pub async fn finish_oidc(deps: &Deps, cmd: FinishOidc, now: Timestamp) -> Result<OidcSignedIn, OidcError> {
    let provider = provider(deps)?;
    if cmd.browser_state.as_ref().map(SecretToken::hash) != Some(cmd.state.hash()) {
        return Err(OidcError::BadState("this sign-in was started in another browser, or cookies are off: start again".into()));
    }
    let (verifier, nonce, return_to) = take_state(deps, &cmd.state, now).await?;
    let code = match cmd.answer {
        ProviderAnswer::Error { error, description } => return Err(OidcFailure::Refused { error, description }.into()),
        ProviderAnswer::Code { issuer: Some(issuer), .. } if issuer != provider.issuer() => {
            return Err(OidcError::BadState(format!(
                "the answer comes from `{issuer}`, not from the configured provider `{}`: start again",
                provider.issuer()
            )));
        }
        ProviderAnswer::Code { code, .. } => code,
    };
    let identity = provider.exchange(&code, &verifier, &nonce).await?;
    let email = verified_email(&identity)?;
    let existing = deps.stores.users.user_by_email(&email).await?;
    let doors = doors(deps, existing.as_ref(), &email, &identity.groups).await?;
    let admissions: Vec<_> = doors.iter().map(|(tenant, admission)| (tenant.id, *admission)).collect();
    let open = admitted(&admissions).inspect_err(|refusal| tracing::info!(%email, %refusal, "an OpenID Connect sign-in was refused"))?;
    let user = match existing {
        Some(user) => mark_verified(deps, user).await?,
        None => new_account(deps, &identity, email, now).await?,
    };
    for (tenant, admission) in &doors {
        if let Admission::Join(role) = admission {
            join(deps, &user, tenant, *role, &cmd.origin, now).await?;
        }
    }
    let (tenant_id, role) = open[0];
    let actor = actor(&user, tenant_id, role, &cmd.origin);
    let change = audit_trail::Change {
        action: "user.oidc_sign_in",
        kind: "user",
        id: user.id.to_string(),
        name: Some(user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"issuer": provider.issuer(), "subject": identity.subject, "organisations": open.len()}),
    };
    audit_trail::record(deps, &actor, change, now).await?;
    Ok(OidcSignedIn { signed_in: SignedIn { user, tenant_id, role }, return_to })
}

/// The verifier, nonce and return path kept for `state`, which can be used once.
async fn take_state(deps: &Deps, state: &SecretToken, now: Timestamp) -> Result<(String, String, String), OidcError> {
    let token = deps.stores.one_time_tokens.take_token(&state.hash()).await?;
    match token {
        Some(OneTimeToken { purpose: TokenPurpose::OidcSignIn { verifier, nonce, return_to }, expires_at, .. }) => {
            if now >= expires_at {
                return Err(OidcError::BadState("this sign-in took more than ten minutes: start again".into()));
            }
            Ok((verifier, nonce, return_to))
        }
        _ => Err(OidcError::BadState("this sign-in is unknown or was finished already: start again".into())),
    }
}

fn verified_email(identity: &OidcIdentity) -> Result<Email, OidcError> {
    let Some(text) = identity.email.as_deref() else {
        return Err(OidcError::NoVerifiedEmail(
            "the identity provider gave no email address: Vigil matches people by email (ask for the `email` scope)".into(),
        ));
    };
    let email =
        Email::parse(text).map_err(|e| OidcError::NoVerifiedEmail(format!("the identity provider gave an email Vigil cannot use: {e}")))?;
    if !identity.email_verified {
        return Err(OidcError::NoVerifiedEmail(format!(
            "the identity provider has not verified {email}: verify it there first, since Vigil matches people by verified email"
        )));
    }
    Ok(email)
}

/// The provider proved the address, so the account's address is proven too.
async fn mark_verified(deps: &Deps, mut user: User) -> Result<User, OidcError> {
    if user.email_verified {
        return Ok(user);
    }
    user.email_verified = true;
    user.version += 1;
    match deps.stores.users.update_user(&user).await {
        Ok(()) => Ok(user),
        // Changed meanwhile: the sign-in does not depend on the flag, so go on with what is stored.
        Err(StoreError::Conflict) => Ok(deps.stores.users.user(user.id).await?.unwrap_or(user)),
        Err(error) => Err(error.into()),
    }
}

async fn new_account(deps: &Deps, identity: &OidcIdentity, email: Email, now: Timestamp) -> Result<User, OidcError> {
    let local_part = email.as_str().split('@').next().unwrap_or_default().to_owned();
    let name = identity.name.as_deref().and_then(|n| valid_name(n).ok()).or_else(|| valid_name(&local_part).ok()).unwrap_or(local_part);
    let mut user = User::new(UserId::from_uuid(deps.random.new_id(now)), email.clone(), name, now);
    user.email_verified = true;
    match deps.stores.users.insert_user(&user).await {
        Ok(()) => Ok(user),
        // The same person signing in twice at once: the other request made the account.
        Err(StoreError::Conflict) => deps.stores.users.user_by_email(&email).await?.ok_or(OidcError::Store(StoreError::Conflict)),
        Err(error) => Err(error.into()),
    }
}

/// Every organisation with what the sign-in does there; those the person belongs to come
/// first, oldest membership first, then the others, oldest first.
async fn doors(deps: &Deps, user: Option<&User>, email: &Email, groups: &[String]) -> Result<Vec<(Tenant, Admission)>, OidcError> {
    let memberships = match user {
        Some(user) => deps.stores.memberships.memberships_of(user.id).await?,
        None => Vec::new(),
    };
    let roles: HashMap<TenantId, Role> = memberships.iter().map(|(m, _)| (m.tenant_id, m.role)).collect();
    let mut tenants: Vec<Tenant> = memberships.into_iter().map(|(_, tenant)| tenant).collect();
    tenants.extend(deps.stores.organisations.tenants().await?.into_iter().filter(|t| !roles.contains_key(&t.id)));
    Ok(tenants
        .into_iter()
        .map(|tenant| {
            let admission = oidc_admission(&tenant.settings.oidc_rules, roles.get(&tenant.id).copied(), email, groups);
            (tenant, admission)
        })
        .collect())
}

async fn join(deps: &Deps, user: &User, tenant: &Tenant, role: Role, origin: &Origin, now: Timestamp) -> Result<(), OidcError> {
    deps.stores.memberships.put_membership(&Membership { tenant_id: tenant.id, user_id: user.id, role, since: now }).await?;
    let change = audit_trail::Change {
        action: "member.oidc_join",
        kind: "member",
        id: user.id.to_string(),
        name: Some(user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"role": role, "by": "a sign-in rule"}),
    };
    audit_trail::record(deps, &actor(user, tenant.id, role, origin), change, now).await?;
    Ok(())
}

fn actor(user: &User, tenant_id: TenantId, role: Role, origin: &Origin) -> Actor {
    Actor { tenant_id, id: ActorId::User(user.id), grant: Grant::Member(role), label: user.email.to_string(), origin: origin.clone() }
}
