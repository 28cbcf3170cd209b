//! People and organisations in SQLite: users, memberships, invitations, single-use tokens,
//! sessions, refresh-token families, the audit log, sign-in failures and server secrets. Most
//! are JSON documents beside the few columns they are looked up by.

mod audit;
mod invitations;
mod memberships;
mod secrets;
mod sessions;
mod tokens;
mod users;

use anyhow::Context;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn to_json<T: Serialize>(value: &T) -> anyhow::Result<String> {
    serde_json::to_string(value).context("encoding a stored document")
}

fn from_json<T: DeserializeOwned>(text: &str, what: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("a stored {what} does not parse"))
}
