//! Hosts: every host running the agent with its state and latest figures; a host's page with
//! charts of its metrics and its containers, its firing rules, its remote actions and their
//! history, and its connections; enrolling a new host (its one-time token shown once).

mod actions;
mod charts;
mod enrol;
mod host;
mod list;

use crate::failure::Failure;
use crate::i18n::Tr;
use crate::shell::{Nav, Shell};
use crate::visitor::Visitor;
use axum::Router;
use axum::routing::{get, post};
use vigil_app::Deps;

/// The routes of the host pages.
pub(crate) fn routes() -> Router<Deps> {
    Router::new()
        .route("/hosts", get(list::show))
        .route("/hosts/enrol", get(enrol::show).post(enrol::submit))
        .route("/hosts/{id}", get(host::show))
        .route("/hosts/{id}/actions", post(actions::run))
        .route("/hosts/{id}/revoke", get(actions::confirm_revoke).post(actions::revoke))
}

/// The frame of a host page.
async fn shell(visitor: &Visitor, title_key: &str) -> Result<Shell, Failure> {
    Shell::member(visitor, title_key, Nav::Hosts).await
}

/// A number of bytes for the locale: `512 B`, `3.4 MB`, `1.2 GB` (powers of 1000).
pub(crate) fn bytes(tr: &Tr, n: f64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n.max(0.0);
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    let digits = if unit == 0 || value >= 100.0 { 0 } else { 1 };
    format!("{} {}", tr.decimal(value, digits), UNITS[unit])
}

/// A percentage for the locale with one decimal.
pub(crate) fn percent(tr: &Tr, n: f64) -> String {
    tr.a("overview.percent", "value", tr.decimal(n, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use vigil_domain::accounts::Locale;

    #[test]
    fn sizes_in_words() {
        let en = Tr::new(Locale::En, "UTC");
        let fr = Tr::new(Locale::Fr, "UTC");
        let cases = [(0.0, "0 B", "0 B"), (999.0, "999 B", "999 B"), (3_400_000.0, "3.4 MB", "3,4 MB"), (250e9, "250 GB", "250 GB")];
        for (n, english, french) in cases {
            assert_eq!(bytes(&en, n), english);
            assert_eq!(bytes(&fr, n).replace(['\u{202f}', '\u{a0}'], " "), french);
        }
    }
}
