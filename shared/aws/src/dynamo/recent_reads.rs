//! Monitors this process has just read consistently, so that storing a check result need not
//! read the monitor again to know it exists.
//!
//! A prober reads each monitor consistently before checking it, then stores the result; the
//! port asks the store to refuse results of monitors that no longer exist, which would cost a
//! second read (half a read unit, about 7 % of a check's cost). Within [`VALID_FOR`] of the
//! prober's own read the store trusts it instead. The one thing this gives up: a monitor deleted
//! by another process during those seconds may receive one last result, which nobody can read
//! (its monitor is gone) and which DynamoDB's TTL removes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vigil_domain::ids::{MonitorId, TenantId};

/// How long a consistent read vouches for a monitor's existence: longer than the longest check
/// (a 60 s timeout) plus storing it.
const VALID_FOR: Duration = Duration::from_secs(90);
/// Entries kept before old ones are dropped.
const CAPACITY: usize = 10_000;

/// Recently read monitors.
#[derive(Clone, Debug, Default)]
pub(crate) struct RecentReads(Arc<Mutex<HashMap<(TenantId, MonitorId), Instant>>>);

impl RecentReads {
    /// Notes a consistent read that found the monitor.
    pub(crate) fn found(&self, tenant: TenantId, monitor: MonitorId) {
        let Ok(mut seen) = self.0.lock() else { return };
        let now = Instant::now();
        if seen.len() >= CAPACITY {
            seen.retain(|_, at| now.duration_since(*at) < VALID_FOR);
        }
        if seen.len() < CAPACITY {
            seen.insert((tenant, monitor), now);
        }
    }

    /// Notes that the monitor is gone (deleted, or read and not found).
    pub(crate) fn gone(&self, tenant: TenantId, monitor: MonitorId) {
        if let Ok(mut seen) = self.0.lock() {
            seen.remove(&(tenant, monitor));
        }
    }

    /// Whether a consistent read found the monitor moments ago.
    pub(crate) fn vouches_for(&self, tenant: TenantId, monitor: MonitorId) -> bool {
        self.0.lock().ok().and_then(|seen| seen.get(&(tenant, monitor)).copied()).is_some_and(|at| at.elapsed() < VALID_FOR)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn a_read_vouches_until_the_monitor_is_gone() {
        let recent = RecentReads::default();
        let (tenant, monitor) = (TenantId::from_uuid(Uuid::from_u128(1)), MonitorId::from_uuid(Uuid::from_u128(2)));
        assert!(!recent.vouches_for(tenant, monitor));
        recent.found(tenant, monitor);
        assert!(recent.vouches_for(tenant, monitor));
        assert!(!recent.vouches_for(TenantId::from_uuid(Uuid::from_u128(3)), monitor), "per tenant");
        recent.gone(tenant, monitor);
        assert!(!recent.vouches_for(tenant, monitor));
    }
}
