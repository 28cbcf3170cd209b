//! Values the account suites build on: people, organisations, secrets' hashes, audit entries.

use super::fixtures::t0;
use jiff::{SignedDuration, Timestamp};
use std::fmt::Debug;
use tokio::task::JoinHandle;
use uuid::Uuid;
use vigil_domain::access::{ActorId, Origin};
use vigil_domain::accounts::{AuditEntry, AuditTarget, Email, FieldChange, SecretToken, TokenHash, User};
use vigil_domain::ids::{AuditEntryId, TenantId, UserId};
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::Tenant;

/// The address `text`.
pub fn email(text: &str) -> Email {
    Email::parse(text).expect("a valid address")
}

/// A new user with a fresh id, made at `t0`.
pub fn person(address: &str, name: &str) -> User {
    User::new(UserId::from_uuid(Uuid::now_v7()), email(address), name.into(), t0())
}

/// A fresh user id.
pub fn user_id() -> UserId {
    UserId::from_uuid(Uuid::now_v7())
}

/// A new organisation with a fresh id, made `seconds` after `t0`.
pub fn organisation(name: &str, seconds: i64) -> Tenant {
    Tenant::new(TenantId::from_uuid(Uuid::now_v7()), name.into(), t0() + SignedDuration::from_secs(seconds))
}

/// The hash of a fresh secret.
pub fn fresh_hash() -> TokenHash {
    SecretToken::presented(&Uuid::new_v4().to_string()).hash()
}

/// An entry of `tenant` at `at`: `actor` did `action` to the `kind` named `target`.
pub fn entry(tenant: TenantId, at: Timestamp, actor: ActorId, action: &str, kind: &str, target: &str) -> AuditEntry {
    AuditEntry {
        id: AuditEntryId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        at,
        actor,
        actor_label: "ann@example.com".into(),
        action: action.into(),
        target: AuditTarget { kind: kind.into(), id: target.into(), name: Some(format!("{kind} {target}")) },
        changes: vec![FieldChange { field: "interval_seconds".into(), before: Some(30.into()), after: Some(60.into()) }],
        origin: Origin { ip: Some("203.0.113.9".into()), user_agent: Some("vigil-cli/1".into()) },
    }
}

/// Fails unless `result` is the error `expected` (`StoreError` has no `PartialEq`).
pub fn assert_refused<T: Debug>(result: Result<T, StoreError>, expected: &StoreError, why: &str) {
    let refused_so = result.as_ref().err().is_some_and(|error| std::mem::discriminant(error) == std::mem::discriminant(expected));
    assert!(refused_so, "{why}: expected {expected:?}, got {result:?}");
}

/// What the one racer whose write succeeded wrote; fails unless every other lost with a
/// conflict. The racers are spawned before any is awaited, so that they do race.
pub async fn sole_winner<T>(racers: Vec<JoinHandle<(Result<(), StoreError>, T)>>, what: &str) -> T {
    let mut winners = Vec::new();
    for racer in racers {
        match racer.await.expect("a racer finished") {
            (Ok(()), written) => winners.push(written),
            (Err(StoreError::Conflict), _) => {}
            (Err(other), _) => panic!("{what}: a loser gets a conflict, not {other:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "{what}: exactly one wins");
    winners.pop().expect("one winner")
}
