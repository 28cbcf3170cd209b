use super::super::SqliteStore;
use super::super::codec::{backend, blob, ms};
use super::super::documents::HOST_RULES;
use super::{from_json, to_json};
use anyhow::Context;
use async_trait::async_trait;
use rusqlite::params;
use vigil_domain::host::{HostRule, RuleWatch};
use vigil_domain::ids::{AgentId, HostRuleId, TenantId};
use vigil_domain::ports::{HostRules, StoreError};

impl SqliteStore {
    async fn watches_where(&self, filter: &'static str, args: Vec<Vec<u8>>) -> Result<Vec<RuleWatch>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(&format!("SELECT body FROM host_watches WHERE {filter}"))?;
                let rows = statement.query_map(rusqlite::params_from_iter(args.iter()), |row| row.get::<_, String>(0))?;
                rows.map(|body| from_json(&body?, "rule state")).collect()
            })
            .await
            .map_err(backend)
    }
}

#[async_trait]
impl HostRules for SqliteStore {
    async fn put_rule(&self, rule: &HostRule) -> Result<(), StoreError> {
        let body = to_json(rule).map_err(backend)?;
        let (tenant, id, created_at, host) = (rule.tenant_id, rule.id, rule.created_at, rule.host);
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT OR REPLACE INTO host_rules (tenant_id, id, created_at, host_id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![blob(tenant.as_uuid()), blob(id.as_uuid()), ms(created_at), host.map(|h| blob(h.as_uuid())), body],
                )?;
                Ok(())
            })
            .await
            .context("storing a host rule")
            .map_err(backend)
    }

    async fn rule(&self, tenant: TenantId, id: HostRuleId) -> Result<Option<HostRule>, StoreError> {
        self.get_document(HOST_RULES, tenant, id.as_uuid()).await
    }

    async fn rules(&self, tenant: TenantId) -> Result<Vec<HostRule>, StoreError> {
        self.all_documents(HOST_RULES, tenant).await
    }

    async fn rules_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<HostRule>, StoreError> {
        self.db
            .read(move |conn| {
                let mut statement = conn.prepare_cached(
                    "SELECT body FROM host_rules WHERE tenant_id = ?1 AND (host_id IS NULL OR host_id = ?2) ORDER BY created_at, id",
                )?;
                let rows = statement.query_map(params![blob(tenant.as_uuid()), blob(agent.as_uuid())], |row| row.get::<_, String>(0))?;
                rows.map(|body| from_json(&body?, "host rule")).collect()
            })
            .await
            .map_err(backend)
    }

    async fn delete_rule(&self, tenant: TenantId, id: HostRuleId) -> Result<bool, StoreError> {
        self.db
            .write(move |conn| {
                let key = params![blob(tenant.as_uuid()), blob(id.as_uuid())];
                conn.execute("DELETE FROM host_watches WHERE tenant_id = ?1 AND rule_id = ?2", key)?;
                Ok(conn.execute("DELETE FROM host_rules WHERE tenant_id = ?1 AND id = ?2", key)? > 0)
            })
            .await
            .context("deleting a host rule")
            .map_err(backend)
    }

    async fn put_watch(&self, watch: &RuleWatch) -> Result<(), StoreError> {
        let (w, body) = (*watch, to_json(watch).map_err(backend)?);
        self.db
            .write(move |conn| {
                conn.execute(
                    "INSERT OR REPLACE INTO host_watches (tenant_id, agent_id, rule_id, body) VALUES (?1, ?2, ?3, ?4)",
                    params![blob(w.tenant_id.as_uuid()), blob(w.agent_id.as_uuid()), blob(w.rule_id.as_uuid()), body],
                )?;
                Ok(())
            })
            .await
            .context("storing a rule's state")
            .map_err(backend)
    }

    async fn watches_of(&self, tenant: TenantId, agent: AgentId) -> Result<Vec<RuleWatch>, StoreError> {
        self.watches_where("tenant_id = ?1 AND agent_id = ?2", vec![blob(tenant.as_uuid()).to_vec(), blob(agent.as_uuid()).to_vec()]).await
    }

    async fn watches(&self, tenant: TenantId) -> Result<Vec<RuleWatch>, StoreError> {
        self.watches_where("tenant_id = ?1", vec![blob(tenant.as_uuid()).to_vec()]).await
    }
}
