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

from .errors import UnsupportedFormatError

FIXED_HEADER = 256
SIGNAL_HEADER = 256
_ONSET = re.compile(rb"^([+-]\d+(?:\.\d*)?)\x14")


def _int(raw: bytes) -> int:
    return int(raw.decode("ascii", "replace").strip() or 0)


def record_gaps(path: Path, bytes_per_sample: int) -> list[tuple[float, float]] | None:
    """(where, how long) in seconds of each gap between data records of an EDF+D/BDF+D file; None for a
    file not marked discontinuous, or one whose time-keeping cannot be read (MNE then decides)."""
    with open(path, "rb") as fh:
        fixed = fh.read(FIXED_HEADER)
        if len(fixed) < FIXED_HEADER or fixed[192:197].upper() not in (b"EDF+D", b"BDF+D"):
            return None
        try:
            n_records, duration, n_signals = _int(fixed[236:244]), float(fixed[244:252].decode("ascii")), _int(fixed[252:256])
            labels = [fh.read(16).decode("latin-1").strip() for _ in range(n_signals)]
            fh.seek(FIXED_HEADER + n_signals * 216)
            per_record = [_int(fh.read(8)) for _ in range(n_signals)]
        except (ValueError, UnicodeDecodeError):
            return None
        annotation = next((i for i, label in enumerate(labels) if label in ("EDF Annotations", "BDF Annotations")), None)
        if annotation is None or duration <= 0:
            return None
        header = FIXED_HEADER + n_signals * SIGNAL_HEADER
        record_bytes = sum(per_record) * bytes_per_sample
        offset = sum(per_record[:annotation]) * bytes_per_sample
        size = path.stat().st_size
        n_records = n_records if n_records >= 0 else (size - header) // max(record_bytes, 1)
        onsets = []
        for record in range(n_records):
            fh.seek(header + record * record_bytes + offset)
            found = _ONSET.match(fh.read(min(per_record[annotation] * bytes_per_sample, 64)))
            if found is None:
                return None
            onsets.append(float(found.group(1)))
    # A gap: a record starting later than the one before it ends (beyond rounding of the onsets).
    return [(round(end, 3), round(start - end, 3)) for start, end in
            ((onsets[k], onsets[k - 1] + duration) for k in range(1, len(onsets))) if start - end > 1e-3]


def check_continuous(path: Path, name: str, bytes_per_sample: int) -> None:
    """Refuses an EDF+D/BDF+D file whose records have gaps, with where the first one is."""
    gaps = record_gaps(path, bytes_per_sample)
    if gaps:
        label = "BDF+" if bytes_per_sample == 3 else "EDF+"
        where, length = gaps[0]
        raise UnsupportedFormatError(
            f"{name} is a discontinuous {label} recording with {len(gaps)} gap{'s' if len(gaps) > 1 else ''} between "
            f"its data records (the first at {where:g} s, {length:g} s long), which cannot be analysed as one "
            f"signal; export it as continuous {label} ({label}C), or one file per continuous part.")


__all__ = ["check_continuous", "record_gaps"]
