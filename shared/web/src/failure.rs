//! The one place where what a use case refused becomes what a person sees: a form shown again
//! with its fields' errors ([`Refusal`]), or an error page ([`Failure`]).

use crate::i18n::{Tr, msg};
use crate::page;
use crate::shell::Shell;
use crate::visitor::{Theme, Visitor};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use vigil_app::accounts::{AccountError, AuthError};
use vigil_domain::monitor::FieldError;
use vigil_domain::ports::StoreError;

mod alerting;
pub(crate) use alerting::{Sorted, allowed, said};

/// Why a form was not accepted, in the reader's words: a summary and each field's error.
#[derive(Clone, Debug, Default)]
pub(crate) struct Refusal {
    /// What went wrong, above the form.
    pub(crate) summary: Option<String>,
    /// Field name and its error.
    pub(crate) fields: Vec<(String, String)>,
}

impl Refusal {
    /// A refusal with only a summary.
    pub(crate) fn summary(text: impl Into<String>) -> Self {
        Self { summary: Some(text.into()), fields: Vec::new() }
    }

    /// One field's error.
    pub(crate) fn field_error(tr: &Tr, field: &str, key: &str) -> Self {
        Self { summary: Some(tr.t(msg("form.fix_fields")).to_owned()), fields: vec![(field.to_owned(), tr.t(key).to_owned())] }
    }

    /// The error of `field`, if it has one.
    pub(crate) fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(field, _)| field == name).map(|(_, text)| text.as_str())
    }

    /// Whether anything was refused.
    pub(crate) fn any(&self) -> bool {
        self.summary.is_some() || !self.fields.is_empty()
    }
}

/// A page that could not be shown, or the visitor sent elsewhere.
#[derive(Debug)]
pub(crate) enum Failure {
    /// 303 to this location (sign in first).
    Redirect(String),
    /// An error page.
    Page {
        /// The status.
        status: StatusCode,
        /// The frame.
        shell: Box<Shell>,
        /// What happened, in the reader's words.
        message: String,
        /// A pre-sign-in form cookie to set.
        form_cookie: Option<HeaderValue>,
    },
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    shell: &'a Shell,
    status: u16,
    message: &'a str,
}

impl Failure {
    /// To the sign-in page, coming back to `here` afterwards.
    pub(crate) fn sign_in(base: &str, here: &str) -> Self {
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        Failure::Redirect(format!("{base}/sign-in?next={next}"))
    }

    fn page(visitor: &Visitor, status: StatusCode, title: &str, message: String) -> Self {
        Failure::Page { status, shell: Box::new(Shell::bare(visitor, title)), message, form_cookie: visitor.form_cookie() }
    }

    /// 500: logged, and the reader told it was.
    pub(crate) fn internal(tr: &Tr, theme: Theme, base: &str, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "a page failed");
        let shell = Shell {
            tr: tr.clone(),
            base: base.to_owned(),
            theme,
            csrf: String::new(),
            here: format!("{base}/"),
            title: tr.t(msg("error.internal.title")).to_owned(),
            notice: None,
            nav: crate::shell::Nav::None,
            section: "",
            member: None,
        };
        Failure::Page {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: tr.t(msg("error.internal.text")).to_owned(),
            shell: Box::new(shell),
            form_cookie: None,
        }
    }

    /// 403: the form's CSRF token is missing or stale.
    pub(crate) fn csrf(visitor: &Visitor) -> Self {
        Self::page(visitor, StatusCode::FORBIDDEN, msg("error.csrf.title"), visitor.tr.t(msg("error.csrf.text")).to_owned())
    }

    /// 400: a form that could not be read.
    pub(crate) fn bad_form(visitor: &Visitor, key: &str) -> Self {
        Self::page(visitor, StatusCode::BAD_REQUEST, msg("error.bad_form.title"), visitor.tr.t(key).to_owned())
    }

    /// 403: the member's role does not allow it.
    pub(crate) fn forbidden(visitor: &Visitor) -> Self {
        Self::page(visitor, StatusCode::FORBIDDEN, msg("error.forbidden.title"), visitor.tr.t(msg("error.forbidden.text")).to_owned())
    }

    /// 404.
    pub(crate) fn not_found(visitor: &Visitor) -> Self {
        Self::page(visitor, StatusCode::NOT_FOUND, msg("error.not_found.title"), visitor.tr.t(msg("error.not_found.text")).to_owned())
    }

    /// What an account use case's error shows when the form cannot show it.
    pub(crate) fn account(visitor: &Visitor, error: AccountError) -> Self {
        match refusal(&visitor.tr, error) {
            Ok(refusal) => Self::page(
                visitor,
                StatusCode::CONFLICT,
                msg("error.refused.title"),
                refusal.summary.unwrap_or_else(|| visitor.tr.t(msg("form.fix_fields")).to_owned()),
            ),
            Err(Reason::Forbidden) => Self::forbidden(visitor),
            Err(Reason::NotFound) => Self::not_found(visitor),
            Err(Reason::Internal(error)) => Self::internal(&visitor.tr, visitor.theme, &visitor.base, &error),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Redirect(location) => page::see_other(&location),
            Failure::Page { status, shell, message, form_cookie } => {
                let template = ErrorPage { shell: &shell, status: status.as_u16(), message: &message };
                let mut response = page::html(&template);
                *response.status_mut() = status;
                if let Some(cookie) = form_cookie {
                    response.headers_mut().append(header::SET_COOKIE, cookie);
                }
                response
            }
        }
    }
}

