//! Making a status page and changing its settings: name, slug, description, its own domain,
//! who may read it (a password typed only to set or change it), indexing, language and zone.

use super::{page_of, path_id, shell};
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::msg;
use crate::page::{refused, render, see_other};
use crate::pages::profile::zones;
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use vigil_app::SystemClock;
use vigil_app::status_pages::{CreatePage, UpdatePage, create_page, update_page};
use vigil_domain::access::Action;
use vigil_domain::ids::StatusPageId;
use vigil_domain::status_page::{StatusPage, StatusPageDraft};

/// The settings as the form holds them.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct SettingsForm {
    name: String,
    slug: String,
    description: String,
    custom_domain: String,
    access: String,
    password: String,
    no_index: Option<String>,
    default_locale: String,
    time_zone: String,
}

impl SettingsForm {
    fn fresh(zone: &str, locale: &str) -> Self {
        Self { access: "public".into(), default_locale: locale.to_owned(), time_zone: zone.to_owned(), ..Self::default() }
    }

    fn of(page: &StatusPage) -> Self {
        Self {
            name: page.name.clone(),
            slug: page.slug.to_string(),
            description: page.description.clone(),
            custom_domain: page.custom_domain.as_ref().map(ToString::to_string).unwrap_or_default(),
            access: page.access.kind().to_owned(),
            no_index: page.no_index.then(|| "on".to_owned()),
            default_locale: page.default_locale.as_str().to_owned(),
            time_zone: page.time_zone.clone(),
            ..Self::default()
        }
    }

    fn draft(&self) -> StatusPageDraft {
        StatusPageDraft {
            name: Some(self.name.clone()),
            slug: Some(self.slug.trim().to_owned()),
            description: Some(self.description.clone()),
            custom_domain: Some(self.custom_domain.trim().to_owned()),
            access: Some(self.access.clone()),
            // Left empty, a protected page keeps its password.
            password: (!self.password.is_empty()).then(|| self.password.clone()),
            no_index: Some(self.no_index.is_some()),
            default_locale: Some(self.default_locale.clone()),
            time_zone: Some(self.time_zone.trim().to_owned()),
        }
    }
}

#[derive(Template)]
#[template(path = "status_editor/settings_form.html")]
struct FormPage {
    shell: Shell,
    errors: Refusal,
    form: SettingsForm,
    zones: Vec<String>,
    action: String,
    back: String,
    is_new: bool,
    /// Whether the page has a password already (the field may stay empty).
    has_password: bool,
}

async fn form_page(visitor: &Visitor, form: SettingsForm, errors: Refusal, editing: Option<&StatusPage>) -> Result<FormPage, Failure> {
    let title = if editing.is_some() { msg("editor.settings_title") } else { msg("editor.new_title") };
    let shell = shell(visitor, title).await?;
    Ok(FormPage {
        errors,
        zones: zones(),
        action: match editing {
            Some(page) => visitor.link(&format!("/status-pages/{}/settings", page.id)),
            None => visitor.link("/status-pages"),
        },
        back: match editing {
            Some(page) => visitor.link(&format!("/status-pages/{}", page.id)),
            None => visitor.link("/status-pages"),
        },
        is_new: editing.is_none(),
        has_password: editing.is_some_and(|p| p.access.kind() == "password"),
        form,
        shell,
    })
}

/// `GET /status-pages/new`.
pub(crate) async fn new(visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let member = visitor.member()?;
    let form = SettingsForm::fresh(&member.user.time_zone, member.user.locale.as_str());
    Ok(render(&visitor, &form_page(&visitor, form, Refusal::default(), None).await?))
}

/// `POST /status-pages`.
pub(crate) async fn create(posted: Posted<SettingsForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    let errors = match create_page(&visitor.deps, CreatePage { actor, draft: form.draft() }, SystemClock::now()).await {
        Ok(page) => return Ok(see_other(&visitor.link(&format!("/status-pages/{}?notice=status_page_saved", page.id)))),
        Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
    };
    Ok(refused(&visitor, &form_page(&visitor, SettingsForm { password: String::new(), ..form }, errors, None).await?))
}

/// `GET /status-pages/{id}/settings`.
pub(crate) async fn edit(Path(id): Path<String>, visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::EditStatusPages)?;
    let page = page_of(&visitor, &id).await?;
    Ok(render(&visitor, &form_page(&visitor, SettingsForm::of(&page), Refusal::default(), Some(&page)).await?))
}

/// `POST /status-pages/{id}/settings`.
pub(crate) async fn update(Path(id): Path<String>, posted: Posted<SettingsForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = allowed(&visitor, Action::EditStatusPages)?;
    let page_id: StatusPageId = path_id(&visitor, &id)?;
    let cmd = UpdatePage { actor, page_id, draft: form.draft() };
    let errors = match update_page(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(page) => return Ok(see_other(&visitor.link(&format!("/status-pages/{}?notice=status_page_saved", page.id)))),
        Err(error) => error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?,
    };
    let page = page_of(&visitor, &id).await?;
    Ok(refused(&visitor, &form_page(&visitor, SettingsForm { password: String::new(), ..form }, errors, Some(&page)).await?))
}
