//! Browser sessions: started after a sign-in, found by the cookie's hash on every request,
//! switched between organisations, ended by signing out or by their timeouts.

use super::sign_in::SignedIn;
use super::{AuthError, audit_trail};
use crate::Deps;
use jiff::Timestamp;
use serde_json::json;
use vigil_domain::access::{Actor, ActorId, Grant, Origin};
use vigil_domain::accounts::{BrowserSession, SecretToken, User};
use vigil_domain::ids::TenantId;
use vigil_domain::ports::StoreError;

/// Start a browser session for someone who just signed in.
#[derive(Clone, Debug)]
pub struct StartSession {
    /// The sign-in.
    pub signed_in: SignedIn,
    /// The browser.
    pub origin: Origin,
}

/// The new session and the cookie's secret (set once, never stored).
#[tracing::instrument(name = "start_session", skip_all, fields(user = %cmd.signed_in.user.id))]
pub async fn start_session(deps: &Deps, cmd: StartSession, now: Timestamp) -> Result<(BrowserSession, SecretToken), AuthError> {
    let cookie = SecretToken::from_random(deps.random.secret_bytes());
    let csrf = SecretToken::from_random(deps.random.secret_bytes()).expose().to_owned();
    let session = BrowserSession {
        hash: cookie.hash(),
        user_id: cmd.signed_in.user.id,
        tenant_id: cmd.signed_in.tenant_id,
        csrf,
        created_at: now,
        last_seen_at: now,
        ip: cmd.origin.ip.clone(),
        user_agent: cmd.origin.user_agent.clone(),
    };
    deps.stores.sessions.insert_session(&session).await?;
    let actor = actor_of(&cmd.signed_in.user, cmd.signed_in.tenant_id, Grant::Member(cmd.signed_in.role), cmd.origin);
    let change = audit_trail::Change {
        action: "user.sign_in",
        kind: "user",
        id: cmd.signed_in.user.id.to_string(),
        name: Some(cmd.signed_in.user.email.to_string()),
        before: serde_json::Value::Null,
        after: json!({"method": "browser session"}),
    };
    audit_trail::record(deps, &actor, change, now).await?;
    Ok((session, cookie))
}

fn actor_of(user: &User, tenant_id: TenantId, grant: Grant, origin: Origin) -> Actor {
    Actor { tenant_id, id: ActorId::User(user.id), grant, label: user.email.to_string(), origin }
}

/// Find who a session cookie belongs to.
#[derive(Clone, Debug)]
pub struct AuthenticateSession {
    /// The cookie's value.
    pub cookie: SecretToken,
    /// Where the request came from.
    pub origin: Origin,
}

/// A live session's actor (their current role in the session's organisation), the session and
/// the user. Refreshes `last_seen_at` at most once a minute.
#[tracing::instrument(name = "authenticate_session", skip_all)]
pub async fn authenticate_session(
    deps: &Deps,
    cmd: AuthenticateSession,
    now: Timestamp,
) -> Result<(Actor, BrowserSession, User), AuthError> {
    let ended = || AuthError::rejected("the session has ended; sign in again");
    let mut session = deps.stores.sessions.session(&cmd.cookie.hash()).await?.ok_or_else(ended)?;
    let policy = deps.settings.accounts.sessions;
    if !policy.is_live(&session, now) {
        deps.stores.sessions.delete_session(&session.hash).await?;
        return Err(ended());
    }
    let membership = deps.stores.memberships.membership(session.tenant_id, session.user_id).await?.ok_or(AuthError::NotAMember)?;
    let user = deps.stores.users.user(session.user_id).await?.ok_or_else(ended)?;
    if policy.needs_touch(&session, now) {
        session.last_seen_at = now;
        match deps.stores.sessions.update_session(&session).await {
            Ok(()) | Err(StoreError::NotFound) => {}
            Err(error) => return Err(error.into()),
        }
    }
    let actor = actor_of(&user, session.tenant_id, Grant::Member(membership.role), cmd.origin);
    Ok((actor, session, user))
}

/// Sign out: the session ends now.
#[tracing::instrument(name = "end_session", skip_all)]
pub async fn end_session(deps: &Deps, cookie: &SecretToken) -> Result<(), AuthError> {
    Ok(deps.stores.sessions.delete_session(&cookie.hash()).await?)
}

/// Look at another organisation in the same session.
#[derive(Clone, Debug)]
pub struct SwitchOrganisation {
    /// The session's cookie.
    pub cookie: SecretToken,
    /// Where to.
    pub tenant_id: TenantId,
}

/// Moves the session to an organisation the user is a member of.
#[tracing::instrument(name = "switch_organisation", skip_all, fields(tenant = %cmd.tenant_id))]
pub async fn switch_organisation(deps: &Deps, cmd: SwitchOrganisation, now: Timestamp) -> Result<BrowserSession, AuthError> {
    let mut session = deps
        .stores
        .sessions
        .session(&cmd.cookie.hash())
        .await?
        .ok_or_else(|| AuthError::rejected("the session has ended; sign in again"))?;
    deps.stores.memberships.membership(cmd.tenant_id, session.user_id).await?.ok_or(AuthError::NotAMember)?;
    session.tenant_id = cmd.tenant_id;
    session.last_seen_at = now;
    deps.stores.sessions.update_session(&session).await?;
    Ok(session)
}
