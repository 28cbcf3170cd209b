//! The DynamoDB adapter: one table holding tenants, API keys, monitors, check history, hourly
//! rollups and transitions, implementing the storage ports. docs/aws.md draws the table: its key
//! patterns, the `due` and `by_creation` indexes, and TTL.

mod attributes;
mod check_log;
mod cursor;
mod deliveries;
mod documents;
mod errors;
mod history;
mod incidents;
mod keys;
mod monitor_item;
mod monitors;
mod notification_settings;
mod recent_reads;
mod schedule;
mod table;
mod tally;
mod task_history;
mod tasks;
mod tenants;
mod timers;
mod transitions;
mod update;

pub use table::create_table;

use aws_sdk_dynamodb::Client;
use jiff::SignedDuration;
use recent_reads::RecentReads;

/// The store: a client and the table it works on. Cheap to clone (clones share what they have
/// recently read).
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: Client,
    table: String,
    retention: SignedDuration,
    recent: RecentReads,
}

impl DynamoStore {
    /// A store on `table`, keeping raw check history for `retention` (DynamoDB's TTL deletes
    /// older results; hourly rollups live four times longer).
    pub fn new(client: Client, table: impl Into<String>, retention: SignedDuration) -> Self {
        Self { client, table: table.into(), retention, recent: RecentReads::default() }
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }
}
