use super::Email;
use crate::access::Role;
use crate::monitor::{FieldError, SpecErrors};
use serde::{Deserialize, Serialize};

/// How people get into an organisation, and how long its audit log is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct OrganisationSettings {
    /// Whether members may sign in with a password (off: OpenID Connect only).
    pub password_sign_in: bool,
    /// Who an OpenID Connect sign-in lets in, and as what; the first matching rule decides.
    pub oidc_rules: Vec<OidcRule>,
    /// Days of audit log kept.
    #[cfg_attr(feature = "schema", schema(minimum = 1, maximum = 3650))]
    pub audit_retention_days: u32,
}

impl Default for OrganisationSettings {
    fn default() -> Self {
        Self { password_sign_in: true, oidc_rules: Vec::new(), audit_retention_days: 365 }
    }
}

/// One rule of the OpenID Connect mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OidcRule {
    /// Whom it applies to.
    #[serde(rename = "match")]
    pub matches: OidcMatch,
    /// The role given, or none to refuse them.
    pub role: Option<Role>,
}

/// What an OpenID Connect identity is matched on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OidcMatch {
    /// A verified email address in this domain.
    EmailDomain(String),
    /// This value in the provider's `groups` claim.
    Group(String),
}

impl OrganisationSettings {
    /// Checks the settings, listing every bad field.
    pub fn validate(&self) -> Result<(), SpecErrors> {
        let mut errors = Vec::new();
        for (i, rule) in self.oidc_rules.iter().enumerate() {
            let (field, value) = match &rule.matches {
                OidcMatch::EmailDomain(domain) => ("email_domain", domain),
                OidcMatch::Group(group) => ("group", group),
            };
            if value.trim().is_empty() || value.contains('@') || value.chars().any(char::is_whitespace) {
                errors.push(FieldError {
                    field: format!("oidc_rules[{i}].match.{field}"),
                    message: format!("`{value}` is not a {}", field.replace('_', " ")),
                });
            }
            if rule.role == Some(Role::Owner) {
                errors.push(FieldError {
                    field: format!("oidc_rules[{i}].role"),
                    message: "a sign-in never makes an owner: give a lesser role, and promote by hand".into(),
                });
            }
        }
        if !(1..=3650).contains(&self.audit_retention_days) {
            errors.push(FieldError { field: "audit_retention_days".into(), message: "keep the audit log between 1 and 3650 days".into() });
        }
        if errors.is_empty() { Ok(()) } else { Err(SpecErrors(errors)) }
    }
}

/// What the mapping says of an identity with a verified `email` and `groups`: `None` if no rule
/// applies, `Some(None)` if a rule refuses it, `Some(Some(role))` to let it in as `role`.
pub fn oidc_role_for(rules: &[OidcRule], email: &Email, groups: &[String]) -> Option<Option<Role>> {
    rules
        .iter()
        .find(|rule| match &rule.matches {
            OidcMatch::EmailDomain(domain) => email.domain().eq_ignore_ascii_case(domain.trim()),
            OidcMatch::Group(group) => groups.iter().any(|g| g == group),
        })
        .map(|rule| rule.role)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_decides() {
        let rules = vec![
            OidcRule { matches: OidcMatch::Group("contractors".into()), role: None },
            OidcRule { matches: OidcMatch::Group("sre".into()), role: Some(Role::Editor) },
            OidcRule { matches: OidcMatch::EmailDomain("example.com".into()), role: Some(Role::Viewer) },
        ];
        let email = |e: &str| Email::parse(e).unwrap();
        let groups = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(oidc_role_for(&rules, &email("a@example.com"), &groups(&[])), Some(Some(Role::Viewer)));
        assert_eq!(oidc_role_for(&rules, &email("a@example.com"), &groups(&["sre"])), Some(Some(Role::Editor)));
        assert_eq!(oidc_role_for(&rules, &email("a@example.com"), &groups(&["contractors", "sre"])), Some(None));
        assert_eq!(oidc_role_for(&rules, &email("a@other.org"), &groups(&["ops"])), None);
    }

    #[test]
    fn settings_list_every_bad_field() {
        let settings = OrganisationSettings {
            password_sign_in: false,
            oidc_rules: vec![OidcRule { matches: OidcMatch::EmailDomain("@x".into()), role: Some(Role::Owner) }],
            audit_retention_days: 0,
        };
        let fields: Vec<String> = settings.validate().unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["oidc_rules[0].match.email_domain", "oidc_rules[0].role", "audit_retention_days"]);
        assert!(OrganisationSettings::default().validate().is_ok());
    }
}
