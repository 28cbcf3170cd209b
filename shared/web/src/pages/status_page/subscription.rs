//! The page's subscription form: an address and the components to follow (none ticked: all).
//! Double opt-in does the rest: nothing but the confirmation is sent until its link is
//! followed, whoever typed the address.
//!
//! The form carries no CSRF token, as the page around it is cached for everyone; a form posted
//! from another site can only make Vigil ask an address whether it wants to subscribe.

use super::show::PageView;
use super::{PublicQuery, answer, open};
use crate::i18n::msg;
use crate::page::see_other;
use crate::visitor::Visitor;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use vigil_app::SystemClock;
use vigil_app::status_pages::{StatusPageError, Subscribe, subscribe};

/// `POST /status/{slug}/subscription`: mails the confirmation link and says so on the page;
/// a refused address shows the page again with the form's error.
pub(super) async fn submit(
    visitor: Visitor,
    Path(slug): Path<String>,
    Query(query): Query<PublicQuery>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let query = PublicQuery { notice: None, ..query };
    let opened = match open(&visitor, &headers, &slug, "", &query).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let email = fields.iter().find(|(name, _)| name == "email").map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let components = fields.iter().filter(|(name, _)| name == "component").map(|(_, v)| v.clone()).collect();
    let locale = opened.frame.tr.locale();
    let cmd = Subscribe { page: opened.page.clone(), email: email.clone(), components, locale };
    let now = SystemClock::now();
    let error = match subscribe(&visitor.deps, cmd, now).await {
        Ok(()) => return see_other(&format!("{}&notice=subscription-sent#subscribe", opened.frame.link(""))),
        Err(StatusPageError::Invalid(invalid)) if invalid.0.iter().any(|e| e.field == "email") => msg("public.subscribe.bad_email"),
        Err(StatusPageError::Invalid(_)) => msg("public.subscribe.bad_components"),
        Err(error) => return crate::failure::Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error).into_response(),
    };
    let mut view = PageView::of(&opened, now);
    view.subscribe_error = Some(opened.frame.tr.t(error).to_owned());
    view.email = email;
    answer(&headers, opened.caching, StatusCode::UNPROCESSABLE_ENTITY, view.render())
}
