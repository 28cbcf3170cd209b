//! Connection events, rules and their states, and the action history.

use super::Stores;
use super::account_fixtures::assert_refused;
use super::fixtures::{at, tenant};
use super::host_fixtures::{action, agent_id, host, rule};
use serde_json::json;
use uuid::Uuid;
use vigil_domain::agent::Refusal;
use vigil_domain::agent::protocol::DisconnectReason;
use vigil_domain::agent::rule::{RuleState, RuleStatus};
use vigil_domain::host::{ActionOutcome, ConnectionEvent, ConnectionKind, RuleWatch, Side};
use vigil_domain::ids::{ConnectionEventId, HostRuleId};
use vigil_domain::page::{Page, PageRequest};
use vigil_domain::ports::StoreError;

fn limit(limit: u32) -> PageRequest {
    PageRequest { cursor: None, limit }
}

/// Every item a listing gives, page after page of `size`.
async fn all_pages<T, F, Fut>(size: u32, read: F) -> Vec<T>
where
    F: Fn(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, StoreError>>,
{
    let (mut all, mut request) = (Vec::new(), limit(size));
    for _ in 0..100 {
        let page = read(request.clone()).await.unwrap();
        assert!(page.items.len() <= size as usize);
        all.extend(page.items);
        match page.next_cursor {
            Some(cursor) => request.cursor = Some(cursor),
            None => return all,
        }
    }
    panic!("the cursor keeps going round")
}

/// Connection events of one agent, newest first, each once however they are paged; appending
/// one twice keeps one.
pub async fn connection_log_contract(stores: Stores) {
    let log = &stores.connections;
    let (acme, globex) = (tenant(), tenant());
    let (agent, other) = (agent_id(), agent_id());
    let event = |tenant, agent, second: i64, connected: bool| ConnectionEvent {
        id: ConnectionEventId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        agent_id: agent,
        at: at(second),
        kind: if connected {
            ConnectionKind::Connected { address: Some("203.0.113.7".into()), agent_version: "0.1.0".into() }
        } else {
            ConnectionKind::Disconnected { reason: DisconnectReason::ConnectionLost, detail: Some("reset".into()), seen_by: Side::Server }
        },
    };
    let written: Vec<ConnectionEvent> = (0..7).map(|i| event(acme, agent, i / 2, i % 2 == 0)).collect();
    for e in &written {
        log.append_connection(e).await.unwrap();
    }
    log.append_connection(&written[3]).await.unwrap();
    log.append_connection(&event(acme, other, 1, true)).await.unwrap();
    log.append_connection(&event(globex, agent, 1, true)).await.unwrap();
    let mut expected = written.clone();
    expected.sort_by_key(|e| std::cmp::Reverse((e.at, e.id)));
    for size in [1, 2, 3, 7, 50] {
        assert_eq!(all_pages(size, |page| async move { log.connections(acme, agent, &page).await }).await, expected, "pages of {size}");
    }
    let garbage = PageRequest { cursor: Some(vigil_domain::page::Cursor("!!!".into())), limit: 5 };
    assert_refused(log.connections(acme, agent, &garbage).await, &StoreError::InvalidCursor, "a cursor the store did not issue");
}

/// Rules of one organisation, oldest first, replaced by id; states replaced per rule and host,
/// listed per host or per organisation; deleting a rule deletes its states.
pub async fn host_rules_contract(stores: Stores) {
    let rules = &stores.host_rules;
    let (acme, globex) = (tenant(), tenant());
    let busy = rule(acme, json!({"metric": "cpu.percent", "above": 90}), 10);
    let silent = rule(acme, json!({"silent_seconds": 120, "host": agent_id().to_string()}), 5);
    let foreign = rule(globex, json!({"container_down": "api"}), 0);
    for r in [&busy, &silent, &foreign] {
        rules.put_rule(r).await.unwrap();
    }
    assert_eq!(rules.rules(acme).await.unwrap(), vec![silent.clone(), busy.clone()], "oldest first");
    assert_eq!(rules.rule(acme, busy.id).await.unwrap(), Some(busy.clone()));
    assert_eq!(rules.rule(globex, busy.id).await.unwrap(), None, "not another organisation's");
    let renamed = vigil_domain::host::HostRule { name: "busy".into(), ..busy.clone() };
    rules.put_rule(&renamed).await.unwrap();
    assert_eq!(rules.rule(acme, busy.id).await.unwrap(), Some(renamed.clone()));
    let own = silent.host.expect("the silence rule's host");
    assert_eq!(rules.rules_of(acme, own).await.unwrap(), vec![silent.clone(), renamed.clone()], "its own and those for every host");
    assert_eq!(rules.rules_of(acme, agent_id()).await.unwrap(), vec![renamed], "not another host's own");
    assert_eq!(rules.rules_of(globex, own).await.unwrap(), vec![foreign.clone()], "one organisation");

    let (web, db) = (agent_id(), agent_id());
    let watch = |rule: HostRuleId, agent, status, second| RuleWatch {
        tenant_id: acme,
        rule_id: rule,
        agent_id: agent,
        state: RuleState { status, since: at(second), last_sample_at: Some(at(second - 1)) },
    };
    let firing = watch(busy.id, web, RuleStatus::Firing, 30);
    for w in [
        watch(busy.id, web, RuleStatus::Clear, 20),
        firing,
        watch(busy.id, db, RuleStatus::Clear, 25),
        watch(silent.id, web, RuleStatus::Clear, 5),
    ] {
        rules.put_watch(&w).await.unwrap();
    }
    rules.put_watch(&RuleWatch { tenant_id: globex, ..watch(foreign.id, web, RuleStatus::Firing, 1) }).await.unwrap();
    let sorted = |mut w: Vec<RuleWatch>| {
        w.sort_by_key(|w| (w.agent_id, w.rule_id));
        w
    };
    assert_eq!(
        sorted(rules.watches_of(acme, web).await.unwrap()),
        sorted(vec![firing, watch(silent.id, web, RuleStatus::Clear, 5)]),
        "replaced per rule and host"
    );
    assert_eq!(rules.watches(acme).await.unwrap().len(), 3, "one organisation");
    assert!(rules.delete_rule(acme, busy.id).await.unwrap());
    assert!(!rules.delete_rule(acme, busy.id).await.unwrap(), "deleted once");
    assert_eq!(rules.watches(acme).await.unwrap(), vec![watch(silent.id, web, RuleStatus::Clear, 5)], "its states went with it");
    assert_eq!(rules.rules(acme).await.unwrap(), vec![silent]);
    assert_eq!(rules.watches(globex).await.unwrap().len(), 1);
}

/// Requests stored once, changed only from the outcome read, listed newest first for an
/// organisation or one host.
pub async fn action_history_contract(stores: Stores) {
    let history = &stores.actions;
    let (acme, globex) = (tenant(), tenant());
    let (web, db, other) = (host(acme, "web-1", 0), host(acme, "db-1", 0), host(globex, "web-1", 0));
    let requests: Vec<_> = (0..5).map(|i| action(if i % 2 == 0 { &web } else { &db }, "restart-nginx", at(i / 2))).collect();
    for r in &requests {
        history.insert_action(r).await.unwrap();
    }
    assert_refused(history.insert_action(&requests[0]).await, &StoreError::Conflict, "an id is stored once");
    history.insert_action(&action(&other, "vacuum", at(1))).await.unwrap();
    assert_eq!(history.action(acme, requests[1].id).await.unwrap(), Some(requests[1].clone()));
    assert_eq!(history.action(globex, requests[1].id).await.unwrap(), None, "not another organisation's");

    let mut newest = requests.clone();
    newest.sort_by_key(|r| std::cmp::Reverse((r.requested_at, r.id)));
    for size in [1, 2, 5, 10] {
        assert_eq!(all_pages(size, |page| async move { history.actions(acme, None, &page).await }).await, newest, "pages of {size}");
    }
    let of_web: Vec<_> = newest.iter().filter(|r| r.agent_id == web.id).cloned().collect();
    assert_eq!(all_pages(2, |page| async move { history.actions(acme, Some(web.id), &page).await }).await, of_web);

    let refused = requests[0].clone().finish(ActionOutcome::Refused { received_at: at(9), reason: Refusal::NotAllowed }).unwrap();
    assert_refused(history.update_action(&refused, "completed").await, &StoreError::Conflict, "not the outcome read");
    history.update_action(&refused, "pending").await.unwrap();
    assert_eq!(history.action(acme, refused.id).await.unwrap(), Some(refused.clone()));
    assert_refused(history.update_action(&refused, "pending").await, &StoreError::Conflict, "changed once from pending");
    assert_refused(history.update_action(&action(&web, "x", at(0)), "pending").await, &StoreError::NotFound, "no such request");
}
