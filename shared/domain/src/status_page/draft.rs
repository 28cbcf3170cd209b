//! What editors send to make or change a page and its components, and the rules it must keep:
//! every broken rule is reported by its field, all at once.

use super::component::{Component, ComponentStatus, Sources};
use super::page::{PageDomain, PageSlug, StatusPage};
use crate::accounts::Locale;
use crate::ids::{ComponentId, MonitorId, TaskId};
use crate::notify::selector::parse_ids;
use crate::notify::{InvalidInput, Problems};
use jiff::Timestamp;
use jiff::tz::TimeZoneDatabase;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The most components (groups included) a page holds.
pub const MAX_COMPONENTS: usize = 200;
/// The shortest password a protected page accepts.
pub const MIN_PAGE_PASSWORD: usize = 8;

/// A page as an editor sends it: every field optional, so that the same draft makes a page
/// (name and slug required) or changes one (what is left out stays).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "Acme status", "slug": "acme", "access": "public", "default_locale": "en", "time_zone": "Europe/Paris"
})))]
#[serde(deny_unknown_fields)]
pub struct StatusPageDraft {
    /// The title readers see (1 to 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Served at `/status/<slug>`: 2-60 characters of a-z, 0-9 and `-`, unique across the
    /// installation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    /// A paragraph under the title (at most 2,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A host the page is also served on (`status.example.com`); empty to remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain: Option<String>,
    /// `public`, `password` or `members`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<String>,
    /// The password of a `password` page (at least 8 characters); required when the page
    /// becomes protected, optional afterwards (left out, the password stays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Ask search engines not to index the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_index: Option<bool>,
    /// `en` or `fr`: the language of readers who name none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
    /// An IANA time zone (`Europe/Paris`): dates are shown and days counted in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
}

/// Who may read the page, as validated; a new password is still to be hashed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccessChoice {
    /// Anyone.
    Public,
    /// Members only.
    Members,
    /// Whoever knows the password: a new one, or `None` to keep the stored one.
    Password(Option<String>),
}

/// A validated page draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageSettings {
    /// The title.
    pub name: String,
    /// The slug.
    pub slug: PageSlug,
    /// The paragraph under the title.
    pub description: String,
    /// The host of its own, if any.
    pub custom_domain: Option<PageDomain>,
    /// Who may read it.
    pub access: AccessChoice,
    /// Whether search engines are asked not to index it.
    pub no_index: bool,
    /// The default language.
    pub default_locale: Locale,
    /// The time zone.
    pub time_zone: String,
}

fn zones() -> &'static TimeZoneDatabase {
    static DB: OnceLock<TimeZoneDatabase> = OnceLock::new();
    DB.get_or_init(TimeZoneDatabase::bundled)
}

/// Whether `name` is an IANA time zone Vigil knows.
pub fn is_time_zone(name: &str) -> bool {
    zones().get(name).is_ok()
}

fn text(problems: &mut Problems, field: &str, value: &str, min: usize, max: usize) -> String {
    let value = value.trim().to_owned();
    let length = value.chars().count();
    if length < min || length > max {
        let range = if min == 0 { format!("at most {max} characters") } else { format!("{min} to {max} characters") };
        problems.add(field, format!("must be {range}"));
    }
    value
}