/// Why a use case's error is not something a form can show.
#[derive(Debug)]
pub(crate) enum Reason {
    /// The role does not allow it: 403.
    Forbidden,
    /// Nothing there: 404.
    NotFound,
    /// Storage failed: 500.
    Internal(String),
}

impl Reason {
    /// The error page of this reason.
    pub(crate) fn page(self, visitor: &Visitor) -> Failure {
        match self {
            Reason::Forbidden => Failure::forbidden(visitor),
            Reason::NotFound => Failure::not_found(visitor),
            Reason::Internal(error) => Failure::internal(&visitor.tr, visitor.theme, &visitor.base, &error),
        }
    }
}

/// An account use case's error: what the form says, or why no form can say it.
pub(crate) fn refusal(tr: &Tr, error: AccountError) -> Result<Refusal, Reason> {
    Ok(match error {
        AccountError::Invalid(errors) => Refusal {
            summary: Some(tr.t(msg("form.fix_fields")).to_owned()),
            fields: errors.0.iter().map(|FieldError { field, message }| (field.clone(), words(tr, message))).collect(),
        },
        AccountError::Conflict(text) | AccountError::BadToken(text) => Refusal::summary(words(tr, &text)),
        AccountError::LastOwner(_) => Refusal::summary(tr.t(msg("error.last_owner"))),
        AccountError::Mail(detail) => Refusal::summary(tr.a(msg("error.mail"), "detail", detail)),
        AccountError::Store(StoreError::Conflict) => Refusal::summary(tr.t(msg("error.changed_meanwhile"))),
        AccountError::Store(StoreError::InvalidCursor) => Refusal::summary(tr.t(msg("error.bad_cursor"))),
        AccountError::Forbidden(_) => return Err(Reason::Forbidden),
        AccountError::NotFound(_) => return Err(Reason::NotFound),
        AccountError::Store(error) => return Err(Reason::Internal(error.to_string())),
    })
}

/// A sign-in's error: what the form says, or a failure of storage.
pub(crate) fn auth_refusal(tr: &Tr, error: AuthError) -> Result<Refusal, Reason> {
    Ok(match error {
        AuthError::Rejected(text) => Refusal::summary(words(tr, &text)),
        AuthError::TooManyAttempts { retry_after_seconds } => {
            Refusal::summary(tr.a(msg("error.too_many_attempts"), "seconds", tr.number(retry_after_seconds as i64)))
        }
        AuthError::SecondFactorRequired => Refusal::summary(tr.t(msg("error.second_factor_required"))),
        AuthError::PasswordSignInDisabled => Refusal::summary(tr.t(msg("error.password_sign_in_disabled"))),
        AuthError::NotAMember => Refusal::summary(tr.t(msg("error.not_a_member"))),
        AuthError::Store(StoreError::Conflict) => Refusal::summary(tr.t(msg("error.changed_meanwhile"))),
        AuthError::Store(error) => return Err(Reason::Internal(error.to_string())),
    })
}

