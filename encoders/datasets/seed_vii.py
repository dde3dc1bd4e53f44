"""SEED-VII (7 classes) from its released folders (docs/datasets.md, "SEED-VII"; sources unofficial).

Layout read:
- `EEG_preprocessed/<subject>.mat`: variables `'1' … '80'` (one per video, 4 sessions × 20),
  (62, T) µV at 200 Hz.
- `EEG_features/<subject>.mat`: `de_{i}`, `de_LDS_{i}`, `psd_{i}` shaped (windows, 5, 62), bands
  before channels unlike SEED, 4-s windows; returned as (windows, 62, 5).
- `emotion_label_and_stimuli_order.xlsx`: the rows whose column A starts with "Session" and whose
  columns B:U hold emotion names (capitalised) give each session's 20 labels in presentation
  order. The labels are read from this file, never hard-coded.

Video k (1..80) is session (k-1)//20 + 1, position (k-1)%20 + 1; `Trial.trial` is the position
within the session and `extra["video"]` is k. All subjects saw the same 80 videos in the same
order, so `stimulus_id` is `seed-vii:videoNN`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import DatasetError
from ..log import get_logger
from .base import FolderPerKindLoader, Trial, matching_files, require_file
from .matfile import iter_mat_variables, load_mat
from .seedfamily import N_BANDS, SEED_CHANNELS, SFREQ

log = get_logger(__name__)

RAW_DIR = "EEG_preprocessed"
FEATURE_DIR = "EEG_features"
FOLDERS = {"raw": RAW_DIR, "features": FEATURE_DIR}
LABEL_FILE = "emotion_label_and_stimuli_order.xlsx"
SUBJECT_FILE = re.compile(r"^(\d+)\.mat$")
FEATURE_KEY = re.compile(r"^([A-Za-z]+(?:_[A-Za-z]+)*)_(\d+)$")  # de_3, de_LDS_3, psd_3
FEATURE_WINDOW_S = 4.0
NAME_COLUMNS = (2, 21)  # B..U, 1-based inclusive


def read_label_table(path: Path, class_names: tuple[str, ...]) -> dict[int, list[str]]:
    """session -> emotion names (lower case) in presentation order, from the SEED-VII xlsx.

    Rows whose column A starts with "Session" and whose B:U cells are all emotion names are label
    rows; other "Session" rows (e.g. stimulus numbers) are skipped. The session number is the
    number in column A, or the row's rank when A has none.
    """
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip/XML errors of many types for a damaged file
        raise DatasetError(f"{path.name} could not be read as an Excel workbook ({type(exc).__name__}); "
                           f"download it again.") from None
    known = {name.lower() for name in class_names}
    sessions: dict[int, list[str]] = {}
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(min_col=1, max_col=NAME_COLUMNS[1], values_only=True):
                head = str(row[0]).strip() if row and row[0] is not None else ""
                if not head.lower().startswith("session"):
                    continue
                cells = [str(c).strip().lower() for c in row[NAME_COLUMNS[0] - 1:] if c is not None]
                if not cells or not all(c in known for c in cells):
                    log.debug("%s: skipping row %r (not all emotion names)", path.name, head)
                    continue
                number = re.search(r"(\d+)", head)
                session = int(number.group(1)) if number else len(sessions) + 1
                if session in sessions:
                    raise DatasetError(f"{path.name} has two label rows for session {session}; keep one.")
                sessions[session] = cells
            if sessions:
                break
    finally:
        workbook.close()
    if not sessions:
        raise DatasetError(
            f"{path.name} has no rows whose column A starts with 'Session' followed by emotion names "
            f"in columns B:U; use the workbook released with SEED-VII."
        )
    return dict(sorted(sessions.items()))


class SEEDVII(FolderPerKindLoader):
    NAME = "seed-vii"
    CLASS_NAMES = ("happy", "surprise", "neutral", "sad", "disgust", "fear", "anger")
    LAYOUT = (f"the SEED-VII folder that contains {LABEL_FILE} and EEG_preprocessed and/or "
              f"EEG_features")
    FOLDERS = FOLDERS
    FILES = dict.fromkeys(FOLDERS, "<subject>.mat files")

    def _files(self, kind: str) -> list:
        return matching_files(self.root / FOLDERS[kind], SUBJECT_FILE)

    def _check_extra_files(self) -> None:
        require_file(self.root, LABEL_FILE, f"point --root at {self.LAYOUT}")

    def label_files(self) -> list[Path]:
        return [require_file(self.root, LABEL_FILE, f"point --root at {self.LAYOUT}")]

    def sessions(self, subject: int, kind: str = "raw") -> list[int]:
        """The sessions of the workbook (every subject file holds all of them)."""
        return sorted(self.labels()) if self.subject_files(subject, kind) else []

    def labels(self) -> dict[int, list[str]]:
        """session -> emotion names, read from the workbook."""
        path = require_file(self.root, LABEL_FILE, f"point --root at {self.LAYOUT}")
        return read_label_table(path, self.CLASS_NAMES)

    def subjects(self, kind: str | None = None) -> list[int]:
        kinds = [kind] if kind else list(self.KINDS)
        return sorted({int(m.group(1)) for k in kinds for m, _ in self._files(k)})

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        table = self.labels()
        for match, path in sorted(self._files(kind), key=lambda mp: int(mp[0].group(1))):
            subject = int(match.group(1))
            if subject not in subjects:
                continue
            log.debug("reading SEED-VII %s %s", kind, path.name)
            if kind == "raw":  # one video at a time: a subject's file holds 80 clips of minutes each
                found = False
                for key, value in iter_mat_variables(path, str.isdigit, int):
                    found = True
                    data = _raw_videos({key: value}, path.name)[int(key)]
                    yield self._trial(table, subject, int(key), path.name, data=data)
                if not found:
                    _raw_videos({}, path.name)  # the file's own message: no variables '1'..'80'
            else:
                content = load_mat(path)
                for video, features in _feature_videos(content, path.name).items():
                    yield self._trial(table, subject, video, path.name, features=features)

    def _trial(self, table: dict[int, list[str]], subject: int, video: int, source: str,
               data: np.ndarray | None = None, features: dict[str, np.ndarray] | None = None) -> Trial:
        per_session = len(next(iter(table.values())))
        session, position = (video - 1) // per_session + 1, (video - 1) % per_session + 1
        names = table.get(session)
        if names is None or position > len(names):
            raise DatasetError(f"{source} has video {video} (session {session}, clip {position}) but "
                               f"{LABEL_FILE} has no label for it; use the workbook released with the "
                               f"data.")
        name = names[position - 1]
        return Trial(
            dataset=self.NAME, subject=subject, session=session, trial=position, data=data,
            ch_names=list(SEED_CHANNELS), sfreq=SFREQ, label=self.CLASS_NAMES.index(name),
            label_name=name, stimulus_id=f"seed-vii:video{video:02d}", features=features,
            feature_window_s=FEATURE_WINDOW_S if features is not None else None, source=source,
            extra={"video": video},
        )

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq": SFREQ, "n_channels": len(SEED_CHANNELS), "sessions_per_subject": 4,
                "trials_per_session": 20, "feature_window_s": FEATURE_WINDOW_S,
                "label_source": LABEL_FILE,
                "stimulus_id": "one id per video, shared by all subjects (seed-vii:videoNN)"}


def _raw_videos(content: dict[str, Any], source: str) -> dict[int, np.ndarray]:
    """video number -> (62, T) float64, from the variables named '1'..'80'."""
    out: dict[int, np.ndarray] = {}
    for key, value in content.items():
        if not key.isdigit():
            continue
        data = np.asarray(value)
        if data.ndim != 2 or data.shape[0] != len(SEED_CHANNELS) or data.dtype.kind not in "fiu":
            raise DatasetError(f"{source} variable {key!r} has shape {data.shape}, not (62, samples); the "
                               f"file is not in the released layout.")
        out[int(key)] = data.astype(np.float64, copy=False)
    if not out:
        raise DatasetError(f"{source} has no variables named '1'..'80'; it is not a SEED-VII "
                           f"EEG_preprocessed file.")
    return dict(sorted(out.items()))


def _feature_videos(content: dict[str, Any], source: str) -> dict[int, dict[str, np.ndarray]]:
    """video number -> {feature: (windows, 62, 5)}, from (windows, 5, 62) variables `de_LDS_7` etc."""
    out: dict[int, dict[str, np.ndarray]] = {}
    for key, value in content.items():
        match = FEATURE_KEY.match(key)
        if not match:
            continue
        array = np.asarray(value)
        if array.ndim != 3 or array.shape[1:] != (N_BANDS, len(SEED_CHANNELS)):
            raise DatasetError(f"{source} variable {key!r} has shape {array.shape}, not (windows, 5, 62); "
                               f"the file is not in the released layout.")
        # Bands come before channels on disk; swap them to (windows, channels, bands).
        out.setdefault(int(match.group(2)), {})[match.group(1)] = np.ascontiguousarray(
            array.transpose(0, 2, 1), dtype=np.float64)
    if not out:
        raise DatasetError(f"{source} has no variables such as de_LDS_1; it is not a SEED-VII "
                           f"EEG_features file.")
    return dict(sorted(out.items()))
