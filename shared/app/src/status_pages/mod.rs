//! Status pages: editors make pages and components, post public incidents and manage
//! subscribers and badges; readers are served from each page's snapshot, which these use cases
//! compute again whenever something it shows changes.

mod badges;
mod create_page;
mod delete_page;
mod errors;
mod follow;
pub mod links;
mod notify;
mod post_incident;
mod post_update;
mod publish;
mod publish_incident;
mod put_component;
mod read_incidents;
mod read_pages;
mod reading;
mod remove_component;
mod snapshot;
mod stored;
mod subscribe;
mod subscribers;
#[cfg(test)]
mod tests;
mod update_page;

pub use badges::{CreateBadge, badge_figures, create_badge, delete_badge, list_badges};
pub use create_page::{CreatePage, create_page};
pub use delete_page::{DeletePage, delete_page};
pub use errors::StatusPageError;
pub(crate) use follow::{incident_opened, incident_resolved, subject_changed};
pub use post_incident::{PostIncident, post_incident};
pub use post_update::{PostUpdate, post_update};
pub use publish_incident::{PublishIncident, publish_incident};
pub use put_component::{PutComponent, put_component};
pub use read_incidents::{delete_public_incident, get_public_incident, list_public_incidents};
pub use read_pages::{get_page, list_pages};
pub use reading::{PageAddress, Reader, Refusal, Unlock, admit, find_public_page, unlock_page};
pub use remove_component::{RemoveComponent, remove_component};
pub use snapshot::{FRESH_FOR, compute_snapshot, current_snapshot, refresh_snapshot};
pub use subscribe::{Subscribe, confirm_subscription, subscribe, unsubscribe};
pub use subscribers::{AddSubscriber, add_subscriber, list_subscribers, remove_subscriber};
pub use update_page::{UpdatePage, update_page};
