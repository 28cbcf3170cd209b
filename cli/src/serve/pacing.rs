//! How a self-hosted loop waits between two passes over its due-index. With a [`DueWatch`] it
//! sleeps until its earliest item is due (less a lead), until a write may have brought one
//! earlier, or at most [`Pacing::LONGEST`], so an installation with nothing due does nothing;
//! without one (a store that cannot tell) it reads the index on a fixed tick.

use std::time::Duration;
use tokio::time::Instant;
use vigil_app::SystemClock;
use vigil_local::DueWatch;

/// When the next pass over one due-index starts.
#[derive(Clone, Debug)]
pub(crate) struct Pacing {
    /// The index's watch, if the store offers one.
    pub(crate) watch: Option<DueWatch>,
    /// Without a watch: the time between two passes.
    pub(crate) tick: Duration,
    /// How long before an item is due its pass starts (a claim's horizon covers it early).
    pub(crate) lead: Duration,
    /// The shortest time between two passes: a burst of changes makes one pass, not one each.
    pub(crate) floor: Duration,
}

impl Pacing {
    /// The longest sleep with a watch: a bound on what a lost signal or a changed clock costs.
    pub(crate) const LONGEST: Duration = Duration::from_secs(60);

    /// Waits for the pass after the one that started at `previous`; the first pass (no
    /// previous one) starts at once.
    pub(crate) async fn next_pass(&self, previous: Option<Instant>) {
        let Some(previous) = previous else { return };
        let Some(watch) = &self.watch else {
            tokio::time::sleep_until(previous + self.tick).await;
            return;
        };
        let until = match watch.next_due().await {
            Ok(Some(due)) => {
                let ahead = Duration::try_from(due.duration_since(SystemClock::now())).unwrap_or_default();
                Instant::now() + ahead.saturating_sub(self.lead).min(Self::LONGEST)
            }
            Ok(None) => Instant::now() + Self::LONGEST,
            Err(error) => {
                tracing::warn!(%error, "reading the earliest due item failed; looking again after one tick");
                previous + self.tick
            }
        };
        tokio::select! {
            () = tokio::time::sleep_until(until) => {}
            () = watch.changed() => {}
        }
        tokio::time::sleep_until(previous + self.floor).await;
    }
}