/// The use cases' own sentences that people meet in these forms, and their messages.
const KNOWN: &[(&str, &str)] = &[
    ("a name is required", msg("error.text.name_required")),
    ("a name has at most 100 characters", msg("error.text.name_too_long")),
    ("a name cannot contain control characters", msg("error.text.name_control")),
    ("an email address is required", msg("error.text.email_required")),
    ("an email address has at most 254 characters", msg("error.text.email_too_long")),
    ("this password is among the most common ones; choose another", msg("error.text.password_common")),
    ("a password must not contain your email address", msg("error.text.password_contains_email")),
    ("a code is six digits", msg("error.text.code_malformed")),
    ("the code is not valid; check the time on your device and use the newest code", msg("error.text.code_wrong")),
    ("the current password is wrong", msg("error.text.current_password_wrong")),
    ("the password is wrong", msg("error.text.password_wrong")),
    ("the email or the password is wrong", msg("error.text.sign_in_rejected")),
    ("the session has ended; sign in again", msg("error.text.session_ended")),
    ("a new account needs a name", msg("error.text.name_required")),
    ("a new account needs a password", msg("error.text.password_required")),
    ("only an owner invites owners", msg("error.text.only_owner_invites_owners")),
    ("a key cannot expire in the past", msg("error.text.key_expiry_past")),
    ("the invitation link is not valid", msg("error.text.invitation_invalid")),
    ("this invitation was accepted already: sign in", msg("error.text.invitation_accepted")),
    ("this invitation expired: ask for a new one", msg("error.text.invitation_expired")),
    ("this invitation was withdrawn", msg("error.text.invitation_revoked")),
    ("this invitation was used already", msg("error.text.invitation_accepted")),
    ("the reset link is not valid, was used already or expired; ask for a new one", msg("error.text.reset_invalid")),
    ("this installation is set up already: sign in, or ask its owner for an invitation", msg("error.text.set_up_already")),
    ("this installation is set up already", msg("error.text.set_up_already")),
    ("start by asking for a new secret", msg("error.text.totp_not_started")),
    ("two-factor authentication is on already; turn it off first to change the secret", msg("error.text.totp_on_already")),
    ("a sign-in never makes an owner: give a lesser role, and promote by hand", msg("error.text.oidc_owner")),
    ("keep the audit log between 1 and 3650 days", msg("error.text.retention_range")),
    ("the account changed meanwhile; try again", msg("error.changed_meanwhile")),
    ("only a pending invitation can be revoked", msg("error.text.invitation_not_pending")),
    ("this account belongs to no organisation any more; ask an admin for an invitation", msg("error.text.no_organisation")),
];

/// A use case's sentence in the reader's language: the known ones from the catalogue (those
/// with a number keep it), any other as the use case wrote it.
pub(crate) fn words(tr: &Tr, text: &str) -> String {
    if let Some((_, key)) = KNOWN.iter().find(|(english, _)| *english == text) {
        return tr.t(key).to_owned();
    }
    let number = |prefix: &str, suffix: &str| text.strip_prefix(prefix)?.strip_suffix(suffix)?.parse::<i64>().ok();
    if let Some(min) = number("a password needs at least ", " characters") {
        return tr.a(msg("error.text.password_too_short"), "min", min);
    }
    if let Some(max) = number("a password has at most ", " characters") {
        return tr.a(msg("error.text.password_too_long"), "max", max);
    }
    if let Some(address) = text.strip_prefix('`').and_then(|t| t.strip_suffix("` is not an email address (name@domain)")) {
        return tr.a(msg("error.text.email_malformed"), "address", address);
    }
    if let Some(address) = text.strip_suffix(" is a member already") {
        return tr.a(msg("error.text.member_already"), "address", address);
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::{Email, Locale, PasswordRejected, TotpError, check_password, valid_name};

    /// Every domain sentence the table knows is still the one the domain writes, so that a
    /// reworded error cannot silently fall back to English on a French page.
    #[test]
    fn the_domain_sentences_are_translated() {
        let fr = Tr::new(Locale::Fr, "UTC");
        let email = Email::parse("ann@example.com").unwrap();
        let sentences = [
            valid_name("").unwrap_err(),
            valid_name(&"x".repeat(101)).unwrap_err(),
            valid_name("a\u{7}b").unwrap_err(),
            check_password("short", &email).unwrap_err().to_string(),
            check_password(&"x".repeat(300), &email).unwrap_err().to_string(),
            check_password("password123456", &email).unwrap_err().to_string(),
            PasswordRejected::ContainsEmail.to_string(),
            Email::parse("").unwrap_err().to_string(),
            Email::parse("nope").unwrap_err().to_string(),
            TotpError::Malformed.to_string(),
            TotpError::Wrong.to_string(),
        ];
        for sentence in sentences {
            let said = words(&fr, &sentence);
            assert_ne!(said, sentence, "no French for {sentence:?}");
            assert!(!said.contains("error.text"), "{said}");
        }
        assert_eq!(words(&fr, "a password needs at least 10 characters"), "Un mot de passe a au moins 10 caractères.");
    }
}
