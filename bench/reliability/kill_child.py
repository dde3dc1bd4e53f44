"""The process the kill check SIGKILLs: it writes notes into a real report store as fast as it can.

    python -m bench.reliability.kill_child STORE JOURNAL STATE EXPORTS SEED

Loop: create a note → edit → sign → edit again (an amendment of the signed version) → sign →
export as Markdown (file + audit row). It first signs any draft an earlier, killed child left.
After each sign it appends the signed version's stored row (content, sha256, signer, time) to
JOURNAL and fsyncs, so the parent knows what was committed as signed before its kill. STATE is a
small memory-mapped file where the child marks which operation it is in; the parent reads it after
the kill to know whether the kill landed inside a store write.
"""

from __future__ import annotations

import json
import mmap
import os
import random
import sqlite3
import struct
import sys
import time
from contextlib import contextmanager
from pathlib import Path

PHASES = ("idle", "importing", "opening store", "create", "edit", "sign", "amend", "export file",
          "export audit", "journal", "finishing earlier drafts")
TRANSACTION = ("none", "read", "write open", "committing", "rolling back")
STATE_FORMAT = "<iiq"  # phase index, transaction state, operations completed
STATE_SIZE = struct.calcsize(STATE_FORMAT)
# What the note's editable fields become, in turn (ordinary clinical text; no prescriptions).
EDITS = ("Reviewed the recording; artefacts in the last minute.", "Patient reported feeling calm.",
         "Repeat recording advised if symptoms persist.", "Findings consistent with the self-report.")


class State:
    def __init__(self, path: Path):
        self.handle = open(path, "r+b")
        self.map = mmap.mmap(self.handle.fileno(), STATE_SIZE)
        self.phase, self.transaction, self.done = 0, 0, 0

    def _write(self) -> None:
        # The page cache outlives the process: what was written here before a SIGKILL is what the
        # parent reads afterwards (no fsync needed, the machine does not crash).
        self.map[:STATE_SIZE] = struct.pack(STATE_FORMAT, self.phase, self.transaction, self.done)

    def set(self, phase: str) -> None:
        self.phase = PHASES.index(phase)
        self._write()

    def finished(self) -> None:
        self.done += 1
        self.set("idle")

    def sql(self, statement: str) -> None:
        """sqlite3's trace callback: called with each statement before SQLite runs it."""
        head = statement.lstrip()[:16].upper()
        if head.startswith("BEGIN IMMEDIATE"):
            self.transaction = TRANSACTION.index("write open")
        elif head.startswith("BEGIN"):
            self.transaction = TRANSACTION.index("read")
        elif head.startswith("COMMIT"):
            self.transaction = TRANSACTION.index("committing") if self.transaction != 1 else 1
        elif head.startswith("ROLLBACK"):
            self.transaction = TRANSACTION.index("rolling back")
        else:
            return
        self._write()

    def closed(self) -> None:
        self.transaction = 0
        self._write()


def read_state(path: Path) -> tuple[str, str, int]:
    """(phase, transaction state, operations completed) as the child last wrote them."""
    phase, transaction, done = struct.unpack(STATE_FORMAT, Path(path).read_bytes()[:STATE_SIZE])
    return (PHASES[phase] if 0 <= phase < len(PHASES) else f"unknown {phase}",
            TRANSACTION[transaction] if 0 <= transaction < len(TRANSACTION) else "unknown", done)


def observe_transactions(store_class, state: State) -> None:
    """Let the store's connections report BEGIN/COMMIT to `state` (sqlite3's trace callback), so
    the parent knows whether a kill landed with a write transaction open. Observation only: the
    store's own code runs unchanged."""
    original = store_class._connection

    @contextmanager
    def traced(self):
        with original(self) as conn:
            conn.set_trace_callback(state.sql)
            try:
                yield conn
            finally:
                state.closed()

    store_class._connection = traced


