//! `GET/POST /hosts/enrol`: an admin names the new host and its tags and gets its one-time
//! enrolment token, shown this once, with the agent's configuration ready to copy (the token
//! is spent by the agent's first connection, within a day).

use super::shell;
use crate::failure::{Failure, Refusal, Sorted, allowed};
use crate::i18n::msg;
use crate::page::{refused, render};
use crate::shell::Shell;
use crate::visitor::{Posted, Visitor};
use askama::Template;
use axum::response::Response;
use vigil_app::SystemClock;
use vigil_app::hosts::{CreateEnrolment, create_enrolment};
use vigil_domain::access::Action;

/// The new host as the form holds it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct EnrolForm {
    name: String,
    tags: String,
    silent_after: String,
}

#[derive(Template)]
#[template(path = "hosts/enrol.html")]
struct EnrolPage {
    shell: Shell,
    errors: Refusal,
    form: EnrolForm,
    /// The token and the agent's configuration, once made.
    made: Option<(String, String)>,
}

/// `GET /hosts/enrol`.
pub(crate) async fn show(visitor: Visitor) -> Result<Response, Failure> {
    allowed(&visitor, Action::ManageHosts)?;
    let shell = shell(&visitor, msg("hosts.enrol_title")).await?;
    let form = EnrolForm { silent_after: "120".into(), ..EnrolForm::default() };
    Ok(render(&visitor, &EnrolPage { shell, errors: Refusal::default(), form, made: None }))
}

/// The agent's configuration for `token`, pointing at this installation.
fn config(visitor: &Visitor, token: &str) -> String {
    let public = &visitor.deps.settings.public_url;
    let scheme = if public.scheme() == "https" { "wss" } else { "ws" };
    let address = public.as_str().trim_end_matches('/').split_once("://").map_or("", |(_, rest)| rest).to_owned();
    format!(
        "server = \"{scheme}://{address}/v1/agents/connect\"\nenrolment_token = \"{token}\"\nstate_dir = \"/var/lib/vigil-agent\"\ninterval_seconds = 10\n"
    )
}

/// `POST /hosts/enrol`.
pub(crate) async fn submit(posted: Posted<EnrolForm>) -> Result<Response, Failure> {
    let Posted { visitor, form } = posted;
    let actor = allowed(&visitor, Action::ManageHosts)?;
    let shell = shell(&visitor, msg("hosts.enrol_title")).await?;
    let silent_after = match form.silent_after.trim() {
        "" => Some(0),
        text => match text.parse::<u32>() {
            Ok(seconds) => Some(seconds),
            Err(_) => {
                let errors = Refusal::field_error(&visitor.tr, "silent_after", msg("hosts.silent_after_number"));
                return Ok(refused(&visitor, &EnrolPage { shell, errors, form, made: None }));
            }
        },
    };
    let cmd = CreateEnrolment {
        name: Some(form.name.trim().to_owned()).filter(|n| !n.is_empty()),
        tags: form.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned).collect(),
        silent_after_seconds: silent_after,
        lifetime_seconds: None,
    };
    match create_enrolment(&visitor.deps, &actor, cmd, SystemClock::now()).await {
        Ok((_, token)) => {
            let token = token.expose();
            let made = Some((token.clone(), config(&visitor, &token)));
            Ok(render(&visitor, &EnrolPage { shell, errors: Refusal::default(), form, made }))
        }
        Err(error) => {
            let errors = error.sort(&visitor.tr).map_err(|reason| reason.page(&visitor))?;
            Ok(refused(&visitor, &EnrolPage { shell, errors, form, made: None }))
        }
    }
}
