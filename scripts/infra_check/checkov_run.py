"""Checkov over infra/, from its own virtualenv (.venv/checkov, see requirements-checkov.txt)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SKIP = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


@dataclass
class Result:
    version: str = "?"
    passed: int = 0
    skipped: int = 0
    failed: list[str] = field(default_factory=list)
    skip_ids: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


def unjustified_skips(infra: Path) -> list[str]:
    """Every skip must say why, on its own line next to the resource."""
    found = []
    for tf in sorted(infra.rglob("*.tf")):
        for number, line in enumerate(tf.read_text().splitlines(), 1):
            match = SKIP.search(line)
            if match and len((match.group(2) or "").strip()) < 15:
                found.append(f"{tf}:{number}: checkov:skip={match.group(1)} without a reason")
    return found


def run(repo: Path) -> Result:
    result = Result()
    checkov = repo / ".venv/checkov/bin/checkov"
    if not checkov.exists():
        result.problems.append(f"{checkov} is missing: run ./scripts/install-test-tools")
        return result
    # No API key: checkov then runs its bundled checks offline, with no severities.
    env = {k: v for k, v in os.environ.items() if k not in ("BC_API_KEY", "PRISMA_API_URL")}
    env["CHECKOV_RUN_SCA_PACKAGE_SCAN_V2"] = "false"
    completed = subprocess.run(
        [str(checkov), "--directory", str(repo / "infra"), "--framework", "terraform", "--output", "json",
         "--compact", "--skip-download", "--download-external-modules", "false"],
        capture_output=True, text=True, env=env, cwd=repo,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-3:]
        result.problems.append("checkov did not produce a report: " + " | ".join(tail))
        return result
    reports = report if isinstance(report, list) else [report]
    for part in reports:
        summary = part.get("summary", {})
        result.version = summary.get("checkov_version", result.version)
        result.passed += summary.get("passed", 0)
        result.skipped += summary.get("skipped", 0)
        if summary.get("parsing_errors"):
            result.problems.append(f"checkov could not parse {summary['parsing_errors']} file(s)")
        for check in part.get("results", {}).get("skipped_checks", []):
            result.skip_ids.add(check["check_id"])
        # Every failure counts: without an API key checkov reports no severity to filter on.
        for check in part.get("results", {}).get("failed_checks", []):
            severity = check.get("severity") or "severity unknown"
            lines = "-".join(str(n) for n in check.get("file_line_range", []))
            result.failed.append(
                f"{check['check_id']} ({severity}) {check['resource']} at {check['file_path']}:{lines}: {check['check_name']}"
            )
    result.problems += unjustified_skips(repo / "infra")
    return result
