//! The page asking before something is deleted: it works without script, where a dialog
//! would not.

use crate::page::render;
use crate::shell::Shell;
use crate::visitor::Visitor;
use askama::Template;
use axum::response::Response;

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    shell: Shell,
    question: String,
    action: String,
    back: String,
    submit: String,
}

/// Asks `question`; the danger button posts to `action`, "cancel" goes `back`.
pub(crate) fn ask(visitor: &Visitor, shell: Shell, question: String, submit: String, action: String, back: String) -> Response {
    render(visitor, &ConfirmPage { shell, question, action, back, submit })
}
