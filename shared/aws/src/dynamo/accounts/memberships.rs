use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::keys::tenant_item;
use super::super::toolkit::errors::decode;
use super::super::toolkit::transactions::{Outcome, transact_put};
use super::{item, user_pk};
use crate::dynamo::client::{Condition, DeleteItem, TransactWriteItem};
use async_trait::async_trait;
use vigil_domain::accounts::Membership;
use vigil_domain::ids::{TenantId, UserId};
use vigil_domain::ports::{Memberships, Organisations, StoreError};
use vigil_domain::tenant::Tenant;

fn in_tenant(tenant: TenantId, user: UserId) -> (String, String) {
    (tenant_item(tenant).0, format!("MEMBER#{user}"))
}

fn in_user(tenant: TenantId, user: UserId) -> (String, String) {
    (user_pk(user), format!("MEMBEROF#{tenant}"))
}

impl DynamoStore {
    fn delete_existing(&self, (pk, sk): (String, String)) -> Result<TransactWriteItem, StoreError> {
        let key = super::super::toolkit::item::key(pk, sk);
        let condition = Condition::on("attribute_exists(pk)", &[], Vec::new());
        Ok(TransactWriteItem::Delete(DeleteItem { table_name: self.table.clone(), key, condition, return_values: None }))
    }
}

#[async_trait]
impl Memberships for DynamoStore {
    async fn put_membership(&self, membership: &Membership) -> Result<(), StoreError> {
        // A change of role keeps the date the member joined, as in every store.
        let since = self.membership(membership.tenant_id, membership.user_id).await?.map_or(membership.since, |stored| stored.since);
        let membership = &Membership { since, ..membership.clone() };
        let (tenant_pk, tenant_sk) = in_tenant(membership.tenant_id, membership.user_id);
        let (user_pk, user_sk) = in_user(membership.tenant_id, membership.user_id);
        let items = vec![
            transact_put(&self.table, item(tenant_pk, tenant_sk, membership, vec![])?, None)?,
            transact_put(&self.table, item(user_pk, user_sk, membership, vec![])?, None)?,
        ];
        match self.transact_settled("storing a membership", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn membership(&self, tenant: TenantId, user: UserId) -> Result<Option<Membership>, StoreError> {
        let (pk, sk) = in_tenant(tenant, user);
        self.get_doc(pk, sk, "reading a membership").await
    }

    async fn members(&self, tenant: TenantId) -> Result<Vec<Membership>, StoreError> {
        let mut members: Vec<Membership> = self.all_docs(&tenant_item(tenant).0, "MEMBER#", "listing members").await?;
        members.sort_by_key(|m| (m.since, m.user_id));
        Ok(members)
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<(Membership, Tenant)>, StoreError> {
        let items = self.prefix_all(&user_pk(user), "MEMBEROF#", "listing a user's organisations").await?;
        let mut found = Vec::with_capacity(items.len());
        for stored in items {
            let membership: Membership = parse_doc(&stored).map_err(decode)?;
            if let Some(tenant) = self.tenant(membership.tenant_id).await? {
                found.push((membership, tenant));
            }
        }
        found.sort_by_key(|(m, _)| (m.since, m.tenant_id));
        Ok(found)
    }

    async fn remove_membership(&self, tenant: TenantId, user: UserId) -> Result<(), StoreError> {
        let items = vec![self.delete_existing(in_tenant(tenant, user))?, self.delete_existing(in_user(tenant, user))?];
        match self.transact_settled("removing a membership", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::NotFound),
        }
    }
}
