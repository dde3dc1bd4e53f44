"""Whether an EDF+/BDF+ file marked discontinuous (EDF+D) really has gaps between its data records.

An EDF+D file stores, in the first time-keeping annotation of each data record, when that record
starts; records need not follow each other. MNE reads the records back to back, so a recording with
pauses would be analysed as if the pauses were not there: windows that span a pause mix two moments,
and every time after the first pause is wrong. Some recorders mark every file EDF+D even when the
records are contiguous, so the onsets are read and only real gaps are refused.
"""

from __future__ import annotations

import re
from pathlib import Path

from .declared_sizes import EdfHeader
from .errors import UnsupportedFormatError

_ONSET = re.compile(rb"^([+-]\d+(?:\.\d*)?)\x14")
_ANNOTATION_LABELS = ("EDF Annotations", "BDF Annotations")


def record_gaps(path: Path, header: EdfHeader) -> list[tuple[float, float]] | None:
    """(where, how long) in seconds of each gap between data records of an EDF+D/BDF+D file; None for a
    file not marked discontinuous, or one whose time-keeping cannot be read (MNE then decides)."""
    if header.reserved[:5].upper() not in (b"EDF+D", b"BDF+D") or not header.record_seconds:
        return None
    annotation = next((i for i, label in enumerate(header.labels) if label in _ANNOTATION_LABELS), None)
    if annotation is None:
        return None
    offset = sum(header.per_record[:annotation]) * header.bytes_per_sample
    onsets = []
    with open(path, "rb") as fh:
        for record in range(header.n_records):
            fh.seek(header.header_bytes + record * header.record_bytes + offset)
            found = _ONSET.match(fh.read(min(header.per_record[annotation] * header.bytes_per_sample, 64)))
            if found is None:
                return None
            onsets.append(float(found.group(1)))
    # A gap: a record starting later than the one before it ends (beyond rounding of the onsets).
    ends = [onset + header.record_seconds for onset in onsets]
    return [(round(end, 3), round(start - end, 3)) for start, end in zip(onsets[1:], ends) if start - end > 1e-3]


def check_continuous(path: Path, name: str, header: EdfHeader) -> None:
    """Refuses an EDF+D/BDF+D file whose records have gaps, with where the first one is."""
    gaps = record_gaps(path, header)
    if gaps:
        label = "BDF+" if header.bytes_per_sample == 3 else "EDF+"
        where, length = gaps[0]
        raise UnsupportedFormatError(
            f"{name} is a discontinuous {label} recording with {len(gaps)} gap{'s' if len(gaps) > 1 else ''} between "
            f"its data records (the first at {where:g} s, {length:g} s long), which cannot be analysed as one "
            f"signal; export it as continuous {label} ({label}C), or one file per continuous part.")


__all__ = ["check_continuous", "record_gaps"]
