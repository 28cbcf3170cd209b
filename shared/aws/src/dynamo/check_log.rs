use super::DynamoStore;
use super::attributes::{n, s};
use super::cursor;
use super::errors::{Cancelled, backend, cancellation, decode, is_condition_failure};
use super::history::{result_from_item, result_item};
use super::keys::{PK, RESULT_SK_PREFIX, SK, history_pk, planned_ms_of, result_sk};
use super::monitor_item::{self, HEALTH_VERSION};
use super::monitors::TRANSACTION_CONFLICT_RETRIES;
use super::transitions::transition_item;
use super::update::Update;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use jiff::Timestamp;
use vigil_domain::check::CheckResult;
use vigil_domain::ids::{CheckId, MonitorId, TenantId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::{CheckLog, CheckRecord, HealthUpdate, RecordOutcome, StoreError};
use vigil_domain::uptime::CheckTally;

impl DynamoStore {
    /// Stores a result that changes nothing else: one conditional put, so a redelivery is a
    /// duplicate. Whether the monitor still exists is known from the prober's own consistent
    /// read moments ago (see `recent_reads`); without one, it is read eventually consistently
    /// (half a read unit): a first check always changes health and so goes through the
    /// transaction below, which checks the monitor strongly.
    async fn record_plain(&self, result: &CheckResult) -> Result<RecordOutcome, StoreError> {
        let exists = self.recent.vouches_for(result.tenant_id, result.monitor_id)
            || self
                .client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(self.monitor_key(result.tenant_id, result.monitor_id)))
                .projection_expression("#pk")
                .expression_attribute_names("#pk", PK)
                .send()
                .await
                .map_err(|e| backend("checking a monitor exists", e))?
                .item
                .is_some();
        if !exists {
            return Ok(RecordOutcome::MonitorGone);
        }
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(result_item(result, None, self.retention).map_err(decode)?))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .send()
            .await;
        match put {
            Ok(_) => Ok(RecordOutcome::Recorded),
            Err(error) if is_condition_failure(&error) => Ok(RecordOutcome::Duplicate),
            Err(error) => Err(backend("storing a check result", error)),
        }
    }

    /// Stores a result with the health change it caused, atomically: the result (if new), the
    /// monitor's health (if still at the version the change was computed from) and the
    /// transition, or nothing.
    async fn record_with_health(&self, result: &CheckResult, update: &HealthUpdate) -> Result<RecordOutcome, StoreError> {
        let transition = update.transition.as_ref();
        let put_result = Put::builder()
            .table_name(&self.table)
            .set_item(Some(result_item(result, transition, self.retention).map_err(decode)?))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .build()
            .map_err(StoreError::backend)?;
        let mut health = Update::default();
        for (name, value) in monitor_item::health_attributes(&update.health) {
            health.set(name, value);
        }
        health.require_equal(HEALTH_VERSION, n(update.expected_version));
        let update_monitor = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .set_key(Some(self.monitor_key(result.tenant_id, result.monitor_id)))
            .update_expression(health.expression())
            .set_condition_expression(health.condition())
            .set_expression_attribute_names(Some(health.names))
            .set_expression_attribute_values(Some(health.values))
            .build()
            .map_err(StoreError::backend)?;
        let mut items =
            vec![TransactWriteItem::builder().put(put_result).build(), TransactWriteItem::builder().update(update_monitor).build()];
        if let Some(transition) = transition {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(transition_item(transition, update.health.version).map_err(decode)?))
                .build()
                .map_err(StoreError::backend)?;
            items.push(TransactWriteItem::builder().put(put).build());
        }
        for _ in 0..TRANSACTION_CONFLICT_RETRIES {
            match self.client.transact_write_items().set_transact_items(Some(items.clone())).send().await {
                Ok(_) => return Ok(RecordOutcome::Recorded),
                Err(error) => match cancellation(&error) {
                    Some(Cancelled::Conflict) => continue,
                    // The monitor's condition first, as in the port: gone, then stale, then a
                    // duplicate.
                    Some(Cancelled::Conditions(failed)) if failed.get(1) == Some(&true) => {
                        return Ok(if self.monitor_exists(result.tenant_id, result.monitor_id).await? {
                            RecordOutcome::HealthConflict
                        } else {
                            RecordOutcome::MonitorGone
                        });
                    }
                    Some(Cancelled::Conditions(_)) => return Ok(RecordOutcome::Duplicate),
                    None => return Err(backend("storing a check result with its health change", error)),
                },
            }
        }
        Err(StoreError::Conflict)
    }
}

#[async_trait]
impl CheckLog for DynamoStore {
    async fn record(&self, records: &[CheckRecord]) -> Result<Vec<RecordOutcome>, StoreError> {
        let mut outcomes = Vec::with_capacity(records.len());
        for record in records {
            outcomes.push(match &record.health {
                None => self.record_plain(&record.result).await?,
                Some(update) => self.record_with_health(&record.result, update).await?,
            });
        }
        Ok(outcomes)
    }

    async fn list(&self, tenant: TenantId, monitor: MonitorId, page: &PageRequest) -> Result<Page<CheckResult>, StoreError> {
        let before = page.cursor.as_ref().map(cursor::decode_number).transpose()?;
        let high = match before {
            Some(ms) => result_sk(ms - 1),
            None => format!("{RESULT_SK_PREFIX}~"),
        };
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#sk", SK)
            .expression_attribute_values(":pk", s(history_pk(tenant, monitor)))
            .expression_attribute_values(":low", s(RESULT_SK_PREFIX))
            .expression_attribute_values(":high", s(high))
            .scan_index_forward(false)
            .limit(page.limit as i32 + 1)
            .send()
            .await
            .map_err(|e| backend("listing check results", e))?;
        let rows = output.items.unwrap_or_default();
        let more = rows.len() > page.limit as usize;
        let mut items = rows
            .iter()
            .take(page.limit as usize)
            .map(|item| result_from_item(item, tenant, monitor))
            .collect::<anyhow::Result<Vec<_>>>()
            .map_err(decode)?;
        items.truncate(page.limit as usize);
        let next_cursor = items.last().filter(|_| more).map(|last| cursor::encode(&last.planned_at.as_millisecond().to_string()));
        Ok(Page { items, next_cursor })
    }

    async fn get(&self, tenant: TenantId, monitor: MonitorId, id: CheckId) -> Result<Option<CheckResult>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, s(history_pk(tenant, monitor)))
            .key(SK, s(result_sk(planned_ms_of(id))))
            .send()
            .await
            .map_err(|e| backend("reading a check result", e))?;
        let result = output.item.as_ref().map(|item| result_from_item(item, tenant, monitor)).transpose().map_err(decode)?;
        // The id also encodes the monitor: an id of another monitor with the right time must not match.
        Ok(result.filter(|r| r.id == id))
    }

    async fn tally(&self, tenant: TenantId, monitor: MonitorId, from: Timestamp, to: Timestamp) -> Result<CheckTally, StoreError> {
        self.tally_window(tenant, monitor, from, to).await
    }
}
