//! One module per page (or per small family of pages): each parses its form, calls the use
//! case and renders its template.

pub(crate) mod audit;
pub(crate) mod check_result;
pub(crate) mod confirm;
pub(crate) mod heartbeats;
pub(crate) mod hosts;
pub(crate) mod incidents;
pub(crate) mod invitation;
pub(crate) mod keys;
pub(crate) mod members;
pub(crate) mod monitor;
pub(crate) mod monitor_form;
pub(crate) mod notifications;
pub(crate) mod organisation;
pub(crate) mod overview;
pub(crate) mod password;
pub(crate) mod preferences;
pub(crate) mod profile;
pub(crate) mod reset;
pub(crate) mod setup;
pub(crate) mod sign_in;
pub(crate) mod state_badge;
pub(crate) mod status_editor;
pub(crate) mod status_page;
pub(crate) mod two_factor;
