#!/usr/bin/env python3
"""How many pages a heartbeat ping writes to SQLite's log, for four layouts of the history.

The same workload for each: TASKS tasks, commits of GROUP pings on random tasks (as the writer
groups them under `vigil-bench pings`), each ping a plain success that makes a run of its own,
and the per-task cap deleting what lies beyond the newest 100 pings at every tenth ping of a
task. After a warm-up that brings every task to its cap, it counts the frames appended to the
write-ahead log (checkpoints off) and which table and kind of page each one is (`dbstat`).

- schema10: runs and pings each in a table keyed (task, id), the task's state in its row;
- schema11: as schema10, but a run made by one ping alone rides on the ping's row until the
  cap prunes the ping (what `vigil serve` does since schema 11);
- timekeyed: runs and pings keyed by id (time) alone, each with an index by (task, id);
- colocated: pings, runs and the task's state in one table keyed (task, id), deadlines in a
  table of their own.

Python's own time is in the CPU figure; compare the pages. Standard library only.

    python3 bench/ping_pages.py            # all four
    python3 bench/ping_pages.py schema11   # one

docs/benchmarks.md ("A run rides on its ping") has the figures.
"""

import os
import time
import uuid

from log_frames import open_uncheckpointed, replay

TASKS, GROUP, WARM_GROUPS, GROUPS, KEPT = 1000, 64, 1600, 1500, 100
SPEC = ('{"name":"backup job %d","slug":"backup-%d","schedule":{"kind":"period","period_seconds":3600},'
        '"grace_seconds":600,"tags":[]}')
STATE = ('{"paused":false,"last_finish":{"at":"2026-12-06T07:56:23.656Z","run":"01a24a5a-a2e8-717a-9836-65c9fbcf18c7",'
         '"failure":null},"open_runs":[],"reported":{"status":"up","since":"2026-12-06T07:56:23.623Z",'
         '"reason":"the last run succeeded"},"pings":%d,"version":%d}')
TASKS_TABLE = '''CREATE TABLE tasks (tenant_id BLOB NOT NULL, id BLOB NOT NULL, token BLOB NOT NULL, slug TEXT,
  spec TEXT NOT NULL, revision INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, state TEXT,
  state_version INTEGER NOT NULL, next_deadline_at INTEGER, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
CREATE UNIQUE INDEX tasks_by_token ON tasks (token);
CREATE UNIQUE INDEX tasks_by_id ON tasks (id);
'''
DUE_INDEX = 'CREATE INDEX tasks_due ON tasks (next_deadline_at) WHERE next_deadline_at IS NOT NULL;'
PING_COLUMNS = '''task_id BLOB NOT NULL, id BLOB NOT NULL, at INTEGER NOT NULL, kind TEXT NOT NULL, exit_status INTEGER,
  rid BLOB, run_id BLOB, method TEXT NOT NULL, body BLOB, body_size INTEGER NOT NULL, received INTEGER NOT NULL,
  truncated INTEGER NOT NULL, external INTEGER NOT NULL'''
RUN_COLUMNS = '''task_id BLOB NOT NULL, id BLOB NOT NULL, state INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER,
  exit_status INTEGER, rid BLOB, start_ping BLOB, finish_ping BLOB, reason TEXT, log_tail TEXT'''
RIDING = 'run_state INTEGER, run_exit_status INTEGER, run_reason TEXT, run_log_tail TEXT'
HISTORY = f'''CREATE TABLE history ({PING_COLUMNS}, row_kind INTEGER NOT NULL, state INTEGER, finished_at INTEGER,
  finish_ping BLOB, reason TEXT, PRIMARY KEY (task_id, id, row_kind)) WITHOUT ROWID;'''
STATE_ID = b'\xff' * 16

SCHEMAS = {
    'schema10': TASKS_TABLE + DUE_INDEX + f'''
        CREATE TABLE task_pings ({PING_COLUMNS}, PRIMARY KEY (task_id, id)) WITHOUT ROWID;
        CREATE TABLE task_runs ({RUN_COLUMNS}, PRIMARY KEY (task_id, id)) WITHOUT ROWID;''',
    'schema11': TASKS_TABLE + DUE_INDEX + f'''
        CREATE TABLE task_pings ({PING_COLUMNS}, {RIDING}, PRIMARY KEY (task_id, id)) WITHOUT ROWID;
        CREATE TABLE task_runs ({RUN_COLUMNS}, PRIMARY KEY (task_id, id)) WITHOUT ROWID;''',
    'timekeyed': TASKS_TABLE + DUE_INDEX + f'''
        CREATE TABLE task_pings ({PING_COLUMNS}, PRIMARY KEY (id)) WITHOUT ROWID;
        CREATE INDEX task_pings_by_task ON task_pings (task_id, id);
        CREATE TABLE task_runs ({RUN_COLUMNS}, PRIMARY KEY (id)) WITHOUT ROWID;
        CREATE INDEX task_runs_by_task ON task_runs (task_id, id);''',
    'colocated': TASKS_TABLE + HISTORY + '''
        CREATE TABLE task_deadlines (at INTEGER NOT NULL, task_id BLOB NOT NULL, PRIMARY KEY (at, task_id)) WITHOUT ROWID;''',
}


