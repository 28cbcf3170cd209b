#!/usr/bin/env python3
"""How many pages a stored check writes to SQLite's log, for four layouts of a monitor's rows.

The same workload for each: MONITORS monitors checked in a steady round, each check claimed in
one commit (the scheduler's claim, GROUP monitors at a time, advancing each one's next planned
time) and stored in another (GROUP results at a time, as the writer groups patient results),
each result updating its monitor's digest and the tally of its hour. After a warm-up that gives
every monitor a history of results, it counts the frames appended to the write-ahead log
(checkpoints off) and which table or index each one is (`dbstat`).

- schema11: the due time on the monitor's row, the open hour's tally in `check_rollups`
  (rewritten at every check), the digest in `check_digests` (what `vigil serve` did before
  schema 12);
- schema13: the open hour's tally on the digest row, the due time in `check_schedule`;
- schema14: as schema13, without the index of results by age (pruning goes monitor by monitor);
- schema15: as schema14, with the digest row kept in `check_results` after its monitor's
  newest result, on the same leaf (what `vigil serve` does since schema 15).

Python's own time is in the CPU figure; compare the pages. Standard library only.

    python3 bench/check_pages.py              # all four
    python3 bench/check_pages.py schema14     # one

docs/benchmarks.md ("A check rewrites two rows of its monitor") has the figures.
"""

import os
import random
import time
import uuid

from log_frames import open_uncheckpointed, replay

MONITORS, GROUP, HISTORY, ROUNDS = 4000, 80, 40, 30
SPEC = ('{"name":"shop %d","url":"https://shop-%d.example.com/health","method":"GET","interval_seconds":30,'
        '"timeout_ms":10000,"assertions":[{"kind":"status","op":"lt","value":400}],"headers":[],"tags":["prod"],'
        '"thresholds":{"down_after":1,"up_after":1},"follow_redirects":true,"verify_tls":true,"body_cap":65536}')
MONITORS_TABLE = '''CREATE TABLE monitors (tenant_id BLOB NOT NULL, id BLOB NOT NULL, spec TEXT NOT NULL,
  interval_s INTEGER NOT NULL, revision INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  status TEXT NOT NULL, status_since INTEGER NOT NULL, failure_streak INTEGER NOT NULL, success_streak INTEGER NOT NULL,
  health_version INTEGER NOT NULL{due}, PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;
CREATE INDEX monitors_by_creation ON monitors (tenant_id, created_at, id);'''
RESULTS = '''CREATE TABLE check_results (tenant_id BLOB NOT NULL, monitor_id BLOB NOT NULL, planned_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL, outcome TEXT NOT NULL, status_code INTEGER, total_us INTEGER NOT NULL, dns_us INTEGER,
  connect_us INTEGER, tls_us INTEGER, first_byte_us INTEGER, response_bytes INTEGER, body_truncated INTEGER NOT NULL,
  cert_expires_at INTEGER, remote_ip TEXT, detail TEXT{extra}, PRIMARY KEY (tenant_id, monitor_id, planned_at)) WITHOUT ROWID;
{age}
CREATE TABLE check_rollups (tenant_id BLOB NOT NULL, monitor_id BLOB NOT NULL, hour INTEGER NOT NULL, tally TEXT NOT NULL,
  PRIMARY KEY (tenant_id, monitor_id, hour)) WITHOUT ROWID;'''
DIGESTS = '''CREATE TABLE check_digests (tenant_id BLOB NOT NULL, monitor_id BLOB NOT NULL, digest BLOB NOT NULL{extra},
  PRIMARY KEY (tenant_id, monitor_id)) WITHOUT ROWID;'''
SCHEDULE = '''CREATE TABLE check_schedule (tenant_id BLOB NOT NULL, monitor_id BLOB NOT NULL, next_due_at INTEGER,
  PRIMARY KEY (tenant_id, monitor_id)) WITHOUT ROWID;
CREATE INDEX check_schedule_due ON check_schedule (next_due_at) WHERE next_due_at IS NOT NULL;'''
AGE = 'CREATE INDEX check_results_by_age ON check_results (planned_at);'
SCHEMAS = {
    'schema11': MONITORS_TABLE.format(due=', next_due_at INTEGER') + '''
        CREATE INDEX monitors_due ON monitors (next_due_at) WHERE next_due_at IS NOT NULL;''' + RESULTS.format(extra='', age=AGE)
        + DIGESTS.format(extra=''),
    'schema13': MONITORS_TABLE.format(due='') + SCHEDULE + RESULTS.format(extra='', age=AGE) + DIGESTS.format(
        extra=', open_hour INTEGER, open_tally BLOB'),
    'schema14': MONITORS_TABLE.format(due='') + SCHEDULE + RESULTS.format(extra='', age='') + DIGESTS.format(
        extra=', open_hour INTEGER, open_tally BLOB'),
    'schema15': MONITORS_TABLE.format(due='') + SCHEDULE + RESULTS.format(
        extra=', digest BLOB, open_hour INTEGER, open_tally BLOB', age=''),
}
DIGEST_KEY = 2**63 - 1
TALLY_JSON = ('{"up":%d,"down":0,"errors":0,"latency":{"count":%d,"sum_us":%d,"min_us":40211,"max_us":2981533,'
              '"buckets":{' + ','.join(f'"{b}":{b % 7 + 1}' for b in range(380, 420)) + '}},"phases":{"dns":{"count":%d,'
              '"sum_us":%d},"connect":{"count":%d,"sum_us":%d},"first_byte":{"count":%d,"sum_us":%d}}}')