def sample_note():
    from encoders.evidence import Evidence, Finding
    from prompts.answer_format import parse_answer
    from reports.draft import draft_note

    band_z = {"frontal": {"delta": 0.1, "theta": -0.4, "alpha": 1.37, "beta": -1.12, "gamma": 0.2}}
    findings = [Finding("quality", "good", 0.9), Finding("faa", "left", 0.21)]
    findings += [Finding(f"band:frontal:{b}", "elevated" if z >= 1 else "reduced" if z <= -1 else "typical", z)
                 for b, z in band_z["frontal"].items()]
    evidence = Evidence(version="evidence-v1", synthetic=True, duration_s=60.0, n_channels=19, quality_grade="good",
                        quality_reasons=["54 of 60 s usable"], usable_seconds=54.0, total_seconds=60.0,
                        bad_channels=[], faa=0.21, faa_direction="left", band_z=band_z,
                        reference="generic adult reference", findings=findings)
    answer = parse_answer("Reasoning: Frontal alpha asymmetry favours the left.\nAnswer: happy\nConfidence: 0.6")
    return draft_note(evidence, {"recording_id": "rec-00000000000000ff", "file_format": "EDF",
                                 "sampling_rate_hz": 200.0}, answer, "kill-check")


def signed_row(store_path: Path, report_id: str, version: int) -> dict:
    with sqlite3.connect(f"file:{store_path}?mode=ro", uri=True) as conn:
        content, sha, by, at = conn.execute(
            "SELECT content, sha256, signed_by, signed_at FROM report_versions WHERE report_id = ? AND version = ?",
            (report_id, version)).fetchone()
    return {"report_id": report_id, "version": version, "content": content, "sha256": sha, "signed_by": by,
            "signed_at": at}


def journal(handle, state: State, record: dict) -> None:
    state.set("journal")
    handle.write(json.dumps(record) + "\n")
    handle.flush()
    os.fsync(handle.fileno())


def main(argv: list[str]) -> None:
    store_path, journal_path, state_path, exports = map(Path, argv[:4])
    rng = random.Random(int(argv[4]))
    state = State(state_path)
    state.set("importing")
    from reports.export import export_markdown, file_sha256
    from reports.store import ReportStore

    note = sample_note()  # drafting imports the evidence code: start-up too, not what is tested
    observe_transactions(ReportStore, state)
    pause = rng.choice([0.0, 0.0, 0.001, 0.005])  # this child's pace: back to back, or a little air
    state.set("opening store")
    store = ReportStore(store_path)
    state.finished()
    with open(journal_path, "a", encoding="utf-8") as log:
        state.set("finishing earlier drafts")
        for summary in store.list_reports():
            if summary.status != "signed":
                store.sign(summary.report_id, summary.current_version, "Dr Finisher")
                journal(log, state, signed_row(store_path, summary.report_id, summary.current_version))
        state.finished()
        turn = 0
        while True:
            turn += 1
            state.set("create")
            rid = store.create(note, "Dr Author")
            state.finished()
            state.set("edit")
            version = store.edit(rid, 1, {"clinician_comments": EDITS[turn % len(EDITS)]}, "Dr Author")
            state.finished()
            state.set("sign")
            store.sign(rid, version, "Dr Signer")
            journal(log, state, signed_row(store_path, rid, version))
            state.finished()
            state.set("amend")
            version = store.edit(rid, version, {"findings_text": EDITS[(turn + 1) % len(EDITS)]}, "Dr Author",
                                 comment="amendment")
            state.finished()
            state.set("sign")
            store.sign(rid, version, "Dr Signer")
            journal(log, state, signed_row(store_path, rid, version))
            state.finished()
            state.set("export file")
            stored, _ = store.get(rid, version)
            path = export_markdown(stored, exports / f"{rid}-v{version}.md",
                                   reference=f"Report {rid}, version {version}")
            state.set("export audit")
            store.record_export(rid, version, "markdown", "Dr Exporter", file_sha256(path))
            state.finished()
            if pause:
                time.sleep(rng.uniform(0, pause))


if __name__ == "__main__":
    main(sys.argv[1:])
