use super::super::DynamoStore;
use super::super::keys::{PK, SK, TENANTS_PK, tenant_item};
use super::super::toolkit::attributes::{Item, ItemExt, n, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::transactions::{Outcome, transact_put, transact_put_new};
use super::marker;
use crate::dynamo::toolkit::item::key;
use crate::dynamo::toolkit::update::Update;
use anyhow::Context;
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::ids::TenantId;
use vigil_domain::ports::{Organisations, StoreError};
use vigil_domain::tenant::Tenant;

/// The settings attribute of a tenant item (absent on tenants made before there were any).
const SETTINGS: &str = "settings";

fn tenant_from(item: &Item) -> anyhow::Result<Tenant> {
    let id: TenantId = item.string(PK)?.strip_prefix("TENANT#").context("a tenant item's key")?.parse()?;
    Ok(Tenant {
        id,
        name: item.string("name")?.to_owned(),
        created_at: Timestamp::from_millisecond(item.number("created_at")?)?,
        settings: item
            .opt_string(SETTINGS)?
            .map(serde_json::from_str)
            .transpose()
            .context("stored organisation settings")?
            .unwrap_or_default(),
    })
}

#[async_trait]
impl Organisations for DynamoStore {
    async fn insert_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let (pk, sk) = tenant_item(tenant.id);
        let settings = serde_json::to_string(&tenant.settings).context("encoding settings").map_err(decode)?;
        let items = vec![
            transact_put_new(
                &self.table,
                marker(
                    pk,
                    sk,
                    vec![("name", s(&tenant.name)), ("created_at", n(tenant.created_at.as_millisecond())), (SETTINGS, s(settings))],
                ),
            )?,
            transact_put(&self.table, marker(TENANTS_PK.into(), tenant.id.to_string(), vec![]), None)?,
        ];
        match self.transact_settled("creating an organisation", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        let (pk, sk) = tenant_item(id);
        self.get_raw(pk, sk, "reading an organisation").await?.as_ref().map(tenant_from).transpose().map_err(decode)
    }

    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        let (pk, sk) = tenant_item(tenant.id);
        let settings = serde_json::to_string(&tenant.settings).context("encoding settings").map_err(decode)?;
        let mut update = Update::default();
        update.set("name", s(&tenant.name)).set(SETTINGS, s(settings)).require_exists();
        match self.update_item(key(pk, sk), update, "updating an organisation").await? {
            true => Ok(()),
            false => Err(StoreError::NotFound),
        }
    }

    async fn tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        let markers = self.prefix_all(TENANTS_PK, "", "listing organisations").await?;
        let mut tenants = Vec::with_capacity(markers.len());
        for marker in markers {
            let id: TenantId = marker.string(SK).map_err(decode)?.parse().map_err(StoreError::backend)?;
            if let Some(tenant) = self.tenant(id).await? {
                tenants.push(tenant);
            }
        }
        tenants.sort_by_key(|t| (t.created_at, t.id));
        Ok(tenants)
    }
}
