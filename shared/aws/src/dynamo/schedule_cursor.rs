//! Tenants' schedule cursors: one item per tenant (`T#<tenant>` / `CURSOR`) holding `through`,
//! the mark before which every slot of every monitor on the cursor is handed out, and a
//! `version`. A claimed monitor joins its tenant's cursor in the claim's own write and has no due
//! time from then on; the cursor, itself in the `due` index at its mark, hands out all of its
//! monitors' slots in one advance per horizon, so a monitor costs no write per claim. See
//! docs/aws.md, "Schedule cursors".
//!
//! Two races are closed by conditions. A join bumps the `version` on the condition that the
//! mark is the one the join was decided on, and an advance writes the mark on the condition that
//! both the mark and the version are the ones it read the monitors under: an advance that could
//! have missed a monitor that joined meanwhile fails, reads again and tries again.

use super::DynamoStore;
use super::keys::{DUE_AT, DUE_SHARD, MONITOR_SK_PREFIX, PK, SCHEDULE_CURSOR_SK, SK, cursor_due_shard, tenant_pk};
use super::monitor_item::{INTERVAL, JOINED_AT, monitor_key, stored_time};
use super::toolkit::attributes::{Item, ItemExt, key_suffix, n, s};
use super::toolkit::errors::decode;
use super::toolkit::item::{Read, key};
use super::toolkit::query::KeyQuery;
use super::toolkit::transactions::{Outcome, transact_update};
use super::toolkit::update::Update;
use jiff::Timestamp;
use std::sync::Arc;
use vigil_domain::ids::TenantId;
use vigil_domain::monitor::CheckInterval;
use vigil_domain::monitor::schedule::Allotment;
use vigil_domain::monitor::schedule_cursor::{CursorMember, advance_cursor};
use vigil_domain::ports::{DueCheck, StoreError};

/// The mark of a tenant's cursor.
pub(crate) const THROUGH: &str = "through";
/// Bumped by every join, so that an advance decided before it fails. A cursor starts at its
/// mark's milliseconds rather than zero, so that one made again after an empty one was removed
/// does not repeat the versions of the one before (reads are kept by version, see
/// `cursor_reads`).
const VERSION: &str = "cursor_version";
/// Advances of one cursor in one claim that may lose to a join before the claim gives up (the
/// cursor is then advanced by the next run, while its mark is still ahead of its checks).
const ADVANCE_ATTEMPTS: u32 = 3;

/// A cursor as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct CursorMark {
    /// Every slot of its monitors before this is handed out.
    pub(crate) through: Timestamp,
    /// Its version.
    pub(crate) version: u64,
}

/// Monitors that join a cursor in one transaction, with the cursor's bump: DynamoDB takes up
/// to 100 items in one.
pub(crate) const JOINS_PER_TRANSACTION: usize = 99;

/// How a transaction moving claimed monitors onto their cursor ended.
pub(crate) enum Joins {
    /// Every monitor's slots are claimed, and each follows the cursor from now on.
    Joined,
    /// Another claimer, or an edit, moved these monitors first (their positions in the batch):
    /// their claims are lost, and nothing was written.
    Lost(Vec<usize>),
    /// The cursor moved since it was read, and nothing was written: claim them on their own.
    CursorMoved,
}

fn cursor_key(tenant: TenantId) -> Item {
    key(tenant_pk(tenant), SCHEDULE_CURSOR_SK)
}

fn at(ms: i64) -> Result<Timestamp, StoreError> {
    stored_time(ms).map_err(decode)
}

/// Whether a due-index item is a tenant's cursor rather than a monitor.
pub(crate) fn is_cursor(item: &Item) -> bool {
    item.opt_string(SK).ok().flatten() == Some(SCHEDULE_CURSOR_SK)
}

/// The tenant whose cursor a due-index item is.
pub(crate) fn cursor_tenant(item: &Item) -> Result<TenantId, StoreError> {
    key_suffix(item, PK, "T#").map_err(decode)
}

