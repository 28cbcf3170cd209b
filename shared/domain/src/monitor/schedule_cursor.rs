//! A schedule cursor: one mark for a group of monitors ("every slot of every member before
//! `through` is handed out") instead of a due time per monitor. Slots are a pure function of a
//! monitor's id and interval, so a store that keeps the mark and knows the members can hand
//! out their checks without writing each monitor's due time at every claim, which is most of
//! what claims cost where every write is billed (docs/aws.md, "Cost").

use super::schedule::{CheckInterval, resume_slot};
use crate::ids::{MonitorId, TenantId};
use crate::ports::DueCheck;
use jiff::Timestamp;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// A monitor that follows a cursor instead of a due time of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CursorMember {
    /// The monitor.
    pub monitor_id: MonitorId,
    /// Its interval as stored.
    pub interval: CheckInterval,
    /// The first of its slots that its own claims did not hand out: where the cursor takes over.
    pub joined_at: Timestamp,
}

/// What one advance of a cursor hands out, and where its mark moves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CursorAdvance {
    /// The checks handed out, earliest first.
    pub checks: Vec<DueCheck>,
    /// The new mark: every member's slot before it is handed out, none at or after it.
    pub through: Timestamp,
}

/// Advances a cursor of `tenant` from its mark `through` towards `until`.
///
/// Each member gets its slots from the later of the mark and its join, resumed as a per-monitor
/// claim resumes (a cursor left behind by an outage does not replay what it missed), up to
/// `until`. When there are more than `limit`, the mark stops at the earliest slot not handed
/// out and every slot before it is handed out, so the next advance starts exactly there. Slots
/// of one millisecond stay together; if the first of them alone exceed `limit`, they are handed
/// out anyway, so that a cursor always moves.
///
/// Slots are taken earliest first from a heap of each member's next slot, so a call costs
/// about `members + limit × log members`, however far `until` is: a scheduler run advances a
/// large tenant's cursor in many calls of a batch each.
pub fn advance_cursor(
    tenant: TenantId,
    members: &[CursorMember],
    through: Timestamp,
    now: Timestamp,
    until: Timestamp,
    limit: usize,
) -> CursorAdvance {
    if until <= through || limit == 0 {
        return CursorAdvance { checks: Vec::new(), through };
    }
    let mut next: BinaryHeap<Reverse<(Timestamp, MonitorId, usize)>> = members
        .iter()
        .enumerate()
        .filter_map(|(i, member)| {
            let first = member.interval.slot_at_or_after(member.monitor_id, through.max(member.joined_at));
            let slot = resume_slot(member.interval, member.monitor_id, first, now);
            (slot < until).then_some(Reverse((slot, member.monitor_id, i)))
        })
        .collect();
    let mut checks: Vec<DueCheck> = Vec::with_capacity(limit.min(4096));
    while let Some(Reverse((slot, monitor_id, i))) = next.pop() {
        if let (true, Some(first), Some(last)) = (checks.len() >= limit, checks.first(), checks.last()) {
            // The limit is reached: the mark stops at this slot. If it shares the millisecond
            // of the last one handed out, that millisecond waits whole for the next advance,
            // unless it is all there is, which then goes whole.
            if last.planned_at < slot {
                return CursorAdvance { checks, through: slot };
            }
            if first.planned_at < slot {
                checks.retain(|c| c.planned_at < slot);
                return CursorAdvance { checks, through: slot };
            }
        }
        let member = &members[i];
        checks.push(DueCheck { tenant_id: tenant, monitor_id, planned_at: slot, interval: member.interval });
        let following = member.interval.next_slot_after(monitor_id, slot);
        if following < until {
            next.push(Reverse((following, monitor_id, i)));
        }
    }
    CursorAdvance { checks, through: until }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn ts(ms: i64) -> Timestamp {
        Timestamp::from_millisecond(ms).unwrap()
    }

    fn member(id: u128, seconds: u32, joined_at: i64) -> CursorMember {
        CursorMember {
            monitor_id: MonitorId::from_uuid(Uuid::from_u128(id)),
            interval: CheckInterval::from_seconds(seconds).unwrap(),
            joined_at: ts(joined_at),
        }
    }

    #[test]
    fn a_cursor_hands_out_each_members_slots_once_from_its_mark() {
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        // Phases are the id modulo the interval in ms: 10 s at phase 0, 60 s at phase 5 s, and
        // another 60 s at phase 5 s (the same millisecond).
        let fast = member(10_000 * 3, 10, 0);
        let slow = member(60_000 * 2 + 5_000, 60, 0);
        let twin = member(60_000 * 4 + 5_000, 60, 0);
        // Joined at 185 s: its own claims handed out everything before.
        let late = member(60_000 * 7 + 5_000, 60, 185_000);
        // (name, members, through, now, until, limit, (ms, member index) handed out, new mark)
        type Case = (&'static str, Vec<CursorMember>, i64, i64, i64, usize, Vec<(i64, usize)>, i64);
        let cases: [Case; 8] = [
            ("no members: the mark moves", vec![], 100_000, 100_000, 160_000, 10, vec![], 160_000),
            (
                "every slot from the mark to `until`, earliest first",
                vec![fast, slow],
                100_000,
                90_000,
                140_000,
                100,
                vec![(100_000, 0), (110_000, 0), (120_000, 0), (125_000, 1), (130_000, 0)],
                140_000,
            ),
            (
                "a slot at the mark is handed out, one at `until` is not",
                vec![slow],
                125_000,
                120_000,
                185_000,
                100,
                vec![(125_000, 0)],
                185_000,
            ),
            (
                "a member that joined later starts at its join",
                vec![slow, late],
                120_000,
                120_000,
                250_000,
                100,
                vec![(125_000, 0), (185_000, 0), (185_000, 1), (245_000, 0), (245_000, 1)],
                250_000,
            ),
            (
                "the limit stops the mark at the first slot not handed out",
                vec![fast, slow],
                100_000,
                90_000,
                140_000,
                3,
                vec![(100_000, 0), (110_000, 0), (120_000, 0)],
                125_000,
            ),
            (
                "one millisecond stays together: the limit cuts before it",
                vec![fast, slow, twin],
                120_000,
                120_000,
                140_000,
                2,
                vec![(120_000, 0)],
                125_000,
            ),
            (
                "a first millisecond over the limit goes whole",
                vec![slow, twin],
                125_000,
                120_000,
                200_000,
                1,
                vec![(125_000, 0), (125_000, 1)],
                185_000,
            ),
            (
                "a mark left an hour behind resumes at the phase",
                vec![slow],
                5_000,
                3_600_000,
                3_700_000,
                100,
                vec![(3_605_000, 0), (3_665_000, 0)],
                3_700_000,
            ),
        ];
        for (name, members, through, now, until, limit, expected, mark) in cases {
            let advance = advance_cursor(tenant, &members, ts(through), ts(now), ts(until), limit);
            let got: Vec<(i64, usize)> = advance
                .checks
                .iter()
                .map(|c| (c.planned_at.as_millisecond(), members.iter().position(|m| m.monitor_id == c.monitor_id).unwrap()))
                .collect();
            assert_eq!(got, expected, "{name}");
            assert_eq!(advance.through, ts(mark), "{name}: the new mark");
            for c in &advance.checks {
                let m = members.iter().find(|m| m.monitor_id == c.monitor_id).unwrap();
                assert_eq!((c.tenant_id, c.interval), (tenant, m.interval), "{name}");
            }
        }
        let stuck = advance_cursor(tenant, &[fast], ts(100_000), ts(100_000), ts(100_000), 10);
        assert_eq!((stuck.checks.len(), stuck.through), (0, ts(100_000)), "an empty window leaves the mark");
    }

    #[test]
    fn advances_one_after_another_hand_out_every_slot_exactly_once() {
        let tenant = TenantId::from_uuid(Uuid::from_u128(1));
        let members: Vec<CursorMember> =
            (0..40u128).map(|i| member(i * 7_919_003 + 11, [10, 30, 60, 300][i as usize % 4], (i as i64) * 3_000)).collect();
        let (start, end) = (0i64, 3_600_000i64);
        let mut expected = Vec::new();
        for m in &members {
            let mut slot = m.interval.slot_at_or_after(m.monitor_id, ts(m.joined_at.as_millisecond().max(start)));
            while slot < ts(end) {
                expected.push((slot, m.monitor_id));
                slot = m.interval.next_slot_after(m.monitor_id, slot);
            }
        }
        expected.sort();
        for limit in [1, 7, 50, 10_000] {
            let (mut through, mut now, mut got) = (ts(start), ts(start), Vec::new());
            while through < ts(end) {
                let until = (now + jiff::SignedDuration::from_secs(900)).min(ts(end));
                let advance = advance_cursor(tenant, &members, through, now, until, limit);
                assert!(advance.through > through || until <= through, "limit {limit}: the mark moves");
                got.extend(advance.checks.iter().map(|c| (c.planned_at, c.monitor_id)));
                through = advance.through;
                // The next run comes once the mark is within two minutes, as the scheduler's lead.
                now = now.max(through - jiff::SignedDuration::from_secs(120));
            }
            got.sort();
            assert_eq!(got, expected, "limit {limit}: every slot once, none lost");
        }
    }
}