impl StatusPageDraft {
    /// Validates the draft over `current` (the page it changes, or `None` for a new page).
    pub fn validate(self, current: Option<&StatusPage>) -> Result<PageSettings, InvalidInput> {
        let mut problems = Problems::default();
        let name = match (self.name, current) {
            (Some(name), _) => text(&mut problems, "name", &name, 1, 100),
            (None, Some(page)) => page.name.clone(),
            (None, None) => {
                problems.add("name", "is required");
                String::new()
            }
        };
        let slug = match (self.slug, current) {
            (Some(slug), _) => PageSlug::parse(slug.trim()).map_err(|e| problems.add("slug", e)).ok(),
            (None, Some(page)) => Some(page.slug.clone()),
            (None, None) => {
                problems.add("slug", "is required");
                None
            }
        };
        let description = match (self.description, current) {
            (Some(description), _) => text(&mut problems, "description", &description, 0, 2000),
            (None, page) => page.map(|p| p.description.clone()).unwrap_or_default(),
        };
        let custom_domain = match (self.custom_domain, current) {
            (Some(domain), _) if domain.trim().is_empty() => None,
            (Some(domain), _) => PageDomain::parse(&domain).map_err(|e| problems.add("custom_domain", e)).ok(),
            (None, page) => page.and_then(|p| p.custom_domain.clone()),
        };
        let had_password = current.is_some_and(|p| p.access.kind() == "password");
        let kind = self.access.as_deref().map(str::trim).unwrap_or_else(|| current.map_or("public", |p| p.access.kind())).to_owned();
        if let Some(password) = &self.password
            && password.chars().count() < MIN_PAGE_PASSWORD
        {
            problems.add("password", format!("must have at least {MIN_PAGE_PASSWORD} characters"));
        }
        let access = match kind.as_str() {
            "public" => AccessChoice::Public,
            "members" => AccessChoice::Members,
            "password" => {
                if self.password.is_none() && !had_password {
                    problems.add("password", "is required to protect a page with a password");
                }
                AccessChoice::Password(self.password)
            }
            other => {
                problems.add("access", format!("`{other}` is not one of public, password, members"));
                AccessChoice::Public
            }
        };
        let no_index = self.no_index.unwrap_or_else(|| current.is_some_and(|p| p.no_index));
        let default_locale = match self.default_locale {
            Some(tag) => Locale::parse(&tag).unwrap_or_else(|| {
                problems.add("default_locale", format!("`{tag}` is not one of en, fr"));
                Locale::En
            }),
            None => current.map(|p| p.default_locale).unwrap_or_default(),
        };
        let time_zone = match self.time_zone {
            Some(zone) => {
                let zone = zone.trim().to_owned();
                if !is_time_zone(&zone) {
                    problems.add("time_zone", format!("`{zone}` is not an IANA time zone like Europe/Paris"));
                }
                zone
            }
            None => current.map_or_else(|| "UTC".to_owned(), |p| p.time_zone.clone()),
        };
        problems.finish(|| PageSettings {
            name,
            slug: slug.expect("a slug when there is no problem"),
            description,
            custom_domain,
            access,
            no_index,
            default_locale,
            time_zone,
        })
    }
}

/// A component as an editor sends it; left-out fields stay as they are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", schema(example = json!({
    "name": "API", "monitors": ["0192f3a4-5b6c-7d8e-9f01-23456789abcd"], "auto_publish": false
})))]
#[serde(deny_unknown_fields)]
pub struct ComponentDraft {
    /// The name readers see (1 to 100 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A line under the name (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Make a group of components (only when adding; a group shows its worst component).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<bool>,
    /// The group it belongs to; empty for the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Monitors feeding its state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitors: Option<Vec<String>>,
    /// Heartbeat tasks feeding its state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<String>>,
    /// A state set by hand (`operational`, `under_maintenance`, `degraded_performance`,
    /// `partial_outage`, `major_outage`), or `automatic` to follow sources and incidents again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Post the internal incidents of its sources on the page at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_publish: Option<bool>,
    /// Show the names (and monitors' URLs) of its sources on the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_sources: Option<bool>,
    /// Its place among the components of its level (0 first); left out, a new component goes
    /// last and a changed one stays where it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// A validated component and where it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlacedComponent {
    /// The component.
    pub component: Component,
    /// Its place among its siblings, if one was asked for.
    pub position: Option<usize>,
}

