//! Status, uptime and history reads.

mod list_transitions;
mod monitor_history;
mod monitor_uptime;
mod overview;
mod task_digests;
mod tenant_summary;

pub use list_transitions::{ListTransitions, ListTransitionsError, list_transitions};
pub use monitor_history::{HISTORY_DAYS, MonitorHistory, MonitorHistoryError, MonitorHistoryView, RESPONSE_WINDOWS, monitor_history};
pub use monitor_uptime::{MonitorUptime, MonitorUptimeError, monitor_uptime};
pub use overview::{Overview, OverviewError, OverviewView, overview};
pub use task_digests::{RUNS_READ, TaskDigests, TaskDigestsError, task_digests};
pub use tenant_summary::{TenantSummary, TenantSummaryError, TenantSummaryView, tenant_summary};
