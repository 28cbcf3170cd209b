//! `vigil status-pages` and `vigil badges`: public status pages, their components, public
//! incidents and subscribers; badges of monitors, tasks and components.

use clap::{Args, Subcommand};

/// A page's settings, for `create` and `set`: what is left out is not changed.
#[derive(Args, Default)]
pub struct PageSettingsArgs {
    /// The title readers see.
    #[arg(long)]
    pub name: Option<String>,
    /// Served at `/status/<slug>`: 2-60 of a-z, 0-9 and `-`.
    #[arg(long)]
    pub slug: Option<String>,
    /// A paragraph under the title.
    #[arg(long)]
    pub description: Option<String>,
    /// Who may read it: public, password (the password is read from standard input) or members.
    #[arg(long, value_parser = ["public", "password", "members"])]
    pub access: Option<String>,
    /// A host the page is also served on (`status.example.com`); `""` removes it.
    #[arg(long)]
    pub domain: Option<String>,
    /// Ask search engines not to index it (`true` or `false`).
    #[arg(long)]
    pub no_index: Option<bool>,
    /// The language of readers who name none: en or fr.
    #[arg(long, value_parser = ["en", "fr"])]
    pub locale: Option<String>,
    /// The IANA time zone dates are shown and days counted in (`Europe/Paris`).
    #[arg(long)]
    pub time_zone: Option<String>,
}

/// A component's settings, for `component add` and `component set`.
#[derive(Args, Default)]
pub struct ComponentArgs {
    /// A line under its name.
    #[arg(long)]
    pub description: Option<String>,
    /// The group it belongs to (its name or id); `""` for the top level.
    #[arg(long = "in", value_name = "GROUP")]
    pub within: Option<String>,
    /// A monitor feeding its state (name or id); repeatable. Replaces the monitors when given.
    #[arg(long = "monitor")]
    pub monitors: Vec<String>,
    /// A heartbeat task feeding its state (name, slug or id); repeatable. Replaces the tasks when given.
    #[arg(long = "task")]
    pub tasks: Vec<String>,
    /// Post its sources' internal incidents on the page at once (`true` or `false`).
    #[arg(long)]
    pub auto_publish: Option<bool>,
    /// Show the names (and monitors' URLs) of its sources on the page (`true` or `false`).
    #[arg(long)]
    pub show_sources: Option<bool>,
    /// Its place among its level's components, 0 first.
    #[arg(long)]
    pub position: Option<usize>,
}

/// `vigil status-pages`.
#[derive(Subcommand)]
pub enum StatusPageCommand {
    /// List the organisation's pages.
    #[command(visible_alias = "ls", after_help = "Example:\n  vigil status-pages list")]
    List,
    /// Show a page: its settings, its components with their sources, and its open incidents.
    #[command(after_help = "Example:\n  vigil status-pages get acme")]
    Get {
        /// The page (its slug, name or id).
        page: String,
    },
    /// Make a page.
    #[command(
        after_help = "Examples:\n  vigil status-pages create --name 'Acme status' --slug acme\n  echo \"$PASSWORD\" | vigil status-pages create --name Staff --slug staff --access password"
    )]
    Create(PageSettingsArgs),
    /// Change a page's settings; what is left out stays.
    #[command(
        after_help = "Examples:\n  vigil status-pages set acme --domain status.acme.com\n  vigil status-pages set acme --access members"
    )]
    Set {
        /// The page.
        page: String,
        /// What changes.
        #[command(flatten)]
        settings: PageSettingsArgs,
    },
    /// Delete a page with its incidents and subscribers.
    #[command(after_help = "Example:\n  vigil status-pages delete acme")]
    Delete {
        /// The page.
        page: String,
    },
    /// A page's components and groups.
    #[command(subcommand)]
    Component(ComponentCommand),
    /// List a page's public incidents, newest first.
    #[command(after_help = "Example:\n  vigil status-pages incidents acme")]
    Incidents {
        /// The page.
        page: String,
        /// How many at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Post a public incident with its first update.
    #[command(
        after_help = "Example:\n  vigil status-pages post acme --title 'Slow logins' --body 'We are looking into it.' --affects Login=degraded_performance"
    )]
    Post {
        /// The page.
        page: String,
        /// Its title.
        #[arg(long)]
        title: String,
        /// What readers are told.
        #[arg(long)]
        body: String,
        /// investigating, identified, monitoring or resolved.
        #[arg(long, default_value = "investigating")]
        status: String,
        /// COMPONENT=STATE (operational, under_maintenance, degraded_performance, partial_outage,
        /// major_outage); repeatable.
        #[arg(long = "affects", value_name = "COMPONENT=STATE")]
        affects: Vec<String>,
        /// An impact chosen by hand: none, minor, major or critical.
        #[arg(long)]
        impact: Option<String>,
        /// Do not tell subscribers.
        #[arg(long)]
        quiet: bool,
    },
    /// Post an update of a public incident.
    #[command(
        after_help = "Examples:\n  vigil status-pages update acme 0192f3a4 --status monitoring --body 'A fix is out.'\n  vigil status-pages update acme 'Slow logins' --status resolved --body 'Fixed.'"
    )]
    Update {
        /// The page.
        page: String,
        /// The incident (its title, id or its first or last characters).
        incident: String,
        /// investigating, identified, monitoring or resolved.
        #[arg(long)]
        status: String,
        /// What readers are told.
        #[arg(long)]
        body: String,
        /// COMPONENT=STATE; repeatable. Left out, the last update's impacts stay.
        #[arg(long = "affects", value_name = "COMPONENT=STATE")]
        affects: Vec<String>,
        /// Do not tell subscribers.
        #[arg(long)]
        quiet: bool,
    },
    /// Post an internal incident on a page in one step (the components its monitor or task feeds).
    #[command(after_help = "Example:\n  vigil status-pages publish acme 0192f3a4")]
    Publish {
        /// The page.
        page: String,
        /// The internal incident.
        incident: String,
        /// The public title (by default one naming the touched components).
        #[arg(long)]
        title: Option<String>,
        /// The first update's text.
        #[arg(long)]
        body: Option<String>,
        /// Do not tell subscribers.
        #[arg(long)]
        quiet: bool,
    },
    /// List a page's subscribers (webhook secrets masked).
    #[command(after_help = "Example:\n  vigil status-pages subscribers acme")]
    Subscribers {
        /// The page.
        page: String,
    },
    /// Add a subscriber: an email address (mailed a confirmation link) or a webhook (its
    /// signing secret shown this once).
    #[command(
        after_help = "Examples:\n  vigil status-pages subscribe acme --email ops@example.com\n  vigil status-pages subscribe acme --webhook https://hooks.example.com/status --component API"
    )]
    Subscribe {
        /// The page.
        page: String,
        /// An email address.
        #[arg(long, conflicts_with = "webhook", required_unless_present = "webhook")]
        email: Option<String>,
        /// A webhook URL.
        #[arg(long)]
        webhook: Option<String>,
        /// A component to follow (name or id); repeatable; none for all.
        #[arg(long = "component")]
        components: Vec<String>,
        /// The language of the messages: en or fr.
        #[arg(long, value_parser = ["en", "fr"])]
        locale: Option<String>,
    },
    /// Remove a subscriber.
    #[command(after_help = "Example:\n  vigil status-pages unsubscribe acme ops@example.com")]
    Unsubscribe {
        /// The page.
        page: String,
        /// The subscriber (its address, URL or id).
        subscriber: String,
    },
}

