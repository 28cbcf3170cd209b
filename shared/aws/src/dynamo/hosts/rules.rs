use super::super::DynamoStore;
use super::super::documents::doc_item;
use super::super::keys::{HOST_RULE_SK_PREFIX, WATCH_SK_PREFIX, host_rule_sk, tenant_pk, watch_sk};
use super::super::toolkit::errors::decode;
use super::super::toolkit::item::key;
use async_trait::async_trait;
use vigil_domain::host::{HostRule, RuleWatch};
use vigil_domain::ids::{AgentId, HostRuleId, TenantId};
use vigil_domain::ports::{HostRules, StoreError};

#[async_trait]
impl HostRules for DynamoStore {
    async fn put_rule(&self, rule: &HostRule) -> Result<(), StoreError> {
        self.put_item(doc_item(tenant_pk(rule.tenant_id), host_rule_sk(rule.id), rule).map_err(decode)?, "storing a host rule").await
    }

    async fn rule(&self, tenant: TenantId, id: HostRuleId) -> Result<Option<HostRule>, StoreError> {
        self.get_doc(tenant_pk(tenant), host_rule_sk(id), "reading a host rule").await
    }

    async fn rules(&self, tenant: TenantId) -> Result<Vec<HostRule>, StoreError> {
        let mut rules: Vec<HostRule> = self.all_docs(&tenant_pk(tenant), HOST_RULE_SK_PREFIX, "listing host rules").await?;
        rules.sort_by_key(|r| (r.created_at, r.id));
        Ok(rules)
    }

    async fn delete_rule(&self, tenant: TenantId, id: HostRuleId) -> Result<bool, StoreError> {
        let states: Vec<_> = self
            .watches(tenant)
            .await?
            .into_iter()
            .filter(|w| w.rule_id == id)
            .map(|w| key(tenant_pk(tenant), watch_sk(w.agent_id, id)))
            .collect();
        self.delete_keys(states, "deleting a host rule's states").await?;
        self.delete_item(key(tenant_pk(tenant), host_rule_sk(id)), "deleting a host rule").await
    }

    async fn put_watch(&self, watch: &RuleWatch) -> Result<(), StoreError> {
        let item = doc_item(tenant_pk(watch.tenant_id), watch_sk(watch.agent_id, watch.rule_id), watch).map_err(decode)?;
        self.put_item(item, "storing a rule's state").await
    }

    async fn watches_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<RuleWatch>, StoreError> {
        self.all_docs(&tenant_pk(tenant), &format!("{WATCH_SK_PREFIX}{agent}#"), "reading a host's rule states").await
    }

    async fn watches(&self, tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError> {
        self.all_docs(&tenant_pk(tenant), WATCH_SK_PREFIX, "reading rule states").await
    }
}