class Workload:
    def __init__(self, layout, path):
        self.layout, self.path = layout, path
        self.db = open_uncheckpointed(path, SCHEMAS[layout])
        self.tenant = uuid.uuid4().bytes
        self.monitors = [uuid.uuid4().bytes for _ in range(MONITORS)]
        self.checks = [0] * MONITORS
        self.clock = 1_767_225_600_000
        self.db.execute('BEGIN')
        for i, monitor in enumerate(self.monitors):
            self.db.execute(f'INSERT INTO monitors VALUES (?, ?, ?, 30, 1, 0, 0, \'up\', 0, 0, 0, 1{", ?" if layout == "schema11" else ""})',
                            (self.tenant, monitor, SPEC % (i, i)) + ((i,) if layout == 'schema11' else ()))
            if layout != 'schema11':
                self.db.execute('INSERT INTO check_schedule VALUES (?, ?, ?)', (self.tenant, monitor, i))
        self.db.execute('COMMIT')

    def claim(self, ks):
        for k in ks:
            due = self.clock + 30_000 + k
            if self.layout == 'schema11':
                self.db.execute('UPDATE monitors SET next_due_at = ? WHERE tenant_id = ? AND id = ?', (due, self.tenant, self.monitors[k]))
            else:
                self.db.execute('UPDATE check_schedule SET next_due_at = ? WHERE tenant_id = ? AND monitor_id = ?',
                                (due, self.tenant, self.monitors[k]))

    def check(self, k, planned):
        db, monitor = self.db, self.monitors[k]
        self.checks[k] += 1
        n = self.checks[k]
        hour = planned // 3_600_000 * 3_600_000
        extra = ', NULL, NULL, NULL' if self.layout == 'schema15' else ''
        db.execute(f"INSERT INTO check_results VALUES (?, ?, ?, ?, 'up', 200, ?, 900, 300, NULL, ?, 2, 0, NULL, '127.0.0.1', NULL{extra})",
                   (self.tenant, monitor, planned, planned + 3, random.randrange(40_000, 3_000_000), random.randrange(20_000, 900_000)))
        digest = os.urandom(680)
        tally = os.urandom(60 + n % 120)
        if self.layout == 'schema11':
            db.execute('INSERT INTO check_rollups VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET tally = excluded.tally',
                       (self.tenant, monitor, hour, TALLY_JSON % ((n,) * 9)))
            db.execute('INSERT INTO check_digests VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET digest = excluded.digest',
                       (self.tenant, monitor, digest))
            return
        if n % 120 == 0:
            db.execute('INSERT INTO check_rollups VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET tally = excluded.tally',
                       (self.tenant, monitor, hour - 3_600_000, TALLY_JSON % ((n,) * 9)))
        if self.layout != 'schema15':
            db.execute('INSERT INTO check_digests VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET digest = excluded.digest, '
                       'open_hour = excluded.open_hour, open_tally = excluded.open_tally', (self.tenant, monitor, digest, hour, tally))
        else:
            db.execute("INSERT INTO check_results (tenant_id, monitor_id, planned_at, started_at, outcome, total_us, body_truncated, "
                       "digest, open_hour, open_tally) VALUES (?, ?, ?, 0, 'digest', 0, 0, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                       "digest = excluded.digest, open_hour = excluded.open_hour, open_tally = excluded.open_tally",
                       (self.tenant, monitor, DIGEST_KEY, digest, hour, tally))

    def round(self, order):
        """One round: every monitor claimed and checked once, GROUP at a time."""
        for start in range(0, len(order), GROUP):
            ks = order[start:start + GROUP]
            self.clock += 600  # GROUP checks in 0.6 s: 4,000 monitors every 30 s
            self.db.execute('BEGIN')
            self.claim(ks)
            self.db.execute('COMMIT')
            self.db.execute('BEGIN')
            for i, k in enumerate(ks):
                self.check(k, self.clock + i * 7)
            self.db.execute('COMMIT')

    def run(self, rounds, rng):
        self.db.execute('PRAGMA wal_checkpoint(TRUNCATE)')
        started = time.process_time()
        for _ in range(rounds):
            order = list(range(MONITORS))
            rng.shuffle(order)
            self.round(order)
        return time.process_time() - started


if __name__ == '__main__':
    replay(SCHEMAS, Workload, HISTORY, ROUNDS, ROUNDS * MONITORS, 'check')
