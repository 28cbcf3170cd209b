#!/usr/bin/env python3
"""A soak of the release `vigil serve`: does its memory stay flat under checks and pings?

It runs `vigil-bench pings-server` (the release `vigil serve`) and the bench's target, makes
MONITORS HTTP monitors at a 30 s interval against the target and 1000 heartbeat tasks through the
API, then pings random tasks at a paced rate from 16 keep-alive connections for MINUTES. It
prints the server's RSS at the start and every 5 minutes. At the end it prints the pings
acknowledged against the tasks' stored counters (read through the API), the checks run and the
data directory's size. Standard library only.

    cargo build --release -p vigil-bench
    python3 bench/soak.py target/release/vigil-bench --minutes 30 --monitors 10000 --pings-per-second 500

docs/benchmarks.md ("A 30-minute soak") has the figures.
"""

import argparse
import http.client
import json
import os
import subprocess
import tempfile
import threading
import time

# The admin key `vigil-bench pings-server` creates.
KEY = "vk_benchmark_admin_key_0000000000000"
CONNECTIONS = 16
TASKS = 1000
REPORT_EVERY_S = 300


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bench", help="path of the release vigil-bench binary")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--monitors", type=int, default=10_000)
    parser.add_argument("--pings-per-second", type=int, default=500)
    parser.add_argument("--work", help="directory for the data (a temporary one by default)")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="vigil-soak-")
    os.makedirs(work, exist_ok=True)

    target = subprocess.Popen(
        [args.bench, "target", "--ca-file", f"{work}/ca.pem"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    # "ready http=<addr> https=<addr>"
    target_addr = target.stdout.readline().split()[1].split("=")[1]
    server = subprocess.Popen(
        [args.bench, "pings-server", "--data-dir", f"{work}/data"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(f"{work}/server.err", "w"),
        text=True,
    )
    while not (line := server.stdout.readline()).startswith("ready"):
        if not line:
            raise SystemExit(f"the server exited; see {work}/server.err")
    host, port = line.split()[1].rsplit(":", 1)
    port = int(port)

    def rss_mib():
        with open(f"/proc/{server.pid}/status") as status:
            return next(int(l.split()[1]) for l in status if l.startswith("VmRSS")) / 1024

    def cpu_seconds():
        with open(f"/proc/{server.pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def checks_completed():
        connection = http.client.HTTPConnection(host, port)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()
        return sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith("vigil_checks_completed_total"))

    api = http.client.HTTPConnection(host, port)

    def call(method, path, body=None):
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
        api.request(method, path, json.dumps(body) if body is not None else None, headers)
        reply = api.getresponse()
        text = reply.read()
        if reply.status >= 300:
            raise SystemExit(f"{method} {path}: {reply.status} {text[:300]!r}")
        return json.loads(text) if text else None

    log = open(f"{work}/soak.txt", "a")

    def say(message):
        print(message, flush=True)
        log.write(message + "\n")
        log.flush()

    say(f"data in {work}; RSS {rss_mib():.1f} MiB empty")
    started = time.time()
    for i in range(args.monitors):
        call("POST", "/v1/monitors", {"name": f"m{i}", "url": f"http://{target_addr}/", "interval_seconds": 30})
    say(f"{args.monitors} monitors made in {time.time() - started:.0f} s; RSS {rss_mib():.1f} MiB")
    tokens = [
        call("POST", "/v1/tasks", {"name": f"t{i}", "period_seconds": 3600, "grace_seconds": 3600})["ping_url"].rsplit("/", 1)[1]
        for i in range(TASKS)
    ]
    say(f"{TASKS} tasks made; RSS {rss_mib():.1f} MiB")

    stop = time.time() + args.minutes * 60
    acknowledged = [0] * CONNECTIONS
    failed = [0] * CONNECTIONS

    def ping(n):
        connection = http.client.HTTPConnection(host, port)
        per_connection = args.pings_per_second / CONNECTIONS
        first = time.time()
        sent = 0
        while time.time() < stop:
            # Paced, not closed-loop: the rate holds whatever the latency.
            wait = first + sent / per_connection - time.time()
            if wait > 0:
                time.sleep(wait)
            try:
                connection.request("GET", f"/ping/{tokens[(sent * CONNECTIONS + n) % TASKS]}")
                reply = connection.getresponse()
                reply.read()
                if reply.status == 200:
                    acknowledged[n] += 1
                else:
                    failed[n] += 1
            except OSError:
                failed[n] += 1
                connection = http.client.HTTPConnection(host, port)
            sent += 1

    pingers = [threading.Thread(target=ping, args=(n,)) for n in range(CONNECTIONS)]
    for pinger in pingers:
        pinger.start()
    start, cpu_start, checks_start = time.time(), cpu_seconds(), checks_completed()
    say(f"t=0 min: RSS {rss_mib():.1f} MiB")
    next_report = start + REPORT_EVERY_S
    while time.time() < stop:
        time.sleep(max(0, min(next_report, stop) - time.time()))
        if time.time() >= next_report - 0.5:
            elapsed = time.time() - start
            say(
                f"t={elapsed / 60:.0f} min: RSS {rss_mib():.1f} MiB, pings acknowledged {sum(acknowledged)}, "
                f"checks {checks_completed() - checks_start:.0f}, CPU {100 * (cpu_seconds() - cpu_start) / elapsed:.1f} % of a core"
            )
            next_report += REPORT_EVERY_S
    for pinger in pingers:
        pinger.join()
    elapsed = time.time() - start
    checks = checks_completed() - checks_start
    say(
        f"end t={elapsed / 60:.1f} min: RSS {rss_mib():.1f} MiB, pings acknowledged {sum(acknowledged)} "
        f"({sum(acknowledged) / elapsed:.0f}/s), failed {sum(failed)}, checks {checks:.0f} ({checks / elapsed:.0f}/s), "
        f"CPU {100 * (cpu_seconds() - cpu_start) / elapsed:.1f} % of a core"
    )
    stored, cursor = 0, None
    while True:
        page = call("GET", "/v1/tasks?limit=500" + (f"&cursor={cursor}" if cursor else ""))
        stored += sum(task["pings"] for task in page["items"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    verdict = "equal" if stored == sum(acknowledged) else "DIFFERENT"
    say(f"stored ping counters {stored} vs acknowledged {sum(acknowledged)}: {verdict}")
    size = subprocess.run(["du", "-sb", f"{work}/data"], capture_output=True, text=True).stdout.split()[0]
    say(f"data directory {int(size) / 1e6:.1f} MB")
    server.stdin.close()
    server.wait()
    target.stdin.close()
    target.wait()
    if verdict != "equal" or sum(failed):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
