//! Contract suites of the heartbeat ports: tasks, their atomic state changes, the due-index,
//! history, ping keys and ping bodies.

use super::Stores;
use super::fixtures::{at, t0, tenant};
use jiff::Timestamp;
use std::collections::HashSet;
use std::sync::Arc;
use uuid::Uuid;
use vigil_domain::heartbeat::step::{PingFacts, on_ping};
use vigil_domain::heartbeat::{
    PingBody, PingCap, PingKey, PingKind, PingToken, Task, TaskDraft, TaskRecord, TaskSpec, TaskState, TaskStatus,
};
use vigil_domain::ids::{PingId, RunId, TaskId, TenantId};
use vigil_domain::page::PageRequest;
use vigil_domain::ports::{StoredBody, StoredPing, TaskChange, TaskLocator, TaskWrite};

/// A new task of `tenant`.
pub fn task_record(tenant: TenantId, name: &str, slug: Option<&str>, created: Timestamp) -> TaskRecord {
    let draft: TaskDraft =
        serde_json::from_value(serde_json::json!({"name": name, "slug": slug, "period_seconds": 60, "grace_seconds": 30})).expect("draft");
    let task = Task {
        id: TaskId::from_uuid(Uuid::now_v7()),
        tenant_id: tenant,
        token: PingToken::from_random(*Uuid::new_v4().as_bytes()),
        spec: TaskSpec::from_draft(&draft).expect("valid spec"),
        revision: 1,
        created_at: created,
        updated_at: created,
    };
    TaskRecord { task, state: TaskState::new(created), next_deadline: None }
}

/// The change a ping of `kind` with `body` makes at `now`.
fn ping_change(record: &TaskRecord, kind: PingKind, rid: Option<Uuid>, body: StoredBody, now: Timestamp) -> TaskChange {
    let id = PingId::from_uuid(Uuid::now_v7());
    let (step, run_id) = on_ping(record, &PingFacts { id, kind, rid }, RunId::from_uuid(Uuid::now_v7()), now);
    let ping = StoredPing {
        tenant_id: record.task.tenant_id,
        task_id: record.task.id,
        id,
        at: now,
        kind,
        rid,
        run_id,
        method: "POST".into(),
        body,
    };
    TaskChange { state: step.state, next_deadline: step.next_deadline, runs: step.runs, ping: Some(ping), keep_pings: None }
}

