"""Uploaded recordings: validated before they are kept, kept privately, removed when done.

    Gradio's copy ─▶ staging (private, fixed names) ─▶ read as a recording ─▶ kept/<sha256>/
                        │ refused: staging and Gradio's copy deleted, nothing kept

Everything lives under one owner-only folder (`$EEGREASON_HOME/uploads`, mode 0700; files 0600):
`kept/` holds one copy per distinct recording (content-addressed: loading the same file twice, or
in another session, reuses it), `staging/` the copies being checked, `gradio/<run>/` Gradio's own
temporary copies for one run of the app (GRADIO_TEMP_DIR points there), `exports/` exported notes.
A kept recording is removed when the last browser session that loaded it ends, and in any case
after the retention period (swept at start and periodically); exports, and Gradio folders that a
killed app left, age out the same way. Closing the store removes its run's Gradio folder whole:
Gradio also leaves files there that no session owns (an empty temporary file per processed upload).

The user's file names are labels only: staged and kept files have fixed names (see
`serve.upload_sets`), so a crafted name cannot reach a path.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from encoders.errors import ConfigError, RecordingError
from encoders.io import read_recording
from encoders.log import get_logger
from encoders.recording import Recording

from .upload_sets import (
    Part,
    display_name,
    group_parts,
    remove_tree,
    stage,
    unpack_zip,
)

log = get_logger(__name__)

MAX_UPLOAD_MIB = 512  # one upload (all its files, or a zip's contents); Gradio's per-file limit too
DEFAULT_RETENTION_HOURS = 12.0
SWEEP_EVERY_S = 600.0
STALE_STAGING_S = 3600.0  # a staging folder this old belongs to a check that died


def private_dir(path: Path) -> Path:
    """`path` as a folder only its owner can enter (created if missing, tightened if not)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


@dataclass
class KeptUpload:
    path: Path  # the kept header file (read this)
    label: str  # the user's name for it (display only)
    digest: str  # content address: sha256 of the staged files
    reused: bool  # the same recording was already kept


