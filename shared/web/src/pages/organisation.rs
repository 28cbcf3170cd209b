//! The organisation's settings (owners): its name, whether passwords sign in, who OpenID
//! sign-ins let in, how long the audit log is kept.

use super::overview::NoticeQuery;
use crate::failure::{Failure, Refusal, refusal};
use crate::i18n::{Tr, msg};
use crate::page::{refused, render, see_other};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::extract::Query;
use axum::response::Response;
use serde::Deserialize;
use vigil_app::SystemClock;
use vigil_app::accounts::{OrganisationDraft, get_organisation, update_organisation};
use vigil_domain::access::{Action, Role};
use vigil_domain::accounts::{OidcMatch, OidcRule, OrganisationSettings};

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrganisationPage {
    shell: Shell,
    errors: Refusal,
    name: String,
    password_sign_in: bool,
    retention: String,
    rules: String,
}

/// The rules as the form writes them: one a line, `email_domain example.com editor`,
/// `group contractors refuse`.
fn rules_text(rules: &[OidcRule]) -> String {
    rules
        .iter()
        .map(|rule| {
            let (kind, value) = match &rule.matches {
                OidcMatch::EmailDomain(domain) => ("email_domain", domain),
                OidcMatch::Group(group) => ("group", group),
            };
            format!("{kind} {value} {}", rule.role.map_or("refuse", Role::as_str))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the rules' lines, naming the first bad line.
fn parse_rules(tr: &Tr, text: &str) -> Result<Vec<OidcRule>, String> {
    let mut rules = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let bad = || tr.a(msg("organisation.bad_rule"), "line", i + 1);
        let [kind, value, role] = words[..] else { return Err(bad()) };
        let matches = match kind {
            "email_domain" => OidcMatch::EmailDomain(value.to_owned()),
            "group" => OidcMatch::Group(value.to_owned()),
            _ => return Err(bad()),
        };
        let role = match role {
            "refuse" => None,
            name => Some(Role::parse(name).ok_or_else(bad)?),
        };
        rules.push(OidcRule { matches, role });
    }
    Ok(rules)
}

/// `GET /settings/organisation`.
pub(crate) async fn show(visitor: Visitor, Query(query): Query<NoticeQuery>) -> Result<Response, Failure> {
    let shell = Shell::settings(&visitor, msg("settings.organisation"), "organisation").await?.with_notice(query.notice.as_deref());
    let actor = &visitor.member()?.actor;
    if !actor.may(Action::ManageOrganisation) {
        return Err(Failure::forbidden(&visitor));
    }
    let tenant = get_organisation(&visitor.deps, actor).await.map_err(|e| Failure::account(&visitor, e))?;
    let page = OrganisationPage {
        shell,
        errors: Refusal::default(),
        name: tenant.name,
        password_sign_in: tenant.settings.password_sign_in,
        retention: tenant.settings.audit_retention_days.to_string(),
        rules: rules_text(&tenant.settings.oidc_rules),
    };
    Ok(render(&visitor, &page))
}

/// The organisation form.
#[derive(Debug, Deserialize)]
pub(crate) struct OrganisationForm {
    name: String,
    password_sign_in: Option<String>,
    retention: String,
    #[serde(default)]
    rules: String,
}

/// `POST /settings/organisation`.
pub(crate) async fn submit(posted: Posted<OrganisationForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = &visitor.member()?.actor;
    let tr = &visitor.tr;
    let mut errors = Refusal::default();
    let rules = parse_rules(tr, &form.rules).map_err(|text| errors.fields.push(("settings.oidc_rules".into(), text))).ok();
    let retention = form
        .retention
        .trim()
        .parse::<u32>()
        .map_err(|_| errors.fields.push(("settings.audit_retention_days".into(), tr.t(msg("organisation.bad_retention")).to_owned())))
        .ok();
    let outcome = match (rules, retention) {
        (Some(oidc_rules), Some(audit_retention_days)) => {
            let settings = OrganisationSettings { password_sign_in: form.password_sign_in.is_some(), oidc_rules, audit_retention_days };
            let draft = OrganisationDraft { name: Some(form.name.clone()), settings: Some(settings) };
            match update_organisation(&visitor.deps, actor, draft, SystemClock::now()).await {
                Ok(_) => Ok(()),
                Err(error) => Err(refusal(tr, error).map_err(|reason| reason.page(&visitor))?),
            }
        }
        _ => Err(Refusal { summary: Some(tr.t(msg("form.fix_fields")).to_owned()), ..errors }),
    };
    match outcome {
        Ok(()) => Ok(see_other(&visitor.link("/settings/organisation?notice=organisation_saved"))),
        Err(mut errors) => {
            // The use case names nested fields (`settings.oidc_rules[0].role`): the form shows
            // each under the input that holds it.
            for (field, _) in &mut errors.fields {
                if field.starts_with("settings.oidc_rules") {
                    *field = "settings.oidc_rules".into();
                }
            }
            let page = OrganisationPage {
                shell: Shell::settings(&visitor, msg("settings.organisation"), "organisation").await?,
                errors,
                name: form.name,
                password_sign_in: form.password_sign_in.is_some(),
                retention: form.retention,
                rules: form.rules,
            };
            Ok(refused(&visitor, &page))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn rules_read_back_as_written_and_a_bad_line_is_named() {
        let tr = Tr::new(Locale::En, "UTC");
        let text = "email_domain example.com editor\ngroup contractors refuse\n\ngroup sre admin";
        let rules = parse_rules(&tr, text).unwrap();
        assert_eq!(rules.len(), 3);
        assert_eq!(rules[1], OidcRule { matches: OidcMatch::Group("contractors".into()), role: None });
        assert_eq!(rules_text(&rules), text.replace("\n\n", "\n"));
        for bad in ["group sre", "team sre admin", "group sre boss", "email_domain a b c"] {
            let error = parse_rules(&tr, &format!("group ok viewer\n{bad}")).unwrap_err();
            assert!(error.contains('2'), "{bad}: {error}");
        }
    }
}
