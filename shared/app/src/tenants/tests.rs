//! The rules of tenants: one bootstrap on a fresh store, and keys that act for their tenant.

use super::*;
use crate::world::{World, at};
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

    let principal = authenticate(&world.deps, Authenticate { secret: secret.clone() }, at(1)).await.unwrap();
    assert_eq!(principal.tenant_id, tenant.id);
    let stranger = ApiKeySecret::from_random([3; 32]);
    assert!(matches!(authenticate(&world.deps, Authenticate { secret: stranger }, at(1)).await, Err(AuthenticateError::UnknownKey)));
}

#[tokio::test]
async fn an_operators_key_is_kept_and_not_shown_again() {
    let world = World::new();
    let chosen = ApiKeySecret::from_random([9; 32]);
    let Bootstrapped::Created { secret, from_operator, tenant } = create(&world, Some(chosen.clone())).await else { panic!("created") };
    assert_eq!((secret.expose(), from_operator), (chosen.expose(), true));
    let principal = authenticate(&world.deps, Authenticate { secret: chosen }, at(1)).await.unwrap();
    assert_eq!(principal.tenant_id, tenant.id);
}
