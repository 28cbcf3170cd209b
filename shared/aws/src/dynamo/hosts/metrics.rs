use super::super::DynamoStore;
use super::super::documents::{doc_item, parse_doc};
use super::super::keys::{PROGRESS_SK, batch_sk, host_metrics_pk, host_rollup_sk, host_sk, tenant_pk};
use super::super::toolkit::attributes::{Item, n};
use super::super::toolkit::batch::put_request;
use super::super::toolkit::errors::decode;
use super::super::toolkit::item::{Read, key};
use super::super::toolkit::query::KeyQuery;
use super::super::toolkit::transactions::{Attempt, settle};
use super::super::toolkit::update::Update;
use super::directory::{ACKED, progress_attributes, progress_of};
use super::expiry;
use anyhow::Context;
use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use vigil_domain::agent::protocol::SampleBatch;
use vigil_domain::agent::rollup::{Resolution, Rollup};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::ids::{AgentId, TenantId};
use vigil_domain::ports::{Appended, HostMetrics, StoreError};

/// How much earlier than a range's start a batch holding samples of the range may begin: a
/// batch holds one interval's samples, and intervals are far shorter.
const BATCH_SPAN: SignedDuration = SignedDuration::from_hours(1);

fn seconds(resolution: Resolution) -> i64 {
    resolution.length().as_secs()
}

impl DynamoStore {
    /// One attempt at storing a batch: read the progress, store the batch (a batch stored by an
    /// attempt that died before its progress was written is found and kept), advance the
    /// progress conditional on what was read.
    async fn append_once(
        &self,
        tenant: TenantId,
        agent: AgentId,
        batch: &SampleBatch,
        received_at: Timestamp,
    ) -> Result<Attempt<Appended>, StoreError> {
        let pk = host_metrics_pk(tenant, agent);
        let stored = self.get_item(key(pk.clone(), PROGRESS_SK), Read::Strong, &[], "reading a host's progress").await?;
        if stored.is_none() && !self.item_exists(key(tenant_pk(tenant), host_sk(agent)), Read::Strong, "finding a host").await? {
            return Err(StoreError::NotFound);
        }
        let before = progress_of(stored.as_ref()).map_err(decode)?;
        if before.holds(batch.seq) {
            return Ok(Attempt::Done(Appended::Duplicate { progress: before }));
        }
        let first = batch.samples.iter().map(|s| s.at).min().unwrap_or(received_at);
        let last = batch.samples.iter().map(|s| s.at).max().unwrap_or(received_at);
        let mut item = doc_item(pk.clone(), batch_sk(first.as_millisecond(), batch.seq), &batch.samples).map_err(decode)?;
        item.extend([expiry(last, self.host_retention.samples)]);
        self.put_new(item, "storing a sample batch").await?;
        let after = before.after(batch, received_at);
        let mut update = Update::default();
        for (attribute, value) in progress_attributes(&after) {
            if let Some(value) = value {
                update.set(attribute, value);
            }
        }
        match before.acked_through {
            Some(acked) => update.require_equal(ACKED, n(acked)),
            None => update.require_absent(ACKED),
        };
        if self.update_item(key(pk, PROGRESS_SK), update, "advancing a host's progress").await? {
            Ok(Attempt::Done(Appended::Stored { before }))
        } else {
            Ok(Attempt::Again)
        }
    }
}

fn samples_of(item: &Item) -> anyhow::Result<Vec<HostSample>> {
    parse_doc(item)
}

#[async_trait]
impl HostMetrics for DynamoStore {
    async fn append_batch(
        &self,
        tenant: TenantId,
        agent: AgentId,
        batch: &SampleBatch,
        received_at: Timestamp,
    ) -> Result<Appended, StoreError> {
        settle(|| self.append_once(tenant, agent, batch, received_at)).await
    }

    async fn samples(&self, tenant: TenantId, agent: AgentId, from: Timestamp, to: Timestamp) -> Result<Vec<HostSample>, StoreError> {
        if from >= to {
            return Ok(Vec::new());
        }
        let low = batch_sk((from - BATCH_SPAN).as_millisecond(), 0);
        let high = batch_sk(to.as_millisecond(), 0);
        let query = KeyQuery::partition(host_metrics_pk(tenant, agent), "reading samples").between(low, high).consistent();
        let mut found = Vec::new();
        for item in self.query_all(&query).await? {
            found.extend(samples_of(&item).map_err(decode)?.into_iter().filter(|s| s.at >= from && s.at < to));
        }
        found.sort_by_key(|s| s.at);
        Ok(found)
    }

    async fn put_rollups(&self, tenant: TenantId, agent: AgentId, rollups: &[Rollup]) -> Result<(), StoreError> {
        let pk = host_metrics_pk(tenant, agent);
        let mut requests = Vec::with_capacity(rollups.len());
        for rollup in rollups {
            let mut item =
                doc_item(pk.clone(), host_rollup_sk(seconds(rollup.resolution), rollup.start.as_millisecond()), rollup).map_err(decode)?;
            let keep = match rollup.resolution {
                Resolution::Minute => self.host_retention.minutes,
                Resolution::Hour => self.host_retention.hours,
            };
            item.extend([expiry(rollup.start, keep)]);
            requests.push(put_request(item).map_err(decode)?);
        }
        self.write_batch(requests, "storing rollups").await
    }

    async fn rollups(
        &self,
        tenant: TenantId,
        agent: AgentId,
        resolution: Resolution,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Rollup>, StoreError> {
        if from >= to {
            return Ok(Vec::new());
        }
        let (low, high) =
            (host_rollup_sk(seconds(resolution), from.as_millisecond()), host_rollup_sk(seconds(resolution), to.as_millisecond() - 1));
        let query = KeyQuery::partition(host_metrics_pk(tenant, agent), "reading rollups").between(low, high).consistent();
        let items = self.query_all(&query).await?;
        items.iter().map(|item| parse_doc(item).context("a stored rollup")).collect::<anyhow::Result<_>>().map_err(decode)
    }
}
