use super::super::DynamoStore;
use super::super::documents::{DOC, doc_item, parse_doc};
use super::super::keys::{
    ENROLMENT_SK_PREFIX, HOST_SK_PREFIX, PROGRESS_SK, agent_item, enrolment_sk, enrolment_token_item, host_metrics_pk, host_sk, tenant_pk,
};
use super::super::toolkit::attributes::{Item, ItemExt, n, s};
use super::super::toolkit::errors::decode;
use super::super::toolkit::item::{Read, key};
use super::super::toolkit::transactions::{Outcome, transact_put_new};
use super::super::toolkit::update::Update;
use super::expiry;
use crate::dynamo::client::AttributeValue;
use anyhow::Context;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::host::{Enrolment, Host, HostProgress};
use vigil_domain::ids::{AgentId, EnrolmentId, TenantId};
use vigil_domain::ports::{HostDirectory, StoreError};

/// Attributes of a progress item.
pub(super) const ACKED: &str = "acked_through";
pub(super) const DROPPED: &str = "dropped_total";
pub(super) const LAST_SAMPLE: &str = "last_sample_ms";
pub(super) const LAST_SEEN: &str = "last_seen_ms";
/// The tenant, in an agent pointer.
const TENANT: &str = "tenant";

/// The progress an item holds (none: nothing stored yet).
pub(super) fn progress_of(item: Option<&Item>) -> anyhow::Result<HostProgress> {
    let Some(item) = item else { return Ok(HostProgress::default()) };
    let time = |name| item.opt_number::<i64>(name)?.map(|ms| Timestamp::from_millisecond(ms).context("a stored time")).transpose();
    Ok(HostProgress {
        acked_through: item.opt_number(ACKED)?,
        dropped_total: item.opt_number(DROPPED)?.unwrap_or(0),
        last_sample_at: time(LAST_SAMPLE)?,
        last_seen_at: time(LAST_SEEN)?,
    })
}

impl DynamoStore {
    /// The progress of `agent`'s host, strongly consistent.
    pub(super) async fn progress(&self, tenant: TenantId, agent: AgentId) -> Result<HostProgress, StoreError> {
        let item = self.get_item(key(host_metrics_pk(tenant, agent), PROGRESS_SK), Read::Strong, &[], "reading a host's progress").await?;
        progress_of(item.as_ref()).map_err(decode)
    }

    async fn with_progress(&self, items: Vec<Item>) -> Result<Vec<Host>, StoreError> {
        let mut hosts: Vec<Host> = items.iter().map(parse_doc).collect::<anyhow::Result<_>>().map_err(decode)?;
        let keys = hosts.iter().map(|h| key(host_metrics_pk(h.tenant_id, h.id), PROGRESS_SK)).collect();
        let progress = self.get_items(keys, "reading hosts' progress").await?;
        for host in &mut hosts {
            let pk = host_metrics_pk(host.tenant_id, host.id);
            let found = progress.iter().find(|item| item.string("pk").is_ok_and(|p| p == pk));
            host.progress = progress_of(found).map_err(decode)?;
        }
        hosts.sort_by_key(|h| (h.enrolled_at, h.id));
        Ok(hosts)
    }
}

