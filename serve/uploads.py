"""Uploaded files: type and size checked, copied under a generated name into the upload folder.

The user's file name is kept only as a display label (base name, control characters removed); it
never becomes part of a path, so a crafted name cannot traverse directories.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from encoders.errors import RecordingError, UnsupportedFormatError
from encoders.io import FORMATS, SUPPORTED

MAX_UPLOAD_MB = 512
# BrainVision and EEGLAB keep samples in companion files (.eeg/.vmrk, .fdt); a single-file upload
# of their header cannot be read, so the app accepts single-file formats only.
SINGLE_FILE_EXTENSIONS = (".edf", ".bdf", ".fif", ".fif.gz", ".cnt")


def extension_of(name: str) -> str:
    lower = name.lower()
    return ".fif.gz" if lower.endswith(".fif.gz") else Path(lower).suffix


def display_name(name: str) -> str:
    base = Path(str(name).replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", base)[:120] or "recording"


def store_upload(source: str | Path, upload_dir: Path, original_name: str | None = None,
                 max_mb: float = MAX_UPLOAD_MB) -> tuple[Path, str]:
    """Copy an uploaded file into `upload_dir` under a random name; returns (path, display name)."""
    source = Path(source)
    label = display_name(original_name or source.name)
    ext = extension_of(label)
    if ext not in SINGLE_FILE_EXTENSIONS:
        if ext in FORMATS:
            raise UnsupportedFormatError(f"{label} keeps its samples in companion files, which an upload "
                                         f"cannot carry; convert it to EDF or FIF, or use `eegreason ask` on the folder.")
        raise UnsupportedFormatError(f"{label} is not a supported EEG file; upload {SUPPORTED.split(', Brain')[0]} "
                                     f"or NeuroScan .cnt.")
    size_mb = source.stat().st_size / 1e6
    if size_mb > max_mb:
        raise RecordingError(f"{label} is {size_mb:.0f} MB, above the upload limit of {max_mb:.0f} MB; crop the "
                             f"recording or analyse it with the command line.")
    upload_dir.mkdir(parents=True, exist_ok=True)
    target = upload_dir / f"{uuid.uuid4().hex}{ext}"
    shutil.copyfile(source, target)
    return target, label
