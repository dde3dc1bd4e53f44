"""Kill -9 during report writes: a child writes notes into a real SQLite report store; the parent
SIGKILLs it at random (seeded) moments and, after every kill, reopens the store and checks it.

Checked after each kill:
- `PRAGMA integrity_check` is "ok";
- every version of every report reads back through `ReportStore.get` (its sha256 verifies and the
  note parses);
- versions are contiguous (1..current, none beyond the current one);
- every version has the audit row that created it, every signature its sign row, and the report
  row agrees with its current version (no operation half-applied);
- the audit trail is append-only (every row seen before is still there, unchanged);
- every version the child reported as signed (through its fsynced journal) is byte-identical:
  content, sha256, signer and time; and every signed version the parent has seen stays so;
- every exported Markdown file equals its stored version rendered again (no torn exports).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from .kill_child import STATE_SIZE, read_state

DEFAULT_KILLS = 100
WRITE_PHASES = ("opening store", "create", "edit", "sign", "amend", "export audit", "finishing earlier drafts")
READY_TIMEOUT_S = 120.0
MAX_CHILD_ERRORS = 5  # a child that dies on its own this often is a bug to report, not to retry


def _read_journal(path: Path) -> list[dict]:
    """Complete lines only: a kill can cut the last line short."""
    records = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return records


class StoreAuditor:
    """What the parent remembers between kills, and the checks it runs after each one."""

    def __init__(self, store_path: Path, exports: Path):
        self.store_path = store_path
        self.exports = exports
        self.audit_rows: dict[int, tuple] = {}
        self.signed_seen: dict[tuple[str, int], tuple] = {}
        self.read_back: set[tuple[str, int]] = set()  # versions already read through `get`
        self.exports_checked: set[str] = set()
        self.all_exports = False  # exports are written once, atomically: re-reading all is for the end

    def check(self, journal: list[dict], full: bool = True) -> list[str]:
        """Every version's checksum is recomputed from the raw rows, and every version is read back
        through `ReportStore.get` (one connection each, ~1.5 ms); with `full=False` only versions not
        read before are (a cheaper sweep for long runs). Exports: new ones each time, all when `full`."""
        from reports.store import ReportStore, sha256_text

        problems: list[str] = []
        store = ReportStore(self.store_path)  # reopening runs recovery, as the app would
        status = store.integrity_check()
        if status != "ok":
            problems.append(f"integrity_check: {status}")
        with sqlite3.connect(f"file:{self.store_path}?mode=ro", uri=True) as conn:
            reports = conn.execute("SELECT id, status, current_version, signed_by, signed_at FROM reports").fetchall()
            versions = conn.execute("SELECT report_id, version, kind, content, sha256, signed_by, signed_at "
                                    "FROM report_versions").fetchall()
            audit = conn.execute("SELECT id, report_id, version, action, actor, at, changes, detail FROM audit "
                                 "ORDER BY id").fetchall()
        by_report: dict[str, list[tuple]] = {}
        for row in versions:
            by_report.setdefault(row[0], []).append(row)
        audit_actions = Counter((a[1], a[2], a[3]) for a in audit)
        for rid, status_, current, signed_by, signed_at in reports:
            rows = sorted(by_report.get(rid, []), key=lambda r: r[1])
            numbers = [r[1] for r in rows]
            if numbers != list(range(1, current + 1)):
                problems.append(f"{rid}: versions {numbers} are not 1..{current}")
            for _, version, kind, content, sha, by, at in rows:
                if sha256_text(content) != sha:
                    problems.append(f"{rid} v{version}: content does not match its sha256")
                if full or (rid, version) not in self.read_back:
                    try:
                        store.get(rid, version)
                        self.read_back.add((rid, version))
                    except Exception as err:  # noqa: BLE001 - any failure to read back is a finding
                        problems.append(f"{rid} v{version}: get failed: {type(err).__name__}: {err}")
                if audit_actions[(rid, version, kind)] != 1:
                    problems.append(f"{rid} v{version}: {audit_actions[(rid, version, kind)]} '{kind}' audit rows")
                if at is not None and audit_actions[(rid, version, "sign")] != 1:
                    problems.append(f"{rid} v{version}: signed but {audit_actions[(rid, version, 'sign')]} sign rows")
                if at is None and audit_actions[(rid, version, "sign")]:
                    problems.append(f"{rid} v{version}: a sign audit row for an unsigned version")
                key = (rid, version)
                if at is not None:
                    now = (content, sha, by, at)
                    if key in self.signed_seen and self.signed_seen[key] != now:
                        problems.append(f"{rid} v{version}: signed version changed since the last check")
                    self.signed_seen[key] = now
                elif key in self.signed_seen:
                    problems.append(f"{rid} v{version}: lost its signature")
            current_row = rows[-1] if rows else None
            if current_row and (status_ == "signed") != (current_row[6] is not None):
                problems.append(f"{rid}: report status {status_!r} disagrees with version {current_row[1]}")
            if current_row and status_ == "signed" and (signed_by, signed_at) != (current_row[5], current_row[6]):
                problems.append(f"{rid}: report signature differs from its current version's")
        for row in audit:
            earlier = self.audit_rows.get(row[0])
            if earlier is not None and earlier != tuple(row):
                problems.append(f"audit row {row[0]} changed")
        missing = set(self.audit_rows) - {row[0] for row in audit}
        if missing:
            problems.append(f"audit rows {sorted(missing)[:5]} disappeared")
        self.audit_rows.update({row[0]: tuple(row) for row in audit})
        stored = {(r[0], r[1]): r for r in versions}
        for record in journal:
            row = stored.get((record["report_id"], record["version"]))
            now = (row[3], row[4], row[5], row[6]) if row else None
            if now != (record["content"], record["sha256"], record["signed_by"], record["signed_at"]):
                problems.append(f"{record['report_id']} v{record['version']}: differs from what was signed "
                                f"({'missing' if row is None else 'changed'})")
        problems += self._check_exports(store, full and self.all_exports)
        return problems

    def _check_exports(self, store, full: bool) -> list[str]:
        """Exports are written once (atomically); new ones are compared each time, all when `full`."""
        from reports.render import render_markdown

        problems = []
        for path in sorted(self.exports.glob("rpt-*.md")):
            if not full and path.name in self.exports_checked:
                continue
            self.exports_checked.add(path.name)
            rid, _, version = path.stem.rpartition("-v")
            try:
                note, _ = store.get(rid, int(version))
            except Exception as err:  # noqa: BLE001
                problems.append(f"export {path.name}: its version cannot be read ({err})")
                continue
            expected = render_markdown(note, f"Report {rid}, version {version}").encode("utf-8")
            if path.read_bytes() != expected:
                problems.append(f"export {path.name}: differs from its stored version")
        return problems


def run_kill(kills: int = DEFAULT_KILLS, master_seed: int = 0, folder: Path | None = None,
             max_delay_s: tuple[float, ...] = (0.05, 0.3, 1.0, 2.0), full_every: int = 1,
             progress: bool = True) -> dict[str, Any]:
    """`full_every`: read every version back through `get` after every Nth kill (1: after each kill,
    the reported setting; new versions are always read) and after the last."""
    from encoders.log import progress_bar

    rng = random.Random(master_seed)
    own_folder = folder is None
    folder = Path(folder or tempfile.mkdtemp(prefix="eegreason-kill-"))
    folder.mkdir(parents=True, exist_ok=True)
    store_path, journal_path, state_path = folder / "reports.sqlite3", folder / "signed.jsonl", folder / "state"
    exports = folder / "exports"
    exports.mkdir(exist_ok=True)
    auditor = StoreAuditor(store_path, exports)
    phases: Counter = Counter()
    transactions: Counter = Counter()
    problems_by_kill: list[dict] = []
    child_errors: list[str] = []
    delays = []
    start = time.perf_counter()
    bar = progress_bar(total=kills, enabled=progress, desc="kill -9", unit="kill")
    done = 0
    while done < kills:
        state_path.write_bytes(b"\xff" * STATE_SIZE)  # "not started" until the child writes
        command = [sys.executable, "-m", "bench.reliability.kill_child", str(store_path), str(journal_path),
                   str(state_path), str(exports), str(rng.randrange(2**31))]
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 env={**os.environ, "PYTHONPATH": _pythonpath()})
        try:
            ready = time.perf_counter() + READY_TIMEOUT_S
            # Clock starts once the child has imported the store (its start-up is not what is tested).
            while (phase := read_state(state_path)[0]) == "importing" or phase.startswith("unknown"):
                if child.poll() is not None:
                    break
                if time.perf_counter() > ready:
                    raise RuntimeError("the writing child never started")
                time.sleep(0.005)
            delay = rng.uniform(0, rng.choice(max_delay_s))
            time.sleep(delay)
            if child.poll() is not None:
                child_errors.append(child.stderr.read().decode(errors="replace")[-2000:])
                if len(child_errors) >= MAX_CHILD_ERRORS:
                    break
                continue
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait(timeout=30)
            child.stderr.close()
        phase, transaction, _ = read_state(state_path)
        phases[phase] += 1
        transactions[transaction] += 1
        delays.append(delay)
        try:
            last = done + 1 == kills
            auditor.all_exports = last
            problems = auditor.check(_read_journal(journal_path), full=last or (done + 1) % full_every == 0)
        except Exception as err:  # noqa: BLE001 - a store that cannot even be checked is the worst finding
            problems = [f"store could not be reopened and checked: {type(err).__name__}: {err}"]
        if problems:
            problems_by_kill.append({"kill": done + 1, "phase": phase, "problems": problems[:20]})
        done += 1
        bar.update(1)
    bar.close()
    wall = time.perf_counter() - start
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        n_reports = conn.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        n_versions = conn.execute("SELECT COUNT(*) FROM report_versions").fetchone()[0]
        n_signed = conn.execute("SELECT COUNT(*) FROM report_versions WHERE signed_at IS NOT NULL").fetchone()[0]
        n_audit = conn.execute("SELECT COUNT(*) FROM audit").fetchone()[0]
    journal = _read_journal(journal_path)
    n_exports, n_parts = len(list(exports.glob("rpt-*.md"))), len(list(exports.glob(".*.part")))
    keep = not own_folder or bool(problems_by_kill or child_errors)
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "kills": done,
        "kills_inside_a_store_write": sum(phases[p] for p in WRITE_PHASES),
        "kills_with_a_write_transaction_open": transactions["write open"] + transactions["committing"],
        "kills_by_phase": dict(phases.most_common()),
        "kills_by_transaction_state": dict(transactions.most_common()),
        "corrupt_databases": sum(any(p.startswith(("integrity_check", "store could not")) for p in k["problems"])
                                 for k in problems_by_kill),
        "kills_with_problems": len(problems_by_kill),
        "problems": problems_by_kill[:20],
        "signed_versions_journaled": len(journal),
        "signed_versions_changed": sum(any("differs from what was signed" in p or "signed version changed" in p
                                           for p in k["problems"]) for k in problems_by_kill),
        "reports": n_reports, "versions": n_versions, "signed_versions": n_signed, "audit_rows": n_audit,
        "exports": n_exports,
        "export_temp_files_left": n_parts,  # a kill inside export_markdown leaves its temporary file
        "child_errors": child_errors[:5],
        "delay_s": {"max": round(max(delays), 3) if delays else None,
                    "mean": round(sum(delays) / len(delays), 3) if delays else None},
        "wall_s": round(wall, 1),
        "master_seed": master_seed,
        "get_every_version_every_n_kills": full_every,
        "folder": str(folder) if keep else None,  # kept when something failed, for inspection
    }


def _pythonpath() -> str:
    """The child imports this checkout's packages, whatever the caller's working directory."""
    root = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join([root, *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))])
