use super::{Email, PasswordHash, RecoveryCodes, Totp};
use crate::ids::UserId;
use crate::monitor::{FieldError, SpecErrors};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The languages Vigil speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Locale {
    /// The BCP 47 tag.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The locale of a BCP 47 tag (`fr`, `fr-CA`), if Vigil speaks it.
    pub fn parse(tag: &str) -> Option<Self> {
        match tag.split(['-', '_']).next()?.to_ascii_lowercase().as_str() {
            "en" => Some(Locale::En),
            "fr" => Some(Locale::Fr),
            _ => None,
        }
    }
}

/// A person who signs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Where mail goes; unique among users.
    pub email: Email,
    /// Whether the address was proven (by an invitation, a reset or a change link, or an
    /// OpenID provider that says so).
    pub email_verified: bool,
    /// How others see them.
    pub name: String,
    /// None for people who sign in only through OpenID Connect.
    pub password: Option<PasswordHash>,
    /// Two-factor authentication, once confirmed.
    pub totp: Option<Totp>,
    /// A TOTP secret offered but not yet confirmed by a code.
    pub pending_totp: Option<Totp>,
    /// Single-use codes for when the authenticator is lost (hashes).
    pub recovery_codes: RecoveryCodes,
    /// Language of pages and mail.
    pub locale: Locale,
    /// IANA time zone in which times are shown.
    pub time_zone: String,
    /// When the account was made.
    pub created_at: Timestamp,
    /// Bumped at every change (optimistic concurrency).
    pub version: u64,
}

/// A change to one's own profile; absent fields stay.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserDraft {
    /// Display name.
    pub name: Option<String>,
    /// `en` or `fr`.
    pub locale: Option<String>,
    /// IANA time zone (`Europe/Paris`).
    pub time_zone: Option<String>,
}

impl UserDraft {
    /// Applies the draft to `user`, listing every field that is not valid.
    pub fn apply_to(&self, user: &mut User) -> Result<(), SpecErrors> {
        let mut errors = Vec::new();
        if let Some(name) = &self.name {
            match valid_name(name) {
                Ok(name) => user.name = name,
                Err(message) => errors.push(FieldError { field: "name".into(), message }),
            }
        }
        if let Some(tag) = &self.locale {
            match Locale::parse(tag) {
                Some(locale) => user.locale = locale,
                None => {
                    errors.push(FieldError { field: "locale".into(), message: format!("`{tag}` is not a language Vigil speaks (en, fr)") })
                }
            }
        }
        if let Some(zone) = &self.time_zone {
            match jiff::tz::TimeZone::get(zone) {
                Ok(_) => user.time_zone = zone.clone(),
                Err(_) => errors.push(FieldError {
                    field: "time_zone".into(),
                    message: format!("`{zone}` is not an IANA time zone (for example Europe/Paris)"),
                }),
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(SpecErrors(errors)) }
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn valid_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("a name is required".into());
    }
    if name.chars().count() > 100 {
        return Err("a name has at most 100 characters".into());
    }
    if name.chars().any(char::is_control) {
        return Err("a name cannot contain control characters".into());
    }
    Ok(name.to_owned())
}

impl User {
    /// A new user, with no password and no second factor yet.
    pub fn new(id: UserId, email: Email, name: String, now: Timestamp) -> Self {
        Self {
            id,
            email,
            email_verified: false,
            name,
            password: None,
            totp: None,
            pending_totp: None,
            recovery_codes: RecoveryCodes::default(),
            locale: Locale::En,
            time_zone: "UTC".into(),
            created_at: now,
            version: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_profile_draft_lists_every_bad_field_and_changes_nothing_then() {
        let mut user = User::new(UserId::from_uuid(Uuid::nil()), Email::parse("a@b.io").unwrap(), "Ann".into(), Timestamp::UNIX_EPOCH);
        let bad = UserDraft { name: Some("  ".into()), locale: Some("de".into()), time_zone: Some("Mars/Olympus".into()) };
        let errors = bad.apply_to(&mut user.clone()).unwrap_err();
        assert_eq!(errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["name", "locale", "time_zone"]);
        let good = UserDraft { name: Some(" Ann Lee ".into()), locale: Some("fr-FR".into()), time_zone: Some("Europe/Paris".into()) };
        good.apply_to(&mut user).unwrap();
        assert_eq!((user.name.as_str(), user.locale, user.time_zone.as_str()), ("Ann Lee", Locale::Fr, "Europe/Paris"));
    }
}
