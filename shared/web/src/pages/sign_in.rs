//! Signing in (a password, then a code when the account has a second factor) and out.

use crate::failure::{Failure, Refusal, auth_refusal};
use crate::i18n::msg;
use crate::oidc_button;
use crate::page::{local_path, refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::http::header;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{
    FinishSignIn, SignIn, SignInOutcome, SignedIn, StartSession, end_session, finish_sign_in, needs_set_up, sign_in, start_session,
};
use vigil_domain::accounts::SecretToken;
use vigil_http::browser::session_cookie_header;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    shell: Shell,
    errors: Refusal,
    email: String,
    next: String,
    oidc: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "sign_in_code.html")]
struct CodePage {
    shell: Shell,
    errors: Refusal,
    ticket: String,
    next: String,
}

/// `?next=` and `?notice=` of the sign-in page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SignInQuery {
    next: Option<String>,
    notice: Option<String>,
}

fn sign_in_page(visitor: &Visitor, email: String, next: String, errors: Refusal, notice: Option<&str>) -> SignInPage {
    let oidc = oidc_button::provider(&visitor.deps)
        .map(|name| (visitor.tr.a(msg("sign_in.oidc"), "provider", name), oidc_button::start_url(&visitor.base, &next)));
    SignInPage { shell: Shell::bare(visitor, msg("sign_in.title")).with_notice(notice), errors, email, next, oidc }
}

/// `GET /sign-in`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<SignInQuery>) -> Result<Response, Failure> {
    let next = local_path(query.next.as_deref(), &visitor.base);
    if visitor.member.is_some() {
        return Ok(see_other(&next));
    }
    if needs_set_up(&visitor.deps).await.map_err(|e| Failure::account(&visitor, e))? {
        return Ok(see_other(&visitor.link("/setup")));
    }
    let page = sign_in_page(&visitor, String::new(), next, Refusal::default(), query.notice.as_deref());
    Ok(render(&visitor, &page))
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub(crate) struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// `POST /sign-in`: signed in, or asked for a code, or shown the form again with the reason.
pub(crate) async fn submit(posted: Posted<SignInForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let next = local_path(form.next.as_deref(), &visitor.base);
    let cmd = SignIn { email: form.email.clone(), password: form.password, code: None, tenant: None, origin: visitor.origin.clone() };
    match sign_in(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(SignInOutcome::SignedIn(signed_in)) => open_session(&visitor, *signed_in, &next).await,
        Ok(SignInOutcome::SecondFactorNeeded(ticket)) => {
            let page = CodePage {
                shell: Shell::bare(&visitor, msg("sign_in.code_title")),
                errors: Refusal::default(),
                ticket: ticket.expose().to_owned(),
                next,
            };
            Ok(render(&visitor, &page))
        }
        Err(error) => {
            let errors = auth_refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            Ok(refused(&visitor, &sign_in_page(&visitor, form.email, next, errors, None)))
        }
    }
}

/// The second step's form.
#[derive(Debug, Deserialize)]
pub(crate) struct CodeForm {
    ticket: String,
    code: String,
    next: Option<String>,
}

/// `POST /sign-in/code`: the code from the authenticator app (or a recovery code).
pub(crate) async fn submit_code(posted: Posted<CodeForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let next = local_path(form.next.as_deref(), &visitor.base);
    let cmd = FinishSignIn { ticket: SecretToken::presented(&form.ticket), code: form.code, origin: visitor.origin.clone() };
    match finish_sign_in(&visitor.deps, cmd, SystemClock::now()).await {
        Ok(signed_in) => open_session(&visitor, signed_in, &next).await,
        Err(error) => {
            let errors = auth_refusal(&visitor.tr, error).map_err(|reason| reason.page(&visitor))?;
            let page = CodePage { shell: Shell::bare(&visitor, msg("sign_in.code_title")), errors, ticket: form.ticket, next };
            Ok(refused(&visitor, &page))
        }
    }
}

/// Starts the browser session of someone who just proved who they are, and sends them on.
pub(crate) async fn open_session(visitor: &Visitor, signed_in: SignedIn, next: &str) -> Result<Response, Failure> {
    let (_, cookie) =
        start_session(&visitor.deps, StartSession { signed_in, origin: visitor.origin.clone() }, SystemClock::now()).await.map_err(
            |error| auth_refusal(&visitor.tr, error).err().map_or_else(|| Failure::forbidden(visitor), |reason| reason.page(visitor)),
        )?;
    let mut response = see_other(next);
    response.headers_mut().append(header::SET_COOKIE, session_cookie_header(&visitor.deps, Some(&cookie)));
    Ok(response)
}

/// A form of nothing but its CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct Empty {}

/// `POST /sign-out`: the session ends.
pub(crate) async fn sign_out(posted: Posted<Empty>) -> Result<Response, Failure> {
    let visitor = posted.visitor;
    if let Some(member) = &visitor.member {
        end_session(&visitor.deps, &member.cookie)
            .await
            .map_err(|error| Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error))?;
    }
    let mut response = see_other(&visitor.link("/sign-in?notice=signed_out"));
    response.headers_mut().append(header::SET_COOKIE, session_cookie_header(&visitor.deps, None));
    Ok(response)
}
