//! Status pages, their components, public incidents, subscribers and badges as the API shows
//! them: never a password hash or a subscriber's token.

use vigil_api::{Badge, ComponentSources, PublicIncident, PublicUpdate, StatusComponent, StatusPage, Subscriber};
use vigil_app::Deps;
use vigil_domain::status_page::{
    Badge as StoredBadge, Component, PublicIncident as Posted, StatusPage as Stored, Subscriber as Follower, SubscriberChannel,
};

/// The installation's public address, without its trailing slash.
fn base(deps: &Deps) -> &str {
    deps.settings.public_url.as_str().trim_end_matches('/')
}

fn component(c: &Component) -> StatusComponent {
    StatusComponent {
        id: c.id,
        name: c.name.clone(),
        description: c.description.clone(),
        is_group: c.is_group,
        group_id: c.group_id,
        sources: ComponentSources { monitors: c.sources.monitors.clone(), tasks: c.sources.tasks.clone() },
        manual: c.manual,
        auto_publish: c.auto_publish,
        show_sources: c.show_sources,
        created_at: c.created_at,
        updated_at: c.updated_at,
    }
}

/// A page, everything but its password's hash.
pub(crate) fn page(deps: &Deps, p: &Stored) -> StatusPage {
    StatusPage {
        id: p.id,
        tenant_id: p.tenant_id,
        slug: p.slug.to_string(),
        url: format!("{}/status/{}", base(deps), p.slug),
        custom_domain: p.custom_domain.as_ref().map(ToString::to_string),
        name: p.name.clone(),
        description: p.description.clone(),
        access: p.access.kind().to_owned(),
        no_index: p.no_index,
        default_locale: p.default_locale,
        time_zone: p.time_zone.clone(),
        components: p.components.iter().map(component).collect(),
        revision: p.revision,
        created_at: p.created_at,
        updated_at: p.updated_at,
        component_id: None,
    }
}

/// A public incident; `told` is how many subscribers the post or update tells, when one was made.
pub(crate) fn incident(i: &Posted, told: Option<usize>) -> PublicIncident {
    PublicIncident {
        id: i.id,
        tenant_id: i.tenant_id,
        page_id: i.page_id,
        name: i.name.clone(),
        status: i.status(),
        impact_override: i.impact_override.map(|o| o.as_str().to_owned()),
        updates: i
            .updates
            .iter()
            .map(|u| PublicUpdate {
                id: u.id,
                status: u.status,
                body: u.body.clone(),
                at: u.at,
                impacts: u.impacts.clone(),
                notify: u.notify,
                by: u.by.clone(),
            })
            .collect(),
        source: i.source,
        follows_source: i.follows_source,
        created_at: i.created_at,
        revision: i.revision,
        subscribers_told: told,
    }
}

/// A subscriber; `secret` shows a webhook's signing secret in full (the answer that made it).
pub(crate) fn subscriber(s: &Follower, secret: bool) -> Subscriber {
    let (kind, email, url, key) = match &s.channel {
        SubscriberChannel::Email { address } => ("email", Some(address.to_string()), None, None),
        SubscriberChannel::Webhook { url, secret: key } => {
            ("webhook", None, Some(url.as_str().to_owned()), Some(if secret { key.expose() } else { key.masked() }))
        }
    };
    Subscriber {
        id: s.id,
        page_id: s.page_id,
        kind: kind.to_owned(),
        email,
        url,
        secret: key,
        components: s.components.clone(),
        locale: s.locale,
        confirmed: s.is_confirmed(),
        created_at: s.created_at,
    }
}

/// A badge with its addresses.
pub(crate) fn badge(deps: &Deps, b: &StoredBadge) -> Badge {
    let base = base(deps);
    Badge {
        id: b.id,
        tenant_id: b.tenant_id,
        token: b.token.clone(),
        target: serde_json::to_value(b.target).expect("a badge target serializes"),
        label: b.label.clone(),
        created_at: b.created_at,
        svg_url: format!("{base}/badges/{}/status.svg", b.token),
        shields_url: format!("{base}/badges/{}/status.json", b.token),
    }
}
