"""SEED-IV (4 classes) from its released folders (docs/datasets.md, "SEED-IV").

Layout read:
- `eeg_raw_data/{1,2,3}/<subject>_<yyyymmdd>.mat` (the folder is the session): 24 variables
  `<initials>_eeg1 … _eeg24`, (62, T) at 200 Hz.
- `eeg_feature_smooth/{1,2,3}/<subject>_<yyyymmdd>.mat`: per trial `de_movingAve{k}`, `de_LDS{k}`,
  `psd_movingAve{k}`, `psd_LDS{k}` shaped (62, windows, 5), 4-s windows; returned as
  (windows, 62, 5).

The dataset ships no label file; the per-session label lists are the ones published with it
(docs/datasets.md) and are indexed by the trial number parsed from the variable name. SEED-IV used 72
different clips, 24 per session, so `stimulus_id` is `seed-iv:s<session>clipNN`.
"""

from __future__ import annotations

from typing import Any, Iterator

from ..errors import DatasetError
from ..log import get_logger
from .base import FolderPerKindLoader, Trial, matching_files
from .matfile import load_mat
from .seedfamily import SEED_CHANNELS, SESSION_FILE, SFREQ, feature_trials, iter_raw_trials

log = get_logger(__name__)

RAW_DIR = "eeg_raw_data"
FEATURE_DIR = "eeg_feature_smooth"
FOLDERS = {"raw": RAW_DIR, "features": FEATURE_DIR}
SESSIONS = (1, 2, 3)
FEATURE_WINDOW_S = 4.0

# Published with the dataset (its ReadMe); index = trial number - 1.
SESSION_LABELS: dict[int, tuple[int, ...]] = {
    1: (1, 2, 3, 0, 2, 0, 0, 1, 0, 1, 2, 1, 1, 1, 2, 3, 2, 2, 3, 3, 0, 3, 0, 3),
    2: (2, 1, 3, 0, 0, 2, 0, 2, 3, 3, 2, 3, 2, 0, 1, 1, 2, 1, 0, 3, 0, 1, 3, 1),
    3: (1, 2, 2, 1, 3, 3, 3, 1, 1, 2, 1, 0, 2, 3, 3, 0, 2, 3, 0, 0, 2, 0, 1, 0),
}


class SEEDIV(FolderPerKindLoader):
    NAME = "seed-iv"
    CLASS_NAMES = ("neutral", "sad", "fear", "happy")
    LAYOUT = "the SEED-IV folder that contains eeg_raw_data/1..3 and/or eeg_feature_smooth/1..3"
    FOLDERS = FOLDERS
    FILES = dict.fromkeys(FOLDERS, "session folders 1, 2, 3 with <subject>_<yyyymmdd>.mat files")

    def _check_extra_files(self) -> None:
        """A copy missing a session folder (a partial download) is read with the sessions it has,
        and says which are missing: each session folder holds its own files and label list."""
        for folder in FOLDERS.values():
            if (self.root / folder).is_dir():
                absent = [str(s) for s in SESSIONS if not (self.root / folder / str(s)).is_dir()]
                if absent:
                    log.warning("SEED-IV %s has no session folder %s; reading the sessions it has.", folder,
                                ", ".join(absent))

    def _files(self, kind: str) -> list[tuple[int, int, str, Any]]:
        """(subject, session, date, path) for every subject file of `kind`."""
        out = []
        for session in SESSIONS:
            for match, path in matching_files(self.root / FOLDERS[kind] / str(session), SESSION_FILE):
                out.append((int(match.group(1)), session, match.group(2), path))
        return out


    def _subject_file_list(self, kind: str) -> list:
        return [(subject, path) for subject, _, _, path in self._files(kind)]

    def sessions(self, subject: int, kind: str = "raw") -> list[int]:
        return sorted({session for s, session, _, _ in self._files(kind) if s == subject})

    def subjects(self, kind: str | None = None) -> list[int]:
        kinds = [kind] if kind else list(self.KINDS)
        return sorted({subject for k in kinds for subject, *_ in self._files(k)})

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        files = sorted(f for f in self._files(kind) if f[0] in subjects)
        for subject, session, date, path in files:
            log.debug("reading SEED-IV %s %s", kind, path.name)
            source = f"{session}/{path.name}"
            if kind == "raw":
                for number, data in iter_raw_trials(path, source):
                    yield self._trial(subject, session, number, source, date, data=data)
            else:
                for number, features in feature_trials(load_mat(path), source).items():
                    yield self._trial(subject, session, number, source, date, features=features)

    def _trial(self, subject: int, session: int, number: int, source: str, date: str,
               data: Any = None, features: dict | None = None) -> Trial:
        labels = SESSION_LABELS[session]
        if not 1 <= number <= len(labels):
            raise DatasetError(f"{source} has trial {number} but SEED-IV sessions have {len(labels)} "
                               f"trials; the file is not in the released layout.")
        label = labels[number - 1]
        return Trial(
            dataset=self.NAME, subject=subject, session=session, trial=number, data=data,
            ch_names=list(SEED_CHANNELS), sfreq=SFREQ, label=label, label_name=self.CLASS_NAMES[label],
            stimulus_id=f"seed-iv:s{session}clip{number:02d}", features=features,
            feature_window_s=FEATURE_WINDOW_S if features is not None else None,
            source=source, extra={"date": date},
        )

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq": SFREQ, "n_channels": len(SEED_CHANNELS), "sessions_per_subject": len(SESSIONS),
                "trials_per_session": 24, "feature_window_s": FEATURE_WINDOW_S,
                "label_source": "published per-session label lists",
                "stimulus_id": "different clips in each session (seed-iv:s<session>clipNN)"}
