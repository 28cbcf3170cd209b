//! Incidents: opened and resolved by status changes, acknowledged, commented and resolved by
//! people, and announced to the channels their alert rules name.

mod acknowledge;
mod announce;
mod comment;
mod get;
mod handle_event;
mod list;
mod reconcile;
mod resolve;
#[cfg(test)]
mod tests;

pub use acknowledge::{AcknowledgeIncident, AcknowledgeIncidentError, acknowledge_incident};
pub(crate) use announce::{enqueue, timeline_entry};
pub use comment::{CommentOnIncident, CommentOnIncidentError, MAX_CHARS as COMMENT_MAX_CHARS, comment_on_incident};
pub use get::{GetIncident, GetIncidentError, IncidentDetail, get_incident};
pub(crate) use handle_event::resolve_ongoing;
pub use handle_event::{HandleEvent, HandleEventError, HandledEvent, handle_event};
pub use list::{ListIncidents, ListIncidentsError, list_incidents};
pub use reconcile::reconcile_outages;
pub use resolve::{ResolveIncident, ResolveIncidentError, resolve_incident};
