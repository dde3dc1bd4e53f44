"""The report store's SQL schema: tables, the triggers that keep versions and the audit trail
immutable (enforced by SQLite, not only by our code), the schema version and its migrations.

The schema version lives in SQLite's `user_version`. A store of an older version is migrated when
it is opened, inside the same transaction as the version bump, so a store is either wholly
migrated or untouched; a store written by a newer eegreason is refused rather than guessed at.

    1  reports, versions, audit trail
    2  report_versions.claims_acknowledged: the failing claims a signer acknowledged (JSON), set
       only together with the signature
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from encoders.errors import ReportError

STORE_SCHEMA = 2

TABLES_SQL = """
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    recording_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    current_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    signed_by TEXT,
    signed_at TEXT
);
CREATE TABLE IF NOT EXISTS report_versions (
    report_id TEXT NOT NULL REFERENCES reports(id),
    version INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('create', 'edit', 'amend')),
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    signed_by TEXT,
    signed_at TEXT,
    claims_acknowledged TEXT,
    PRIMARY KEY (report_id, version)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL REFERENCES reports(id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'edit', 'sign', 'amend', 'export')),
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    changes TEXT NOT NULL DEFAULT '[]',
    detail TEXT NOT NULL DEFAULT '{}'
);
"""

# Indexes and triggers, (re)created after the tables exist in their current shape.
RULES_SQL = """
CREATE INDEX IF NOT EXISTS audit_by_report ON audit (report_id, id);
CREATE INDEX IF NOT EXISTS reports_by_recording ON reports (recording_id);

CREATE TRIGGER IF NOT EXISTS versions_content_is_fixed BEFORE UPDATE ON report_versions
WHEN NEW.content IS NOT OLD.content OR NEW.sha256 IS NOT OLD.sha256 OR NEW.version IS NOT OLD.version
  OR NEW.report_id IS NOT OLD.report_id OR NEW.author IS NOT OLD.author OR NEW.kind IS NOT OLD.kind
  OR NEW.created_at IS NOT OLD.created_at OR NEW.comment IS NOT OLD.comment
BEGIN SELECT RAISE(ABORT, 'report versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS signed_versions_are_immutable BEFORE UPDATE ON report_versions
WHEN OLD.signed_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'signed report versions are immutable'); END;
CREATE TRIGGER IF NOT EXISTS acknowledgement_only_with_signature BEFORE UPDATE ON report_versions
WHEN NEW.claims_acknowledged IS NOT OLD.claims_acknowledged AND NEW.signed_at IS NULL
BEGIN SELECT RAISE(ABORT, 'an acknowledgement of failing claims is recorded only with a signature'); END;
CREATE TRIGGER IF NOT EXISTS versions_are_kept BEFORE DELETE ON report_versions
BEGIN SELECT RAISE(ABORT, 'report versions cannot be deleted'); END;
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_is_append_only_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


# MIGRATIONS[n]: the statements that take a store from schema n to n + 1.
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE report_versions ADD COLUMN claims_acknowledged TEXT",),
}


def prepare_schema(conn: sqlite3.Connection, path: Path) -> None:
    """Create the schema of a new store, or migrate an older one to the current version (inside the
    caller's write transaction: all of it happens, or none of it)."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > STORE_SCHEMA:
        raise ReportError(f"The report store at {path} has schema {version}, which this version "
                          f"of eegreason does not read (it reads up to {STORE_SCHEMA}); open it with a newer "
                          f"eegreason.")
    if version == 0:  # a new file
        for statement in split_sql(TABLES_SQL):
            conn.execute(statement)
    else:
        for step in range(version, STORE_SCHEMA):
            for statement in MIGRATIONS[step]:
                conn.execute(statement)
    for statement in split_sql(RULES_SQL):
        conn.execute(statement)
    if version != STORE_SCHEMA:
        conn.execute(f"PRAGMA user_version = {STORE_SCHEMA}")


def split_sql(script: str) -> list[str]:
    """Statements of the schema script (triggers contain ';' inside BEGIN…END), for executing them
    one by one inside the schema transaction (`executescript` would commit on its own)."""
    statements, buffer = [], []
    for line in script.strip().splitlines():
        buffer.append(line)
        text = "\n".join(buffer).strip()
        if text.endswith(";") and (not text.upper().startswith("CREATE TRIGGER") or text.upper().endswith("END;")):
            statements.append(text)
            buffer = []
    return statements