class UploadStore:
    """The app's uploads: `keep` checks and keeps, `release` ends a session, `sweep` ages out."""

    def __init__(self, root: Path, retention_hours: float = DEFAULT_RETENTION_HOURS,
                 max_mib: float = MAX_UPLOAD_MIB):
        if not retention_hours > 0:
            raise ConfigError(f"The upload retention must be a positive number of hours, not {retention_hours}.")
        if not max_mib > 0:
            raise ConfigError(f"The upload limit must be a positive number of MiB, not {max_mib}.")
        self.root = private_dir(Path(root))
        self.kept_dir = private_dir(self.root / "kept")
        self.staging_dir = private_dir(self.root / "staging")
        self.gradio_root = private_dir(self.root / "gradio")
        # One folder per run: closing removes it whole without touching another running app's copies.
        self.gradio_dir = private_dir(self.gradio_root / uuid.uuid4().hex)
        self.exports_dir = private_dir(self.root / "exports")
        self.retention_s = float(retention_hours) * 3600.0
        self.max_bytes = int(max_mib * 1024 * 1024)
        self._claims: dict[str, set[str]] = {}  # session -> digests it loaded
        self._received: dict[str, set[Path]] = {}  # session -> Gradio copies it sent us
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sweeper: threading.Thread | None = None

    @property
    def max_mib(self) -> float:
        return self.max_bytes / 1024**2

    # ---- keeping ----------------------------------------------------------------------------------

    def keep(self, files: Sequence[str | Path], session: str | None = None) -> tuple[KeptUpload, Recording]:
        """Check an upload (one file, a file set, or one zip: Gradio's copies, named as the user
        named them) by reading it as a recording, then keep it; returns where it is kept and the
        recording read. A refused upload leaves nothing."""
        paths = [Path(f) for f in files]
        parts = [Part(p, display_name(p.name)) for p in paths]
        if session:
            with self._lock:
                self._received.setdefault(session, set()).update(p for p in paths if self._is_ours(p))
        staging = private_dir(self.staging_dir / uuid.uuid4().hex)
        try:
            kept, recording = self._check_and_keep(parts, staging, session)
        except Exception:
            self._forget_gradio_copies(paths, session)  # a refused file is never kept, not even by Gradio
            raise
        finally:
            remove_tree(staging)
        log.info("upload kept (%s, %s)", kept.digest[:12], "reused" if kept.reused else "new")
        return kept, recording

    def _check_and_keep(self, parts: list[Part], staging: Path, session: str | None) -> tuple[KeptUpload, Recording]:
        for part in parts:
            if not part.path.is_file():
                raise RecordingError(f"{part.name} is no longer on the server (refused or expired uploads are "
                                     f"removed); upload it again.")
        total = sum(p.path.stat().st_size for p in parts)
        if total > self.max_bytes:
            raise RecordingError(f"The upload is {total / 1024**2:.0f} MiB, above the limit of {self.max_mib:.0f} MiB; "
                                 f"crop the recording or analyse it with the command line.")
        zips = [p for p in parts if p.ext == ".zip"]
        if zips:
            if len(parts) > 1:
                raise RecordingError(f"Upload {zips[0].name} on its own: a .zip must hold the whole recording.")
            parts = unpack_zip(zips[0], private_dir(staging / "unpacked"), self.max_bytes)
        recording_set = group_parts(parts, where=zips[0].name if zips else "The upload")
        label = recording_set.label
        folder = private_dir(staging / "set")
        header = stage(recording_set, folder, self.max_bytes)
        digest = _digest(folder)
        target = self.kept_dir / digest
        with self._lock:
            reused = target.is_dir()
            if reused:
                os.utime(target)  # retention counts from the last use
                self._claim(session, digest)
        if not reused:
            recording = read_recording(header, source_name=label)  # the check: refused files raise here
            with self._lock:
                try:
                    os.rename(folder, target)
                except OSError:  # another session kept the same recording meanwhile
                    reused = True
                self._claim(session, digest)
            return KeptUpload(target / header.name, label, digest, reused), recording
        path = target / header.name
        return KeptUpload(path, label, digest, True), read_recording(path, source_name=label)

    def _claim(self, session: str | None, digest: str) -> None:
        if session:
            self._claims.setdefault(session, set()).add(digest)

    # ---- removing ---------------------------------------------------------------------------------

    def release(self, session: str) -> int:
        """A browser session ended: remove what only it used; returns recordings removed."""
        with self._lock:
            digests = self._claims.pop(session, set())
            received = self._received.pop(session, set())
            still_used = set().union(*self._claims.values()) if self._claims else set()
            gone = [d for d in digests if d not in still_used]
            for digest in gone:
                remove_tree(self.kept_dir / digest)
        self._forget_gradio_copies(received, session)
        if gone:
            log.info("session ended: removed %d kept upload(s)", len(gone))
        return len(gone)

    def sweep(self, now: float | None = None) -> int:
        """Remove kept recordings, Gradio copies and exports older than the retention period, and
        staging folders of checks that died; returns kept recordings removed."""
        now = time.time() if now is None else now
        removed = 0
        with self._lock:
            for entry in list(self.kept_dir.iterdir()):
                if now - _mtime(entry) > self.retention_s:
                    remove_tree(entry)
                    removed += 1
                    for digests in self._claims.values():
                        digests.discard(entry.name)
        for entry in list(self.staging_dir.iterdir()):
            if now - _mtime(entry) > STALE_STAGING_S:
                remove_tree(entry)
        for folder in (self.gradio_root, self.exports_dir):
            _remove_older(folder, now - self.retention_s)
        private_dir(self.gradio_dir)  # this run's folder, if it sat empty past the retention period
        if removed:
            log.info("removed %d kept upload(s) older than %g h", removed, self.retention_s / 3600)
        return removed

    def start_sweeping(self, every_s: float = SWEEP_EVERY_S) -> None:
        """Sweep now and then every `every_s` seconds in a daemon thread, until `close`."""
        self.sweep()
        if self._sweeper is not None:
            return

        def loop() -> None:
            while not self._stop.wait(every_s):
                try:
                    self.sweep()
                except OSError as exc:  # a full or read-only disk must not end the app
                    log.warning("sweeping uploads failed: %s", exc)

        self._sweeper = threading.Thread(target=loop, name="upload-sweeper", daemon=True)
        self._sweeper.start()

    def close(self) -> None:
        """The app is stopping: stop sweeping and remove every recording its sessions kept and
        every file Gradio made for this run."""
        self._stop.set()
        if self._sweeper is not None:
            self._sweeper.join(timeout=5)
        for session in list(self._claims):
            self.release(session)
        remove_tree(self.gradio_dir)

    def export_folder(self) -> Path:
        """A new private folder for one export (aged out like uploads)."""
        return private_dir(self.exports_dir / uuid.uuid4().hex)

    def sessions(self) -> dict[str, set[str]]:
        with self._lock:
            return {s: set(d) for s, d in self._claims.items()}

    # ---- Gradio's copies --------------------------------------------------------------------------

    def _is_ours(self, path: Path) -> bool:
        try:
            return path.resolve().is_relative_to(self.gradio_dir.resolve())
        except OSError:
            return False

    def _forget_gradio_copies(self, paths, session: str | None) -> None:
        """Delete Gradio's temporary copies (never a file outside its folder under ours). Gradio
        keeps one copy per content, so a copy another live session also sent us stays."""
        with self._lock:
            others = set().union(*(p for s, p in self._received.items() if s != session))
        for path in paths:
            if not self._is_ours(path) or Path(path) in others:
                continue
            Path(path).unlink(missing_ok=True)
            try:
                Path(path).parent.rmdir()  # Gradio keeps each upload in a folder of its own
            except OSError:
                pass


def _digest(folder: Path) -> str:
    """sha256 over the staged files (fixed names, sorted): the same recording gives the same
    address whether it came as files or as a zip."""
    total = hashlib.sha256()
    for file in sorted(folder.iterdir()):
        part = hashlib.sha256()
        with open(file, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                part.update(chunk)
        total.update(file.name.encode() + b"\0" + part.digest())
    return total.hexdigest()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _remove_older(folder: Path, cutoff: float) -> None:
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        try:
            if path.is_dir() and not path.is_symlink():
                if not any(path.iterdir()) and _mtime(path) < cutoff:
                    path.rmdir()
            elif path.lstat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue

