//! Contract suites: one per storage port, written against the traits only. Every adapter
//! (SQLite here, DynamoDB on the emulator) runs every suite, so the backends cannot drift.
//!
//! Each suite takes a fresh [`Stores`] so that global reads (the due-index) see only its data.

mod account_fixtures;
mod accounts;
mod artefacts;
mod audit;
mod check_log;
pub mod fixtures;
mod host_fixtures;
mod host_history;
mod hosts;
pub mod incident_fixtures;
mod incidents;
mod invitations;
mod monitors;
mod notifications;
mod schedule;
mod sessions;
mod sign_in;
mod status_pages;
mod tasks;
mod tenants;

pub use accounts::{concurrent_user_updates_contract, memberships_contract, organisations_contract, user_directory_contract};
pub use artefacts::artefact_store_contract;
pub use audit::{audit_filters_contract, audit_log_contract, audit_purge_contract};
pub use check_log::{check_log_contract, concurrent_records_contract, digest_contract, tally_contract};
pub use host_history::{action_history_contract, connection_log_contract, host_rules_contract};
pub use hosts::{concurrent_enrolment_takes_contract, host_directory_contract, host_metrics_contract};
pub use incidents::{concurrent_openings_contract, incident_store_contract};
pub use invitations::{concurrent_settlements_contract, concurrent_token_takes_contract, invitations_contract, one_time_tokens_contract};
pub use monitors::{monitor_listing_contract, monitor_repository_contract};
pub use notifications::{delivery_log_contract, notification_settings_contract, timer_index_contract};
pub use schedule::{
    claim_ahead_contract, claim_with_monitors_contract, concurrent_claims_contract, concurrent_schedulers_over_time_contract,
    schedule_contract, schedule_over_time_contract,
};
pub use sessions::{concurrent_rotations_contract, refresh_families_contract, sessions_contract};
pub use sign_in::{server_secrets_contract, sign_in_attempts_contract};
pub use status_pages::{
    badges_contract, public_incidents_contract, status_pages_contract, status_snapshots_contract, subscribers_contract,
};
pub use tasks::{
    concurrent_task_changes_contract, ping_body_store_contract, ping_cap_contract, ping_keys_contract, task_due_index_contract,
    task_record, task_repository_contract, task_state_contract,
};
pub use tenants::tenant_directory_contract;

pub use vigil_app::Stores;

/// Runs every contract suite on one adapter: a `#[tokio::test]` per suite, each on fresh stores
/// from `$setup`, an async expression giving `(Stores, guard)` (the guard keeps a temporary
/// directory or an emulator alive until the suite ends). The list of suites lives here only, so a
/// new suite runs on every adapter at once.
///
/// ```ignore
/// vigil_tests::contract_suites!(sqlite_stores());
/// ```
#[macro_export]
macro_rules! contract_suites {
    ($setup:expr) => {
        $crate::contract_suites!(@each $setup;
            monitor_repository_contract,
            monitor_listing_contract,
            schedule_contract,
            concurrent_claims_contract,
            claim_ahead_contract,
            claim_with_monitors_contract,
            schedule_over_time_contract,
            concurrent_schedulers_over_time_contract,
            check_log_contract,
            tally_contract,
            digest_contract,
            concurrent_records_contract,
            tenant_directory_contract,
            artefact_store_contract,
            incident_store_contract,
            concurrent_openings_contract,
            notification_settings_contract,
            delivery_log_contract,
            timer_index_contract,
            task_repository_contract,
            task_state_contract,
            task_due_index_contract,
            concurrent_task_changes_contract,
            ping_keys_contract,
            ping_body_store_contract,
            ping_cap_contract,
            organisations_contract,
            user_directory_contract,
            concurrent_user_updates_contract,
            memberships_contract,
            invitations_contract,
            concurrent_settlements_contract,
            one_time_tokens_contract,
            concurrent_token_takes_contract,
            sessions_contract,
            refresh_families_contract,
            concurrent_rotations_contract,
            audit_log_contract,
            audit_filters_contract,
            audit_purge_contract,
            sign_in_attempts_contract,
            server_secrets_contract,
            status_pages_contract,
            public_incidents_contract,
            subscribers_contract,
            badges_contract,
            status_snapshots_contract,
            host_directory_contract,
            concurrent_enrolment_takes_contract,
            host_metrics_contract,
            connection_log_contract,
            host_rules_contract,
            action_history_contract,
        );
    };
    (@each $setup:expr; $($suite:ident),* $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $suite() {
            let (stores, _guard) = $setup.await;
            $crate::contract::$suite(stores).await;
        }
    )*};
}
