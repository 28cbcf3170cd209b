//! First-run set-up: the owner's account, offered only while nobody has one.

use super::sign_in::open_session;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{SetUpOwner, needs_set_up, set_up_owner};

#[derive(Template)]
#[template(path = "setup.html")]
struct SetUpPage {
    shell: Shell,
    errors: Refusal,
    name: String,
    email: String,
    organisation: String,
}

/// `GET /setup`: the form while the installation has nobody, the sign-in page afterwards.
pub(crate) async fn show(visitor: Visitor) -> Result<Response, Failure> {
    if !needs_set_up(&visitor.deps).await.map_err(|e| Failure::account(&visitor, e))? {
        return Ok(see_other(&visitor.link("/sign-in")));
    }
    let page = SetUpPage {
        shell: Shell::bare(&visitor, msg("setup.title")),
        errors: Refusal::default(),
        name: String::new(),
        email: String::new(),
        organisation: String::new(),
    };
    Ok(render(&visitor, &page))
}

/// The set-up form.
#[derive(Debug, Deserialize)]
pub(crate) struct SetUpForm {
    name: String,
    email: String,
    password: String,
    #[serde(default)]
    organisation: String,
}

/// `POST /setup`: the owner is made and signed in.
pub(crate) async fn submit(posted: Posted<SetUpForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let organisation = Some(form.organisation.trim().to_owned()).filter(|o| !o.is_empty());
    let cmd = SetUpOwner {
        email: form.email.clone(),
        password: form.password,
        name: form.name.clone(),
        organisation: organisation.clone(),
        origin: visitor.origin.clone(),
    };
    match set_up_owner(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(signed_in) => open_session(&visitor, signed_in, &visitor.link("/")).await,
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = SetUpPage {
                shell: Shell::bare(&visitor, msg("setup.title")),
                errors,
                name: form.name,
                email: form.email,
                organisation: organisation.unwrap_or_default(),
            };
            Ok(refused(&visitor, &page))
        }
    }
}