#[async_trait]
impl HostDirectory for DynamoStore {
    async fn insert_enrolment(&self, enrolment: &Enrolment) -> Result<(), StoreError> {
        let listed = doc_item(tenant_pk(enrolment.tenant_id), enrolment_sk(enrolment.id), enrolment).map_err(decode)?;
        let (pk, sk) = enrolment_token_item(&enrolment.token_digest);
        let mut pointer = doc_item(pk, sk, enrolment).map_err(decode)?;
        pointer.extend([expiry(enrolment.expires_at, SignedDuration::from_hours(24))]);
        let items = vec![transact_put_new(&self.table, listed)?, transact_put_new(&self.table, pointer)?];
        match self.transact_settled("storing an enrolment", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn enrolments(&self, tenant: TenantId) -> Result<Vec<Enrolment>, StoreError> {
        let mut found: Vec<Enrolment> = self.all_docs(&tenant_pk(tenant), ENROLMENT_SK_PREFIX, "listing enrolments").await?;
        found.sort_by_key(|e| (e.created_at, e.id));
        Ok(found)
    }

    async fn delete_enrolment(&self, tenant: TenantId, id: EnrolmentId) -> Result<bool, StoreError> {
        let Some(enrolment) = self.get_doc::<Enrolment>(tenant_pk(tenant), enrolment_sk(id), "reading an enrolment").await? else {
            return Ok(false);
        };
        let (pk, sk) = enrolment_token_item(&enrolment.token_digest);
        self.delete_item(key(pk, sk), "withdrawing an enrolment's token").await?;
        self.delete_item(key(tenant_pk(tenant), enrolment_sk(id)), "withdrawing an enrolment").await
    }

    async fn take_enrolment(&self, token_digest: &str) -> Result<Option<Enrolment>, StoreError> {
        let (pk, sk) = enrolment_token_item(token_digest);
        let taken = self.take_item(key(pk, sk), "taking an enrolment").await?;
        let Some(taken) = taken.filter(|a| a.contains_key(DOC)) else { return Ok(None) };
        let enrolment: Enrolment = parse_doc(&taken).map_err(decode)?;
        self.delete_item(key(tenant_pk(enrolment.tenant_id), enrolment_sk(enrolment.id)), "spending an enrolment").await?;
        Ok(Some(enrolment))
    }

    async fn insert_host(&self, host: &Host) -> Result<(), StoreError> {
        let item = doc_item(tenant_pk(host.tenant_id), host_sk(host.id), host).map_err(decode)?;
        let (pk, sk) = agent_item(host.id);
        let mut pointer = key(pk, sk);
        pointer.insert(TENANT.to_owned(), s(host.tenant_id.to_string()));
        let items = vec![transact_put_new(&self.table, pointer)?, transact_put_new(&self.table, item)?];
        match self.transact_settled("storing a host", items).await? {
            Outcome::Written => Ok(()),
            _ => Err(StoreError::Conflict),
        }
    }

    async fn host(&self, tenant: TenantId, id: AgentId) -> Result<Option<Host>, StoreError> {
        let Some(item) = self.get_item(key(tenant_pk(tenant), host_sk(id)), Read::Strong, &[], "reading a host").await? else {
            return Ok(None);
        };
        let mut host: Host = parse_doc(&item).map_err(decode)?;
        host.progress = self.progress(tenant, id).await?;
        Ok(Some(host))
    }

    async fn host_by_agent(&self, id: AgentId) -> Result<Option<Host>, StoreError> {
        let (pk, sk) = agent_item(id);
        let Some(pointer) = self.get_item(key(pk, sk), Read::Strong, &[], "finding an agent").await? else { return Ok(None) };
        let tenant: TenantId = pointer.string(TENANT).map_err(decode)?.parse().context("an agent pointer's tenant").map_err(decode)?;
        self.host(tenant, id).await
    }

    async fn hosts(&self, tenant: TenantId) -> Result<Vec<Host>, StoreError> {
        let items = self
            .query_all(
                &super::super::toolkit::query::KeyQuery::partition(tenant_pk(tenant), "listing hosts").prefix(HOST_SK_PREFIX).consistent(),
            )
            .await?;
        self.with_progress(items).await
    }

    async fn update_host(&self, host: &Host) -> Result<(), StoreError> {
        let mut update = Update::default();
        update.set(DOC, s(serde_json::to_string(host).context("encoding a host").map_err(decode)?)).require_exists();
        if self.update_item(key(tenant_pk(host.tenant_id), host_sk(host.id)), update, "updating a host").await? {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}

/// The progress as attributes to set.
pub(super) fn progress_attributes(progress: &HostProgress) -> Vec<(&'static str, Option<AttributeValue>)> {
    vec![
        (ACKED, progress.acked_through.map(n)),
        (DROPPED, Some(n(progress.dropped_total))),
        (LAST_SAMPLE, progress.last_sample_at.map(|t| n(t.as_millisecond()))),
        (LAST_SEEN, progress.last_seen_at.map(|t| n(t.as_millisecond()))),
    ]
}
