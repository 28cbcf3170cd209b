//! People and organisations: users, memberships and the organisations themselves.

use super::Stores;
use super::account_fixtures::{assert_refused, email, organisation, person, sole_winner, user_id};
use super::fixtures::{at, t0, tenant};
use jiff::SignedDuration;
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::access::Role;
use vigil_domain::accounts::{
    Locale, Membership, OidcMatch, OidcRule, OrganisationSettings, PasswordHash, RecoveryCode, RecoveryCodes, Totp, User,
};
use vigil_domain::ids::ApiKeyId;
use vigil_domain::ports::StoreError;
use vigil_domain::tenant::{ApiKey, ApiKeySecret, Tenant};

/// Users: stored whole, found by id and by email, one account per address (on insert and on
/// update), and updates conditional on the version read.
pub async fn user_directory_contract(stores: Stores) {
    let users = &stores.users;
    assert!(!users.has_users().await.unwrap(), "a fresh store has no users");

    let ann = person("ann@example.com", "Ann");
    users.insert_user(&ann).await.unwrap();
    assert!(users.has_users().await.unwrap());
    assert_eq!(users.user(ann.id).await.unwrap(), Some(ann.clone()));
    assert_eq!(users.user_by_email(&email("ANN@Example.com")).await.unwrap(), Some(ann.clone()), "addresses are matched as parsed");
    assert_eq!(users.user(user_id()).await.unwrap(), None);
    assert_eq!(users.user_by_email(&email("nobody@example.com")).await.unwrap(), None);

    let twin = person("ann@example.com", "Another Ann");
    assert_refused(users.insert_user(&twin).await, &StoreError::Conflict, "an address belongs to one account");
    assert_eq!(users.user(twin.id).await.unwrap(), None, "the refused user was not stored");
    let same_id = person("ann.lee@example.com", "Ann Lee");
    let same_id = User { id: ann.id, ..same_id };
    assert_refused(users.insert_user(&same_id).await, &StoreError::Conflict, "an id is stored once");
    assert_eq!(users.user(ann.id).await.unwrap(), Some(ann.clone()), "the first user stays as stored");
    assert_eq!(users.user_by_email(&email("ann.lee@example.com")).await.unwrap(), None, "a refused insert holds no address");

    let bo = person("bo@example.com", "Bo");
    users.insert_user(&bo).await.unwrap();

    // Every field comes back as written.
    let mut changed = ann.clone();
    changed.name = "Ann Lee".into();
    changed.email_verified = true;
    changed.password = Some(PasswordHash("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo".into()));
    changed.totp = Some(Totp::from_random([7; 32]));
    changed.pending_totp = Some(Totp::from_random([8; 32]));
    changed.recovery_codes = RecoveryCodes::of(&[RecoveryCode::from_random(&[1; 10]), RecoveryCode::from_random(&[2; 10])]);
    changed.locale = Locale::Fr;
    changed.time_zone = "Europe/Paris".into();
    changed.version = 2;
    users.update_user(&changed).await.unwrap();
    assert_eq!(users.user(ann.id).await.unwrap(), Some(changed.clone()));

    let stale = User { name: "Stale".into(), ..changed.clone() };
    assert_refused(users.update_user(&stale).await, &StoreError::Conflict, "version 2 was already written");
    let mut taking = changed.clone();
    taking.email = bo.email.clone();
    taking.version = 3;
    assert_refused(users.update_user(&taking).await, &StoreError::Conflict, "bo's address is taken");
    assert_eq!(users.user(ann.id).await.unwrap(), Some(changed.clone()), "refused updates change nothing");
    assert_eq!(users.user_by_email(&bo.email).await.unwrap(), Some(bo.clone()));

    // A change of address frees the old one and takes the new one.
    let mut moved = changed.clone();
    moved.email = email("ann@lee.example");
    moved.version = 3;
    users.update_user(&moved).await.unwrap();
    assert_eq!(users.user_by_email(&email("ann@lee.example")).await.unwrap(), Some(moved.clone()));
    assert_eq!(users.user_by_email(&ann.email).await.unwrap(), None, "the old address is free");
    let newcomer = person("ann@example.com", "New Ann");
    users.insert_user(&newcomer).await.unwrap();
    assert_eq!(users.user_by_email(&ann.email).await.unwrap(), Some(newcomer));
    let mut back = moved.clone();
    back.email = ann.email.clone();
    back.version = 4;
    assert_refused(users.update_user(&back).await, &StoreError::Conflict, "the old address was taken meanwhile");

    let ghost = User { version: 2, ..person("ghost@example.com", "Ghost") };
    assert_refused(users.update_user(&ghost).await, &StoreError::NotFound, "no such user");
    assert_eq!(users.user_by_email(&ghost.email).await.unwrap(), None, "a refused update holds no address");
}

/// Two updates of one version of a user: exactly one is written.
pub async fn concurrent_user_updates_contract(stores: Stores) {
    let users = stores.users.clone();
    let ann = person("ann@example.com", "Ann");
    users.insert_user(&ann).await.unwrap();
    let updates = (0..6)
        .map(|i| {
            let (users, mut next) = (Arc::clone(&users), ann.clone());
            next.name = format!("Ann {i}");
            next.version = 2;
            tokio::spawn(async move { (users.update_user(&next).await, next) })
        })
        .collect();
    let winner = sole_winner(updates, "updates of version 1").await;
    assert_eq!(users.user(ann.id).await.unwrap(), Some(winner));
}

