//! Notification channels, alert rules, maintenance windows and mutes, and the delivery of
//! messages: one attempt at a time, retried with backoff, never twice per transition.

mod claim_deliveries;
mod create_channel;
mod create_rule;
mod create_window;
mod delete_channel;
mod delete_rule;
mod delete_window;
mod deliver;
mod failed_deliveries;
mod get_channel;
mod get_rule;
mod get_window;
mod list_channels;
mod list_mutes;
mod list_rules;
mod list_subjects;
mod list_windows;
mod mute;
mod replace_channel;
mod replace_window;
mod run_timers;
mod test_channel;
#[cfg(test)]
mod tests;

pub use claim_deliveries::{ClaimDueDeliveries, ClaimDueDeliveriesError, claim_due_deliveries};
pub use create_channel::{CreateChannel, CreateChannelError, create_channel};
pub use create_rule::{CreateRule, CreateRuleError, create_rule};
pub use create_window::{CreateWindow, CreateWindowError, create_window};
pub use delete_channel::{DeleteChannel, DeleteChannelError, delete_channel};
pub use delete_rule::{DeleteRule, DeleteRuleError, delete_rule};
pub use delete_window::{DeleteWindow, DeleteWindowError, delete_window};
pub use deliver::{Deliver, DeliverError, deliver};
pub use failed_deliveries::{ListFailedDeliveries, ListFailedDeliveriesError, list_failed_deliveries};
pub use get_channel::{GetChannel, GetChannelError, get_channel};
pub use get_rule::{GetRule, GetRuleError, get_rule};
pub use get_window::{GetWindow, GetWindowError, get_window};
pub use list_channels::{ListChannels, ListChannelsError, list_channels};
pub use list_mutes::{ListMutes, ListMutesError, list_mutes};
pub use list_rules::{ListRules, ListRulesError, list_rules};
pub use list_subjects::{ListSubjects, ListSubjectsError, Subjects, list_subjects};
pub use list_windows::{ListWindows, ListWindowsError, list_windows};
pub use mute::{MuteMonitor, MuteMonitorError, UnmuteMonitor, mute_monitor, unmute_monitor};
pub use replace_channel::{ReplaceChannel, ReplaceChannelError, replace_channel};
pub use replace_window::{ReplaceWindow, ReplaceWindowError, replace_window};
pub use run_timers::{RunDueTimers, RunDueTimersError, run_due_timers};
pub use test_channel::{TestChannel, TestChannelError, test_channel};
