"""Next fire times of cron expressions according to cronsim, Healthchecks' cron library.

Reads one JSON object per line on stdin: {"expr": "...", "tz": "Europe/Riga", "start": <Unix
seconds>, "ms": <milliseconds>, "n": <count>}. Writes one JSON object per line on stdout:
{"fires": [<Unix seconds>, ...]} (fewer than n when cronsim stops) or {"error": "..."}.

The start instant is converted to the zone the way Healthchecks does with a check's last ping
(`last_ping.astimezone(ZoneInfo(tz))`), so the fold of a repeated hour is set as there.
"""

import json
import signal
import sys
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from cronsim import CronSim, CronSimError


def fires(case):
    zone = ZoneInfo(case["tz"])
    start = datetime.fromtimestamp(case["start"], tz=timezone.utc)
    start = start.replace(microsecond=case["ms"] * 1000).astimezone(zone)
    try:
        it = CronSim(case["expr"], start)
    except CronSimError as error:
        return {"error": str(error)}
    out = []
    for _ in range(case["n"]):
        try:
            out.append(int(next(it).timestamp()))
        except StopIteration:
            break
    return {"fires": out}


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def main():
    signal.signal(signal.SIGALRM, on_alarm)
    for line in sys.stdin:
        if line.strip():
            case = json.loads(line)
            signal.alarm(2)
            try:
                answer = fires(case)
            except Timeout:
                sys.stderr.write("slow: %s\n" % line.strip())
                answer = {"timeout": True}
            signal.alarm(0)
            sys.stdout.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    main()
