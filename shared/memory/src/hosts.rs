//! Hosts: enrolments (taken once), hosts (their progress advanced only by batches), samples by
//! batch number, rollups by bucket, connection events, rules and their states, and the action
//! history (changed only from the outcome read).

use crate::MemoryStore;
use crate::cursor::{Order, page};
use async_trait::async_trait;
use jiff::Timestamp;
use vigil_domain::agent::protocol::SampleBatch;
use vigil_domain::agent::rollup::{Resolution, Rollup};
use vigil_domain::agent::sample::HostSample;
use vigil_domain::host::{ActionRecord, ConnectionEvent, Enrolment, Host, HostRule, RuleWatch};
use vigil_domain::ids::{ActionRequestId, AgentId, EnrolmentId, HostRuleId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{ActionHistory, Appended, ConnectionLog, HostDirectory, HostMetrics, HostRules, StoreError};

#[async_trait]
impl HostDirectory for MemoryStore {
    async fn insert_enrolment(&self, enrolment: &Enrolment) -> Result<(), StoreError> {
        self.state().enrolments.insert((enrolment.tenant_id, enrolment.id), enrolment.clone());
        Ok(())
    }

    async fn enrolments(&self, tenant: TenantId) -> Result<Vec<Enrolment>, StoreError> {
        let mut found: Vec<Enrolment> = self.state().enrolments.values().filter(|e| e.tenant_id == tenant).cloned().collect();
        found.sort_by_key(|e| (e.created_at, e.id));
        Ok(found)
    }

    async fn delete_enrolment(&self, tenant: TenantId, id: EnrolmentId) -> Result<bool, StoreError> {
        Ok(self.state().enrolments.remove(&(tenant, id)).is_some())
    }

    async fn take_enrolment(&self, token_digest: &str) -> Result<Option<Enrolment>, StoreError> {
        let mut state = self.state();
        let key = state.enrolments.iter().find(|(_, e)| e.token_digest == token_digest).map(|(k, _)| *k);
        Ok(key.and_then(|k| state.enrolments.remove(&k)))
    }

    async fn insert_host(&self, host: &Host) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.hosts.keys().any(|(_, id)| *id == host.id) {
            return Err(StoreError::Conflict);
        }
        state.hosts.insert((host.tenant_id, host.id), host.clone());
        Ok(())
    }

    async fn host(&self, tenant: TenantId, id: AgentId) -> Result<Option<Host>, StoreError> {
        Ok(self.state().hosts.get(&(tenant, id)).cloned())
    }

    async fn host_by_agent(&self, id: AgentId) -> Result<Option<Host>, StoreError> {
        Ok(self.state().hosts.iter().find(|((_, agent), _)| *agent == id).map(|(_, h)| h.clone()))
    }

    async fn hosts(&self, tenant: TenantId) -> Result<Vec<Host>, StoreError> {
        let mut found: Vec<Host> = self.state().hosts.values().filter(|h| h.tenant_id == tenant).cloned().collect();
        found.sort_by_key(|h| (h.enrolled_at, h.id));
        Ok(found)
    }

    async fn update_host(&self, host: &Host) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.hosts.get_mut(&(host.tenant_id, host.id)).ok_or(StoreError::NotFound)?;
        *stored = Host { progress: stored.progress, ..host.clone() };
        Ok(())
    }
}

#[async_trait]
impl HostMetrics for MemoryStore {
    async fn append_batch(
        &self,
        tenant: TenantId,
        agent: AgentId,
        batch: &SampleBatch,
        received_at: Timestamp,
    ) -> Result<Appended, StoreError> {
        let mut state = self.state();
        let host = state.hosts.get_mut(&(tenant, agent)).ok_or(StoreError::NotFound)?;
        let before = host.progress;
        if before.holds(batch.seq) {
            return Ok(Appended::Duplicate { progress: before });
        }
        host.progress = before.after(batch, received_at);
        state.batches.insert((tenant, agent, batch.seq), batch.samples.clone());
        Ok(Appended::Stored { before })
    }

    async fn samples(&self, tenant: TenantId, agent: AgentId, from: Timestamp, to: Timestamp) -> Result<Vec<HostSample>, StoreError> {
        let state = self.state();
        let mut found: Vec<HostSample> = state
            .batches
            .range((tenant, agent, 0)..=(tenant, agent, u64::MAX))
            .flat_map(|(_, samples)| samples.iter().filter(|s| s.at >= from && s.at < to).cloned())
            .collect();
        found.sort_by_key(|s| s.at);
        Ok(found)
    }

