//! One's own profile: name, language, time zone.

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
use vigil_app::accounts::update_profile;
use vigil_domain::accounts::UserDraft;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    shell: Shell,
    errors: Refusal,
    email: String,
    name: String,
    locale: String,
    time_zone: String,
    zones: Vec<String>,
}

/// Every IANA time zone name, sorted (the suggestions of a time zone field).
pub(crate) fn zones() -> Vec<String> {
    let mut zones: Vec<String> = jiff::tz::db().available().map(|name| name.to_string()).collect();
    zones.sort();
    zones
}

/// `GET /settings/profile`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = Shell::settings(&visitor, msg("settings.profile"), "profile").await?.with_notice(query.notice.as_deref());
    let user = &visitor.member()?.user;
    let page = ProfilePage {
        shell,
        errors: Refusal::default(),
        email: user.email.to_string(),
        name: user.name.clone(),
        locale: user.locale.as_str().to_owned(),
        time_zone: user.time_zone.clone(),
        zones: zones(),
    };
    Ok(render(&visitor, &page))
}

/// The profile form.
#[derive(Debug, Deserialize)]
pub(crate) struct ProfileForm {
    name: String,
    locale: String,
    time_zone: String,
}

/// `POST /settings/profile`.
pub(crate) async fn submit(posted: Posted<ProfileForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    let draft = UserDraft { name: Some(form.name.clone()), locale: Some(form.locale.clone()), time_zone: Some(form.time_zone.clone()) };
    match update_profile(&visitor.deps, &member.actor, draft, SystemClock::now()).await {
        Ok(_) => Ok(see_other(&visitor.link("/settings/profile?notice=profile_saved"))),
        Err(error) => {
            let errors = refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = ProfilePage {
                shell: Shell::settings(&visitor, msg("settings.profile"), "profile").await?,
                errors,
                email: member.user.email.to_string(),
                name: form.name,
                locale: form.locale,
                time_zone: form.time_zone,
                zones: zones(),
            };
            Ok(refused(&visitor, &page))
        }
    }
}
