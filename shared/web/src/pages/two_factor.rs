//! Two-factor authentication: a secret offered as a QR code, confirmed by a code (the recovery
//! codes are shown then, once), and turned off with the password.

use super::overview::NoticeQuery;
use super::sign_in::Empty;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::qr;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{begin_totp, confirm_totp, disable_totp};

/// A secret offered to the authenticator app.
struct Offer {
    secret: String,
    uri: String,
    svg: String,
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    shell: Shell,
    errors: Refusal,
    enabled: bool,
    recovery_left: usize,
    offer: Option<Offer>,
    codes: Vec<String>,
}

impl TwoFactorPage {
    async fn of(visitor: &Visitor, errors: Refusal, offer: Option<Offer>, codes: Vec<String>) -> Result<Self, Failure> {
        let shell = Shell::settings(visitor, msg("settings.two_factor"), "two_factor").await?;
        let user = &visitor.member()?.user;
        Ok(Self {
            shell,
            errors,
            enabled: user.totp.is_some() || !codes.is_empty(),
            recovery_left: user.recovery_codes.remaining(),
            offer,
            codes,
        })
    }
}

fn offer(secret: String, uri: String) -> Offer {
    let svg = qr::svg(&uri).unwrap_or_default();
    Offer { secret, uri, svg }
}

/// `GET /settings/two-factor`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let mut page = TwoFactorPage::of(&visitor, Refusal::default(), None, Vec::new()).await?;
    page.shell = page.shell.with_notice(query.notice.as_deref());
    Ok(render(&visitor, &page))
}

/// `POST /settings/two-factor/begin`: a new secret, shown as a QR code and as text.
pub(crate) async fn begin(posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    let member = visitor.member()?;
    let (errors, offered) = match begin_totp(&visitor.deps, &member.actor, SystemClock::now()).await {
        Ok(totp) => (Refusal::default(), Some(offer(totp.secret, totp.uri))),
        Err(error) => (refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?, None),
    };
    let page = TwoFactorPage::of(&visitor, errors, offered, Vec::new()).await?;
    Ok(render(&visitor, &page))
}

/// The confirmation form (the offer comes back only to be shown again after a wrong code).
#[derive(Debug, Deserialize)]
pub(crate) struct ConfirmForm {
    code: String,
    secret: String,
    uri: String,
}

/// `POST /settings/two-factor/confirm`: on with a right code; the recovery codes shown once.
pub(crate) async fn confirm(posted: Posted<ConfirmForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    match confirm_totp(&visitor.deps, &member.actor, &form.code, SystemClock::now()).await {
        Ok(codes) => {
            let codes = codes.iter().map(|c| c.expose().to_owned()).collect();
            let page = TwoFactorPage::of(&visitor, Refusal::default(), None, codes).await?;
            Ok(render(&visitor, &page))
        }
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = TwoFactorPage::of(&visitor, errors, Some(offer(form.secret, form.uri)), Vec::new()).await?;
            Ok(refused(&visitor, &page))
        }
    }
}

/// The form that turns two-factor off.
#[derive(Debug, Deserialize)]
pub(crate) struct DisableForm {
    password: String,
}

/// `POST /settings/two-factor/disable`.
pub(crate) async fn disable(posted: Posted<DisableForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    match disable_totp(&visitor.deps, &member.actor, &form.password, SystemClock::now()).await {
        Ok(()) => Ok(see_other(&visitor.link("/settings/two-factor?notice=two_factor_off"))),
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = TwoFactorPage::of(&visitor, errors, None, Vec::new()).await?;
            Ok(refused(&visitor, &page))
        }
    }
}
