use super::super::DynamoStore;
use super::super::documents::parse_doc;
use super::super::keys::tenant_item;
use super::super::toolkit::attributes::{ItemExt, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::transactions::{Outcome, transact_put_new};
use super::{item, marker, put_if};
use anyhow::anyhow;
use async_trait::async_trait;
use vigil_domain::accounts::{AnyInvitation, StoredInvitation, TokenHash};
use vigil_domain::ids::{InvitationId, TenantId};
use vigil_domain::ports::{InvitationStore, StoreError};

fn key(tenant: TenantId, id: InvitationId) -> (String, String) {
    (tenant_item(tenant).0, format!("INVITE#{id}"))
}

fn token_pk(token: &TokenHash) -> String {
    format!("INVTOKEN#{}", token.0)
}

fn decode_item(stored: &super::Item) -> Result<AnyInvitation, StoreError> {
    let flat: StoredInvitation = parse_doc(stored).map_err(decode)?;
    AnyInvitation::from_stored(flat).ok_or_else(|| decode(anyhow!("a stored invitation is inconsistent")))
}

fn invitation_item(invitation: &AnyInvitation) -> Result<super::Item, StoreError> {
    let flat = invitation.to_stored();
    let (pk, sk) = key(flat.tenant_id, flat.id);
    let state = serde_json::to_value(flat.state).map_err(StoreError::backend)?;
    item(pk, sk, &flat, vec![("state", s(state.as_str().unwrap_or_default()))])
}

#[async_trait]
impl InvitationStore for DynamoStore {
    async fn insert_invitation(&self, invitation: &AnyInvitation) -> Result<(), StoreError> {
        let flat = invitation.to_stored();
        let pointer =
            marker(token_pk(&flat.token), "INVTOKEN", vec![("tenant_id", s(flat.tenant_id.to_string())), ("id", s(flat.id.to_string()))]);
        let items = vec![transact_put_new(&self.table, invitation_item(invitation)?)?, transact_put_new(&self.table, pointer)?];
        match self.transact_settled("storing an invitation", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn invitation_by_token(&self, token: &TokenHash) -> Result<Option<AnyInvitation>, StoreError> {
        let Some(pointer) = self.get_raw(token_pk(token), "INVTOKEN".into(), "finding an invitation").await? else { return Ok(None) };
        let tenant: TenantId = pointer.string("tenant_id").map_err(decode)?.parse().map_err(StoreError::backend)?;
        let id: InvitationId = pointer.string("id").map_err(decode)?.parse().map_err(StoreError::backend)?;
        self.invitation(tenant, id).await
    }

    async fn invitation(&self, tenant: TenantId, id: InvitationId) -> Result<Option<AnyInvitation>, StoreError> {
        let (pk, sk) = key(tenant, id);
        self.get_raw(pk, sk, "reading an invitation").await?.as_ref().map(decode_item).transpose()
    }

    async fn invitations(&self, tenant: TenantId) -> Result<Vec<AnyInvitation>, StoreError> {
        let items = self.prefix_all(&tenant_item(tenant).0, "INVITE#", "listing invitations").await?;
        let mut invitations = items.iter().map(decode_item).collect::<Result<Vec<_>, _>>()?;
        invitations.sort_by_key(|i| std::cmp::Reverse((i.to_stored().created_at, i.id())));
        Ok(invitations)
    }

    async fn settle_invitation(&self, settled: &AnyInvitation) -> Result<(), StoreError> {
        let items = vec![put_if(
            &self.table,
            invitation_item(settled)?,
            "#state = :pending",
            &[("#state", "state")],
            vec![(":pending", s("pending"))],
        )?];
        match self.transact_settled("settling an invitation", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }
}
