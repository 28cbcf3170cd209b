//! Invitations and single-use tokens: what a link sent by mail lets someone do once.

use super::Stores;
use super::account_fixtures::{assert_refused, email, fresh_hash, sole_winner, user_id};
use super::fixtures::{at, t0, tenant};
use jiff::SignedDuration;
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::access::Role;
use vigil_domain::accounts::{AnyInvitation, Invitation, InvitationState, OneTimeToken, Pending, TokenPurpose};
use vigil_domain::ids::{InvitationId, TenantId};
use vigil_domain::ports::StoreError;

fn invitation(tenant: TenantId, address: &str, seconds: i64) -> Invitation<Pending> {
    let id = InvitationId::from_uuid(Uuid::now_v7());
    Invitation::new(id, tenant, email(address), Role::Editor, fresh_hash(), "ann@example.com".into(), at(seconds))
}

/// Invitations: found by their link's token and by id within their organisation, listed
/// newest first, each link naming one invitation, and settled once.
pub async fn invitations_contract(stores: Stores) {
    let store = &stores.invitations;
    let (acme, globex) = (tenant(), tenant());
    let first = invitation(acme, "bo@example.com", 0);
    let second = invitation(acme, "cy@example.com", 60);
    let elsewhere = invitation(globex, "bo@example.com", 30);
    for i in [&first, &second, &elsewhere] {
        store.insert_invitation(&AnyInvitation::Pending(i.clone())).await.unwrap();
    }
    assert_eq!(store.invitation_by_token(first.token()).await.unwrap(), Some(AnyInvitation::Pending(first.clone())));
    assert_eq!(store.invitation_by_token(&fresh_hash()).await.unwrap(), None);
    assert_eq!(store.invitation(acme, first.id()).await.unwrap(), Some(AnyInvitation::Pending(first.clone())));
    assert_eq!(store.invitation(globex, first.id()).await.unwrap(), None, "another organisation's invitation is invisible");
    assert_eq!(
        store.invitations(acme).await.unwrap(),
        vec![AnyInvitation::Pending(second.clone()), AnyInvitation::Pending(first.clone())],
        "newest first"
    );
    assert_eq!(store.invitations(globex).await.unwrap(), vec![AnyInvitation::Pending(elsewhere.clone())]);
    assert_eq!(store.invitations(tenant()).await.unwrap(), vec![]);

    let same_token = Invitation::new(
        InvitationId::from_uuid(Uuid::now_v7()),
        acme,
        email("dee@example.com"),
        Role::Viewer,
        first.token().clone(),
        "ann@example.com".into(),
        at(90),
    );
    assert_refused(
        store.insert_invitation(&AnyInvitation::Pending(same_token.clone())).await,
        &StoreError::Conflict,
        "a link names one invitation",
    );
    assert_eq!(store.invitation(acme, same_token.id()).await.unwrap(), None);

    // Settled once: accepted, then neither revoked nor accepted again.
    let joiner = user_id();
    let accepted = AnyInvitation::Accepted(first.clone().accept(joiner, at(120)).expect("in time"));
    store.settle_invitation(&accepted).await.unwrap();
    assert_eq!(store.invitation_by_token(first.token()).await.unwrap(), Some(accepted.clone()), "settled ones are still found by token");
    assert_eq!(store.invitation(acme, first.id()).await.unwrap(), Some(accepted.clone()));
    let revoked_late = AnyInvitation::Revoked(first.clone().revoke(at(130)));
    assert_refused(store.settle_invitation(&revoked_late).await, &StoreError::Conflict, "an accepted invitation is settled");
    let accepted_again = AnyInvitation::Accepted(first.clone().accept(user_id(), at(140)).expect("in time"));
    assert_refused(store.settle_invitation(&accepted_again).await, &StoreError::Conflict, "a link is used once");
    assert_eq!(store.invitation(acme, first.id()).await.unwrap(), Some(accepted.clone()), "the first settlement stands");

    let revoked = AnyInvitation::Revoked(second.clone().revoke(at(150)));
    store.settle_invitation(&revoked).await.unwrap();
    let late = AnyInvitation::Accepted(second.clone().accept(joiner, at(160)).expect("in time"));
    assert_refused(store.settle_invitation(&late).await, &StoreError::Conflict, "a revoked invitation cannot be accepted");
    assert_eq!(store.invitations(acme).await.unwrap(), vec![revoked, accepted]);

    let expired =
        AnyInvitation::Expired(elsewhere.clone().lapse(t0() + Invitation::LIFETIME + SignedDuration::from_hours(1)).expect("lapsed"));
    store.settle_invitation(&expired).await.unwrap();
    assert_eq!(store.invitation_by_token(elsewhere.token()).await.unwrap().map(|i| i.state()), Some(InvitationState::Expired));

    let never_stored = AnyInvitation::Revoked(invitation(acme, "eve@example.com", 200).revoke(at(201)));
    assert!(store.settle_invitation(&never_stored).await.is_err(), "an invitation that was never stored cannot be settled");
    assert_eq!(store.invitation(acme, never_stored.id()).await.unwrap(), None, "settling creates nothing");
}

