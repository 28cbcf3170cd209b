//! Signed-in clients: browser sessions and refresh-token families.

use super::Stores;
use super::account_fixtures::{assert_refused, fresh_hash, sole_winner, user_id};
use super::fixtures::{at, t0, tenant};
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::accounts::{BrowserSession, RefreshFamily, SecretToken};
use vigil_domain::ids::{RefreshFamilyId, TenantId, UserId};
use vigil_domain::ports::StoreError;

fn session(user: UserId, tenant: TenantId) -> BrowserSession {
    BrowserSession {
        hash: fresh_hash(),
        user_id: user,
        tenant_id: tenant,
        csrf: Uuid::new_v4().simple().to_string(),
        created_at: t0(),
        last_seen_at: t0(),
        ip: Some("198.51.100.7".into()),
        user_agent: Some("Firefox/140".into()),
    }
}

fn secret(n: u8) -> SecretToken {
    SecretToken::from_random([n; 32])
}

fn family(user: UserId, tenant: TenantId) -> RefreshFamily {
    RefreshFamily::new(RefreshFamilyId::from_uuid(Uuid::now_v7()), user, tenant, &secret(0), t0())
}

/// Sessions: found by hash, replaced in place, ended one by one or all of a person's but one.
pub async fn sessions_contract(stores: Stores) {
    let sessions = &stores.sessions;
    let (ann, bo, acme) = (user_id(), user_id(), tenant());
    let (desk, laptop, phone, bo_desk) = (session(ann, acme), session(ann, acme), session(ann, acme), session(bo, acme));
    for s in [&desk, &laptop, &phone, &bo_desk] {
        sessions.insert_session(s).await.unwrap();
    }
    assert_eq!(sessions.session(&desk.hash).await.unwrap(), Some(desk.clone()));
    assert_eq!(sessions.session(&fresh_hash()).await.unwrap(), None);
    let twin = BrowserSession { user_id: bo, ..desk.clone() };
    assert_refused(sessions.insert_session(&twin).await, &StoreError::Conflict, "a hash names one session");
    assert_eq!(sessions.session(&desk.hash).await.unwrap(), Some(desk.clone()), "the first session stands");

    // Touched, and switched to another organisation.
    let switched = BrowserSession { tenant_id: tenant(), last_seen_at: at(600), ..desk.clone() };
    sessions.update_session(&switched).await.unwrap();
    assert_eq!(sessions.session(&desk.hash).await.unwrap(), Some(switched.clone()));
    let ghost = session(ann, acme);
    assert_refused(sessions.update_session(&ghost).await, &StoreError::NotFound, "no such session");
    assert_eq!(sessions.session(&ghost.hash).await.unwrap(), None, "an update creates nothing");

    sessions.delete_session(&laptop.hash).await.unwrap();
    assert_eq!(sessions.session(&laptop.hash).await.unwrap(), None);
    sessions.delete_session(&laptop.hash).await.unwrap();
    let touched_late = BrowserSession { last_seen_at: at(700), ..laptop.clone() };
    assert_refused(sessions.update_session(&touched_late).await, &StoreError::NotFound, "an ended session is not revived by a touch");
    assert_eq!(sessions.session(&laptop.hash).await.unwrap(), None);

    // A password change keeps the session that made it and ends the others.
    sessions.delete_sessions_of(ann, Some(&desk.hash)).await.unwrap();
    assert_eq!(sessions.session(&desk.hash).await.unwrap(), Some(switched));
    assert_eq!(sessions.session(&phone.hash).await.unwrap(), None);
    assert_eq!(sessions.session(&bo_desk.hash).await.unwrap(), Some(bo_desk.clone()), "others' sessions stay");
    sessions.delete_sessions_of(ann, None).await.unwrap();
    assert_eq!(sessions.session(&desk.hash).await.unwrap(), None);
    assert_eq!(sessions.session(&bo_desk.hash).await.unwrap(), Some(bo_desk.clone()));
    sessions.delete_sessions_of(user_id(), None).await.unwrap();
    let fresh = session(ann, acme);
    sessions.insert_session(&fresh).await.unwrap();
    assert_eq!(sessions.session(&fresh.hash).await.unwrap(), Some(fresh), "a person signs in again after being signed out");
}