/// Whether a claimed monitor may join a cursor at `mark`: its own claims handed out every slot
/// before `joined_at`, so the cursor must not have handed out slots beyond it (it has none of
/// this monitor's), or the slots between would be lost.
pub(crate) fn may_join(mark: CursorMark, joined_at: Timestamp) -> bool {
    mark.through <= joined_at
}

impl DynamoStore {
    /// The tenant's cursor, read consistently; `None` before its first monitor joins.
    pub(crate) async fn schedule_cursor(&self, tenant: TenantId) -> Result<Option<CursorMark>, StoreError> {
        let Some(item) = self.get_item(cursor_key(tenant), Read::Strong, &[THROUGH, VERSION], "reading a schedule cursor").await? else {
            return Ok(None);
        };
        Ok(Some(CursorMark { through: at(item.number(THROUGH).map_err(decode)?)?, version: item.number(VERSION).map_err(decode)? }))
    }

    /// Makes a tenant's cursor at `through`, with no monitors yet; the cursor as it is if
    /// another scheduler made it first.
    pub(crate) async fn start_schedule_cursor(&self, tenant: TenantId, through: Timestamp) -> Result<CursorMark, StoreError> {
        let mut item = cursor_key(tenant);
        item.insert(THROUGH.into(), n(through.as_millisecond()));
        let version = u64::try_from(through.as_millisecond()).unwrap_or_default();
        item.insert(VERSION.into(), n(version));
        item.insert(DUE_SHARD.into(), s(cursor_due_shard(tenant)));
        item.insert(DUE_AT.into(), n(through.as_millisecond()));
        if self.put_new(item, "making a schedule cursor").await? {
            return Ok(CursorMark { through, version });
        }
        self.schedule_cursor(tenant).await?.ok_or_else(|| decode(anyhow::anyhow!("the schedule cursor of {tenant} exists and is gone")))
    }

    /// Claims the allotments of up to [`JOINS_PER_TRANSACTION`] monitors of one tenant and moves
    /// them onto its cursor at `mark`, in one transaction with the cursor's bump.
    pub(crate) async fn claim_and_join(&self, claims: &[Allotment], mark: CursorMark) -> Result<Joins, StoreError> {
        let Some(tenant) = claims.first().map(|c| c.monitor.tenant_id) else { return Ok(Joins::Joined) };
        let mut items = Vec::with_capacity(claims.len() + 1);
        for claim in claims {
            let c = &claim.monitor;
            let mut monitor = Update::default();
            monitor.remove(DUE_SHARD).remove(DUE_AT).set(JOINED_AT, n(claim.next_due_at.as_millisecond()));
            monitor.require_equal(DUE_AT, n(c.due_at.as_millisecond())).require_equal(INTERVAL, n(c.interval.seconds()));
            items.push(transact_update(&self.table, monitor_key(c.tenant_id, c.monitor_id), monitor)?);
        }
        let mut bump = Update::default();
        bump.add(VERSION, 1).require_equal(THROUGH, n(mark.through.as_millisecond()));
        items.push(transact_update(&self.table, cursor_key(tenant), bump)?);
        Ok(match self.transact_settled("claiming due checks onto a schedule cursor", items).await? {
            Outcome::Refused(failed) if failed.get(claims.len()) == Some(&true) => Joins::CursorMoved,
            Outcome::Refused(failed) => {
                let lost: Vec<usize> = failed.iter().take(claims.len()).enumerate().filter(|(_, f)| **f).map(|(i, _)| i).collect();
                // A refusal that names no item is not one this batch can act on: claim them alone.
                if lost.is_empty() { Joins::CursorMoved } else { Joins::Lost(lost) }
            }
            _ => Joins::Joined,
        })
    }

