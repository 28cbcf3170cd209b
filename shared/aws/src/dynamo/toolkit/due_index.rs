//! The sparse, sharded `due` index read earliest first. Monitors, heartbeat tasks, pending
//! deliveries and timers each have their own shard values (`<family><n>`), so one index serves
//! them all and a reader of one family never reads another's items.

use super::attributes::Item;
use super::attributes::{ItemExt, n, s};
use super::errors::decode;
use super::query::KeyQuery;
use crate::dynamo::DynamoStore;
use crate::dynamo::keys::{DUE_AT, DUE_INDEX, DUE_SHARD, SK};
use jiff::Timestamp;
use vigil_domain::ports::StoreError;

/// Which due times a read takes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DueBy {
    /// Due strictly before this time.
    Before(Timestamp),
    /// Due at or before this time.
    AtOrBefore(Timestamp),
}

/// An item of the index with its due time (Unix milliseconds).
pub(crate) type DueItem = (i64, Item);

impl DynamoStore {
    /// The earliest `limit` items of each of the `shards` shards of `family` that are due by
    /// `due`, together sorted by due time (then key): every shard's earliest `limit` hold the
    /// overall earliest `limit`. The index holds what each family projects, and lags the
    /// table a little: a claim re-checks the item itself.
    pub(crate) async fn due_in_shards(&self, family: &str, shards: u8, due: DueBy, limit: usize) -> Result<Vec<DueItem>, StoreError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut found = Vec::new();
        for shard in 0..shards {
            let query = KeyQuery::index(DUE_INDEX, DUE_SHARD, s(format!("{family}{shard}")), DUE_AT, "reading the due-index");
            let query = match due {
                DueBy::Before(until) => query.below(n(until.as_millisecond())),
                DueBy::AtOrBefore(now) => query.at_most(n(now.as_millisecond())),
            };
            for item in self.query_up_to(&query, Some(limit)).await? {
                found.push((item.number::<i64>(DUE_AT).map_err(decode)?, item));
            }
        }
        found.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.opt_string(SK).ok().flatten().cmp(&y.opt_string(SK).ok().flatten())));
        Ok(found)
    }
}
