//! A forgotten password: asking for a link by mail, and choosing a new password with it.

use super::invitation::TokenQuery;
use crate::failure::{Failure, Refusal, auth_refusal, refusal};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{RequestPasswordReset, ResetPassword, request_password_reset, reset_password};
use vigil_domain::accounts::SecretToken;

use super::overview::NoticeQuery;

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct RequestPage {
    shell: Shell,
    errors: Refusal,
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPage {
    shell: Shell,
    errors: Refusal,
    token: String,
}

/// `GET /forgot-password`.
pub(crate) async fn show_request(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = Shell::bare(&visitor, msg("reset.request_title")).with_notice(query.notice.as_deref());
    Ok(render(&visitor, &RequestPage { shell, errors: Refusal::default() }))
}

/// The request form.
#[derive(Debug, Deserialize)]
pub(crate) struct RequestForm {
    email: String,
}

/// `POST /forgot-password`: the same answer whether the address has an account or not.
pub(crate) async fn submit_request(posted: Posted<RequestForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    match request_password_reset(
        &visitor.deps,
        RequestPasswordReset { email: form.email, origin: visitor.origin.clone() },
        SystemClock::now(),
    )
    .await
    {
        Ok(()) => Ok(see_other(&visitor.link("/forgot-password?notice=reset_sent"))),
        Err(error) => {
            let errors = auth_refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            Ok(refused(&visitor, &RequestPage { shell: Shell::bare(&visitor, msg("reset.request_title")), errors }))
        }
    }
}

/// `GET /reset-password?token=`.
pub(crate) async fn show_reset(visitor: Visitor, Query(query): Query<TokenQuery>) -> Result<Response, Failure> {
    let page = ResetPage { shell: Shell::bare(&visitor, msg("reset.title")), errors: Refusal::default(), token: query.token };
    Ok(render(&visitor, &page))
}

/// The new password form.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetForm {
    token: String,
    password: String,
}

/// `POST /reset-password`: the new password; every session of the account ends.
pub(crate) async fn submit_reset(posted: Posted<ResetForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let cmd = ResetPassword { token: SecretToken::presented(&form.token), password: form.password };
    match reset_password(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(()) => Ok(see_other(&visitor.link("/sign-in?notice=password_reset"))),
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            Ok(refused(&visitor, &ResetPage { shell: Shell::bare(&visitor, msg("reset.title")), errors, token: form.token }))
        }
    }
}
