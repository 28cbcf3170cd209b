//! The schema, as an ordered list of migrations; `PRAGMA user_version` records how many ran.
//!
//! Ids are 16-byte blobs and times are Unix milliseconds, which keeps the check history, by far
//! the largest table, compact.

use anyhow::Context;
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: tenants, monitors, check history, rollups, transitions.
    r#"
    CREATE TABLE tenants (
        id          BLOB PRIMARY KEY,
        name        TEXT NOT NULL,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE api_keys (
        id          BLOB PRIMARY KEY,
        tenant_id   BLOB NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        prefix      TEXT NOT NULL,
        hash        TEXT NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL
    );
    CREATE TABLE monitors (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        spec            TEXT NOT NULL,
        interval_s      INTEGER NOT NULL,
        revision        INTEGER NOT NULL,
        created_at      INTEGER NOT NULL,
        updated_at      INTEGER NOT NULL,
        status          TEXT NOT NULL,
        status_since    INTEGER NOT NULL,
        failure_streak  INTEGER NOT NULL,
        success_streak  INTEGER NOT NULL,
        health_version  INTEGER NOT NULL,
        next_due_at     INTEGER,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX monitors_by_creation ON monitors (tenant_id, created_at, id);
    CREATE INDEX monitors_due ON monitors (next_due_at) WHERE next_due_at IS NOT NULL;
    CREATE TABLE monitor_tags (
        tenant_id   BLOB NOT NULL,
        tag         TEXT NOT NULL,
        monitor_id  BLOB NOT NULL,
        PRIMARY KEY (tenant_id, tag, monitor_id)
    ) WITHOUT ROWID;
    CREATE TABLE check_results (
        tenant_id       BLOB NOT NULL,
        monitor_id      BLOB NOT NULL,
        planned_at      INTEGER NOT NULL,
        started_at      INTEGER NOT NULL,
        outcome         TEXT NOT NULL,
        status_code     INTEGER,
        total_us        INTEGER NOT NULL,
        dns_us          INTEGER,
        connect_us      INTEGER,
        tls_us          INTEGER,
        first_byte_us   INTEGER,
        response_bytes  INTEGER,
        body_truncated  INTEGER NOT NULL,
        cert_expires_at INTEGER,
        remote_ip       TEXT,
        detail          TEXT,
        PRIMARY KEY (tenant_id, monitor_id, planned_at)
    ) WITHOUT ROWID;
    CREATE INDEX check_results_by_age ON check_results (planned_at);
    CREATE TABLE check_rollups (
        tenant_id   BLOB NOT NULL,
        monitor_id  BLOB NOT NULL,
        hour        INTEGER NOT NULL,
        tally       TEXT NOT NULL,
        PRIMARY KEY (tenant_id, monitor_id, hour)
    ) WITHOUT ROWID;
    CREATE TABLE transitions (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant_id       BLOB NOT NULL,
        monitor_id      BLOB NOT NULL,
        at              INTEGER NOT NULL,
        check_planned_at INTEGER,
        body            TEXT NOT NULL
    );
    CREATE INDEX transitions_by_monitor ON transitions (tenant_id, monitor_id, seq);
    CREATE UNIQUE INDEX transitions_by_check ON transitions (tenant_id, monitor_id, check_planned_at)
        WHERE check_planned_at IS NOT NULL;
    "#,
    // 2: incidents, their timelines, notification channels, alert rules, maintenance windows,
    // mutes, deliveries with their attempts, escalation and reminder timers.
    r#"
    CREATE TABLE incidents (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        subject_kind    TEXT NOT NULL,
        subject_id      BLOB NOT NULL,
        status          TEXT NOT NULL,
        opened_at       INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    -- At most one ongoing incident per subject, whatever the writers do.
    CREATE UNIQUE INDEX incidents_one_ongoing ON incidents (tenant_id, subject_kind, subject_id)
        WHERE status <> 'resolved';
    CREATE INDEX incidents_by_opening ON incidents (tenant_id, opened_at, id);
    CREATE INDEX incidents_by_subject ON incidents (tenant_id, subject_kind, subject_id, opened_at, id);
    CREATE TABLE incident_timeline (
        tenant_id       BLOB NOT NULL,
        incident_id     BLOB NOT NULL,
        at              INTEGER NOT NULL,
        entry_id        BLOB NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, incident_id, at, entry_id)
    ) WITHOUT ROWID;
    CREATE TABLE channels (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        created_at      INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX channels_by_creation ON channels (tenant_id, created_at, id);
    CREATE TABLE alert_rules (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        created_at      INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE maintenance_windows (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        created_at      INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE mutes (
        tenant_id       BLOB NOT NULL,
        subject_kind    TEXT NOT NULL,
        subject_id      BLOB NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, subject_kind, subject_id)
    ) WITHOUT ROWID;
    CREATE TABLE deliveries (
        id              BLOB PRIMARY KEY,
        tenant_id       BLOB NOT NULL,
        incident_id     BLOB NOT NULL,
        -- One delivery per incident transition and channel, whatever the writers do.
        idempotency_key TEXT NOT NULL UNIQUE,
        status          TEXT NOT NULL,
        attempts        INTEGER NOT NULL,
        next_attempt_at INTEGER,
        created_at      INTEGER NOT NULL,
        body            TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
    CREATE INDEX deliveries_by_incident ON deliveries (tenant_id, incident_id, created_at);
    CREATE INDEX deliveries_failed ON deliveries (tenant_id, created_at, id) WHERE status = 'failed';
    CREATE TABLE delivery_attempts (
        delivery_id     BLOB NOT NULL,
        number          INTEGER NOT NULL,
        tenant_id       BLOB NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (delivery_id, number)
    ) WITHOUT ROWID;
    CREATE TABLE incident_timers (
        tenant_id       BLOB NOT NULL,
        incident_id     BLOB NOT NULL,
        rule_id         BLOB NOT NULL,
        slot            TEXT NOT NULL,
        due_at          INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, incident_id, rule_id, slot)
    ) WITHOUT ROWID;
    CREATE INDEX incident_timers_due ON incident_timers (due_at);
    "#,
    // 3: heartbeat tasks, their runs and pings, tenants' ping keys, large ping bodies.
    r#"
    CREATE TABLE tasks (
        tenant_id        BLOB NOT NULL,
        id               BLOB NOT NULL,
        token            BLOB NOT NULL,
        slug             TEXT,
        spec             TEXT NOT NULL,
        revision         INTEGER NOT NULL,
        created_at       INTEGER NOT NULL,
        updated_at       INTEGER NOT NULL,
        state            TEXT NOT NULL,
        state_version    INTEGER NOT NULL,
        next_deadline_at INTEGER,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX tasks_by_token ON tasks (token);
    CREATE UNIQUE INDEX tasks_by_slug ON tasks (tenant_id, slug) WHERE slug IS NOT NULL;
    CREATE INDEX tasks_by_creation ON tasks (tenant_id, created_at, id);
    CREATE INDEX tasks_due ON tasks (next_deadline_at) WHERE next_deadline_at IS NOT NULL;
    CREATE TABLE task_runs (
        tenant_id   BLOB NOT NULL,
        task_id     BLOB NOT NULL,
        id          BLOB NOT NULL,
        opened_at   INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, task_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX task_runs_by_age ON task_runs (opened_at);
    CREATE TABLE task_pings (
        tenant_id   BLOB NOT NULL,
        task_id     BLOB NOT NULL,
        id          BLOB NOT NULL,
        at          INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        exit_status INTEGER,
        rid         BLOB,
        run_id      BLOB,
        method      TEXT NOT NULL,
        body        BLOB,
        body_size   INTEGER NOT NULL,
        received    INTEGER NOT NULL,
        truncated   INTEGER NOT NULL,
        external    INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, task_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX task_pings_by_age ON task_pings (at);
    CREATE TABLE tenant_ping_keys (
        tenant_id   BLOB PRIMARY KEY,
        ping_key    TEXT NOT NULL UNIQUE
    ) WITHOUT ROWID;
    CREATE TABLE ping_bodies (
        tenant_id   BLOB NOT NULL,
        task_id     BLOB NOT NULL,
        ping_id     BLOB NOT NULL,
        body        BLOB NOT NULL,
        PRIMARY KEY (tenant_id, task_id, ping_id)
    ) WITHOUT ROWID;
    "#,
    // 4: people and organisations: organisation settings, scoped keys, users, memberships,
    // invitations, single-use tokens, browser sessions, refresh-token families, the audit log,
    // sign-in failures and server secrets.
    r#"
    ALTER TABLE tenants ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE api_keys ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin';
    ALTER TABLE api_keys ADD COLUMN created_by BLOB;
    ALTER TABLE api_keys ADD COLUMN service_ceiling TEXT NOT NULL DEFAULT 'owner';
    ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
    ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
    ALTER TABLE api_keys ADD COLUMN revoked_at INTEGER;
    CREATE INDEX api_keys_by_tenant ON api_keys (tenant_id, created_at);
    CREATE TABLE users (
        id          BLOB PRIMARY KEY,
        email       TEXT NOT NULL UNIQUE,
        version     INTEGER NOT NULL,
        body        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE memberships (
        tenant_id   BLOB NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        user_id     BLOB NOT NULL,
        role        TEXT NOT NULL,
        since       INTEGER NOT NULL,
        PRIMARY KEY (tenant_id, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX memberships_by_user ON memberships (user_id);
    CREATE TABLE invitations (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        token       TEXT NOT NULL UNIQUE,
        state       TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE one_time_tokens (
        hash        TEXT PRIMARY KEY,
        expires_at  INTEGER NOT NULL,
        body        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX one_time_tokens_by_expiry ON one_time_tokens (expires_at);
    CREATE TABLE sessions (
        hash        TEXT PRIMARY KEY,
        user_id     BLOB NOT NULL,
        body        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_by_user ON sessions (user_id);
    CREATE TABLE refresh_families (
        id          BLOB PRIMARY KEY,
        user_id     BLOB NOT NULL,
        generation  INTEGER NOT NULL,
        body        TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX refresh_families_by_user ON refresh_families (user_id);
    CREATE TABLE audit_log (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        at          INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX audit_log_by_time ON audit_log (tenant_id, at, id);
    CREATE TABLE sign_in_failures (
        key         TEXT NOT NULL,
        at          INTEGER NOT NULL
    );
    CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);
    CREATE TABLE server_secrets (
        name        TEXT PRIMARY KEY,
        secret      BLOB NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 5: hosts: enrolments, hosts with their progress beside the document (advanced by every batch
    // in the batch's own write), sample batches, minute and hour rollups, connection events,
    // rules (JSON documents), rules' states per host, the action history.
    r#"
    CREATE TABLE host_enrolments (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        token_digest    TEXT NOT NULL UNIQUE,
        created_at      INTEGER NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE hosts (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        enrolled_at     INTEGER NOT NULL,
        body            TEXT NOT NULL,
        acked_through   INTEGER,
        dropped_total   INTEGER NOT NULL DEFAULT 0,
        last_sample_at  INTEGER,
        last_seen_at    INTEGER,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX hosts_by_agent ON hosts (id);
    CREATE TABLE host_batches (
        tenant_id   BLOB NOT NULL,
        agent_id    BLOB NOT NULL,
        seq         INTEGER NOT NULL,
        first_at    INTEGER NOT NULL,
        last_at     INTEGER NOT NULL,
        samples     TEXT NOT NULL,
        PRIMARY KEY (tenant_id, agent_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX host_batches_by_time ON host_batches (tenant_id, agent_id, first_at);
    CREATE INDEX host_batches_by_age ON host_batches (first_at);
    CREATE TABLE host_rollups (
        tenant_id   BLOB NOT NULL,
        agent_id    BLOB NOT NULL,
        seconds     INTEGER NOT NULL,
        start       INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, agent_id, seconds, start)
    ) WITHOUT ROWID;
    CREATE INDEX host_rollups_by_age ON host_rollups (seconds, start);
    CREATE TABLE host_connections (
        tenant_id   BLOB NOT NULL,
        agent_id    BLOB NOT NULL,
        at          INTEGER NOT NULL,
        id          BLOB NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, agent_id, at, id)
    ) WITHOUT ROWID;
    CREATE INDEX host_connections_by_age ON host_connections (at);
    CREATE TABLE host_rules (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        created_at  INTEGER NOT NULL,
        host_id     BLOB,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX host_rules_by_host ON host_rules (tenant_id, host_id);
    CREATE TABLE host_watches (
        tenant_id   BLOB NOT NULL,
        agent_id    BLOB NOT NULL,
        rule_id     BLOB NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, agent_id, rule_id)
    ) WITHOUT ROWID;
    CREATE TABLE host_actions (
        tenant_id       BLOB NOT NULL,
        id              BLOB NOT NULL,
        agent_id        BLOB NOT NULL,
        requested_at    INTEGER NOT NULL,
        status          TEXT NOT NULL,
        body            TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX host_actions_by_id ON host_actions (id);
    CREATE INDEX host_actions_by_time ON host_actions (tenant_id, requested_at, id);
    CREATE INDEX host_actions_by_agent ON host_actions (tenant_id, agent_id, requested_at, id);
    "#,
    // 6: each monitor's history digest (its newest checks, its counts over the last day and
    // month), kept with every result so that a list of a thousand monitors reads one row each.
    // Monitors checked before this migration get theirs at their next check, and are digested
    // from their results and rollups when read before it.
    r#"
    CREATE TABLE check_digests (
        tenant_id   BLOB NOT NULL,
        monitor_id  BLOB NOT NULL,
        digest      BLOB NOT NULL,
        PRIMARY KEY (tenant_id, monitor_id)
    ) WITHOUT ROWID;
    "#,
    // 7: status pages (slug and domain unique across tenants), public incidents, subscribers (one
    // per address and page), badges (token unique across tenants) and page snapshots.
    r#"
    CREATE TABLE status_pages (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL UNIQUE,
        slug        TEXT NOT NULL UNIQUE,
        domain      TEXT UNIQUE,
        revision    INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE public_incidents (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        page_id     BLOB NOT NULL,
        revision    INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE INDEX public_incidents_by_page ON public_incidents (tenant_id, page_id, created_at, id);
    CREATE TABLE subscribers (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        page_id     BLOB NOT NULL,
        email       TEXT,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX subscribers_one_per_address ON subscribers (page_id, email) WHERE email IS NOT NULL;
    CREATE INDEX subscribers_by_page ON subscribers (tenant_id, page_id, created_at, id);
    CREATE TABLE badges (
        tenant_id   BLOB NOT NULL,
        id          BLOB NOT NULL,
        token       TEXT NOT NULL UNIQUE,
        created_at  INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, id)
    ) WITHOUT ROWID;
    CREATE TABLE status_snapshots (
        tenant_id   BLOB NOT NULL,
        page_id     BLOB NOT NULL,
        computed_at INTEGER NOT NULL,
        body        TEXT NOT NULL,
        PRIMARY KEY (tenant_id, page_id)
    ) WITHOUT ROWID;
    "#,
    // 8: compact heartbeat history. A run is columns, not a JSON document repeating its ids
    // (about a quarter of the bytes), and neither runs nor pings carry an index by age: their
    // ids are UUIDv7 minted on arrival, so pruning by age reads each task's key range.
    r#"
    CREATE TABLE task_runs_compact (
        tenant_id   BLOB NOT NULL,
        task_id     BLOB NOT NULL,
        id          BLOB NOT NULL,
        state       INTEGER NOT NULL,
        started_at  INTEGER,
        finished_at INTEGER,
        exit_status INTEGER,
        rid         BLOB,
        start_ping  BLOB,
        finish_ping BLOB,
        reason      TEXT,
        PRIMARY KEY (tenant_id, task_id, id)
    ) WITHOUT ROWID;
    INSERT INTO task_runs_compact
    SELECT tenant_id, task_id, id,
        CASE json_extract(body, '$.state.state') WHEN 'running' THEN 0 WHEN 'completed' THEN 1 ELSE 2 END,
        CAST(round(unixepoch(json_extract(body, '$.state.started_at'), 'subsec') * 1000) AS INTEGER),
        CAST(round(unixepoch(json_extract(body, '$.state.finished_at'), 'subsec') * 1000) AS INTEGER),
        json_extract(body, '$.state.exit_status'),
        unhex(replace(json_extract(body, '$.rid'), '-', '')),
        unhex(replace(json_extract(body, '$.start_ping'), '-', '')),
        unhex(replace(json_extract(body, '$.finish_ping'), '-', '')),
        json_extract(body, '$.state.reason')
    FROM task_runs;
    DROP TABLE task_runs;
    ALTER TABLE task_runs_compact RENAME TO task_runs;
    DROP INDEX task_pings_by_age;
    "#,
    // 9: heartbeat history keyed by its task alone. A task id is unique across tenants (ids are
    // minted at random; the index below makes it a rule, so two tenants' histories can never
    // share a key), so the tenant in each run's and ping's key was 16 bytes a row repeating what
    // the task row says; reads check the tenant against the task row instead.
    r#"
    CREATE UNIQUE INDEX tasks_by_id ON tasks (id);
    CREATE TABLE task_runs_by_task (
        task_id     BLOB NOT NULL,
        id          BLOB NOT NULL,
        state       INTEGER NOT NULL,
        started_at  INTEGER,
        finished_at INTEGER,
        exit_status INTEGER,
        rid         BLOB,
        start_ping  BLOB,
        finish_ping BLOB,
        reason      TEXT,
        PRIMARY KEY (task_id, id)
    ) WITHOUT ROWID;
    INSERT INTO task_runs_by_task
    SELECT task_id, id, state, started_at, finished_at, exit_status, rid, start_ping, finish_ping, reason FROM task_runs;
    DROP TABLE task_runs;
    ALTER TABLE task_runs_by_task RENAME TO task_runs;
    CREATE TABLE task_pings_by_task (
        task_id     BLOB NOT NULL,
        id          BLOB NOT NULL,
        at          INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        exit_status INTEGER,
        rid         BLOB,
        run_id      BLOB,
        method      TEXT NOT NULL,
        body        BLOB,
        body_size   INTEGER NOT NULL,
        received    INTEGER NOT NULL,
        truncated   INTEGER NOT NULL,
        external    INTEGER NOT NULL,
        PRIMARY KEY (task_id, id)
    ) WITHOUT ROWID;
    INSERT INTO task_pings_by_task
    SELECT task_id, id, at, kind, exit_status, rid, run_id, method, body, body_size, received, truncated, external FROM task_pings;
    DROP TABLE task_pings;
    ALTER TABLE task_pings_by_task RENAME TO task_pings;
    "#,
    // 10: a run keeps the end of its finishing ping's body, which the per-task cap on pings may
    // delete long before the run goes. Runs stored before keep reading it from the ping.
    r#"
    ALTER TABLE task_runs ADD COLUMN log_tail TEXT;
    "#,
    // 11: a run made by one ping alone rides on that ping's row until the cap prunes the ping
    // (see task_runs.rs): its state, exit status, failure reason and log's end, all NULL for a
    // ping that carries no run. Runs stored before keep their rows.
    r#"
    ALTER TABLE task_pings ADD COLUMN run_state INTEGER;
    ALTER TABLE task_pings ADD COLUMN run_exit_status INTEGER;
    ALTER TABLE task_pings ADD COLUMN run_reason TEXT;
    ALTER TABLE task_pings ADD COLUMN run_log_tail TEXT;
    "#,
    // 12: the tally of the hour a monitor's checks are being counted in rides on its digest row
    // (see rollups.rs) and moves to `check_rollups` when the next hour's first check comes. The
    // rows of hours stored before stay, and merge with the open tally of the same hour.
    r#"
    ALTER TABLE check_digests ADD COLUMN open_hour INTEGER;
    ALTER TABLE check_digests ADD COLUMN open_tally BLOB;
    "#,
    // 13: each monitor's next planned check in a narrow table of its own. Every claim advanced
    // it on the monitor's row, whose spec makes it wide: a claim of a few hundred monitors
    // rewrote as many leaves of `monitors`, and now rewrites a few dozen of this table's.
    r#"
    CREATE TABLE check_schedule (
        tenant_id   BLOB NOT NULL,
        monitor_id  BLOB NOT NULL,
        next_due_at INTEGER,
        PRIMARY KEY (tenant_id, monitor_id)
    ) WITHOUT ROWID;
    INSERT INTO check_schedule (tenant_id, monitor_id, next_due_at) SELECT tenant_id, id, next_due_at FROM monitors;
    CREATE INDEX check_schedule_due ON check_schedule (next_due_at) WHERE next_due_at IS NOT NULL;
    DROP INDEX monitors_due;
    ALTER TABLE monitors DROP COLUMN next_due_at;
    "#,
    // 14: results are pruned monitor by monitor through the primary key (see retention.rs), so
    // no index by age is kept up to date at every check.
    r#"
    DROP INDEX check_results_by_age;
    "#,
    // 15: each monitor's digest row moves into `check_results`, after every result of its
    // monitor (see digests.rs), so that a check writes one leaf for both.
    r#"
    ALTER TABLE check_results ADD COLUMN digest BLOB;
    ALTER TABLE check_results ADD COLUMN open_hour INTEGER;
    ALTER TABLE check_results ADD COLUMN open_tally BLOB;
    INSERT INTO check_results (tenant_id, monitor_id, planned_at, started_at, outcome, total_us, body_truncated, digest,
        open_hour, open_tally)
    SELECT tenant_id, monitor_id, 9223372036854775807, 0, 'digest', 0, 0, digest, open_hour, open_tally FROM check_digests;
    DROP TABLE check_digests;
    "#,
    // 16: the last slot each monitor's latest claim handed out, so that a start can hand back
    // the claims a stopped process never ran (see interrupted.rs).
    r#"
    ALTER TABLE check_schedule ADD COLUMN claimed_slot INTEGER;
    "#,
];

/// The schema version this build writes: how many migrations it knows.
pub(crate) fn latest_version() -> usize {
    MIGRATIONS.len()
}

/// Brings the database up to the latest schema, one transaction per migration.
pub(crate) fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let applied = conn.pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))? as usize;
    if applied > MIGRATIONS.len() {
        anyhow::bail!(
            "the database was written by a newer Vigil (schema {applied}, this build knows {}); refusing to open it",
            MIGRATIONS.len()
        );
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql).with_context(|| format!("applying migration {}", index + 1))?;
        tx.pragma_update(None, "user_version", (index + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
