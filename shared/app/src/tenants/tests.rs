//! The rules of tenants: one bootstrap on a fresh store, and keys that act for their tenant.

use super::*;
use crate::accounts::{AuthError, AuthenticateKey, authenticate_key};
use crate::world::{World, at};
use vigil_domain::access::{Action, Origin};
use vigil_domain::tenant::ApiKeySecret;

async fn create(world: &World, admin_key: Option<ApiKeySecret>) -> Bootstrapped {
    bootstrap(&world.deps, Bootstrap { tenant_name: "acme".into(), admin_key }, at(0)).await.unwrap()
}

#[tokio::test]
async fn a_fresh_store_is_bootstrapped_once_and_its_key_authenticates() {
    let world = World::new();
    let Bootstrapped::Created { tenant, secret, from_operator: false } = create(&world, None).await else { panic!("created") };
    assert_eq!(tenant.name, "acme");
    assert!(secret.expose().starts_with(ApiKeySecret::PREFIX), "a generated key looks like one");
    assert!(matches!(create(&world, None).await, Bootstrapped::AlreadyInitialised), "a second bootstrap creates nothing");

    let actor = authenticate_key(&world.deps, AuthenticateKey { secret: secret.clone(), origin: Origin::default() }, at(1)).await.unwrap();
    assert_eq!(actor.tenant_id, tenant.id);
    assert!(actor.may(Action::ManageOrganisation), "the first admin key has an owner's rights");
    let stranger = ApiKeySecret::from_random([3; 32]);
    let refused = authenticate_key(&world.deps, AuthenticateKey { secret: stranger, origin: Origin::default() }, at(1)).await;
    assert!(matches!(refused, Err(AuthError::Rejected(_))));
}

#[tokio::test]
async fn an_operators_key_is_kept_and_not_shown_again() {
    let world = World::new();
    let chosen = ApiKeySecret::from_random([9; 32]);
    let Bootstrapped::Created { secret, from_operator, tenant } = create(&world, Some(chosen.clone())).await else { panic!("created") };
    assert_eq!((secret.expose(), from_operator), (chosen.expose(), true));
    let actor = authenticate_key(&world.deps, AuthenticateKey { secret: chosen, origin: Origin::default() }, at(1)).await.unwrap();
    assert_eq!(actor.tenant_id, tenant.id);
}