/// `vigil status-pages component`.
#[derive(Subcommand)]
pub enum ComponentCommand {
    /// Add a component, or a group with `--group`.
    #[command(
        after_help = "Examples:\n  vigil status-pages component add acme Backend --group\n  vigil status-pages component add acme API --in Backend --monitor api --monitor api-eu"
    )]
    Add {
        /// The page.
        page: String,
        /// The name readers see.
        name: String,
        /// Make a group (it shows its worst component).
        #[arg(long)]
        group: bool,
        /// The rest.
        #[command(flatten)]
        settings: ComponentArgs,
    },
    /// Change a component: its name, sources, group, or a state set by hand.
    #[command(
        after_help = "Examples:\n  vigil status-pages component set acme API --state partial_outage\n  vigil status-pages component set acme API --state automatic"
    )]
    Set {
        /// The page.
        page: String,
        /// The component (its name or id).
        component: String,
        /// A new name.
        #[arg(long)]
        name: Option<String>,
        /// operational, under_maintenance, degraded_performance, partial_outage, major_outage,
        /// or automatic to follow its sources again.
        #[arg(long)]
        state: Option<String>,
        /// The rest.
        #[command(flatten)]
        settings: ComponentArgs,
    },
    /// Remove a component (a group with its members).
    #[command(after_help = "Example:\n  vigil status-pages component remove acme API")]
    Remove {
        /// The page.
        page: String,
        /// The component.
        component: String,
    },
}

/// `vigil badges`.
#[derive(Subcommand)]
pub enum BadgeCommand {
    /// List badges with their addresses.
    #[command(visible_alias = "ls", after_help = "Example:\n  vigil badges list")]
    List,
    /// Make a badge of a monitor, a task or a page's component; its addresses hold an
    /// unguessable token, never the monitor's id.
    #[command(
        group(clap::ArgGroup::new("target").required(true).multiple(false)),
        after_help = "Examples:\n  vigil badges create --monitor api --label API\n  vigil badges create --component acme/Login"
    )]
    Create {
        /// A monitor (name or id).
        #[arg(long, group = "target")]
        monitor: Option<String>,
        /// A task (name, slug or id).
        #[arg(long, group = "target")]
        task: Option<String>,
        /// A component, as PAGE/COMPONENT.
        #[arg(long, group = "target", value_name = "PAGE/COMPONENT")]
        component: Option<String>,
        /// The text on its left.
        #[arg(long)]
        label: Option<String>,
    },
    /// Delete a badge: its addresses stop working.
    #[command(after_help = "Example:\n  vigil badges delete 0192f3a4")]
    Delete {
        /// The badge (its id, or its first or last characters).
        badge: String,
    },
}