impl ComponentDraft {
    /// Validates the draft as component `id` of `page`, changing `current` if it exists, at
    /// `now`. Whether the monitors and tasks named exist is the use case's to check.
    pub fn validate(self, page: &StatusPage, id: ComponentId, now: Timestamp) -> Result<PlacedComponent, InvalidInput> {
        let current = page.component(id);
        let mut problems = Problems::default();
        if current.is_none() && page.components.len() >= MAX_COMPONENTS {
            problems.add("name", format!("a page holds at most {MAX_COMPONENTS} components"));
        }
        let name = match (self.name, current) {
            (Some(name), _) => text(&mut problems, "name", &name, 1, 100),
            (None, Some(c)) => c.name.clone(),
            (None, None) => {
                problems.add("name", "is required");
                String::new()
            }
        };
        let description = match (self.description, current) {
            (Some(d), _) => text(&mut problems, "description", &d, 0, 500),
            (None, c) => c.map(|c| c.description.clone()).unwrap_or_default(),
        };
        let is_group = match (self.group, current) {
            (Some(group), Some(c)) if group != c.is_group => {
                problems.add("group", "cannot change once the component exists");
                c.is_group
            }
            (_, Some(c)) => c.is_group,
            (group, None) => group.unwrap_or(false),
        };
        let group_id = match (self.group_id, current) {
            (Some(text), _) if text.trim().is_empty() => None,
            (Some(text), _) => match text.trim().parse::<ComponentId>() {
                Ok(group) => {
                    match page.component(group) {
                        Some(g) if g.is_group && g.id != id => {}
                        Some(_) => problems.add("group_id", "must name a group of this page"),
                        None => problems.add("group_id", "no group of this page has this id"),
                    }
                    Some(group)
                }
                Err(_) => {
                    problems.add("group_id", format!("`{text}` is not a component id"));
                    None
                }
            },
            (None, c) => c.and_then(|c| c.group_id),
        };
        if is_group && group_id.is_some() {
            problems.add("group_id", "a group cannot be inside another group (two levels at most)");
        }
        let monitors: Option<Vec<MonitorId>> = self.monitors.map(|raw| parse_ids("monitors", &raw, "monitor", &mut problems));
        let tasks: Option<Vec<TaskId>> = self.tasks.map(|raw| parse_ids("tasks", &raw, "task", &mut problems));
        let sources = Sources {
            monitors: monitors.map_or_else(|| current.map(|c| c.sources.monitors.clone()).unwrap_or_default(), |m| m.into_iter().collect()),
            tasks: tasks.map_or_else(|| current.map(|c| c.sources.tasks.clone()).unwrap_or_default(), |t| t.into_iter().collect()),
        };
        if is_group && !sources.is_empty() {
            problems.add("monitors", "a group has no sources: it shows its worst component");
        }
        if sources.monitors.len() + sources.tasks.len() > 50 {
            problems.add("monitors", "a component has at most 50 sources");
        }
        let manual = match (self.status.as_deref().map(str::trim), current) {
            (Some("automatic"), _) => None,
            (Some(name), _) => match ComponentStatus::parse(name) {
                Some(status) => Some(status),
                None => {
                    problems.add(
                        "status",
                        format!("`{name}` is not one of automatic, operational, under_maintenance, degraded_performance, partial_outage, major_outage"),
                    );
                    None
                }
            },
            (None, c) => c.and_then(|c| c.manual),
        };
        let auto_publish = self.auto_publish.unwrap_or_else(|| current.is_some_and(|c| c.auto_publish));
        if auto_publish && is_group {
            problems.add("auto_publish", "a group has no sources to publish incidents of");
        }
        let show_sources = self.show_sources.unwrap_or_else(|| current.is_some_and(|c| c.show_sources));
        let position = self.position;
        problems.finish(|| PlacedComponent {
            component: Component {
                id,
                name,
                description,
                is_group,
                group_id,
                sources,
                manual,
                auto_publish,
                show_sources,
                created_at: current.map_or(now, |c| c.created_at),
                updated_at: now,
            },
            position,
        })
    }
}

