"""Pseudonymous recording ids: a note names its recording by a salted hash of the file's content,
so notes can be stored and shared without naming anyone."""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

from encoders.paths import home


def installation_salt(folder: Path | None = None) -> bytes:
    """A random per-installation secret (created once, readable by its owner only): without it the
    recording id cannot be recomputed from a file, so the id alone does not identify the file."""
    path = (folder or home()) / "record-salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".record-salt.")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(secrets.token_hex(32))
            os.link(temporary, path)  # complete file or nothing; if another process won, keep its salt
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip().encode()


def recording_id(source: str | Path | bytes, salt: bytes | None = None) -> str:
    """`rec-` + 16 hex digits of sha256(salt + file content); a `str` that is not an existing file
    (a display name) is hashed as text, for recordings whose file is no longer at hand."""
    digest = hashlib.sha256(salt if salt is not None else installation_salt())
    if isinstance(source, bytes):
        digest.update(source)
    elif Path(source).is_file():
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    else:
        digest.update(b"name:" + str(source).encode())
    return "rec-" + digest.hexdigest()[:16]


def recording_meta(source: str | Path, analysis: Any = None, salt: bytes | None = None) -> dict[str, Any]:
    """The de-identified facts `draft_note` needs from a file and its `RecordingAnalysis`: the
    original sampling rate (analysis resamples, so it is read from the resampling step) and format."""
    meta: dict[str, Any] = {"recording_id": recording_id(source, salt)}
    if analysis is not None:
        rec = analysis.recording
        sfreq = rec.sfreq
        for step in rec.meta.preprocessing:
            if "from_sfreq" in step:
                sfreq = step["from_sfreq"]
                break
        meta.update(file_format=rec.meta.file_format, sampling_rate_hz=float(sfreq),
                    set_aside_channels=len(rec.meta.set_aside))
    return meta
