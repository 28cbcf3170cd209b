//! A stored change of a monitor's status, with its time and cause: the input of incidents.

use super::status::MonitorStatus;
use crate::check::CheckOutcome;
use crate::ids::{CheckId, MonitorId, TenantId};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Why a status changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TransitionCause {
    /// A check moved it.
    Check {
        /// The check.
        check_id: CheckId,
        /// How that check ended.
        outcome: CheckOutcome,
    },
    /// Someone paused the monitor.
    Paused,
    /// Someone resumed the monitor.
    Resumed,
}

/// A change of status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTransition {
    /// Owner.
    pub tenant_id: TenantId,
    /// Monitor.
    pub monitor_id: MonitorId,
    /// Status before.
    pub from: MonitorStatus,
    /// Status after.
    pub to: MonitorStatus,
    /// When.
    pub at: Timestamp,
    /// Why.
    pub cause: TransitionCause,
}
