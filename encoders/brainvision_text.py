"""BrainVision header and marker files in the code page they declare.

BrainVision Recorder writes its text files in the Windows code page ("Codepage=ANSI") unless told
UTF-8. MNE reads the header in the declared code page but opens the marker file in the system's
encoding to look for the recording date, and stops on the first byte that is not UTF-8 (an "ö" in a
marker or comment). Such a set is read from a copy of its two text files re-encoded as UTF-8, which
names the original data file by its full path; the samples are read from where they are.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_CODEPAGE = re.compile(rb"^Codepage=(.+?)\s*$", re.I | re.M)
_FILE_ENTRY = re.compile(r"^(DataFile|MarkerFile)=(.*?)\s*$", re.I | re.M)


def _codepage(raw: bytes) -> str:
    found = _CODEPAGE.search(raw)
    declared = found.group(1).decode("ascii", "replace").strip() if found else "UTF-8"
    return "cp1252" if declared.upper() == "ANSI" else declared


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _as_utf8(raw: bytes) -> str:
    try:
        text = raw.decode(_codepage(raw))
    except (LookupError, UnicodeDecodeError):
        text = raw.decode("latin-1")  # every byte is a character: nothing is lost that matters to a reader
    return _CODEPAGE.sub(b"Codepage=UTF-8", text.encode("utf-8")).decode("utf-8")


def _files_named(header: bytes) -> dict[str, str]:
    """The header's "DataFile" and "MarkerFile" entries, by lower-case key (file names are ASCII in
    practice; latin-1 reads any byte)."""
    return {key.lower(): value for key, value in _FILE_ENTRY.findall(header.decode("latin-1"))}


def missing_data_file(vhdr: Path) -> str | None:
    """The data file a header names when it is not where the header says (None when it is, or when
    the header names none: the reader then says what is wrong)."""
    data = _files_named(vhdr.read_bytes()).get("datafile")
    return data if data and not (vhdr.parent / data).is_file() else None


@contextmanager
def readable_header(vhdr: Path) -> Iterator[Path]:
    """The header to give MNE: `vhdr` itself, or (when it or its marker file is not UTF-8) a UTF-8
    copy in a temporary folder that names the data and marker files by full path; removed on exit."""
    header_raw = vhdr.read_bytes()
    entries = _files_named(header_raw)
    marker = vhdr.parent / entries["markerfile"] if entries.get("markerfile") else None
    marker_raw = marker.read_bytes() if marker is not None and marker.is_file() else b""
    if _is_utf8(header_raw) and _is_utf8(marker_raw):
        yield vhdr
        return
    folder = Path(tempfile.mkdtemp(prefix="eegreason-vhdr-"))
    try:
        copy_marker = folder / (marker.name if marker is not None else "markers.vmrk")
        if marker_raw:
            copy_marker.write_text(_as_utf8(marker_raw), encoding="utf-8")

        def full_path(match: re.Match) -> str:
            key, value = match.group(1), match.group(2)
            if key.lower() == "markerfile":
                return f"{key}={copy_marker}" if marker_raw else match.group(0)
            return f"{key}={(vhdr.parent / value).resolve()}"

        copy_header = folder / vhdr.name
        copy_header.write_text(_FILE_ENTRY.sub(full_path, _as_utf8(header_raw)), encoding="utf-8")
        yield copy_header
    finally:
        shutil.rmtree(folder, ignore_errors=True)


__all__ = ["missing_data_file", "readable_header"]