impl StatusPage {
    /// The page with `placed` in it: replacing the component of the same id (in place, unless
    /// a position is asked), or added last among its siblings (or at the position asked).
    pub fn with_component(&self, placed: PlacedComponent) -> StatusPage {
        let PlacedComponent { component, position } = placed;
        let mut components = self.components.clone();
        let existing = components.iter().position(|c| c.id == component.id);
        let moved_group = existing.is_some_and(|i| components[i].group_id != component.group_id);
        match (existing, position) {
            (Some(i), None) if !moved_group => components[i] = component,
            (existing, position) => {
                if let Some(i) = existing {
                    components.remove(i);
                }
                let siblings: Vec<usize> =
                    components.iter().enumerate().filter(|(_, c)| c.group_id == component.group_id).map(|(i, _)| i).collect();
                let at = match position {
                    Some(p) if p < siblings.len() => siblings[p],
                    _ => siblings.last().map_or(components.len(), |last| last + 1),
                };
                components.insert(at, component);
            }
        }
        StatusPage { components, ..self.clone() }
    }

    /// The page without component `id`; a group's members move to the top level.
    pub fn without_component(&self, id: ComponentId) -> StatusPage {
        let mut components = Vec::with_capacity(self.components.len());
        for c in &self.components {
            if c.id == id {
                // The members take the group's place, in their order.
                components.extend(self.children(id).map(|m| Component { group_id: None, ..m.clone() }));
            } else if c.group_id != Some(id) {
                components.push(c.clone());
            }
        }
        StatusPage { components, ..self.clone() }
    }
}

