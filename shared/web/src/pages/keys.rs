//! API keys: one's own (or every key, for admins), a new key shown once, revoking.

use super::overview::NoticeQuery;
use super::sign_in::Empty;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use jiff::Timestamp;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{CreateKey, create_key, list_keys, revoke_key};
use vigil_domain::access::{Action, KeyScope};
use vigil_domain::ids::ApiKeyId;

/// A key's row.
struct KeyRow {
    id: String,
    name: String,
    prefix: String,
    scope: String,
    service: bool,
    created: String,
    last_used: String,
    expires: String,
    revoked: bool,
}

/// A scope to pick.
struct ScopeChoice {
    value: &'static str,
    name: String,
}

#[derive(Template)]
#[template(path = "keys.html")]
struct KeysPage {
    shell: Shell,
    errors: Refusal,
    keys: Vec<KeyRow>,
    scopes: Vec<ScopeChoice>,
    may_service: bool,
    name: String,
    scope: String,
    expires: String,
    /// A key just made: its secret, shown this once.
    new_key: Option<String>,
}

fn scope_name(tr: &Tr, scope: KeyScope) -> String {
    tr.t(match scope {
        KeyScope::Read => msg("keys.scopes.read"),
        KeyScope::Write => msg("keys.scopes.write"),
        KeyScope::PingOnly => msg("keys.scopes.ping_only"),
        KeyScope::Admin => msg("keys.scopes.admin"),
    })
    .to_owned()
}

async fn page(visitor: &Visitor, errors: Refusal, notice: Option<&str>) -> Result<KeysPage, Failure> {
    let shell = Shell::settings(visitor, msg("settings.keys"), "keys").await?.with_notice(notice);
    let actor = &visitor.member()?.actor;
    let tr = &visitor.tr;
    let keys = list_keys(&visitor.deps, actor).await.map_err(|e| Failure::account(visitor, e))?;
    let never = tr.t(msg("keys.never")).to_owned();
    let role = actor.effective_role();
    Ok(KeysPage {
        shell,
        errors,
        keys: keys
            .iter()
            .rev()
            .map(|key| KeyRow {
                id: key.id.to_string(),
                name: key.name.clone(),
                prefix: key.prefix.clone(),
                scope: scope_name(tr, key.scope),
                service: key.created_by.is_none(),
                created: tr.datetime(key.created_at),
                last_used: key.last_used_at.map_or_else(|| never.clone(), |at| tr.datetime(at)),
                expires: key.expires_at.map_or_else(|| never.clone(), |at| tr.datetime(at)),
                revoked: key.revoked_at.is_some(),
            })
            .collect(),
        scopes: KeyScope::ALL
            .into_iter()
            .filter(|scope| role.at_least(scope.least_role()))
            .map(|scope| ScopeChoice { value: scope.as_str(), name: scope_name(tr, scope) })
            .collect(),
        may_service: actor.may(Action::ManageAllKeys),
        name: String::new(),
        scope: KeyScope::Read.as_str().to_owned(),
        expires: String::new(),
        new_key: None,
    })
}

/// `GET /settings/keys`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let page = page(&visitor, Refusal::default(), query.notice.as_deref()).await?;
    Ok(render(&visitor, &page))
}

/// The new key form.
#[derive(Debug, Deserialize)]
pub(crate) struct KeyForm {
    name: String,
    scope: String,
    #[serde(default)]
    expires: String,
    #[serde(default)]
    service: Option<String>,
}

/// The end of the day `date` (`YYYY-MM-DD`) in the reader's zone: a key "expiring on" a day
/// works through that day.
fn end_of_day(tr: &Tr, date: &str) -> Option<Timestamp> {
    let date: jiff::civil::Date = date.parse().ok()?;
    let next = date.tomorrow().ok()?;
    next.to_datetime(jiff::civil::Time::midnight()).to_zoned_datetime(tr.zone().clone()).ok().map(|z| z.timestamp())
}

/// `POST /settings/keys`: the key is made and its secret shown this once.
pub(crate) async fn create(posted: Posted<KeyForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = &visitor.member()?.actor;
    let tr = &visitor.tr;
    let expires_at = match form.expires.trim() {
        "" => Ok(None),
        date => end_of_day(tr, date).map(Some).ok_or_else(|| Refusal::field_error(tr, "expires_at", msg("keys.bad_date"))),
    };
    let scope = KeyScope::parse(&form.scope).ok_or_else(|| Refusal::field_error(tr, "scope", msg("keys.bad_scope")));
    let outcome = match (expires_at, scope) {
        (Ok(expires_at), Ok(scope)) => {
            let cmd = CreateKey { name: form.name.clone(), scope, expires_at, service: form.service.is_some() };
            match create_key(&visitor.deps, actor, cmd, SystemClock::now()).await {
                Ok((_, secret)) => Ok(secret.expose().to_owned()),
                Err(error) => Err(refusal(tr, error).map_err(|reason| reason.page(&visitor))?),
            }
        }
        (Err(refusal), _) | (_, Err(refusal)) => Err(refusal),
    };
    match outcome {
        Ok(secret) => {
            let mut page = page(&visitor, Refusal::default(), None).await?;
            page.new_key = Some(secret);
            Ok(render(&visitor, &page))
        }
        Err(errors) => {
            let mut page = page(&visitor, errors, None).await?;
            page.name = form.name;
            page.scope = form.scope;
            page.expires = form.expires;
            Ok(refused(&visitor, &page))
        }
    }
}

/// `POST /settings/keys/{id}/revoke`.
pub(crate) async fn revoke(Path(id): Path<String>, posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let actor = &visitor.member()?.actor;
    let key: ApiKeyId = id.parse().map_err(|_| Failure::not_found(&visitor))?;
    match revoke_key(&visitor.deps, actor, key, SystemClock::now()).await {
        Ok(_) => Ok(see_other(&visitor.link("/settings/keys?notice=key_revoked"))),
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = page(&visitor, errors, None).await?;
            Ok(refused(&visitor, &page))
        }
    }
}
