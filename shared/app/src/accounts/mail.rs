//! The mail people get about their account, in their language, and how it is sent: through the
//! same notifier as notifications (SMTP self-hosted, SES on AWS).

use super::AccountError;
use crate::Deps;
use vigil_domain::accounts::Locale;
use vigil_domain::notify::{AttemptResult, OutboundMessage};

/// What an account mail is about.
pub enum AccountMail<'a> {
    /// An invitation to join `organisation` as `role`, from `inviter`.
    Invitation {
        /// The organisation's name.
        organisation: &'a str,
        /// Who invited.
        inviter: &'a str,
        /// The role offered.
        role: &'a str,
        /// The link to accept.
        link: &'a str,
    },
    /// A password reset link.
    PasswordReset {
        /// The link.
        link: &'a str,
    },
    /// A link proving a new address.
    EmailChange {
        /// The link.
        link: &'a str,
    },
}

fn compose(mail: &AccountMail<'_>, locale: Locale) -> (String, String) {
    match (mail, locale) {
        (AccountMail::Invitation { organisation, inviter, role, link }, Locale::En) => (
            format!("{inviter} invited you to {organisation} on Vigil"),
            format!(
                "{inviter} invited you to join {organisation} on Vigil as {role}.\n\nAccept within 72 hours:\n{link}\n\nIf you did not expect this, ignore this mail.\n"
            ),
        ),
        (AccountMail::Invitation { organisation, inviter, role, link }, Locale::Fr) => (
            format!("{inviter} vous invite dans {organisation} sur Vigil"),
            format!(
                "{inviter} vous invite à rejoindre {organisation} sur Vigil avec le rôle {role}.\n\nAcceptez sous 72 heures :\n{link}\n\nSi vous ne l'attendiez pas, ignorez ce message.\n"
            ),
        ),
        (AccountMail::PasswordReset { link }, Locale::En) => (
            "Reset your Vigil password".into(),
            format!(
                "Someone asked to reset the password of this Vigil account.\n\nChoose a new password within the hour:\n{link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n"
            ),
        ),
        (AccountMail::PasswordReset { link }, Locale::Fr) => (
            "Réinitialisez votre mot de passe Vigil".into(),
            format!(
                "Quelqu'un a demandé à réinitialiser le mot de passe de ce compte Vigil.\n\nChoisissez un nouveau mot de passe dans l'heure :\n{link}\n\nSi ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé.\n"
            ),
        ),
        (AccountMail::EmailChange { link }, Locale::En) => (
            "Confirm your new Vigil email address".into(),
            format!("Confirm that this is the new address of your Vigil account within 24 hours:\n{link}\n"),
        ),
        (AccountMail::EmailChange { link }, Locale::Fr) => (
            "Confirmez votre nouvelle adresse Vigil".into(),
            format!("Confirmez sous 24 heures que ceci est la nouvelle adresse de votre compte Vigil :\n{link}\n"),
        ),
    }
}

/// Sends `mail` to `to` in `locale`.
pub async fn send(deps: &Deps, to: &str, mail: AccountMail<'_>, locale: Locale) -> Result<(), AccountError> {
    let (subject, text) = compose(&mail, locale);
    let message = OutboundMessage::Email { to: vec![to.to_owned()], subject, text, headers: Vec::new() };
    match deps.notifier.send(&message, deps.settings.notifications.send_timeout).await.0 {
        AttemptResult::Accepted { .. } => Ok(()),
        AttemptResult::Rejected { error, .. } => Err(AccountError::Mail(error)),
    }
}

/// A link to `path` with `token`, under the public URL.
pub fn link(deps: &Deps, path: &str, token: &str) -> String {
    let mut url = deps.settings.public_url.clone();
    url.set_path(path);
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}
