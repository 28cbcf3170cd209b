//! What every page shares: the header (organisation switcher, navigation, user menu, theme and
//! language switches), the title, a notice after a change, and the CSRF token of its forms.

use crate::failure::Failure;
use crate::i18n::{Tr, msg};
use crate::visitor::{Theme, Visitor};
use vigil_app::accounts::get_me;
use vigil_domain::access::{Action, Role};

/// The section of the navigation a page belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Nav {
    /// The overview.
    Overview,
    /// Settings.
    Settings,
    /// Heartbeat tasks.
    Tasks,
    /// Incidents.
    Incidents,
    /// Channels, alert rules, maintenance windows and mutes.
    Alerting,
    /// Status pages.
    StatusPages,
    /// Hosts running the agent.
    Hosts,
    /// Pages shown before signing in.
    None,
}

/// One organisation in the switcher.
#[derive(Clone, Debug)]
pub(crate) struct Choice {
    /// Its id.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Whether the session looks at it.
    pub(crate) current: bool,
}

/// The signed-in member, as the header shows them.
#[derive(Clone, Debug)]
pub(crate) struct MemberShell {
    /// Their name.
    pub(crate) name: String,
    /// Their address.
    pub(crate) email: String,
    /// The organisation looked at.
    pub(crate) organisation: String,
    /// Their role in it, in words.
    pub(crate) role: String,
    /// Every organisation they belong to.
    pub(crate) organisations: Vec<Choice>,
    /// May read the audit log.
    pub(crate) reads_audit: bool,
    /// May change the organisation's settings.
    pub(crate) manages_organisation: bool,
}

/// The frame of a page.
#[derive(Clone, Debug)]
pub(crate) struct Shell {
    /// Words, numbers and dates.
    pub(crate) tr: Tr,
    /// The dashboard's path prefix.
    pub(crate) base: String,
    /// The theme chosen.
    pub(crate) theme: Theme,
    /// The CSRF token of every form on the page.
    pub(crate) csrf: String,
    /// This page's path, to come back to.
    pub(crate) here: String,
    /// The page's title.
    pub(crate) title: String,
    /// What the last change did, if the page follows one.
    pub(crate) notice: Option<String>,
    /// Where the page sits in the navigation.
    pub(crate) nav: Nav,
    /// The settings page it is, if one (`profile`, `members`…).
    pub(crate) section: &'static str,
    /// The member, when signed in.
    pub(crate) member: Option<MemberShell>,
}

/// A role in words.
pub(crate) fn role_name(tr: &Tr, role: Role) -> String {
    tr.t(match role {
        Role::Owner => msg("role.owner"),
        Role::Admin => msg("role.admin"),
        Role::Editor => msg("role.editor"),
        Role::Responder => msg("role.responder"),
        Role::Viewer => msg("role.viewer"),
    })
    .to_owned()
}

impl Shell {
    /// The frame without the member's header: pages before sign-in and error pages.
    pub(crate) fn bare(visitor: &Visitor, title_key: &str) -> Self {
        Self {
            tr: visitor.tr.clone(),
            base: visitor.base.clone(),
            theme: visitor.theme,
            csrf: visitor.csrf().to_owned(),
            here: visitor.here.clone(),
            title: visitor.tr.t(title_key).to_owned(),
            notice: None,
            nav: Nav::None,
            section: "",
            member: None,
        }
    }

    /// The frame of a signed-in page titled `title_key` (redirects to the sign-in page when the
    /// visitor is not signed in).
    pub(crate) async fn member(visitor: &Visitor, title_key: &str, nav: Nav) -> Result<Self, Failure> {
        let member = visitor.member()?;
        let me = get_me(&visitor.deps, &member.actor).await.map_err(|e| Failure::account(visitor, e))?;
        let current = member.actor.tenant_id;
        let organisation = me.organisations.iter().find(|(t, _)| t.id == current).map(|(t, _)| t.name.clone()).unwrap_or_default();
        let actor = &member.actor;
        let shell = MemberShell {
            name: me.user.name.clone(),
            email: me.user.email.to_string(),
            organisation,
            role: role_name(&visitor.tr, actor.effective_role()),
            organisations: me
                .organisations
                .iter()
                .map(|(t, _)| Choice { id: t.id.to_string(), name: t.name.clone(), current: t.id == current })
                .collect(),
            reads_audit: actor.may(Action::ReadAuditLog),
            manages_organisation: actor.may(Action::ManageOrganisation),
        };
        Ok(Self { nav, member: Some(shell), ..Self::bare(visitor, title_key) })
    }

    /// A settings page: the frame with the settings navigation at `section`.
    pub(crate) async fn settings(visitor: &Visitor, title_key: &str, section: &'static str) -> Result<Self, Failure> {
        Ok(Self { section, ..Self::member(visitor, title_key, Nav::Settings).await? })
    }

    /// With the notice `key`, if the page follows a change that named one.
    pub(crate) fn with_notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice.and_then(crate::notice::text).map(|key| self.tr.t(key).to_owned());
        self
    }

    /// The URL of an embedded asset.
    pub(crate) fn asset(&self, name: &str) -> String {
        crate::assets::url(&self.base, name)
    }

    /// A path under the dashboard.
    pub(crate) fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Whether the page is in section `name` of the navigation (for `aria-current`).
    pub(crate) fn is_nav(&self, name: &str) -> bool {
        matches!(
            (self.nav, name),
            (Nav::Overview, "overview")
                | (Nav::Settings, "settings")
                | (Nav::Tasks, "tasks")
                | (Nav::Incidents, "incidents")
                | (Nav::Alerting, "alerting")
                | (Nav::StatusPages, "status_pages")
                | (Nav::Hosts, "hosts")
        )
    }

    /// The theme's name, for `data-theme` and the switch.
    pub(crate) fn theme_name(&self) -> &'static str {
        self.theme.as_str()
    }
}