class Workload:
    def __init__(self, layout, path):
        self.layout, self.path = layout, path
        self.db = open_uncheckpointed(path, SCHEMAS[layout])
        self.tenant = uuid.uuid4().bytes
        self.tasks = [uuid.uuid4().bytes for _ in range(TASKS)]
        self.pings = [0] * TASKS
        self.deadline = {}
        self.clock = 1_700_000_000_000
        self.db.execute('BEGIN')
        for i, task in enumerate(self.tasks):
            colocated = layout == 'colocated'
            self.db.execute('INSERT INTO tasks VALUES (?, ?, ?, ?, ?, 1, 0, 0, ?, 0, ?)',
                            (self.tenant, task, uuid.uuid4().bytes, f'backup-{i}', SPEC % (i, i),
                             None if colocated else STATE % (0, 0), None if colocated else 1000 + i))
            if colocated:
                self.db.execute("INSERT INTO history (task_id, id, row_kind, at, kind, method, body_size, received, truncated, "
                                "external, reason) VALUES (?, ?, 9, 0, 'state', '', 0, 0, 0, 0, ?)", (task, STATE_ID, STATE % (0, 0)))
                self.db.execute('INSERT INTO task_deadlines VALUES (?, ?)', (1000 + i, task))
            self.deadline[task] = 1000 + i
        self.db.execute('COMMIT')

    def new_id(self):
        """A UUIDv7-like id: the millisecond first, so that ids sort by arrival."""
        self.clock += 1
        return self.clock.to_bytes(6, 'big') + os.urandom(10)

    def ping(self, k):
        db, task = self.db, self.tasks[k]
        self.pings[k] += 1
        n = self.pings[k]
        ping, run, now = self.new_id(), self.new_id(), self.clock
        deadline = now + 4_200_000
        prune = n > KEPT and n % (KEPT // 10) == 0
        if self.layout == 'colocated':
            db.execute('UPDATE history SET reason = ? WHERE task_id = ? AND id = ? AND row_kind = 9', (STATE % (n, n), task, STATE_ID))
            db.execute('DELETE FROM task_deadlines WHERE at = ? AND task_id = ?', (self.deadline[task], task))
            db.execute('INSERT INTO task_deadlines VALUES (?, ?)', (deadline, task))
            db.execute("INSERT INTO history (task_id, id, row_kind, at, kind, run_id, method, body_size, received, truncated, "
                       "external) VALUES (?, ?, 0, ?, 'success', ?, 'POST', 0, 0, 0, 0)", (task, ping, now, run))
            db.execute("INSERT INTO history (task_id, id, row_kind, at, kind, state, finished_at, finish_ping, method, body_size, "
                       "received, truncated, external) VALUES (?, ?, 1, ?, '', 1, ?, ?, '', 0, 0, 0, 0)", (task, run, now, now, ping))
            if prune:
                oldest = db.execute('SELECT id FROM history WHERE task_id = ? AND row_kind = 0 ORDER BY id DESC LIMIT 1 OFFSET ?',
                                    (task, KEPT - 1)).fetchone()[0]
                db.execute('DELETE FROM history WHERE task_id = ? AND row_kind = 0 AND id < ?', (task, oldest))
        else:
            db.execute('UPDATE tasks SET state = ?, state_version = ?, next_deadline_at = ? WHERE tenant_id = ? AND id = ?',
                       (STATE % (n, n), n, deadline, self.tenant, task))
            riding = self.layout == 'schema11'
            db.execute(f"INSERT INTO task_pings VALUES (?, ?, ?, 'success', NULL, NULL, ?, 'POST', NULL, 0, 0, 0, 0"
                       f"{', 1, NULL, NULL, NULL' if riding else ''})", (task, ping, now, run))
            if not riding:
                db.execute('INSERT INTO task_runs VALUES (?, ?, 1, NULL, ?, NULL, NULL, NULL, ?, NULL, NULL)', (task, run, now, ping))
            if prune:
                oldest = db.execute('SELECT id FROM task_pings WHERE task_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?',
                                    (task, KEPT - 1)).fetchone()[0]
                if riding:
                    db.execute('INSERT INTO task_runs SELECT task_id, run_id, run_state, NULL, at, run_exit_status, rid, NULL, id, '
                               'run_reason, run_log_tail FROM task_pings WHERE task_id = ? AND id < ? AND run_state IS NOT NULL',
                               (task, oldest))
                db.execute('DELETE FROM task_pings WHERE task_id = ? AND id < ?', (task, oldest))
        self.deadline[task] = deadline

    def run(self, groups, rng):
        self.db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        started = time.process_time()
        for _ in range(groups):
            self.db.execute('BEGIN')
            for _ in range(GROUP):
                self.ping(rng.randrange(TASKS))
            self.db.execute('COMMIT')
        return time.process_time() - started


if __name__ == '__main__':
    replay(SCHEMAS, Workload, WARM_GROUPS, GROUPS, GROUPS * GROUP, 'ping')