    /// The monitors on a tenant's cursor, read consistently from the table (the index lags, and
    /// a monitor missed here would lose its checks until the next advance).
    async fn cursor_members(&self, tenant: TenantId) -> Result<Vec<CursorMember>, StoreError> {
        let query = KeyQuery::partition(tenant_pk(tenant), "reading a schedule cursor's monitors")
            .prefix(MONITOR_SK_PREFIX)
            .consistent()
            .project(&[PK, SK, INTERVAL, JOINED_AT]);
        let mut members = Vec::new();
        for item in self.query_all(&query).await? {
            let Some(joined_at) = item.opt_number::<i64>(JOINED_AT).map_err(decode)? else { continue };
            members.push(CursorMember {
                monitor_id: key_suffix(&item, SK, MONITOR_SK_PREFIX).map_err(decode)?,
                interval: CheckInterval::from_seconds(item.number(INTERVAL).map_err(decode)?)
                    .map_err(|e| decode(anyhow::anyhow!("a stored interval: {e}")))?,
                joined_at: at(joined_at)?,
            });
        }
        Ok(members)
    }

    /// Advances a tenant's cursor, if it is due before `lead_until`, towards `until`: hands out
    /// every slot of its monitors before the new mark (at most `limit`, see [`advance_cursor`])
    /// once the mark is written. Nothing if the cursor is not due (the index lags) or another
    /// scheduler moved it first.
    pub(crate) async fn advance_schedule_cursor(
        &self,
        tenant: TenantId,
        now: Timestamp,
        lead_until: Timestamp,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<DueCheck>, StoreError> {
        for _ in 0..ADVANCE_ATTEMPTS {
            let Some(mark) = self.schedule_cursor(tenant).await? else { return Ok(Vec::new()) };
            if mark.through >= lead_until {
                return Ok(Vec::new());
            }
            let members = match self.cursor_reads.get(tenant, mark.version, now) {
                Some(members) => members,
                None => Arc::new(self.cursor_members(tenant).await?),
            };
            if members.is_empty() {
                // A cursor nobody follows any more goes, rather than be advanced for ever; the
                // next monitor claimed makes a new one. Only on a fresh read (empty reads are
                // not kept), and only if no monitor joined since: a removed cursor with
                // monitors on it would never check them again.
                let mut gone = Update::default();
                gone.require_equal(THROUGH, n(mark.through.as_millisecond())).require_equal(VERSION, n(mark.version));
                self.delete_item_if(cursor_key(tenant), gone, "removing an empty schedule cursor").await?;
                return Ok(Vec::new());
            }
            self.cursor_reads.keep(tenant, mark.version, now, members.clone());
            let advance = advance_cursor(tenant, &members, mark.through, now, until, limit);
            if advance.through == mark.through {
                return Ok(Vec::new());
            }
            let mut update = Update::default();
            update.set(THROUGH, n(advance.through.as_millisecond())).set(DUE_AT, n(advance.through.as_millisecond()));
            update.require_equal(THROUGH, n(mark.through.as_millisecond())).require_equal(VERSION, n(mark.version));
            if self.update_item(cursor_key(tenant), update, "advancing a schedule cursor").await? {
                return Ok(advance.checks);
            }
            // A join, or another scheduler, came between the read and the write: read again.
        }
        tracing::warn!(%tenant, "a schedule cursor kept losing to joins; the next run advances it");
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_monitor_joins_only_a_cursor_that_has_not_passed_its_next_slot() {
        let ts = |ms| Timestamp::from_millisecond(ms).unwrap();
        let mark = |through| CursorMark { through: ts(through), version: 3 };
        for (name, cursor, joined_at, expected) in [
            ("the cursor is behind its next slot", mark(900), 1_000, true),
            ("the cursor is at its next slot", mark(1_000), 1_000, true),
            ("the cursor passed its next slot: the slots between would be lost", mark(1_001), 1_000, false),
        ] {
            assert_eq!(may_join(cursor, ts(joined_at)), expected, "{name}");
        }
    }
}
