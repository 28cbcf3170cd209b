//! The bar of a heartbeat task's newest runs and its duration sparkline, drawn like a monitor's
//! bar of checks ([`crate::history::bar`]): one SVG path per outcome, oldest on the left. Each
//! outcome has its own shape as well as its colour, so that the bar does not speak by colour
//! alone: a run that went well fills its cell, a late one is a shorter cell, a failed one a
//! full cell, one that never finished a cell cut in two, a missed one an empty outline and a
//! running one a stub.

use crate::history::{Bar, BarPath, sparkline};
use crate::i18n::{Tr, msg};
use vigil_domain::heartbeat::digest::{RunBrief, RunOutcome};

/// Width of one run's cell in the bar, gap included (as for checks).
const CELL: u32 = 4;

/// The class and the words (a plural with `{count}`) of an outcome.
fn outcome_of(outcome: RunOutcome) -> (&'static str, &'static str) {
    match outcome {
        RunOutcome::Ok => ("up", msg("overview.runs.ok")),
        RunOutcome::Late => ("late", msg("overview.runs.late")),
        RunOutcome::Failed => ("down", msg("overview.runs.failed")),
        RunOutcome::Unfinished => ("unfinished", msg("overview.runs.unfinished")),
        RunOutcome::Missed => ("missed", msg("overview.runs.missed")),
        RunOutcome::Running => ("running", msg("overview.runs.running")),
    }
}

/// The cell of a run of `outcome` whose left edge is at `x`.
fn cell(outcome: RunOutcome, x: u32) -> String {
    match outcome {
        RunOutcome::Ok | RunOutcome::Failed => format!("M{x} 0h3v16h-3z"),
        RunOutcome::Late => format!("M{x} 6h3v10h-3z"),
        RunOutcome::Unfinished => format!("M{x} 0h3v7h-3zM{x} 9h3v7h-3z"),
        // Stroked, not filled: the outline sits half a pixel inside the cell.
        RunOutcome::Missed => format!("M{x}.5 .5h2v15h-2z"),
        RunOutcome::Running => format!("M{x} 12h3v4h-3z"),
    }
}

/// The bar of `recent` (newest first, as digests keep them) and what it shows in words.
pub(crate) fn run_bar(tr: &Tr, recent: &[RunBrief]) -> Bar {
    let mut paths: Vec<(RunOutcome, BarPath, i64)> =
        RunOutcome::ALL.into_iter().map(|o| (o, BarPath { class: outcome_of(o).0, d: String::new() }, 0)).collect();
    for (i, run) in recent.iter().rev().enumerate() {
        if let Some((_, path, count)) = paths.iter_mut().find(|(o, ..)| *o == run.outcome) {
            path.d.push_str(&cell(run.outcome, i as u32 * CELL));
            *count += 1;
        }
    }
    let parts: Vec<String> =
        paths.iter().filter(|(.., count)| *count > 0).map(|(outcome, _, count)| tr.n(outcome_of(*outcome).1, *count)).collect();
    let label =
        if parts.is_empty() { tr.t(msg("overview.runs.none")).to_owned() } else { tr.a("overview.runs.label", "runs", parts.join(", ")) };
    Bar {
        width: (recent.len() as u32 * CELL).max(CELL),
        paths: paths.into_iter().map(|(_, p, _)| p).filter(|p| !p.d.is_empty()).collect(),
        label,
    }
}

/// The sparkline of the runs' durations (those whose both ends are known), oldest first.
pub(crate) fn duration_sparkline(recent: &[RunBrief]) -> String {
    let values: Vec<f64> = recent.iter().rev().filter_map(|r| r.duration).map(|d| d.as_secs_f64() * 1000.0).collect();
    sparkline(&values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::{SignedDuration, Timestamp};
    use vigil_domain::accounts::Locale;

    fn brief(outcome: RunOutcome, seconds: Option<i64>) -> RunBrief {
        RunBrief { at: Timestamp::from_second(1_767_225_600).unwrap(), outcome, duration: seconds.map(SignedDuration::from_secs) }
    }

    #[test]
    fn each_outcome_has_its_shape_and_the_label_says_them_all() {
        use RunOutcome::*;
        let tr = Tr::new(Locale::En, "UTC");
        // Newest first: the missed run is drawn last, on the right.
        let recent = [
            brief(Missed, None),
            brief(Late, Some(30)),
            brief(Unfinished, None),
            brief(Failed, Some(5)),
            brief(Ok, Some(10)),
            brief(Ok, None),
        ];
        let bar = run_bar(&tr, &recent);
        let paths: Vec<_> = bar.paths.iter().map(|p| (p.class, p.d.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("up", "M0 0h3v16h-3zM4 0h3v16h-3z"),
                ("late", "M16 6h3v10h-3z"),
                ("down", "M8 0h3v16h-3z"),
                ("unfinished", "M12 0h3v7h-3zM12 9h3v7h-3z"),
                ("missed", "M20.5 .5h2v15h-2z"),
            ]
        );
        assert_eq!(bar.width, 24);
        assert_eq!(bar.label, "Last runs: 2 ok, 1 late, 1 failed, 1 unfinished, 1 missed");
        assert_eq!(run_bar(&tr, &[]).label, "No runs yet");
        let fr = Tr::new(Locale::Fr, "UTC");
        assert_eq!(run_bar(&fr, &recent[..2]).label, "Dernières exécutions : 1 en retard, 1 manquée");
    }

    #[test]
    fn the_sparkline_draws_timed_runs_oldest_first() {
        use RunOutcome::*;
        let cases: [(&[RunBrief], &str); 3] = [
            (&[], ""),
            (&[brief(Ok, Some(10)), brief(Ok, None)], ""),
            (&[brief(Ok, Some(10)), brief(Failed, None), brief(Late, Some(5))], "0.0,12.0 100.0,1.0"),
        ];
        for (recent, want) in cases {
            assert_eq!(duration_sparkline(recent), want, "{recent:?}");
        }
    }
}