/// Refresh families: rotated only from the generation read, revoked all at once for a person,
/// and never revived by a rotation that read them before the revocation.
pub async fn refresh_families_contract(stores: Stores) {
    let families = &stores.refresh_tokens;
    let (ann, bo) = (user_id(), user_id());
    let (cli, other_org, bo_cli) = (family(ann, tenant()), family(ann, tenant()), family(bo, tenant()));
    for f in [&cli, &other_org, &bo_cli] {
        families.insert_family(f).await.unwrap();
    }
    assert_eq!(families.family(cli.id).await.unwrap(), Some(cli.clone()));
    assert_eq!(families.family(RefreshFamilyId::from_uuid(Uuid::now_v7())).await.unwrap(), None);
    let twin = family(bo, tenant());
    let twin = RefreshFamily { id: cli.id, ..twin };
    assert_refused(families.insert_family(&twin).await, &StoreError::Conflict, "an id names one family");
    assert_eq!(families.family(cli.id).await.unwrap(), Some(cli.clone()));

    let rotated = cli.rotated(&secret(1));
    families.replace_family(&rotated, 0).await.unwrap();
    assert_eq!(families.family(cli.id).await.unwrap(), Some(rotated.clone()));
    assert_eq!(rotated.generation, 1);
    let stale = cli.rotated(&secret(2));
    assert_refused(families.replace_family(&stale, 0).await, &StoreError::Conflict, "generation 0 was rotated already");
    assert_eq!(families.family(cli.id).await.unwrap(), Some(rotated.clone()), "the stale rotation changed nothing");
    let ghost = family(ann, tenant()).rotated(&secret(3));
    assert!(families.replace_family(&ghost, 0).await.is_err(), "a family never stored cannot be rotated");
    assert_eq!(families.family(ghost.id).await.unwrap(), None, "a rotation creates nothing");

    // Sign-out everywhere: every family of the person, in every organisation; an earlier
    // revocation keeps its time.
    let signed_out = at(900);
    families.revoke_families_of(ann, signed_out).await.unwrap();
    let revoked = |f: &RefreshFamily| RefreshFamily { revoked_at: Some(signed_out), ..f.clone() };
    assert_eq!(families.family(cli.id).await.unwrap(), Some(revoked(&rotated)));
    assert_eq!(families.family(other_org.id).await.unwrap(), Some(revoked(&other_org)));
    assert_eq!(families.family(bo_cli.id).await.unwrap(), Some(bo_cli.clone()), "others' families stay");
    families.revoke_families_of(ann, at(1000)).await.unwrap();
    assert_eq!(families.family(cli.id).await.unwrap(), Some(revoked(&rotated)), "revoked once, at the first time");

    // A refresh that read the family before the sign-out cannot bring it back.
    let revived = rotated.rotated(&secret(4));
    assert_refused(families.replace_family(&revived, 1).await, &StoreError::Conflict, "a revoked family stays revoked");
    assert_eq!(families.family(cli.id).await.unwrap(), Some(revoked(&rotated)));
    // Revoking it again (a replayed token) is no harm.
    let re_revoked = RefreshFamily { revoked_at: Some(at(950)), ..revoked(&rotated) };
    families.replace_family(&re_revoked, 1).await.unwrap();
    assert_eq!(families.family(cli.id).await.unwrap().and_then(|f| f.revoked_at), Some(at(950)));

    // Revoking one family (a replay of a spent token) through a replacement.
    let replayed = RefreshFamily { revoked_at: Some(at(990)), ..bo_cli.clone() };
    families.replace_family(&replayed, 0).await.unwrap();
    assert_eq!(families.family(bo_cli.id).await.unwrap(), Some(replayed));
}

/// Requests racing to rotate one token: exactly one rotation is written.
pub async fn concurrent_rotations_contract(stores: Stores) {
    let families = stores.refresh_tokens.clone();
    let start = family(user_id(), tenant());
    families.insert_family(&start).await.unwrap();
    let rotations = (1..=6)
        .map(|n| {
            let (families, next) = (Arc::clone(&families), start.rotated(&secret(n)));
            tokio::spawn(async move { (families.replace_family(&next, 0).await, next) })
        })
        .collect();
    let winner = sole_winner(rotations, "rotations of generation 0").await;
    assert_eq!(families.family(start.id).await.unwrap(), Some(winner));
}
