//! The switches of the header: theme, language, organisation.

use crate::failure::Failure;
use crate::i18n::LANGUAGE_COOKIE;
use crate::page::{local_path, see_other};
use crate::visitor::{Posted, THEME_COOKIE, Theme};
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{SwitchOrganisation, update_profile};
use vigil_domain::accounts::{Locale, UserDraft};
use vigil_domain::ids::TenantId;

/// The theme switch.
#[derive(Debug, Deserialize)]
pub(crate) struct ThemeForm {
    theme: String,
    return_to: Option<String>,
}

/// `POST /preferences/theme`: kept in a cookie.
pub(crate) async fn theme(posted: Posted<ThemeForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let theme = Theme::parse(&form.theme).ok_or_else(|| Failure::bad_form(&visitor, crate::i18n::msg("form.malformed")))?;
    let mut response = see_other(&local_path(form.return_to.as_deref(), &visitor.base));
    response.headers_mut().append(header::SET_COOKIE, visitor.preference_cookie(THEME_COOKIE, theme.as_str()));
    Ok(response)
}

/// The language switch.
#[derive(Debug, Deserialize)]
pub(crate) struct LanguageForm {
    language: String,
    return_to: Option<String>,
}

/// `POST /preferences/language`: kept in a cookie, and in the profile of a signed-in member
/// (whose setting comes first).
pub(crate) async fn language(posted: Posted<LanguageForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let locale = Locale::parse(&form.language).ok_or_else(|| Failure::bad_form(&visitor, crate::i18n::msg("form.malformed")))?;
    if let Some(member) = &visitor.member {
        let draft = UserDraft { locale: Some(locale.as_str().to_owned()), ..UserDraft::default() };
        update_profile(&visitor.deps, &member.actor, draft, SystemClock::now()).await.map_err(|e| Failure::account(&visitor, e))?;
    }
    let mut response = see_other(&local_path(form.return_to.as_deref(), &visitor.base));
    response.headers_mut().append(header::SET_COOKIE, visitor.preference_cookie(LANGUAGE_COOKIE, locale.as_str()));
    Ok(response)
}

/// The organisation switcher.
#[derive(Debug, Deserialize)]
pub(crate) struct SwitchForm {
    organisation: String,
}

/// `POST /organisation/switch`: the session looks at another of the member's organisations.
pub(crate) async fn switch_organisation(posted: Posted<SwitchForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let member = visitor.member()?;
    let tenant_id: TenantId = form.organisation.parse().map_err(|_| Failure::bad_form(&visitor, crate::i18n::msg("form.malformed")))?;
    vigil_app::accounts::switch_organisation(
        &visitor.deps,
        SwitchOrganisation { cookie: member.cookie.clone(), tenant_id },
        SystemClock::now(),
    )
    .await
    .map_err(|error| {
        crate::failure::auth_refusal(&visitor.tr, error).err().map_or_else(|| Failure::forbidden(&visitor), |r| r.page(&visitor))
    })?;
    Ok(see_other(&visitor.link("/?notice=switched")))
}
