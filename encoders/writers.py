"""Writing recordings as EDF+ and FIF files, read back by io.py.

Used for generated (synthetic) recordings only: every file is stamped SYNTHETIC in its header and
annotations, so `read_recording` flags it; writing a real recording through here would mislabel
a person's data as generated, so it is refused."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np

from .errors import ConfigError
from .io import SYNTHETIC_DESCRIPTION, SYNTHETIC_MARK
from .log import get_logger
from .recording import Annotation, Recording

log = get_logger(__name__)

# A fixed start time keeps EDF files byte-identical for the same seed (pyedflib would stamp
# the current time otherwise). 2000-01-01 is obviously not a real session date.
_START = (2000, 1, 1, 0, 0, 0)


def _synthetic_only(rec: Recording) -> Recording:
    if not rec.meta.synthetic:
        # Stamping SYNTHETIC on a real recording would mislabel a person's data as generated.
        raise ConfigError("write_recording_* only writes synthetic recordings (meta.synthetic is False); "
                          "use a general exporter for real recordings.")
    return rec


def _annotations_with_mark(rec: Recording) -> list[Annotation]:
    notes = list(rec.annotations)
    if not any(a.description.upper().startswith(SYNTHETIC_MARK) for a in notes):
        notes.insert(0, Annotation(0.0, rec.duration, SYNTHETIC_DESCRIPTION))
    return notes


def _edf_range(channel: np.ndarray) -> float:
    """Symmetric physical range (µV) for one channel: 5 % above its peak, rounded UP to 0.1 µV so
    the value fits EDF's 8-character header field exactly (a truncated field would rescale data)."""
    peak = max(float(np.max(np.abs(channel))) * 1.05, 1.0)
    return math.ceil(peak * 10.0) / 10.0


_EDF_ANNOTATION_CHARS = 40  # edflib (inside pyedflib) truncates an annotation's text to 40 bytes


def _edf_annotation_pieces(text: str, limit: int = _EDF_ANNOTATION_CHARS) -> list[str]:
    """Split a long description at spaces into pieces edflib will not truncate, written as
    consecutive annotations at the same onset: the first still starts with SYNTHETIC, and the full
    sentence survives ("SYNTHETIC EEG (eegreason): generated and" + "not recorded from a person")."""
    pieces: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > limit:  # a single over-long word is cut hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces or [""]


def write_recording_edf(rec: Recording, path: str | Path) -> Path:
    """EDF+ file in µV (16-bit: resolution = range / 65535, ~0.005 µV at ±150 µV), with SYNTHETIC
    in the patient and recording header fields and as an EDF+ annotation at onset 0. A trial whose
    length is not a whole number of seconds is padded (last sample repeated) to whole 1-s records.
    Annotations longer than edflib's 40 characters are split into consecutive annotations."""
    import datetime

    import pyedflib

    rec = _synthetic_only(rec)
    path = Path(path)
    sfreq = float(rec.sfreq)
    if abs(sfreq - round(sfreq)) > 1e-9:
        raise ConfigError(f"EDF needs a whole number of samples per second; {sfreq:g} Hz cannot be written.")
    data = rec.data
    spr = int(round(sfreq))
    if data.shape[1] % spr:
        # EDF stores whole 1-s records: pad the tail by repeating the last sample (logged).
        pad = spr - data.shape[1] % spr
        log.info("%s: padded %d samples to complete the last 1-s EDF record", path.name, pad)
        data = np.pad(data, ((0, 0), (0, pad)), mode="edge")
    writer = pyedflib.EdfWriter(str(path), len(rec.ch_names), file_type=pyedflib.FILETYPE_EDFPLUS)
    try:
        headers = []
        for name, channel in zip(rec.ch_names, data):
            bound = _edf_range(channel)
            headers.append({"label": name, "dimension": "uV", "sample_frequency": sfreq,
                            "physical_max": bound, "physical_min": -bound,
                            "digital_max": 32767, "digital_min": -32768,
                            "transducer": "synthetic", "prefilter": "none"})
        writer.setSignalHeaders(headers)
        writer.setPatientCode(SYNTHETIC_MARK)
        writer.setPatientName(SYNTHETIC_MARK)
        writer.setPatientAdditional("generated_not_recorded_from_a_person")
        writer.setRecordingAdditional(f"{SYNTHETIC_MARK}_eegreason")  # EDF+ subfields take no spaces
        writer.setEquipment("eegreason-synthetic")
        writer.setStartdatetime(datetime.datetime(*_START))
        writer.writeSamples(list(np.ascontiguousarray(data)))
        for note in _annotations_with_mark(rec):
            for piece in _edf_annotation_pieces(note.description):
                writer.writeAnnotation(note.onset, note.duration, piece)
    finally:
        writer.close()
    return path


def write_recording_fif(rec: Recording, path: str | Path) -> Path:
    """FIF file (float32 volts, as MNE stores EEG) with info['description'] starting SYNTHETIC and the
    SYNTHETIC annotation at onset 0."""
    import mne

    rec = _synthetic_only(rec)
    path = Path(path)
    info = mne.create_info(list(rec.ch_names), float(rec.sfreq), "eeg")
    finite = {n: p for n, p in zip(rec.ch_names, rec.positions) if np.all(np.isfinite(p))}
    if finite:
        info.set_montage(mne.channels.make_dig_montage(ch_pos=finite, coord_frame="head"),
                         on_missing="ignore", verbose="error")
    info["description"] = SYNTHETIC_DESCRIPTION
    info["subject_info"] = {"his_id": SYNTHETIC_MARK}
    if rec.meta.line_freq:
        info["line_freq"] = float(rec.meta.line_freq)
    raw = mne.io.RawArray(rec.data * 1e-6, info, verbose="error")  # MNE keeps EEG in volts
    notes = _annotations_with_mark(rec)
    raw.set_annotations(mne.Annotations([a.onset for a in notes], [a.duration for a in notes],
                                        [a.description for a in notes]))
    with warnings.catch_warnings():
        # Our file names end in _SYNTHETIC.fif, not MNE's raw.fif convention; the warning is noise.
        warnings.simplefilter("ignore")
        raw.save(str(path), overwrite=True, verbose="error")
    return path