/// Memberships: visible from the organisation and from the person, role changes in place,
/// removal from both sides, and nothing of one organisation seen from another.
pub async fn memberships_contract(stores: Stores) {
    let (orgs, members) = (&stores.organisations, &stores.memberships);
    let (acme, globex) = (organisation("acme", 0), organisation("globex", 1));
    orgs.insert_tenant(&acme).await.unwrap();
    orgs.insert_tenant(&globex).await.unwrap();
    let (ann, bo) = (user_id(), user_id());
    let ann_acme = Membership { tenant_id: acme.id, user_id: ann, role: Role::Owner, since: at(10) };
    let bo_acme = Membership { tenant_id: acme.id, user_id: bo, role: Role::Viewer, since: at(20) };
    let ann_globex = Membership { tenant_id: globex.id, user_id: ann, role: Role::Editor, since: at(5) };
    for m in [&bo_acme, &ann_acme, &ann_globex] {
        members.put_membership(m).await.unwrap();
    }

    assert_eq!(members.membership(acme.id, ann).await.unwrap(), Some(ann_acme.clone()));
    assert_eq!(members.membership(globex.id, bo).await.unwrap(), None, "bo is not in globex");
    assert_eq!(members.membership(tenant(), ann).await.unwrap(), None);
    assert_eq!(members.members(acme.id).await.unwrap(), vec![ann_acme.clone(), bo_acme.clone()], "oldest first");
    assert_eq!(members.members(globex.id).await.unwrap(), vec![ann_globex.clone()]);
    assert_eq!(members.members(tenant()).await.unwrap(), vec![]);
    assert_eq!(
        members.memberships_of(ann).await.unwrap(),
        vec![(ann_globex.clone(), globex.clone()), (ann_acme.clone(), acme.clone())],
        "oldest first, with the organisation"
    );
    assert_eq!(members.memberships_of(user_id()).await.unwrap(), vec![]);

    // A role change: seen from both sides; the member keeps the date they joined.
    let promoted = Membership { role: Role::Admin, since: at(99), ..bo_acme.clone() };
    members.put_membership(&promoted).await.unwrap();
    let expected = Membership { role: Role::Admin, ..bo_acme.clone() };
    assert_eq!(members.membership(acme.id, bo).await.unwrap(), Some(expected.clone()));
    assert_eq!(members.memberships_of(bo).await.unwrap(), vec![(expected.clone(), acme.clone())]);
    assert_eq!(members.members(acme.id).await.unwrap(), vec![ann_acme.clone(), expected]);

    members.remove_membership(acme.id, bo).await.unwrap();
    assert_eq!(members.membership(acme.id, bo).await.unwrap(), None);
    assert_eq!(members.members(acme.id).await.unwrap(), vec![ann_acme.clone()]);
    assert_eq!(members.memberships_of(bo).await.unwrap(), vec![]);
    assert_refused(members.remove_membership(acme.id, bo).await, &StoreError::NotFound, "already removed");
    assert_refused(members.remove_membership(globex.id, bo).await, &StoreError::NotFound, "never a member");
    assert_eq!(members.memberships_of(ann).await.unwrap().len(), 2, "others' memberships stay");
}

/// Organisations: listed oldest first (those made with their first key too), settings
/// round-trip, one organisation per id.
pub async fn organisations_contract(stores: Stores) {
    let orgs = &stores.organisations;
    assert_eq!(orgs.tenants().await.unwrap(), vec![]);
    let (newest, oldest) = (organisation("newest", 60), organisation("oldest", 0));
    orgs.insert_tenant(&newest).await.unwrap();
    orgs.insert_tenant(&oldest).await.unwrap();
    let first_start = organisation("first start", 30);
    let secret = ApiKeySecret::from_random([3; 32]);
    let key = ApiKey::first_admin(ApiKeyId::from_uuid(Uuid::now_v7()), first_start.id, secret.display_prefix(), secret.hash(), t0());
    stores.tenants.create_tenant(&first_start, &key).await.unwrap();
    assert_eq!(orgs.tenants().await.unwrap(), vec![oldest.clone(), first_start.clone(), newest.clone()], "oldest first");
    assert_eq!(orgs.tenant(first_start.id).await.unwrap(), Some(first_start.clone()));
    assert_eq!(orgs.tenant(tenant()).await.unwrap(), None);

    let twin = Tenant { name: "twin".into(), ..newest.clone() };
    assert_refused(orgs.insert_tenant(&twin).await, &StoreError::Conflict, "an id is stored once");
    assert_eq!(orgs.tenant(newest.id).await.unwrap(), Some(newest.clone()));

    let mut renamed = newest.clone();
    renamed.name = "Newest Ltd".into();
    renamed.settings = OrganisationSettings {
        password_sign_in: false,
        oidc_rules: vec![
            OidcRule { matches: OidcMatch::Group("contractors".into()), role: None },
            OidcRule { matches: OidcMatch::EmailDomain("newest.example".into()), role: Some(Role::Responder) },
        ],
        audit_retention_days: 30,
    };
    orgs.update_tenant(&renamed).await.unwrap();
    assert_eq!(orgs.tenant(newest.id).await.unwrap(), Some(renamed.clone()));
    assert_eq!(orgs.tenants().await.unwrap(), vec![oldest.clone(), first_start, renamed.clone()]);
    let ghost = Tenant::new(tenant(), "ghost".into(), t0() + SignedDuration::from_secs(90));
    assert_refused(orgs.update_tenant(&ghost).await, &StoreError::NotFound, "no such organisation");
    assert_eq!(orgs.tenant(ghost.id).await.unwrap(), None, "a refused update creates nothing");

    // A member's listing carries the organisation's current settings.
    let member = Membership { tenant_id: newest.id, user_id: user_id(), role: Role::Viewer, since: t0() };
    stores.memberships.put_membership(&member).await.unwrap();
    assert_eq!(stores.memberships.memberships_of(member.user_id).await.unwrap(), vec![(member, renamed)]);
}
