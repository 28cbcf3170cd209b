//! Changing one's password (every other session ends).

use super::overview::NoticeQuery;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{ChangePassword, change_password};

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    shell: Shell,
    errors: Refusal,
}

/// `GET /settings/password`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = Shell::settings(&visitor, msg("settings.password"), "password").await?.with_notice(query.notice.as_deref());
    Ok(render(&visitor, &PasswordPage { shell, errors: Refusal::default() }))
}

/// The password form.
#[derive(Debug, Deserialize)]
pub(crate) struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// `POST /settings/password`.
pub(crate) async fn submit(posted: Posted<PasswordForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    let outcome = if form.new != form.confirm {
        Err(Refusal::field_error(&visitor.tr, "confirm", msg("password.mismatch")))
    } else {
        let cmd = ChangePassword { current: form.current, new: form.new, keep_session: Some(member.cookie.hash()) };
        match change_password(&visitor.deps, &member.actor, cmd, SystemClock::now()).await {
            Ok(()) => Ok(()),
            Err(error) => Err(refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?),
        }
    };
    match outcome {
        Ok(()) => Ok(see_other(&visitor.link("/settings/password?notice=password_changed"))),
        Err(errors) => {
            let shell = Shell::settings(&visitor, msg("settings.password"), "password").await?;
            Ok(refused(&visitor, &PasswordPage { shell, errors }))
        }
    }
}
