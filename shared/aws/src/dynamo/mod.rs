//! The DynamoDB adapter: one table holding tenants, API keys, monitors, check history, hourly
//! rollups and transitions, heartbeat tasks with their runs and pings, implementing the storage
//! ports. docs/aws.md draws the table: its key patterns, the `due` and `by_creation` indexes,
//! and TTL.

mod accounts;
mod check_log;
mod client;
mod cursor_reads;
mod deliveries;
mod documents;
mod history;
mod hosts;
mod incidents;
mod keys;
mod monitor_item;
mod monitors;
mod notification_settings;
mod recent_reads;
mod schedule;
mod schedule_cursor;
mod status_pages;
#[cfg(feature = "sdk-clients")]
mod table;
mod tally;
mod task_due;
mod task_history;
mod task_items;
mod task_locators;
mod tasks;
mod tenants;
mod timers;
mod toolkit;
mod transitions;

pub use client::DynamoClient;
pub use hosts::ConnectedAgent;
#[cfg(feature = "sdk-clients")]
pub use table::create_table;

use cursor_reads::CursorReads;
use jiff::SignedDuration;
use recent_reads::RecentReads;
use task_locators::TaskLocators;

/// The store: a client and the table it works on. Cheap to clone (clones share what they have
/// recently read).
#[derive(Clone, Debug)]
pub struct DynamoStore {
    client: DynamoClient,
    table: String,
    retention: SignedDuration,
    recent: RecentReads,
    cursor_reads: CursorReads,
    locators: TaskLocators,
    host_retention: HostRetention,
}

/// How long DynamoDB keeps hosts' history before its TTL deletes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HostRetention {
    /// Raw sample batches.
    pub samples: SignedDuration,
    /// Minute rollups.
    pub minutes: SignedDuration,
    /// Hour rollups and connection events.
    pub hours: SignedDuration,
}

impl Default for HostRetention {
    fn default() -> Self {
        let settings = vigil_app::HostSettings::default();
        Self { samples: settings.raw_retention, minutes: settings.minute_retention, hours: settings.hour_retention }
    }
}

impl DynamoStore {
    /// A store on `table`, keeping raw check history for `retention` (DynamoDB's TTL deletes
    /// older results; hourly rollups live four times longer).
    pub fn new(client: DynamoClient, table: impl Into<String>, retention: SignedDuration) -> Self {
        Self {
            client,
            table: table.into(),
            retention,
            recent: RecentReads::default(),
            cursor_reads: CursorReads::default(),
            locators: TaskLocators::default(),
            host_retention: HostRetention::default(),
        }
    }

    /// The same store, keeping hosts' history for `retention`.
    pub fn with_host_retention(mut self, retention: HostRetention) -> Self {
        self.host_retention = retention;
        self
    }

    /// The table's name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// A store whose every call fails unanswered (nothing listens at its endpoint), for unit
    /// tests of what refuses before calling.
    #[cfg(test)]
    pub(crate) fn unreachable() -> Self {
        let signer = crate::signed_call::Signer::for_tests("eu-west-1");
        Self::new(DynamoClient::new(&signer, Some("http://127.0.0.1:9")), "unused", SignedDuration::from_hours(1))
    }
}
