//! Checks that a stopped process claimed and never ran.
//!
//! The scheduler claims checks up to its horizon ahead and holds each in memory until its
//! release tick, while the claim has already moved the monitor's due time past it. A process
//! that stops in between (`kill -9`, a crash, a shutdown) drops those checks, and without this
//! each of their monitors would show one slot missing. Every claim records the last slot it
//! handed out (`check_schedule.claimed_slot`), so that the next start can hand back the slots
//! that have no stored result.

use super::SqliteStore;
use super::codec::ms;
use super::due::DueIndex;
use anyhow::Context;
use jiff::Timestamp;
use rusqlite::params;

impl SqliteStore {
    /// Moves the due time of every monitor whose latest claimed slot has no stored result back
    /// to that slot, so the next claim runs it (late), and returns how many moved. Slots an
    /// interval old or more at `now` stay dropped, as a claim would drop them (see
    /// `resume_slot`), and so does a claim whose monitor was paused, resumed or changed since
    /// (that clears the slot). A slot whose check ran but whose result was never stored is
    /// handed back too: its result was never acknowledged.
    ///
    /// Only for a process starting up, before its scheduler's first claim: the data directory's
    /// lock guarantees that no other scheduler holds these claims.
    pub async fn hand_back_unrun_claims(&self, now: Timestamp) -> anyhow::Result<usize> {
        self.db
            .write(move |conn| {
                let moved = conn
                    .prepare(
                        "UPDATE check_schedule SET next_due_at = claimed_slot, claimed_slot = NULL \
                         WHERE claimed_slot IS NOT NULL AND next_due_at > claimed_slot \
                         AND claimed_slot > ?1 - 1000 * (SELECT m.interval_s FROM monitors m \
                             WHERE m.tenant_id = check_schedule.tenant_id AND m.id = check_schedule.monitor_id) \
                         AND NOT EXISTS (SELECT 1 FROM check_results r WHERE r.tenant_id = check_schedule.tenant_id \
                             AND r.monitor_id = check_schedule.monitor_id AND r.planned_at = check_schedule.claimed_slot)",
                    )?
                    .execute(params![ms(now)])?;
                Ok(moved)
            })
            .await
            .inspect(|&moved| {
                if moved > 0 {
                    self.due_changed(DueIndex::Checks);
                }
            })
            .context("handing back the checks claimed before a stop and never run")
    }
}
