//! Where readers find a page and what is in it: the addresses messages and feeds carry.

use crate::Deps;
use vigil_domain::ids::{PublicIncidentId, SubscriberId};
use vigil_domain::status_page::{PageDomain, PageSlug};

/// The address of a page: `https://<its domain>` if it has one, else `/status/<slug>` under the
/// public URL.
pub fn page_url(deps: &Deps, slug: &PageSlug, domain: Option<&PageDomain>) -> String {
    match domain {
        Some(domain) => format!("https://{domain}"),
        None => format!("{}/status/{slug}", deps.settings.public_url.as_str().trim_end_matches('/')),
    }
}

/// The address of a public incident.
pub fn incident_url(page_url: &str, id: PublicIncidentId) -> String {
    format!("{page_url}/incidents/{id}")
}

/// The one-click unsubscribe link of a subscriber.
pub fn unsubscribe_url(page_url: &str, subscriber: SubscriberId, token: &str) -> String {
    format!("{page_url}/unsubscribe?s={subscriber}&t={token}")
}

/// The confirmation link of an email subscription.
pub fn confirm_url(page_url: &str, subscriber: SubscriberId, token: &str) -> String {
    format!("{page_url}/subscribe/confirm?s={subscriber}&t={token}")
}
