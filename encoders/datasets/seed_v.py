"""SEED-V (5 classes) from its released folders (docs/datasets.md, "SEED-V").

Layout read:
- `EEG_raw/<subject>_<session>_<yyyymmdd>.cnt`: NeuroScan, 1000 Hz, 62 EEG + M1 M2 VEO HEO. One
  file holds a whole session; the 15 clips are cut at the fixed start/end seconds published for
  each session (`CLIP_STARTS`/`CLIP_ENDS`). Reading goes through `read_cnt` only (no Python
  library can write `.cnt`, so everything after it works on arrays and is tested on
  `mne.io.RawArray`).
- `EEG_DE_features/<subject>_123.npz`: entries `data` and `label`, each a pickled dict keyed
  0..44 (0–14 session 1, 15–29 session 2, 30–44 session 3); `data[k]` is (windows, 310) = 62
  channels × 5 bands, channel-major, 4-s windows; `label[k]` gives each window's class. Unpickled
  only through `safe_pickle`.

SEED-V showed different clips in every session, so `stimulus_id` is `seed-v:s<session>clipNN`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..channels import normalize_channel_name
from ..errors import DatasetError
from ..log import get_logger
from ..recording import Annotation
from .base import FolderPerKindLoader, Trial, matching_files
from .safe_pickle import load_npz_pickled
from .seedfamily import N_BANDS, SEED_CHANNELS

log = get_logger(__name__)

RAW_DIR = "EEG_raw"
FEATURE_DIR = "EEG_DE_features"
FOLDERS = {"raw": RAW_DIR, "features": FEATURE_DIR}
RAW_FILE = re.compile(r"^(\d+)_(\d+)_(\d+)\.cnt$", re.IGNORECASE)
FEATURE_FILE = re.compile(r"^(\d+)_123\.npz$")
TRIALS_PER_SESSION = 15
FEATURE_SFREQ = 200.0  # the features were computed after downsampling to 200 Hz
FEATURE_WINDOW_S = 4.0
NON_EEG = {"M1", "M2", "VEO", "HEO"}  # mastoid references and EOG in the .cnt

CLIP_STARTS: dict[int, tuple[int, ...]] = {
    1: (30, 132, 287, 555, 773, 982, 1271, 1628, 1730, 2025, 2227, 2435, 2667, 2932, 3204),
    2: (30, 299, 548, 646, 836, 1000, 1091, 1392, 1657, 1809, 1966, 2186, 2333, 2490, 2741),
    3: (30, 353, 478, 674, 825, 908, 1200, 1346, 1451, 1711, 2055, 2307, 2457, 2726, 2888),
}
CLIP_ENDS: dict[int, tuple[int, ...]] = {
    1: (102, 228, 524, 742, 920, 1240, 1568, 1697, 1994, 2166, 2401, 2607, 2901, 3172, 3359),
    2: (267, 488, 614, 773, 967, 1059, 1331, 1622, 1777, 1908, 2153, 2302, 2428, 2709, 2817),
    3: (321, 418, 643, 764, 877, 1147, 1284, 1418, 1679, 1996, 2275, 2425, 2664, 2857, 3066),
}
SESSION_LABELS: dict[int, tuple[int, ...]] = {
    1: (4, 1, 3, 2, 0) * 3,
    2: (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
    3: (2, 1, 3, 0, 4, 4, 0, 3, 2, 1, 3, 4, 1, 2, 0),
}

CntArrays = tuple[np.ndarray, list[str], float, list[Annotation]]


def raw_to_arrays(raw: Any, source: str = "recording") -> CntArrays:
    """(data µV (C, S), canonical names, sfreq, annotations) of an MNE Raw from a SEED-V `.cnt`.

    Drops M1 M2 VEO HEO; any other channel without a 10-05 name is dropped with a warning.
    """
    keep, names = [], []
    for index, raw_name in enumerate(raw.ch_names):
        if raw_name.strip().upper() in NON_EEG:
            continue
        canonical = normalize_channel_name(raw_name)
        if canonical is None:
            log.warning("%s: channel %r is not a 10-05 electrode; left out", source, raw_name)
            continue
        if canonical in names:
            raise DatasetError(f"{source} has two channels for electrode {canonical}; the file is not "
                               f"a SEED-V recording.")
        keep.append(index)
        names.append(canonical)
    if not keep:
        raise DatasetError(f"{source} has no EEG channels with 10-05 names; it is not a SEED-V recording.")
    data = raw.get_data(picks=keep) * 1e6  # MNE returns volts
    annotations = [Annotation(float(a["onset"]), float(a["duration"]), str(a["description"]))
                   for a in raw.annotations]
    return np.asarray(data, dtype=np.float64), names, float(raw.info["sfreq"]), annotations


def read_cnt(path: str | Path) -> CntArrays:
    """Read a SEED-V NeuroScan `.cnt` into (data µV (C, S), names, sfreq, annotations).

    The only function that touches `.cnt` files. A whole session is ~1 h at 1000 Hz: expect about
    1.7 GB of float64 per file.
    """
    import mne

    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise DatasetError(f"{path.name} is missing or empty; download the SEED-V EEG_raw files again.")
    try:
        raw = mne.io.read_raw_cnt(str(path), preload=False, verbose="error")
    except MemoryError:
        raise
    except Exception as exc:  # MNE raises many types for a damaged .cnt; all mean the same here
        log.debug("read_raw_cnt %s failed: %r", path.name, exc)
        raise DatasetError(f"{path.name} could not be read as a NeuroScan .cnt file "
                           f"({type(exc).__name__}); download it again.") from None
    return raw_to_arrays(raw, path.name)


def cut_clips(data: np.ndarray, sfreq: float, starts: tuple[int, ...] | list[float],
              ends: tuple[int, ...] | list[float], source: str = "recording") -> list[np.ndarray]:
    """Slices data[:, start·sfreq : end·sfreq] for each (start, end) in seconds.

    A clip that starts after the recording ends is an error; one that runs past the end is
    shortened to what was recorded (with a warning), since a few missing seconds at the end of a
    session should not cost the whole session.
    """
    if len(starts) != len(ends):
        raise ValueError("starts and ends must have the same length")
    n_samples = data.shape[-1]
    clips = []
    for number, (start, end) in enumerate(zip(starts, ends), start=1):
        first, last = int(round(start * sfreq)), int(round(end * sfreq))
        if not first < last:
            raise ValueError(f"clip {number} ends ({end} s) before it starts ({start} s)")
        if first >= n_samples:
            raise DatasetError(
                f"{source} is {n_samples / sfreq:.0f} s long but clip {number} starts at {start} s; the "
                f"recording is incomplete: download it again."
            )
        if last > n_samples:
            log.warning("%s: clip %d ends at %s s but the recording stops at %.1f s; clip shortened",
                        source, number, end, n_samples / sfreq)
        clips.append(data[..., first:min(last, n_samples)])
    return clips


def clip_annotations(annotations: list[Annotation], start: float, end: float) -> list[Annotation]:
    """Annotations that start inside [start, end), with onsets relative to the clip."""
    return [Annotation(a.onset - start, a.duration, a.description)
            for a in annotations if start <= a.onset < end]


class SEEDV(FolderPerKindLoader):
    NAME = "seed-v"
    CLASS_NAMES = ("disgust", "fear", "sad", "neutral", "happy")
    LAYOUT = "the SEED-V folder that contains EEG_raw and/or EEG_DE_features"
    FOLDERS = FOLDERS
    FILES = {"raw": "<subject>_<session>_<date>.cnt files", "features": "<subject>_123.npz files"}
    NAMED_WHEN_MISSING = "features"  # most users have the released features only

    def _files(self, kind: str) -> list:
        return matching_files(self.root / FOLDERS[kind], RAW_FILE if kind == "raw" else FEATURE_FILE)


    def sessions(self, subject: int, kind: str = "raw") -> list[int]:
        if kind == "raw":
            return sorted({int(m.group(2)) for m, _ in self._files(kind) if int(m.group(1)) == subject})
        return [1, 2, 3] if self.subject_files(subject, kind) else []  # one npz holds the three sessions

    def subjects(self, kind: str | None = None) -> list[int]:
        kinds = [kind] if kind else list(self.KINDS)
        return sorted({int(m.group(1)) for k in kinds for m, _ in self._files(k)})

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        if kind == "raw":
            yield from self._iter_raw(subjects)
        else:
            yield from self._iter_features(subjects)

    # -- raw ----------------------------------------------------------------------------------

    def _iter_raw(self, subjects: list[int]) -> Iterator[Trial]:
        files = sorted((int(m.group(1)), int(m.group(2)), path) for m, path in self._files("raw"))
        for subject, session, path in files:
            if subject not in subjects:
                continue
            if session not in CLIP_STARTS:
                raise DatasetError(f"{path.name} names session {session}, but SEED-V has sessions 1-3; "
                                   f"rename the file <subject>_<session>_<date>.cnt as released.")
            log.debug("reading SEED-V raw %s", path.name)
            data, names, sfreq, annotations = read_cnt(path)
            starts, ends = CLIP_STARTS[session], CLIP_ENDS[session]
            for number, clip in enumerate(cut_clips(data, sfreq, starts, ends, path.name), start=1):
                label = SESSION_LABELS[session][number - 1]
                yield Trial(
                    dataset=self.NAME, subject=subject, session=session, trial=number,
                    data=np.ascontiguousarray(clip), ch_names=list(names), sfreq=sfreq, label=label,
                    label_name=self.CLASS_NAMES[label], stimulus_id=f"seed-v:s{session}clip{number:02d}",
                    annotations=clip_annotations(annotations, starts[number - 1], ends[number - 1]),
                    source=path.name,
                    extra={"clip_start_s": starts[number - 1], "clip_end_s": ends[number - 1]},
                )

    # -- features -----------------------------------------------------------------------------

    def _iter_features(self, subjects: list[int]) -> Iterator[Trial]:
        for match, path in sorted(self._files("features"), key=lambda mp: int(mp[0].group(1))):
            subject = int(match.group(1))
            if subject not in subjects:
                continue
            log.debug("reading SEED-V features %s", path.name)
            data = _int_keyed(load_npz_pickled(path, "data"), f"{path.name}[data]")
            labels = _int_keyed(load_npz_pickled(path, "label"), f"{path.name}[label]")
            for key in sorted(data):
                session, number = key // TRIALS_PER_SESSION + 1, key % TRIALS_PER_SESSION + 1
                features = _de_windows(data[key], f"{path.name}[data][{key}]")
                label = self._feature_label(labels, key, path.name, session, number)
                yield Trial(
                    dataset=self.NAME, subject=subject, session=session, trial=number, data=None,
                    ch_names=list(SEED_CHANNELS), sfreq=FEATURE_SFREQ, label=label,
                    label_name=self.CLASS_NAMES[label], stimulus_id=f"seed-v:s{session}clip{number:02d}",
                    features={"de": features}, feature_window_s=FEATURE_WINDOW_S, source=path.name,
                    extra={"npz_key": key},
                )

    def _feature_label(self, labels: dict[int, Any], key: int, source: str, session: int,
                       number: int) -> int:
        if key not in labels:
            raise DatasetError(f"{source} has features for entry {key} but no label for it; download the "
                               f"file again.")
        values = np.asarray(labels[key]).ravel().astype(int)
        if values.size == 0 or not all(0 <= v < len(self.CLASS_NAMES) for v in values):
            raise DatasetError(f"{source} label entry {key} holds {sorted(set(values.tolist()))}, not "
                               f"SEED-V classes 0-4; the file is not in the released layout.")
        label, count = Counter(values.tolist()).most_common(1)[0]
        if count != values.size:
            log.warning("%s: entry %d has windows with different labels; using the majority, %s",
                        source, key, self.CLASS_NAMES[label])
        published = SESSION_LABELS.get(session, ())
        if number <= len(published) and published[number - 1] != label:
            log.warning("%s: session %d clip %d is labelled %s in the file but %s in the published "
                        "order; using the file", source, session, number, self.CLASS_NAMES[label],
                        self.CLASS_NAMES[published[number - 1]])
        return int(label)

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq_raw": 1000.0, "sfreq_features": FEATURE_SFREQ, "n_channels": len(SEED_CHANNELS),
                "sessions_per_subject": 3, "trials_per_session": TRIALS_PER_SESSION,
                "feature_window_s": FEATURE_WINDOW_S,
                "label_source": "npz 'label' entries (features); published per-session lists (raw)",
                "stimulus_id": "different clips in each session (seed-v:s<session>clipNN)"}


def _int_keyed(value: Any, source: str) -> dict[int, Any]:
    if not isinstance(value, dict):
        raise DatasetError(f"{source} holds a {type(value).__name__}, not the released dict of "
                           f"trials; the file is not in the released layout.")
    try:
        return {int(k): v for k, v in value.items()}
    except (TypeError, ValueError):
        raise DatasetError(f"{source} has non-numeric trial keys; the file is not in the released "
                           f"layout.") from None


def _de_windows(value: Any, source: str) -> np.ndarray:
    """(windows, 310) channel-major → (windows, 62, 5)."""
    array = np.asarray(value)
    n_values = len(SEED_CHANNELS) * N_BANDS
    if array.ndim != 2 or array.shape[1] != n_values or array.dtype.kind not in "fiu":
        raise DatasetError(f"{source} has shape {array.shape}, not (windows, {n_values}); the file is "
                           f"not in the released layout.")
    # Channel-major: the 5 bands of channel 0, then of channel 1, ... (reshape(62, 5) per window).
    return array.reshape(array.shape[0], len(SEED_CHANNELS), N_BANDS).astype(np.float64)