/// Tasks are stored, read, listed, updated and deleted per tenant; slugs are unique per tenant.
pub async fn task_repository_contract(stores: Stores) {
    let repo = &stores.tasks;
    let (a, b) = (tenant(), tenant());
    let first = task_record(a, "backup", Some("backup"), at(1));
    assert_eq!(repo.insert(&first).await.unwrap(), TaskWrite::Done);
    assert_eq!(repo.get(a, first.task.id).await.unwrap().as_ref(), Some(&first), "read back as written");
    assert_eq!(repo.get(b, first.task.id).await.unwrap(), None, "another tenant sees nothing");
    assert_eq!(repo.insert(&task_record(a, "other", Some("backup"), at(2))).await.unwrap(), TaskWrite::SlugTaken);
    assert_eq!(repo.insert(&task_record(b, "theirs", Some("backup"), at(2))).await.unwrap(), TaskWrite::Done, "slugs are per tenant");

    let mut ids = vec![first.task.id];
    for i in 0..4 {
        let record = task_record(a, &format!("t{i}"), None, at(10 + i));
        repo.insert(&record).await.unwrap();
        ids.push(record.task.id);
    }
    let mut listed = Vec::new();
    let mut page = PageRequest { cursor: None, limit: 2 };
    loop {
        let got = repo.list(a, &page).await.unwrap();
        listed.extend(got.items.iter().map(|r| r.task.id));
        match got.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    assert_eq!(listed, ids, "oldest first, every task once, only this tenant's");

    let mut changed = first.task.clone();
    changed.spec.name = "nightly backup".into();
    changed.spec.managed = Some(vigil_domain::managed::Managed { source: "prod.yaml".into(), key: "backup".into() });
    changed.revision = 2;
    assert_eq!(repo.update_spec(&changed, 1).await.unwrap(), TaskWrite::Done);
    assert_eq!(repo.update_spec(&changed, 1).await.unwrap(), TaskWrite::RevisionConflict);
    let second = repo.get(a, ids[1]).await.unwrap().unwrap().task;
    let stealing = Task { spec: TaskSpec { slug: Some("backup".parse().unwrap()), ..second.spec.clone() }, revision: 2, ..second };
    assert_eq!(repo.update_spec(&stealing, 1).await.unwrap(), TaskWrite::SlugTaken);
    let gone = task_record(a, "gone", None, at(3)).task;
    assert_eq!(repo.update_spec(&gone, 1).await.unwrap(), TaskWrite::Missing);
    assert_eq!(repo.get(a, first.task.id).await.unwrap().unwrap().task.spec, changed.spec, "the managed mark is kept");

    assert!(repo.delete(a, first.task.id).await.unwrap());
    assert!(!repo.delete(a, first.task.id).await.unwrap());
    assert_eq!(repo.get(a, first.task.id).await.unwrap(), None);
    assert_eq!(
        repo.insert(&task_record(a, "again", Some("backup"), at(4))).await.unwrap(),
        TaskWrite::Done,
        "a deleted task frees its slug"
    );
}

/// A change is found by token, slug or id, written whole (state, deadline, runs, ping) and
/// read back through the history; a decision of nothing writes nothing.
pub async fn task_state_contract(stores: Stores) {
    let tenant = tenant();
    let record = task_record(tenant, "job", Some("job"), t0());
    stores.tasks.insert(&record).await.unwrap();
    let key = stores.ping_keys.get_or_insert(tenant, &PingKey::from_random(*Uuid::new_v4().as_bytes())).await.unwrap();
    let id = TaskLocator::Id { tenant, task: record.task.id };

    assert_eq!(stores.task_state.resolve(&TaskLocator::Token(record.task.token)).await.unwrap(), Some((tenant, record.task.id)));
    assert_eq!(stores.task_state.resolve(&TaskLocator::Token(PingToken::from_random([9; 16]))).await.unwrap(), None);
    let unknown_slug = TaskLocator::Slug { key: key.clone(), slug: "nope".parse().unwrap() };
    assert!(stores.task_state.apply(&unknown_slug, Arc::new(|_: &TaskRecord| None)).await.unwrap().is_none());

    let nothing = stores.task_state.apply(&id, Arc::new(|_: &TaskRecord| None)).await.unwrap().expect("found");
    assert_eq!(nothing.change, None);
    assert_eq!(stores.tasks.get(tenant, record.task.id).await.unwrap().unwrap(), record, "nothing written");

    let rid = Uuid::new_v4();
    let start_at = at(10);
    let applied = stores
        .task_state
        .apply(
            &TaskLocator::Token(record.task.token),
            Arc::new(move |r: &TaskRecord| Some(ping_change(r, PingKind::Start, Some(rid), StoredBody::None, start_at))),
        )
        .await
        .unwrap()
        .expect("found by token");
    assert_eq!(applied.before, record, "decided from the record as stored");
    let body = PingBody::capped(b"all done".to_vec(), 8, 100);
    let finish_at = at(25);
    let inline = StoredBody::Inline(body.clone());
    let by_slug = TaskLocator::Slug { key, slug: "job".parse().unwrap() };
    let applied = stores
        .task_state
        .apply(&by_slug, Arc::new(move |r: &TaskRecord| Some(ping_change(r, PingKind::Exit(0), Some(rid), inline.clone(), finish_at))))
        .await
        .unwrap()
        .expect("found by slug");
    let change = applied.change.expect("written");
    let stored = stores.tasks.get(tenant, record.task.id).await.unwrap().unwrap();
    assert_eq!(stored.state, change.state);
    assert_eq!(stored.next_deadline, change.next_deadline);
    assert_eq!(stored.state.reported.status, TaskStatus::Up);
    assert_eq!(stored.state.version, 2);

    let runs = stores.task_history.list_runs(tenant, record.task.id, &PageRequest::first()).await.unwrap();
    assert_eq!(runs.items.len(), 1, "start and finish of one run");
    assert_eq!(runs.items[0].duration(), Some(jiff::SignedDuration::from_secs(15)));
    assert_eq!(runs.items[0].exit_status(), Some(0));
    let pings = stores.task_history.list_pings(tenant, record.task.id, &PageRequest { cursor: None, limit: 1 }).await.unwrap();
    assert_eq!(pings.items.len(), 1);
    assert_eq!(pings.items[0].kind, PingKind::Exit(0), "newest first");
    assert_eq!(pings.items[0].body, StoredBody::Inline(body));
    assert_eq!(pings.items[0].run_id, Some(runs.items[0].id));
    let older = stores.task_history.list_pings(tenant, record.task.id, &PageRequest { cursor: pings.next_cursor, limit: 5 }).await.unwrap();
    assert_eq!(older.items.iter().map(|p| p.kind).collect::<Vec<_>>(), [PingKind::Start]);
    assert_eq!(older.next_cursor, None);
    let one = stores.task_history.get_ping(tenant, record.task.id, older.items[0].id).await.unwrap();
    assert_eq!(one.as_ref(), Some(&older.items[0]));
    let stranger = TenantId::from_uuid(Uuid::new_v4());
    assert_eq!(stores.task_history.get_ping(stranger, record.task.id, older.items[0].id).await.unwrap(), None);
    assert!(stores.task_history.list_runs(stranger, record.task.id, &PageRequest::first()).await.unwrap().items.is_empty());
    assert!(stores.task_history.list_pings(stranger, record.task.id, &PageRequest::first()).await.unwrap().items.is_empty());
    assert!(!stores.tasks.delete(stranger, record.task.id).await.unwrap(), "another tenant's task is not deleted");
    assert_eq!(
        stores.task_history.list_pings(tenant, record.task.id, &PageRequest::first()).await.unwrap().items.len(),
        2,
        "nor is its history"
    );

    let external = StoredBody::External { size: 5000, received: 200_000, truncated: true };
    let later = at(40);
    let body_ref = external.clone();
    stores
        .task_state
        .apply(&id, Arc::new(move |r: &TaskRecord| Some(ping_change(r, PingKind::Log, None, body_ref.clone(), later))))
        .await
        .unwrap();
    let pings = stores.task_history.list_pings(tenant, record.task.id, &PageRequest::first()).await.unwrap();
    assert_eq!(pings.items[0].body, external);
    assert!(stores.tasks.delete(tenant, record.task.id).await.unwrap());
    assert!(
        stores.task_history.list_runs(tenant, record.task.id, &PageRequest::first()).await.unwrap().items.is_empty(),
        "history goes with the task"
    );
}

/// The due-index returns the tasks whose deadline has passed, earliest first, and forgets a
/// task whose deadline moved on.
pub async fn task_due_index_contract(stores: Stores) {
    let tenant = tenant();
    let mut expected = Vec::new();
    for (i, deadline) in [Some(at(30)), Some(at(10)), None, Some(at(500)), Some(at(20))].into_iter().enumerate() {
        let mut record = task_record(tenant, &format!("d{i}"), None, t0());
        record.next_deadline = deadline;
        stores.tasks.insert(&record).await.unwrap();
        expected.push(record.task.id);
    }
    let due = stores.task_due.due(at(100), 10).await.unwrap();
    assert_eq!(due, vec![(tenant, expected[1]), (tenant, expected[4]), (tenant, expected[0])], "passed deadlines, earliest first");
    assert_eq!(stores.task_due.due(at(100), 2).await.unwrap().len(), 2);
    assert!(stores.task_due.due(at(5), 10).await.unwrap().is_empty());

    let id = TaskLocator::Id { tenant, task: expected[1] };
    stores
        .task_state
        .apply(
            &id,
            Arc::new(|r: &TaskRecord| {
                Some(TaskChange { state: r.state.clone(), next_deadline: Some(at(1000)), runs: vec![], ping: None, keep_pings: None })
            }),
        )
        .await
        .unwrap();
    let due: HashSet<_> = stores.task_due.due(at(100), 10).await.unwrap().into_iter().map(|(_, task)| task).collect();
    assert_eq!(due, HashSet::from([expected[0], expected[4]]));
}

/// Concurrent changes of one task never lose one another.
pub async fn concurrent_task_changes_contract(stores: Stores) {
    let tenant = tenant();
    let record = task_record(tenant, "busy", None, t0());
    stores.tasks.insert(&record).await.unwrap();
    let token = record.task.token;
    let writers = (0..40).map(|i| {
        let state = stores.task_state.clone();
        tokio::spawn(async move {
            let now = at(1 + i);
            state
                .apply(
                    &TaskLocator::Token(token),
                    Arc::new(move |r: &TaskRecord| Some(ping_change(r, PingKind::Success, None, StoredBody::None, now))),
                )
                .await
                .unwrap()
        })
    });
    for writer in writers {
        writer.await.unwrap().expect("found");
    }
    let stored = stores.tasks.get(tenant, record.task.id).await.unwrap().unwrap();
    assert_eq!(stored.state.pings, 40, "every ping counted once");
    assert_eq!(stored.state.version, 40);
    let pings = stores.task_history.list_pings(tenant, record.task.id, &PageRequest { cursor: None, limit: 100 }).await.unwrap();
    assert_eq!(pings.items.len(), 40);
}

/// A tenant keeps the first ping key it is given; keys map back to tenants through slugs.
pub async fn ping_keys_contract(stores: Stores) {
    let tenant = tenant();
    assert_eq!(stores.ping_keys.get(tenant).await.unwrap(), None);
    let first = PingKey::from_random([1; 16]);
    assert_eq!(stores.ping_keys.get_or_insert(tenant, &first).await.unwrap(), first);
    assert_eq!(stores.ping_keys.get_or_insert(tenant, &PingKey::from_random([2; 16])).await.unwrap(), first, "the first key stays");
    assert_eq!(stores.ping_keys.get(tenant).await.unwrap(), Some(first));
}

/// A change that keeps the newest N pings deletes the older ones, reports those whose bodies
/// are in the body store (which the caller deletes), and keeps every run with the end of its
/// log.
pub async fn ping_cap_contract(stores: Stores) {
    let tenant = tenant();
    let record = task_record(tenant, "loop", None, t0());
    let task = record.task.id;
    stores.tasks.insert(&record).await.unwrap();
    let locator = TaskLocator::Id { tenant, task };
    let cap = PingCap::new(4).unwrap();
    // Ids that sort in sending order, whatever the clock's resolution.
    let base = Uuid::now_v7().as_u128();
    let mut sent = Vec::new();
    for i in 0..13u64 {
        // Two pings a millisecond (a UUIDv7's first 48 bits), each run's id just after its ping's.
        let id = Uuid::from_u128(base + (u128::from(i / 2) << 80) + 2 * u128::from(i % 2));
        let run_id = RunId::from_uuid(Uuid::from_u128(id.as_u128() + 1));
        let id = PingId::from_uuid(id);
        let body = if i % 3 == 0 {
            stores.ping_bodies.put(tenant, task, id, b"a long log").await.unwrap();
            StoredBody::External { size: 10, received: 10, truncated: false }
        } else {
            StoredBody::None
        };
        let now = at(10 + i as i64);
        let applied = stores
            .task_state
            .apply(
                &locator,
                Arc::new(move |r: &TaskRecord| {
                    let mut change = ping_change(r, PingKind::Success, None, body.clone(), now);
                    // A run made by this ping alone, its id of the ping's millisecond as the ping
                    // path mints them (SQLite keeps such a run on the ping's row).
                    if let Some(ping) = change.ping.as_mut() {
                        ping.id = id;
                        ping.run_id = Some(run_id);
                    }
                    for run in &mut change.runs {
                        run.id = run_id;
                        run.finish_ping = Some(id);
                        run.log_tail = Some(format!("ok: {i} files"));
                    }
                    change.keep_pings = cap.prune_at(change.state.pings);
                    Some(change)
                }),
            )
            .await
            .unwrap()
            .expect("found");
        stores.ping_bodies.delete(tenant, task, &applied.pruned_bodies).await.unwrap();
        sent.push(id);
        let held = stores.task_history.list_pings(tenant, task, &PageRequest { cursor: None, limit: 100 }).await.unwrap().items;
        assert!(held.len() as u64 <= cap.most_held(), "ping {i}: {} held", held.len());
    }
    let held: Vec<PingId> = stores
        .task_history
        .list_pings(tenant, task, &PageRequest { cursor: None, limit: 100 })
        .await
        .unwrap()
        .items
        .iter()
        .map(|p| p.id)
        .collect();
    let newest: Vec<PingId> = sent.iter().rev().take(4).copied().collect();
    assert_eq!(held, newest, "the newest four, newest first");
    assert_eq!(stores.task_history.get_ping(tenant, task, sent[0]).await.unwrap(), None);
    for (i, id) in sent.iter().enumerate().filter(|(i, _)| i % 3 == 0) {
        let body = stores.ping_bodies.get(tenant, task, *id).await.unwrap();
        assert_eq!(body.is_some(), newest.contains(id), "the body of ping {i}");
    }
    let runs = stores.task_history.list_runs(tenant, task, &PageRequest { cursor: None, limit: 100 }).await.unwrap();
    assert_eq!(runs.items.len(), 13, "runs are not capped");
    let tails: Vec<Option<String>> = runs.items.iter().rev().map(|run| run.log_tail.clone()).collect();
    let expected: Vec<Option<String>> = (0..13).map(|i| Some(format!("ok: {i} files"))).collect();
    assert_eq!(tails, expected, "each run keeps the end of its log, its finishing ping pruned or not");
    let mut paged = Vec::new();
    let mut cursor = None;
    loop {
        let page = stores.task_history.list_runs(tenant, task, &PageRequest { cursor, limit: 3 }).await.unwrap();
        paged.extend(page.items);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, runs.items, "pages of three list the same runs, newest first, once each");
    assert!(runs.items.iter().all(|run| run.finish_ping.is_some() && run.finished_at().is_some()));
    assert_eq!(stores.tasks.get(tenant, task).await.unwrap().unwrap().state.pings, 13);
}

/// Bodies are stored, replaced, read per tenant and task, and deleted with their task.
pub async fn ping_body_store_contract(stores: Stores) {
    let (tenant, task) = (tenant(), TaskId::from_uuid(Uuid::now_v7()));
    let (one, two) = (PingId::from_uuid(Uuid::now_v7()), PingId::from_uuid(Uuid::now_v7()));
    let big = vec![b'x'; 150_000];
    stores.ping_bodies.put(tenant, task, one, &big).await.unwrap();
    stores.ping_bodies.put(tenant, task, two, b"first").await.unwrap();
    stores.ping_bodies.put(tenant, task, two, b"second").await.unwrap();
    assert_eq!(stores.ping_bodies.get(tenant, task, one).await.unwrap(), Some(big));
    assert_eq!(stores.ping_bodies.get(tenant, task, two).await.unwrap().as_deref(), Some(&b"second"[..]));
    assert_eq!(stores.ping_bodies.get(TenantId::from_uuid(Uuid::now_v7()), task, one).await.unwrap(), None);
    stores.ping_bodies.delete(tenant, task, &[two, PingId::from_uuid(Uuid::now_v7())]).await.unwrap();
    assert_eq!(stores.ping_bodies.get(tenant, task, two).await.unwrap(), None, "deleted one by one; a missing one is no error");
    assert!(stores.ping_bodies.get(tenant, task, one).await.unwrap().is_some());
    stores.ping_bodies.delete_task(tenant, task).await.unwrap();
    assert_eq!(stores.ping_bodies.get(tenant, task, one).await.unwrap(), None);
}
