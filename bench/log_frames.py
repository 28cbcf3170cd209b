"""What the replays of bench/ (ping_pages.py, check_pages.py) share: opening a database whose
write-ahead log is never checkpointed, counting the frames appended to it by the table and kind
of page each one is, and printing a layout's figures. Standard library only."""

import collections
import os
import random
import sqlite3
import struct
import sys
import tempfile

PAGE = 4096


def open_uncheckpointed(path, script):
    """A connection to a new database at `path` made by `script`, its log kept whole."""
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ('journal_mode=WAL', 'synchronous=OFF', 'wal_autocheckpoint=0', 'cache_size=-65536'):
        db.execute(f'PRAGMA {pragma}')
    db.executescript(script)
    return db


def frames_by_page_kind(db, path):
    """The frames in the log of the database at `path`, by table (or index) and kind of page."""
    owner = {pageno: f'{name} {kind}' for name, pageno, kind in db.execute('SELECT name, pageno, pagetype FROM dbstat')}
    counts = collections.Counter()
    with open(path + '-wal', 'rb') as wal:
        wal.read(32)
        while len(header := wal.read(24)) == 24:
            counts[owner.get(struct.unpack('>I', header[:4])[0], 'freed')] += 1
            wal.seek(PAGE, 1)
    return counts


def replay(schemas, workload, warm_up, measured, items, what):
    """For each layout named on the command line (all of `schemas` if none): a `workload` on a
    new database, `run` for `warm_up` then for `measured` (returning its CPU seconds), and the
    log pages each of its `items` appended, by part."""
    for layout in sys.argv[1:] or list(schemas):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'replay.db')
            run = workload(layout, path)
            rng = random.Random(7)
            random.seed(7)
            run.run(warm_up, rng)
            cpu = run.run(measured, rng)
            report(layout, frames_by_page_kind(run.db, path), items, what, cpu)


def report(layout, counts, items, what, cpu):
    """Prints a layout's log pages per item, and the six largest parts."""
    print(f'{layout}: {sum(counts.values()) / items:.2f} log pages per {what} '
          f'({cpu / items * 1e6:.0f} us of CPU per {what}, Python included)')
    for part, frames in counts.most_common(6):
        print(f'    {part}: {frames / items:.2f}')