#[cfg(test)]
mod tests {
    use super::super::page::PageAccess;
    use super::*;
    use crate::ids::{StatusPageId, TenantId};
    use uuid::Uuid;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(1_780_000_000 + s).unwrap()
    }

    fn page() -> StatusPage {
        StatusPage {
            id: StatusPageId::from_uuid(Uuid::from_u128(1)),
            tenant_id: TenantId::from_uuid(Uuid::from_u128(2)),
            slug: PageSlug::parse("acme").unwrap(),
            custom_domain: None,
            name: "Acme".into(),
            description: String::new(),
            access: PageAccess::Public,
            no_index: false,
            default_locale: Locale::En,
            time_zone: "UTC".into(),
            components: Vec::new(),
            revision: 1,
            created_at: at(0),
            updated_at: at(0),
        }
    }

    fn id(n: u128) -> ComponentId {
        ComponentId::from_uuid(Uuid::from_u128(n))
    }

    fn fields(error: InvalidInput) -> Vec<String> {
        error.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_page_draft_reports_every_broken_rule() {
        let draft = StatusPageDraft {
            name: Some(" ".into()),
            slug: Some("Bad Slug".into()),
            custom_domain: Some("https://x".into()),
            access: Some("password".into()),
            default_locale: Some("de".into()),
            time_zone: Some("Mars/Olympus".into()),
            ..Default::default()
        };
        assert_eq!(fields(draft.validate(None).unwrap_err()), ["name", "slug", "custom_domain", "password", "default_locale", "time_zone"]);
        let missing = StatusPageDraft::default().validate(None).unwrap_err();
        assert_eq!(fields(missing), ["name", "slug"]);
        let short = StatusPageDraft { access: Some("password".into()), password: Some("short".into()), ..Default::default() };
        assert!(fields(short.validate(Some(&page())).unwrap_err()).contains(&"password".to_owned()));
    }

    #[test]
    fn a_change_keeps_what_it_leaves_out() {
        let mut current = page();
        current.custom_domain = Some(PageDomain::parse("status.acme.test").unwrap());
        let settings = StatusPageDraft { name: Some("Acme Cloud".into()), ..Default::default() }.validate(Some(&current)).unwrap();
        assert_eq!(settings.slug.as_str(), "acme");
        assert_eq!(settings.custom_domain.as_ref().map(PageDomain::as_str), Some("status.acme.test"));
        assert_eq!(settings.access, AccessChoice::Public);
        let cleared = StatusPageDraft { custom_domain: Some(String::new()), ..Default::default() }.validate(Some(&current)).unwrap();
        assert_eq!(cleared.custom_domain, None);
        let protected = StatusPageDraft { access: Some("password".into()), password: Some("long enough".into()), ..Default::default() };
        assert_eq!(protected.validate(Some(&current)).unwrap().access, AccessChoice::Password(Some("long enough".into())));
    }

    #[test]
    fn groups_are_two_levels_and_have_no_sources() {
        let mut p = page();
        let group = ComponentDraft { name: Some("Europe".into()), group: Some(true), ..Default::default() };
        p = p.with_component(group.validate(&p, id(10), at(1)).unwrap());
        let api = ComponentDraft {
            name: Some("API".into()),
            group_id: Some(id(10).to_string()),
            monitors: Some(vec![Uuid::from_u128(7).to_string()]),
            ..Default::default()
        };
        p = p.with_component(api.validate(&p, id(11), at(2)).unwrap());
        assert_eq!(p.children(id(10)).count(), 1);

        let nested =
            ComponentDraft { name: Some("Inner".into()), group: Some(true), group_id: Some(id(10).to_string()), ..Default::default() };
        assert_eq!(fields(nested.validate(&p, id(12), at(3)).unwrap_err()), ["group_id"]);
        let into_component = ComponentDraft { name: Some("X".into()), group_id: Some(id(11).to_string()), ..Default::default() };
        assert_eq!(fields(into_component.validate(&p, id(13), at(3)).unwrap_err()), ["group_id"]);
        let fed_group = ComponentDraft { monitors: Some(vec![Uuid::from_u128(7).to_string()]), ..Default::default() };
        assert_eq!(fields(fed_group.validate(&p, id(10), at(3)).unwrap_err()), ["monitors"]);
        let bad = ComponentDraft { status: Some("on_fire".into()), monitors: Some(vec!["x".into()]), ..Default::default() };
        assert_eq!(fields(bad.validate(&p, id(11), at(3)).unwrap_err()), ["monitors[0]", "status"]);

        let manual = ComponentDraft { status: Some("partial_outage".into()), ..Default::default() };
        let changed = manual.validate(&p, id(11), at(4)).unwrap().component;
        assert_eq!((changed.manual, changed.created_at, changed.group_id), (Some(ComponentStatus::PartialOutage), at(2), Some(id(10))));
        let back = ComponentDraft { status: Some("automatic".into()), ..Default::default() }.validate(&p, id(11), at(5)).unwrap();
        assert_eq!(back.component.manual, None);
    }

    #[test]
    fn components_are_placed_among_their_siblings() {
        let mut p = page();
        for n in 1..=3 {
            let draft = ComponentDraft { name: Some(format!("c{n}")), ..Default::default() };
            p = p.with_component(draft.validate(&p, id(n), at(n as i64)).unwrap());
        }
        let names = |p: &StatusPage| p.in_reading_order().iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&p), ["c1", "c2", "c3"]);
        let first = ComponentDraft { position: Some(0), ..Default::default() };
        p = p.with_component(first.validate(&p, id(3), at(9)).unwrap());
        assert_eq!(names(&p), ["c3", "c1", "c2"]);
        let group = ComponentDraft { name: Some("g".into()), group: Some(true), position: Some(1), ..Default::default() };
        p = p.with_component(group.validate(&p, id(9), at(9)).unwrap());
        let join = ComponentDraft { group_id: Some(id(9).to_string()), ..Default::default() };
        p = p.with_component(join.validate(&p, id(1), at(9)).unwrap());
        assert_eq!(names(&p), ["c3", "g", "c1", "c2"]);
        p = p.without_component(id(9));
        assert_eq!(names(&p), ["c3", "c1", "c2"], "a removed group's members move to the top level");
    }
}
