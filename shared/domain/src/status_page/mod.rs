//! Public status pages: pages with components in groups, their states (fed by monitors and
//! tasks, set by hand, touched by public incidents and maintenance), their history, public
//! incidents kept apart from internal ones, subscribers and what they are sent, badges, and the
//! snapshot every reader is served from.

pub mod badge;
pub mod bar;
pub mod component;
pub mod draft;
pub mod feeds;
pub mod health;
pub mod history;
pub mod incident;
pub mod notice;
pub mod page;
pub mod snapshot;
pub mod statuspage;
pub mod subscriber;

pub use badge::{Badge, BadgeDraft, BadgeFace, BadgeFigures, BadgeKind, BadgeTarget, StatusFigure};
pub use bar::{BarSpan, day_bar, month_bar};
pub use component::{Component, ComponentStatus, Sources};
pub use draft::{AccessChoice, ComponentDraft, PageSettings, PlacedComponent, StatusPageDraft};
pub use health::{Indicator, Influences, SourceState};
pub use incident::{IncidentClosed, PublicIncident, PublicIncidentDraft, PublicStatus, PublicUpdate, PublicUpdateDraft, UpdateContent};
pub use notice::{NoticeComponent, NoticeKind, SubscriberNotice};
pub use page::{PageAccess, PageDomain, PageSlug, StatusPage};
pub use snapshot::{ComponentFacts, MaintenanceFacts, PageFacts, PageSnapshot, SourceFacts};
pub use statuspage::StatuspageDocument;
pub use subscriber::{ConfirmRefusal, Confirmation, Subscriber, SubscriberChannel, SubscriberDraft, Subscription, SubscriptionTarget};