    async fn put_rollups(&self, tenant: TenantId, agent: AgentId, rollups: &[Rollup]) -> Result<(), StoreError> {
        let mut state = self.state();
        for rollup in rollups {
            state.rollups.insert((tenant, agent, rollup.resolution, rollup.start.as_millisecond()), rollup.clone());
        }
        Ok(())
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
        let range = (tenant, agent, resolution, from.as_millisecond())..(tenant, agent, resolution, to.as_millisecond());
        Ok(self.state().rollups.range(range).map(|(_, r)| r.clone()).collect())
    }
}

#[async_trait]
impl ConnectionLog for MemoryStore {
    async fn append_connection(&self, event: &ConnectionEvent) -> Result<(), StoreError> {
        self.state().connections.entry((event.tenant_id, event.agent_id, event.id)).or_insert_with(|| event.clone());
        Ok(())
    }

    async fn connections(&self, tenant: TenantId, agent: AgentId, request: &PageRequest) -> Result<Page<ConnectionEvent>, StoreError> {
        let state = self.state();
        let events = state
            .connections
            .values()
            .filter(|e| e.tenant_id == tenant && e.agent_id == agent)
            .map(|e| ((e.at.as_millisecond(), e.id.as_uuid()), e.clone()));
        page(events, request, Order::Newest)
    }
}

#[async_trait]
impl HostRules for MemoryStore {
    async fn put_rule(&self, rule: &HostRule) -> Result<(), StoreError> {
        self.state().host_rules.insert((rule.tenant_id, rule.id), rule.clone());
        Ok(())
    }

    async fn rule(&self, tenant: TenantId, id: HostRuleId) -> Result<Option<HostRule>, StoreError> {
        Ok(self.state().host_rules.get(&(tenant, id)).cloned())
    }

    async fn rules(&self, tenant: TenantId) -> Result<Vec<HostRule>, StoreError> {
        let mut found: Vec<HostRule> = self.state().host_rules.values().filter(|r| r.tenant_id == tenant).cloned().collect();
        found.sort_by_key(|r| (r.created_at, r.id));
        Ok(found)
    }

    async fn delete_rule(&self, tenant: TenantId, id: HostRuleId) -> Result<bool, StoreError> {
        let mut state = self.state();
        state.watches.retain(|(t, _, rule), _| !(*t == tenant && *rule == id));
        Ok(state.host_rules.remove(&(tenant, id)).is_some())
    }

    async fn put_watch(&self, watch: &RuleWatch) -> Result<(), StoreError> {
        self.state().watches.insert((watch.tenant_id, watch.agent_id, watch.rule_id), *watch);
        Ok(())
    }

    async fn watches_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<RuleWatch>, StoreError> {
        Ok(self.state().watches.values().filter(|w| w.tenant_id == tenant && w.agent_id == agent).copied().collect())
    }

    async fn watches(&self, tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError> {
        Ok(self.state().watches.values().filter(|w| w.tenant_id == tenant).copied().collect())
    }
}

#[async_trait]
impl ActionHistory for MemoryStore {
    async fn insert_action(&self, record: &ActionRecord) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.actions.keys().any(|(_, id)| *id == record.id) {
            return Err(StoreError::Conflict);
        }
        state.actions.insert((record.tenant_id, record.id), record.clone());
        Ok(())
    }

    async fn action(&self, tenant: TenantId, id: ActionRequestId) -> Result<Option<ActionRecord>, StoreError> {
        Ok(self.state().actions.get(&(tenant, id)).cloned())
    }

    async fn update_action(&self, record: &ActionRecord, expected: &str) -> Result<(), StoreError> {
        let mut state = self.state();
        let stored = state.actions.get_mut(&(record.tenant_id, record.id)).ok_or(StoreError::NotFound)?;
        if stored.outcome.as_str() != expected {
            return Err(StoreError::Conflict);
        }
        *stored = record.clone();
        Ok(())
    }

    async fn actions(&self, tenant: TenantId, agent: Option<AgentId>, request: &PageRequest) -> Result<Page<ActionRecord>, StoreError> {
        let state = self.state();
        let records = state
            .actions
            .values()
            .filter(|r| r.tenant_id == tenant && agent.is_none_or(|a| r.agent_id == a))
            .map(|r| ((r.requested_at.as_millisecond(), r.id.as_uuid()), r.clone()));
        page(records, request, Order::Newest)
    }
}
