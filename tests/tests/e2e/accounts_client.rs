//! vigil-client's account methods against the real app: every answer reads into the wire types
//! of vigil-api, a signed-in client refreshes itself, the audit log streams across pages, and
//! the sign-in problems come back typed (the second factor's ticket among them).

use futures::{StreamExt, TryStreamExt};
use std::sync::Arc;
use vigil_client::api::{
    AcceptInvitationRequest, AuditLogQuery, InvitationRequest, InvitationState, KeyRequest, KeyScope, OrganisationChange, PasswordChange,
    Role, SetUpRequest, UserDraft,
};
use vigil_client::{Client, Error, MemoryTokens, StoredTokens};
use vigil_domain::accounts::Totp;
use vigil_tests::app::TestApp;

const OWNER: (&str, &str) = ("olive@example.com", "correct horse battery staple");

fn anonymous(app: &TestApp) -> Client {
    Client::anonymous(app.base.parse().unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_speaks_the_account_wire_types() {
    let app = TestApp::spawn().await;
    let public = anonymous(&app);
    assert!(!public.providers().await.unwrap().oidc.configured);
    let request = SetUpRequest { email: OWNER.0.into(), password: OWNER.1.into(), name: "Olive".into(), organisation: Some("Acme".into()) };
    let grant = public.set_up(&request).await.unwrap();
    assert_eq!(grant.token_type, "Bearer");
    let again = public.set_up(&request).await.unwrap_err();
    assert_eq!(again.status(), Some(409), "{again:?}");

    // A signed-in client: its refresh token rotates in its store.
    let store = MemoryTokens::new(Some(StoredTokens {
        access_token: None,
        access_expires_at: None,
        ..StoredTokens::from_grant(&grant, jiff::Timestamp::now())
    }));
    let owner = public.clone().with_tokens(Arc::new(store.clone()));
    let me = owner.me().await.unwrap();
    assert_eq!((me.user.email.as_str(), me.organisations[0].role), (OWNER.0, Role::Owner));
    assert_ne!(store.current().await.unwrap().refresh_token, grant.refresh_token, "the first call refreshed");
    let renamed = owner.update_me(&UserDraft { name: Some("Olive O.".into()), ..UserDraft::default() }).await.unwrap();
    assert_eq!(renamed.name, "Olive O.");

    let acme = owner.organisation().await.unwrap();
    assert_eq!(acme.name, "Acme");
    let change = OrganisationChange {
        settings: Some(vigil_client::api::OrganisationSettings { audit_retention_days: 30, ..acme.settings.clone() }),
        ..OrganisationChange::default()
    };
    assert_eq!(owner.update_organisation(&change).await.unwrap().settings.audit_retention_days, 30);
    let second = owner.create_organisation("Second").await.unwrap();
    assert_eq!(owner.organisations().await.unwrap().len(), 2);
    let switched = owner.switch_organisation(second.id).await.unwrap();
    assert_eq!((switched.organisation_id, owner.organisation().await.unwrap().name.as_str()), (second.id, "Second"));
    owner.switch_organisation(acme.id).await.unwrap();

    // Members and invitations.
    let invitation = owner.invite(&InvitationRequest { email: "ann@example.com".into(), role: Role::Editor }).await.unwrap();
    let link = invitation.link.clone().expect("the link is in the answer");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let ann = public
        .accept_invitation(&AcceptInvitationRequest {
            token,
            name: Some("Ann".into()),
            password: Some("a long and unusual passphrase".into()),
        })
        .await
        .unwrap();
    let ann_id = owner.members().await.unwrap().into_iter().find(|m| m.email == "ann@example.com").unwrap().user_id;
    owner.change_role(ann_id, Role::Responder).await.unwrap();
    assert_eq!(owner.members().await.unwrap().iter().find(|m| m.user_id == ann_id).unwrap().role, Role::Responder);
    let pending = owner.invite(&InvitationRequest { email: "bob@example.com".into(), role: Role::Viewer }).await.unwrap();
    assert_eq!(owner.revoke_invitation(pending.id).await.unwrap().state, InvitationState::Revoked);
    assert_eq!(owner.invitations().await.unwrap().len(), 2);
    let as_ann = Client::new(app.base.parse().unwrap(), &ann.access_token).unwrap();
    let refused = as_ann.invite(&InvitationRequest { email: "eve@example.com".into(), role: Role::Viewer }).await.unwrap_err();
    assert_eq!(refused.status(), Some(403), "a responder invites nobody: {refused:?}");
    as_ann.leave_organisation().await.unwrap();
    assert_eq!(owner.members().await.unwrap().len(), 1);
    let last = owner.remove_member(me.user.id).await.unwrap_err();
    assert_eq!(last.problem().map(|p| p.kind.as_str()), Some("https://vigil.dev/problems/last-owner"));

    // Keys.
    let key = owner.create_key(&KeyRequest { name: "ci".into(), scope: KeyScope::Write, expires_at: None, service: false }).await.unwrap();
    let secret = key.secret.clone().expect("the secret, once");
    assert!(owner.keys().await.unwrap().iter().all(|k| k.secret.is_none()));
    assert_eq!(Client::new(app.base.parse().unwrap(), &secret).unwrap().organisation().await.unwrap().id, acme.id);
    assert!(owner.revoke_key(key.id).await.unwrap().revoked_at.is_some());

    // Two-factor, then a sign-in that needs it.
    let offer = owner.begin_totp().await.unwrap();
    let totp = Totp::from_base32(&offer.secret).unwrap();
    let codes = owner.confirm_totp(&totp.code(jiff::Timestamp::now())).await.unwrap().recovery_codes;
    let Err(Error::SecondFactorRequired { ticket, .. }) = public.sign_in(OWNER.0, OWNER.1, None).await else {
        panic!("a second factor is needed now")
    };
    let finished = public.finish_sign_in(&ticket, &codes[0]).await.unwrap();
    public.revoke_tokens(&finished.refresh_token).await.unwrap();
    assert_eq!(public.refresh(&finished.refresh_token, None).await.unwrap_err().status(), Some(401));
    owner.disable_totp(OWNER.1).await.unwrap();

    // The audit log, two entries a page.
    let query = AuditLogQuery { limit: Some(2), ..AuditLogQuery::default() };
    let entries: Vec<_> = owner.audit_log(query).take(7).try_collect().await.unwrap();
    assert_eq!(entries.len(), 7, "four pages");
    assert!(entries.windows(2).all(|w| w[0].at >= w[1].at), "newest first");
    let keys_only: Vec<_> =
        owner.audit_log(AuditLogQuery { target_kind: Some("key".into()), ..AuditLogQuery::default() }).try_collect().await.unwrap();
    assert_eq!(keys_only.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["key.revoke", "key.create"]);

    owner.sign_out().await.unwrap();
    assert!(matches!(owner.me().await, Err(Error::SignedOut)));

    // A password change ends every sign-in of the account.
    let fresh = public.sign_in(OWNER.0, OWNER.1, None).await.unwrap();
    let person = Client::new(app.base.parse().unwrap(), &fresh.access_token).unwrap();
    person.change_password(&PasswordChange { current: OWNER.1.into(), new: "another long passphrase here".into() }).await.unwrap();
    assert_eq!(public.refresh(&fresh.refresh_token, None).await.unwrap_err().status(), Some(401));
    public.request_password_reset(OWNER.0).await.unwrap();
}