/// Two people settling one pending invitation at once: exactly one settlement is written.
pub async fn concurrent_settlements_contract(stores: Stores) {
    let store = stores.invitations.clone();
    let acme = tenant();
    let pending = invitation(acme, "bo@example.com", 0);
    store.insert_invitation(&AnyInvitation::Pending(pending.clone())).await.unwrap();
    let settlements = (0..6)
        .map(|i| {
            let (store, pending) = (Arc::clone(&store), pending.clone());
            tokio::spawn(async move {
                let settled = if i % 2 == 0 {
                    AnyInvitation::Accepted(pending.accept(user_id(), at(10 + i)).expect("in time"))
                } else {
                    AnyInvitation::Revoked(pending.revoke(at(10 + i)))
                };
                (store.settle_invitation(&settled).await, settled)
            })
        })
        .collect();
    let winner = sole_winner(settlements, "settlements of one invitation").await;
    assert_eq!(store.invitation(acme, pending.id()).await.unwrap(), Some(winner));
}

/// Single-use tokens: every purpose stored whole, taken once, expired ones returned too.
pub async fn one_time_tokens_contract(stores: Stores) {
    let tokens = &stores.one_time_tokens;
    let user = user_id();
    let purposes = [
        TokenPurpose::PasswordReset { user },
        TokenPurpose::EmailChange { user, new_email: email("ann@new.example") },
        TokenPurpose::SecondFactor { user, tenant: Some(tenant()) },
        TokenPurpose::SecondFactor { user, tenant: None },
        TokenPurpose::OidcSignIn { verifier: "v".repeat(43), nonce: "n0nce".into(), return_to: "/monitors?tab=down".into() },
    ];
    // Expired an hour ago: the use case, not the store, tells the person it expired.
    let expired = OneTimeToken::new(fresh_hash(), TokenPurpose::PasswordReset { user }, t0() - SignedDuration::from_hours(2));
    tokens.insert_token(&expired).await.unwrap();
    let mut stored = Vec::new();
    for purpose in purposes {
        let token = OneTimeToken::new(fresh_hash(), purpose, t0());
        tokens.insert_token(&token).await.unwrap();
        stored.push(token);
    }
    let twin = OneTimeToken::new(stored[0].hash.clone(), TokenPurpose::PasswordReset { user: user_id() }, t0());
    assert_refused(tokens.insert_token(&twin).await, &StoreError::Conflict, "a hash names one token");

    assert_eq!(tokens.take_token(&fresh_hash()).await.unwrap(), None);
    for token in &stored {
        assert_eq!(tokens.take_token(&token.hash).await.unwrap().as_ref(), Some(token), "{}", token.purpose.kind());
        assert_eq!(tokens.take_token(&token.hash).await.unwrap(), None, "{} is taken once", token.purpose.kind());
    }
    let taken = tokens.take_token(&expired.hash).await.unwrap();
    assert_eq!(taken.as_ref(), Some(&expired), "expired tokens are returned too");
    assert!(!expired.is_live(t0()));
}

/// Requests racing with one token: exactly one gets it.
pub async fn concurrent_token_takes_contract(stores: Stores) {
    let tokens = stores.one_time_tokens.clone();
    for round in 0..4 {
        let token = OneTimeToken::new(fresh_hash(), TokenPurpose::PasswordReset { user: user_id() }, at(round));
        tokens.insert_token(&token).await.unwrap();
        let takes: Vec<_> = (0..8)
            .map(|_| {
                let (tokens, hash) = (Arc::clone(&tokens), token.hash.clone());
                tokio::spawn(async move { tokens.take_token(&hash).await.unwrap() })
            })
            .collect();
        let mut winners = Vec::new();
        for take in takes {
            winners.extend(take.await.unwrap());
        }
        assert_eq!(winners, vec![token], "round {round}: exactly one request takes the token");
    }
}
