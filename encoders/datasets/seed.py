"""SEED (3 classes) from its released folders (docs/datasets.md, "SEED").

Layout read:
- `Preprocessed_EEG/<subject>_<yyyymmdd>.mat`: 15 variables `<initials>_eeg1 … _eeg15`, float64
  (62, 200·s+1) µV at 200 Hz; the trial number is parsed from the name (`_eeg(\\d+)$`), never
  taken from the variable's position.
- `label.mat` (in `Preprocessed_EEG/` or `ExtractedFeatures/`): `label` (1, 15) in {-1, 0, 1},
  the same every session.
- `ExtractedFeatures/<subject>_<yyyymmdd>.mat`: per trial i, `de_movingAve{i}`, `de_LDS{i}`,
  `psd_*`, `dasm_*`, `rasm_*`, `asm_*`, `dcau_*` shaped (rows, T, 5) with 1-s windows; returned
  as (T, rows, 5). Rows are the 62 channels for de/psd and electrode pairs for the asymmetries.

Sessions are numbered 1..3 by the date in the file name. `Trial.label` is the index into
CLASS_NAMES = (negative, neutral, positive), i.e. the file's value + 1 (kept as
`extra["file_label"]`). SEED shows the same 15 films, in the same order, in every session and to
every subject, so `stimulus_id` is `seed:clipNN` from the trial number alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import DatasetError
from ..log import get_logger
from .base import FolderPerKindLoader, Trial, matching_files, require_file
from .matfile import load_mat
from .seedfamily import SEED_CHANNELS, SESSION_FILE, SFREQ, feature_trials, iter_raw_trials, sessions_by_date

log = get_logger(__name__)

RAW_DIR = "Preprocessed_EEG"
FEATURE_DIR = "ExtractedFeatures"
FOLDERS = {"raw": RAW_DIR, "features": FEATURE_DIR}
FEATURE_WINDOW_S = 1.0


class SEED(FolderPerKindLoader):
    NAME = "seed"
    CLASS_NAMES = ("negative", "neutral", "positive")
    LAYOUT = "the SEED folder that contains Preprocessed_EEG and/or ExtractedFeatures"
    FOLDERS = FOLDERS
    FILES = {"raw": "<subject>_<yyyymmdd>.mat files", "features": "<subject>_<yyyymmdd>.mat files"}

    def _files(self, kind: str) -> list:
        return matching_files(self.root / FOLDERS[kind], SESSION_FILE)

    def _check_extra_files(self) -> None:
        self._label_file()

    def _label_file(self, kind: str = "raw") -> Path:
        """label.mat next to the files of `kind`, else the other folder's copy (they are identical)."""
        order = [FOLDERS[kind], *(f for f in FOLDERS.values() if f != FOLDERS[kind])]
        for folder in order:
            if (self.root / folder / "label.mat").is_file():
                return self.root / folder / "label.mat"
        first = next((f for f in order if (self.root / f).is_dir()), RAW_DIR)
        return require_file(self.root, f"{first}/label.mat", f"copy label.mat from the SEED release into {first}")

    def label_files(self) -> list[Path]:
        return [self._label_file()]

    def labels(self, kind: str = "raw") -> np.ndarray:
        """SEED's per-trial labels in {-1, 0, 1}, read from label.mat."""
        path = self._label_file(kind)
        content = load_mat(path)
        if "label" not in content:
            raise DatasetError(f"{path.name} has no variable 'label'; download SEED's label.mat again.")
        labels = np.asarray(content["label"]).ravel().astype(int)
        if not set(labels.tolist()) <= {-1, 0, 1}:
            raise DatasetError(f"{path.name} holds labels {sorted(set(labels.tolist()))}, not SEED's "
                               f"-1/0/1; it is not SEED's label file.")
        return labels

    def subjects(self, kind: str | None = None) -> list[int]:
        kinds = [kind] if kind else list(self.KINDS)
        return sorted({int(m.group(1)) for k in kinds for m, _ in self._files(k)})

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        labels = self.labels(kind)
        sessions = sessions_by_date(self._files(kind))
        for subject in subjects:
            for session, date, path in sessions.get(subject, []):
                log.debug("reading SEED %s %s", kind, path.name)
                if kind == "raw":
                    for number, data in iter_raw_trials(path, path.name):
                        yield self._trial(subject, session, number, labels, path.name, date, data=data)
                else:
                    for number, features in feature_trials(load_mat(path), path.name).items():
                        yield self._trial(subject, session, number, labels, path.name, date,
                                          features=features)

    def _trial(self, subject: int, session: int, number: int, labels: np.ndarray, source: str,
               date: str, data: np.ndarray | None = None,
               features: dict[str, np.ndarray] | None = None) -> Trial:
        if not 1 <= number <= len(labels):
            raise DatasetError(f"{source} has trial {number} but label.mat lists {len(labels)} trials; "
                               f"the files come from different releases: download both again.")
        file_label = int(labels[number - 1])
        return Trial(
            dataset=self.NAME, subject=subject, session=session, trial=number, data=data,
            ch_names=list(SEED_CHANNELS), sfreq=SFREQ, label=file_label + 1,
            label_name=self.CLASS_NAMES[file_label + 1], stimulus_id=f"seed:clip{number:02d}",
            features=features, feature_window_s=FEATURE_WINDOW_S if features is not None else None,
            source=source, extra={"file_label": file_label, "date": date},
        )

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq": SFREQ, "n_channels": len(SEED_CHANNELS), "sessions_per_subject": 3,
                "feature_window_s": FEATURE_WINDOW_S, "label_source": "label.mat",
                "stimulus_id": "same film, same id in every session (seed:clipNN)"}
