//! Running checks and reading their history.

mod claim_due;
mod get;
mod list;
mod run;
#[cfg(test)]
mod tests;
mod trigger;

pub use claim_due::{ClaimDueChecks, ClaimDueChecksError, claim_due_checks};
pub use get::{CheckDetail, GetCheck, GetCheckError, get_check};
pub use list::{ListChecks, ListChecksError, list_checks};
pub use run::{CheckRun, RunCheck, RunCheckError, RunCheckOutcome, run_check, run_claimed_check};
pub(crate) use run::{probe_request, run_check_on};
pub use trigger::{TriggerCheck, TriggerCheckError, trigger_check};
