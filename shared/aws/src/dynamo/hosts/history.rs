use super::super::DynamoStore;
use super::super::documents::{DOC, doc_item, parse_doc, sk_of};
use super::super::keys::{ACTION_SK_PREFIX, action_pointer_sk, action_sk, actions_pk, connections_pk};
use super::super::toolkit::attributes::{ItemExt, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::item::{Read, key};
use super::super::toolkit::query::KeyQuery;
use super::super::toolkit::transactions::{Outcome, transact_put_new};
use super::super::toolkit::update::Update;
use super::expiry;
use anyhow::Context;
use async_trait::async_trait;
use vigil_domain::host::{ActionRecord, ConnectionEvent};
use vigil_domain::ids::{ActionRequestId, AgentId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{ActionHistory, ConnectionLog, StoreError};

/// Attributes of an action request's item: its status (the condition of an update) and host
/// (a listing's filter); of its pointer: the request's sort key.
const STATUS: &str = "status";
const AGENT: &str = "agent";
const TARGET: &str = "target";

fn connection_sk(event: &ConnectionEvent) -> String {
    format!("{:013}#{}", event.at.as_millisecond().max(0), event.id)
}

#[async_trait]
impl ConnectionLog for DynamoStore {
    async fn append_connection(&self, event: &ConnectionEvent) -> Result<(), StoreError> {
        let mut item = doc_item(connections_pk(event.tenant_id, event.agent_id), connection_sk(event), event).map_err(decode)?;
        item.extend([expiry(event.at, self.host_retention.hours)]);
        self.put_item(item, "storing a connection event").await
    }

    async fn connections(&self, tenant: TenantId, agent: AgentId, page: &PageRequest) -> Result<Page<ConnectionEvent>, StoreError> {
        self.doc_page(&connections_pk(tenant, agent), "", true, page, "listing connection events").await
    }
}

impl DynamoStore {
    /// The sort key of request `id`'s item, from its pointer.
    async fn action_key(&self, tenant: TenantId, id: ActionRequestId) -> Result<Option<String>, StoreError> {
        let pointer = self.get_item(key(actions_pk(tenant), action_pointer_sk(id)), Read::Strong, &[], "finding an action request").await?;
        pointer.map(|p| p.string(TARGET).map(str::to_owned)).transpose().map_err(decode)
    }
}

#[async_trait]
impl ActionHistory for DynamoStore {
    async fn insert_action(&self, record: &ActionRecord) -> Result<(), StoreError> {
        let pk = actions_pk(record.tenant_id);
        let sk = action_sk(record.requested_at.as_millisecond(), record.id);
        let mut item = doc_item(pk.clone(), sk.clone(), record).map_err(decode)?;
        item.extend([(STATUS.to_owned(), s(record.outcome.as_str())), (AGENT.to_owned(), s(record.agent_id.to_string()))]);
        let mut pointer = key(pk, action_pointer_sk(record.id));
        pointer.insert(TARGET.to_owned(), s(sk));
        match self
            .transact_settled(
                "storing an action request",
                vec![transact_put_new(&self.table, pointer)?, transact_put_new(&self.table, item)?],
            )
            .await?
        {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn action(&self, tenant: TenantId, id: ActionRequestId) -> Result<Option<ActionRecord>, StoreError> {
        let Some(sk) = self.action_key(tenant, id).await? else { return Ok(None) };
        self.get_doc(actions_pk(tenant), sk, "reading an action request").await
    }

    async fn update_action(&self, record: &ActionRecord, expected: &str) -> Result<(), StoreError> {
        let Some(sk) = self.action_key(record.tenant_id, record.id).await? else { return Err(StoreError::NotFound) };
        let mut update = Update::default();
        update
            .set(DOC, s(serde_json::to_string(record).context("encoding an action request").map_err(decode)?))
            .set(STATUS, s(record.outcome.as_str()))
            .require_equal(STATUS, s(expected));
        if self.update_item(key(actions_pk(record.tenant_id), sk), update, "updating an action request").await? {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn actions(&self, tenant: TenantId, agent: Option<AgentId>, page: &PageRequest) -> Result<Page<ActionRecord>, StoreError> {
        let pk = actions_pk(tenant);
        let after = page
            .cursor
            .as_ref()
            .map(|c| super::super::toolkit::cursor::decode(c, |text| text.starts_with(ACTION_SK_PREFIX)))
            .transpose()?;
        let mut query =
            KeyQuery::partition(pk, "listing action requests").prefix(ACTION_SK_PREFIX).consistent().newest_first().after_sk(after);
        if let Some(agent) = agent {
            query = query.only(AGENT, s(agent.to_string()));
        }
        self.page(&query, page.limit as usize, parse_doc, sk_of).await
    }
}
