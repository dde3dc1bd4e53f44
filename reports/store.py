"""SQLite store for draft medical-record notes: versions, sign-off, and an append-only audit trail.

Why it is built this way:

- Every operation is one transaction (`BEGIN IMMEDIATE`, WAL journal, `synchronous=FULL`): a process
  killed in the middle of a save leaves the previous committed state, never half a version.
- Versions are never rewritten. Each edit adds a version with the full note as JSON and its sha256
  (checked on every read). Signing stamps the signer on the current version; after that the
  version is immutable (enforced by triggers, not only by this code), and a later edit creates an
  "amended draft" version that needs signing again.
- Edits are optimistic: the caller says which version it edited; if someone saved in between, the
  edit is refused with who changed it and when, instead of silently overwriting their work.
- The model's reasoning is never edited like free text: a reviewer strikes a sentence or corrects the
  reasoning (checked again), each a new version like any edit. A version whose reasoning still has a
  failing claim is signed only with an explicit acknowledgement, stored with the signature (a column
  SQLite lets be set only together with it) and in the audit trail.
- The audit table is append-only and records who did what to which version, with field-level
  old/new values for edits.
- Logs carry report ids, versions and actions only; never note text or people's names.
- The schema is versioned and migrated in place when a store is opened (`reports.schema`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from encoders.errors import ReportError, UnresolvedClaimsError
from encoders.log import get_logger
from encoders.paths import home
from .claims import sentence_of_claim
from .edits import FieldChange, apply_edits, correct_reasoning, strike_sentence
from .text_checks import check_note_text
from .note import EDITABLE_FIELDS, MedicalRecordNote, utc_now
from .schema import prepare_schema

log = get_logger(__name__)

# What a change to a note gives: the new note, its field-level diff, and details for the audit trail.
Change = tuple[MedicalRecordNote, list[FieldChange], dict[str, Any]]

DEFAULT_FILENAME = "reports.sqlite3"
EXPORT_FORMATS = ("markdown", "pdf")
MAX_NAME_CHARS = 200



@dataclass
class ReportSummary:
    report_id: str
    recording_id: str
    status: str  # draft | signed
    current_version: int
    created_at: str
    updated_at: str
    signed_by: str | None
    signed_at: str | None


@dataclass
class VersionMeta:
    report_id: str
    recording_id: str
    version: int
    current_version: int
    report_status: str  # the report's status (of its current version)
    kind: str  # create | edit | amend
    author: str
    created_at: str
    comment: str
    sha256: str
    signed_by: str | None
    signed_at: str | None

    @property
    def is_current(self) -> bool:
        return self.version == self.current_version

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AuditEntry:
    at: str
    actor: str
    action: str  # create | edit | sign | amend | export
    version: int
    changes: list[dict[str, Any]]  # field-level: {"field", "old", "new"}
    detail: dict[str, Any]


def content_json(note: MedicalRecordNote) -> str:
    """Canonical JSON (sorted keys, no spaces) so the sha256 is reproducible."""
    return json.dumps(note.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unresolved_message(report_id: str, version: int, unresolved: list[dict[str, Any]]) -> str:
    """The one sentence that refuses to sign: how many claims fail, which, and how to proceed."""
    one = len(unresolved) == 1
    numbers = ", ".join(str(c["number"]) for c in unresolved)
    return (f"Version {version} of report {report_id} cannot be signed yet: {len(unresolved)} "
            f"claim{'' if one else 's'} in the model's reasoning {'fails' if one else 'fail'} against the measured "
            f"evidence (claim{'' if one else 's'} {numbers}); strike or correct {'it' if one else 'them'}, or sign "
            f"again acknowledging {'it' if one else 'them'} (--acknowledge-failing-claims on the command line, "
            f"the acknowledgement box in the app).")


def required_name(value: Any, role: str) -> str:
    """Every change is attributed to a named person: names are non-empty, one line, bounded."""
    name = " ".join(str(value or "").split())
    if not name:
        raise ReportError(f"Enter the {role}'s name; every change to a note is attributed to a named person.")
    if len(name) > MAX_NAME_CHARS:
        raise ReportError(f"The {role}'s name is longer than {MAX_NAME_CHARS} characters; shorten it.")
    return name


class ReportStore:
    """Notes, their versions and audit trail in one SQLite file (default: `$EEGREASON_HOME/reports.sqlite3`).

    Each call opens its own connection, so one store object serves any number of threads.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else home() / DEFAULT_FILENAME
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            # Notes are sensitive: the file (and SQLite's -wal/-shm, which copy its mode) is owner-only.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with self._connection() as conn:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise ReportError(f"The report store at {self.path} cannot use write-ahead logging (got {mode}); "
                                  f"put it on a local disk.")
        with self._transaction() as conn:
            prepare_schema(conn, self.path)

    # ---- connections and transactions ----
    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        except sqlite3.Error as err:
            raise ReportError(f"The report store at {self.path} cannot be opened ({err}); check the path "
                              f"and its permissions.") from err
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it commits, or none of it (also if the process dies)."""
        with self._connection() as conn:
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.OperationalError as err:
                raise ReportError(f"The report store is busy ({err}); try again in a moment.") from err
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as err:
                conn.execute("ROLLBACK")
                raise ReportError(f"The report store could not save ({err}); nothing was changed, try again.") \
                    from err

    # ---- reading rows ----
    @staticmethod
    def _report_row(conn: sqlite3.Connection, report_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM reports WHERE id = ?", (str(report_id),)).fetchone()
        if row is None:
            raise ReportError(f"There is no report {report_id!r} in this store; check the id or list the reports.")
        return row

    @staticmethod
    def _version_row(conn: sqlite3.Connection, report_id: str, version: int) -> sqlite3.Row:
        row = conn.execute("SELECT * FROM report_versions WHERE report_id = ? AND version = ?",
                           (report_id, int(version))).fetchone()
        if row is None:
            raise ReportError(f"Report {report_id} has no version {version}; pick one from its history.")
        return row

    @staticmethod
    def _note(row: sqlite3.Row) -> MedicalRecordNote:
        """The stored note, checksum verified, with the version's signature (if any) applied."""
        if sha256_text(row["content"]) != row["sha256"]:
            raise ReportError(f"Version {row['version']} of report {row['report_id']} does not match its checksum; "
                              f"the store was altered outside eegreason, so restore it from a backup.")
        note = MedicalRecordNote.from_dict(json.loads(row["content"]))
        if row["signed_at"]:
            acknowledged = json.loads(row["claims_acknowledged"]) if row["claims_acknowledged"] else None
            note = replace(note, status="signed", signed_by=row["signed_by"], signed_at=row["signed_at"],
                           acknowledged_claims=acknowledged)
        return note

    @staticmethod
    def _meta(report: sqlite3.Row, row: sqlite3.Row) -> VersionMeta:
        return VersionMeta(report["id"], report["recording_id"], row["version"], report["current_version"],
                           report["status"], row["kind"], row["author"], row["created_at"], row["comment"],
                           row["sha256"], row["signed_by"], row["signed_at"])

    @staticmethod
    def _audit(conn: sqlite3.Connection, report_id: str, version: int, action: str, actor: str, at: str,
               changes: list[dict[str, Any]] | None = None, detail: dict[str, Any] | None = None) -> None:
        conn.execute("INSERT INTO audit (report_id, version, action, actor, at, changes, detail) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (report_id, version, action, actor, at, json.dumps(changes or [], ensure_ascii=False),
                      json.dumps(detail or {}, ensure_ascii=False)))

    # ---- operations ----
    def create(self, note: MedicalRecordNote, author: str) -> str:
        """Store a new note as version 1 of a new report; returns the report id."""
        author = required_name(author, "author")
        note = replace(note, status="draft", signed_by=None, signed_at=None, acknowledged_claims=None)
        for name in EDITABLE_FIELDS:
            value = getattr(note, name)
            check_note_text(note, "\n".join(value) if isinstance(value, list) else value)
        content = content_json(note)
        report_id = "rpt-" + uuid.uuid4().hex[:12]
        at = utc_now()
        with self._transaction() as conn:
            conn.execute("INSERT INTO reports (id, recording_id, status, current_version, created_at, updated_at) "
                         "VALUES (?, ?, 'draft', 1, ?, ?)", (report_id, note.recording.recording_id, at, at))
            conn.execute("INSERT INTO report_versions (report_id, version, kind, content, sha256, author, "
                         "created_at, comment) VALUES (?, 1, 'create', ?, ?, ?, ?, '')",
                         (report_id, content, sha256_text(content), author, at))
            self._audit(conn, report_id, 1, "create", author, at,
                        detail={"schema": note.schema_version, "recording_id": note.recording.recording_id})
        log.info("report %s: created version 1", report_id)
        return report_id

    def get(self, report_id: str, version: int | None = None) -> tuple[MedicalRecordNote, VersionMeta]:
        """A version of a note (default: the current one) and its metadata."""
        with self._transaction(write=False) as conn:
            report = self._report_row(conn, report_id)
            row = self._version_row(conn, report["id"], report["current_version"] if version is None else version)
            return self._note(row), self._meta(report, row)

    def edit(self, report_id: str, base_version: int, changes: dict[str, Any], author: str,
             comment: str = "") -> int:
        """Apply `changes` (editable fields only) on top of `base_version`, which must be current;
        returns the new version. Editing a signed version starts an amended draft."""

        def change(note: MedicalRecordNote, at: str) -> Change:
            edited, diffs = apply_edits(note, changes)
            return edited, diffs, {}

        return self._save(report_id, base_version, author, comment, change)

    def strike(self, report_id: str, base_version: int, author: str, *, sentence: int | None = None,
               claim: int | None = None, comment: str = "") -> int:
        """Strike one sentence of the model's reasoning (numbered from 1), or the sentence a claim
        (numbered from 1, as in the claims table) was read from; the sentence stays in the note,
        marked struck by `author`. Returns the new version."""
        if (sentence is None) == (claim is None):
            raise ReportError("Say which sentence of the reasoning to strike, or which claim's sentence, "
                              "but not both.")

        def change(note: MedicalRecordNote, at: str) -> Change:
            number = int(sentence) if sentence is not None else \
                sentence_of_claim(note.reasoning_review, int(claim))
            return strike_sentence(note, number, author, at)

        return self._save(report_id, base_version, author, comment, change)

    def correct_reasoning(self, report_id: str, base_version: int, text: str, author: str,
                          comment: str = "") -> int:
        """Replace the model's reasoning with the reviewer's `text`, checked again against the note's
        evidence; the earlier wording stays in the earlier versions. Returns the new version."""
        return self._save(report_id, base_version, author, comment,
                          lambda note, at: correct_reasoning(note, text, author, at))

    def _save(self, report_id: str, base_version: int, author: str, comment: str,
              change: Callable[[MedicalRecordNote, str], Change]) -> int:
        """The one path of every change to a note: `change(current note, time)` gives the new note,
        its field-level diff and audit details; it is stored as a new version on top of
        `base_version`, which must be current."""
        author = required_name(author, "author")
        comment = " ".join(str(comment or "").split())[:1000]
        with self._transaction() as conn:
            report = self._report_row(conn, report_id)
            current = report["current_version"]
            if int(base_version) != current:
                self._version_row(conn, report["id"], base_version)  # a version that never existed: say so
                latest = conn.execute("SELECT actor, at FROM audit WHERE report_id = ? AND version > ? AND "
                                      "action IN ('edit', 'amend') ORDER BY id DESC LIMIT 1",
                                      (report["id"], int(base_version))).fetchone()
                who, when = (latest["actor"], latest["at"]) if latest else ("another user", report["updated_at"])
                raise ReportError(f"Report {report['id']} was changed by {who} at {when} (now version {current}, "
                                  f"your edit started from version {base_version}); reload it and apply your edit "
                                  f"again.")
            row = self._version_row(conn, report["id"], current)
            note = self._note(row)
            check_note_text(note, comment)
            amend = row["signed_at"] is not None
            at = utc_now()
            edited, diffs, detail = change(note, at)
            if not diffs:
                raise ReportError(f"The edit changes nothing in version {current} of report {report['id']}; "
                                  f"change a field and save again.")
            status = "amended draft" if amend or note.status == "amended draft" else "draft"
            edited = replace(edited, status=status, signed_by=None, signed_at=None, acknowledged_claims=None)
            content = content_json(edited)
            new_version = current + 1
            kind = "amend" if amend else "edit"
            conn.execute("INSERT INTO report_versions (report_id, version, kind, content, sha256, author, "
                         "created_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (report["id"], new_version, kind, content, sha256_text(content), author, at, comment))
            conn.execute("UPDATE reports SET current_version = ?, status = 'draft', updated_at = ?, "
                         "signed_by = NULL, signed_at = NULL WHERE id = ?", (new_version, at, report["id"]))
            detail = {"base_version": current, **detail}
            if amend:
                detail["amends_signed_version"] = current
            self._audit(conn, report["id"], new_version, kind, author, at, [asdict(d) for d in diffs], detail)
        log.info("report %s: %s -> version %d (%d fields)", report_id, detail.get("review", kind), new_version,
                 len(diffs))
        return new_version

    def sign(self, report_id: str, version: int, signer_name: str,
             acknowledge_failing_claims: bool = False) -> VersionMeta:
        """Sign the current version; from then on it is immutable. A version whose reasoning still
        has failing claims (neither struck nor corrected) is signed only with
        `acknowledge_failing_claims=True`, and the acknowledgement, with those claims, is recorded in
        the signed version and the audit trail; without it `UnresolvedClaimsError` is raised."""
        signer = required_name(signer_name, "signer")
        with self._transaction() as conn:
            report = self._report_row(conn, report_id)
            current = report["current_version"]
            if int(version) != current:
                self._version_row(conn, report["id"], version)
                raise ReportError(f"Version {version} of report {report['id']} is not the current version "
                                  f"({current}); review version {current} and sign that one.")
            row = self._version_row(conn, report["id"], current)
            if row["signed_at"]:
                raise ReportError(f"Version {current} of report {report['id']} is already signed (by "
                                  f"{row['signed_by']} at {row['signed_at']}); signed versions are immutable, so "
                                  f"edit it to start an amendment.")
            note = self._note(row)
            review = note.reasoning_review
            unresolved = [{"number": n, **c.to_dict()} for n, c in review.unresolved()]
            if unresolved and not acknowledge_failing_claims:
                raise UnresolvedClaimsError(unresolved_message(report["id"], current, unresolved), unresolved)
            at = utc_now()
            acknowledgement = {"by": signer, "at": at, "claims": unresolved} if unresolved else None
            conn.execute("UPDATE report_versions SET signed_by = ?, signed_at = ?, claims_acknowledged = ? WHERE "
                         "report_id = ? AND version = ? AND signed_at IS NULL",
                         (signer, at, json.dumps(acknowledgement, ensure_ascii=False) if acknowledgement else None,
                          report["id"], current))
            conn.execute("UPDATE reports SET status = 'signed', signed_by = ?, signed_at = ?, updated_at = ? "
                         "WHERE id = ?", (signer, at, at, report["id"]))
            self._audit(conn, report["id"], current, "sign", signer, at,
                        [{"field": "status", "old": note.status, "new": "signed"},
                         {"field": "signed_by", "old": None, "new": signer}],
                        {"sha256": row["sha256"], "amendment": row["kind"] == "amend",
                         "claims_checked": review.checked, "failing_claims_acknowledged": unresolved})
            meta = self._meta(self._report_row(conn, report["id"]), self._version_row(conn, report["id"], current))
        log.info("report %s: signed version %d (%d failing claims acknowledged)", report_id, current, len(unresolved))
        return meta

    def record_export(self, report_id: str, version: int, fmt: str, actor: str,
                      file_sha256: str | None = None) -> None:
        """Note in the audit trail that a version left the store (as Markdown or PDF)."""
        actor = required_name(actor, "exporting user")
        fmt = {"md": "markdown"}.get(str(fmt).lower(), str(fmt).lower())
        if fmt not in EXPORT_FORMATS:
            raise ReportError(f"Unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}.")
        with self._transaction() as conn:
            report = self._report_row(conn, report_id)
            row = self._version_row(conn, report["id"], version)
            detail = {"format": fmt, "signed": row["signed_at"] is not None}
            if file_sha256:
                detail["file_sha256"] = file_sha256
            self._audit(conn, report["id"], int(version), "export", actor, utc_now(), detail=detail)
        log.info("report %s: exported version %d as %s", report_id, int(version), fmt)

    def history(self, report_id: str) -> list[VersionMeta]:
        with self._transaction(write=False) as conn:
            report = self._report_row(conn, report_id)
            rows = conn.execute("SELECT * FROM report_versions WHERE report_id = ? ORDER BY version",
                                (report["id"],)).fetchall()
            return [self._meta(report, row) for row in rows]

    def audit_trail(self, report_id: str) -> list[AuditEntry]:
        with self._transaction(write=False) as conn:
            report = self._report_row(conn, report_id)
            rows = conn.execute("SELECT * FROM audit WHERE report_id = ? ORDER BY id", (report["id"],)).fetchall()
            return [AuditEntry(r["at"], r["actor"], r["action"], r["version"], json.loads(r["changes"]),
                               json.loads(r["detail"])) for r in rows]

    def list_reports(self, recording_id: str | None = None) -> list[ReportSummary]:
        """All reports (or those of one recording), most recently changed first."""
        query = "SELECT * FROM reports" + (" WHERE recording_id = ?" if recording_id else "") + \
            " ORDER BY updated_at DESC, rowid DESC"
        with self._transaction(write=False) as conn:
            rows = conn.execute(query, (recording_id,) if recording_id else ()).fetchall()
        return [ReportSummary(r["id"], r["recording_id"], r["status"], r["current_version"], r["created_at"],
                              r["updated_at"], r["signed_by"], r["signed_at"]) for r in rows]

    def integrity_check(self) -> str:
        """SQLite's own consistency check ("ok" when the file is sound)."""
        with self._connection() as conn:
            return conn.execute("PRAGMA integrity_check").fetchone()[0]
