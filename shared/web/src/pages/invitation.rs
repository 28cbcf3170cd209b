//! Following an invitation link: joining (with a new account's name and password if needed).

use super::sign_in::open_session;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::msg;
use crate::page::{refused, render};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{AcceptInvitation, accept_invitation};
use vigil_domain::accounts::SecretToken;

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    shell: Shell,
    errors: Refusal,
    token: String,
    name: String,
}

/// The link's token.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    #[serde(default)]
    pub(crate) token: String,
}

/// `GET /invitations/accept?token=`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<TokenQuery>) -> Result<Response, Failure> {
    let page = InvitationPage {
        shell: Shell::bare(&visitor, msg("invitation.title")),
        errors: Refusal::default(),
        token: query.token,
        name: String::new(),
    };
    Ok(render(&visitor, &page))
}

/// The acceptance form.
#[derive(Debug, Deserialize)]
pub(crate) struct AcceptForm {
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /invitations/accept`: joined and signed in.
pub(crate) async fn submit(posted: Posted<AcceptForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let filled = |s: &str| Some(s.to_owned()).filter(|s| !s.trim().is_empty());
    let cmd = AcceptInvitation {
        token: SecretToken::presented(&form.token),
        name: filled(&form.name),
        password: filled(&form.password),
        origin: visitor.origin.clone(),
    };
    match accept_invitation(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(signed_in) => open_session(&visitor, signed_in, &visitor.link("/")).await,
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = InvitationPage { shell: Shell::bare(&visitor, msg("invitation.title")), errors, token: form.token, name: form.name };
            Ok(refused(&visitor, &page))
        }
    }
}
