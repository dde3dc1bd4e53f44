"""The evidence property test at a reported size: `tests/test_evidence_property.py` run with
EEGREASON_PROPERTY_EXAMPLES=N in its own pytest process, and Hypothesis's statistics read back (how
many generated recordings passed, and its events: channel counts, grades, reference schemes,
recordings whose non-finite features were left out)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/test_evidence_property.py"
# "5 passing, 0 failing, and 0 invalid test cases" (older Hypothesis: "5 passing examples, 0 failing examples")
_EXAMPLES = re.compile(r"(\d+) passing(?: examples?)?, (\d+) failing(?: examples?)?,?(?: and)? (\d+) invalid")
_EVENT = re.compile(r"^\s*\*\s*([\d.]+)%,\s*(.+?)\s*$")


def parse_statistics(output: str) -> dict:
    """Passing/failing/invalid example counts and each event's share, summed over Hypothesis's
    phases (the generate phase holds nearly all of them)."""
    passing = failing = invalid = 0
    events: dict[str, float] = {}
    for match in _EXAMPLES.finditer(output):
        passing += int(match.group(1))
        failing += int(match.group(2))
        invalid += int(match.group(3) or 0)
    in_events = False
    for line in output.splitlines():
        if line.strip().startswith("- Events"):
            in_events = True
            continue
        event = _EVENT.match(line) if in_events else None
        if event:
            events[event.group(2)] = max(events.get(event.group(2), 0.0), float(event.group(1)))
        elif in_events and line.strip() and not line.strip().startswith("*"):
            in_events = False
    counts = {name: round(share / 100 * passing) for name, share in events.items()}
    return {"passing": passing, "failing": failing, "invalid": invalid, "events": counts}


def run_property(examples: int) -> dict:
    env = {**os.environ, "EEGREASON_PROPERTY_EXAMPLES": str(examples), "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "pytest", TEST, "-q", "-p", "no:cacheprovider",
                           "--hypothesis-show-statistics"], cwd=ROOT, env=env, capture_output=True, text=True)
    result = parse_statistics(proc.stdout)
    result.update(examples=examples, exit_code=proc.returncode, passed=proc.returncode == 0,
                  wall_s=round(time.monotonic() - start, 1))
    if proc.returncode != 0:
        result["tail"] = proc.stdout[-3000:]
    return result
