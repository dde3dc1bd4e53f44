"""DEAP (valence/arousal/dominance/liking ratings 1–9) from `data_preprocessed_python` or
`data_preprocessed_matlab` (docs/datasets.md).

Layout read: `data_preprocessed_python/sXX.dat`, a Python-2 pickle of a dict with `data`
(trials, 40, samples) at 128 Hz = 3 s pre-trial baseline + 60 s, and `labels` (trials, 4) in the
order valence, arousal, dominance, liking, loaded only through `safe_pickle` (a pickle can run
code); or, where a copy holds only the release's MATLAB version, `data_preprocessed_matlab/sXX.mat`
with the same two variables. Channels 1–32 are EEG in the Geneva order (`MONTAGES["deap32"]`); 33–40 are peripheral
(EOG, EMG, GSR, respiration, plethysmograph, temperature) and are set aside. Trial and sample
counts are taken from the data. The trials are in video (Experiment_id) order, so trial n is
video n for every subject and `stimulus_id` is `deap:videoNN`.

Class labels: DEAP has ratings, not classes. `Trial.label` is 1 ("high") when the `target`
rating is high and 0 ("low") otherwise, and the threshold rule must be explicit because public
code disagrees: the default is **rating >= 5.0** (`inclusive=True`, torcheeg's `Binary(5.0)`);
pass `inclusive=False` for rating > 5.0. The raw ratings are always in `Trial.ratings`.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import numpy as np

from ..channels import MONTAGES
from ..errors import DatasetError
from ..log import get_logger
from ..recording import Annotation
from .base import DatasetLoader, Trial, matching_files, missing_folder, shown
from .matfile import load_mat
from .safe_pickle import safe_load

log = get_logger(__name__)

# The release's two copies of the same data; the Python one is read where both are present.
DATA_DIRS = {"data_preprocessed_python": re.compile(r"^s(\d{2})\.dat$"),
             "data_preprocessed_matlab": re.compile(r"^s(\d{2})\.mat$")}
SFREQ = 128.0
BASELINE_S = 3.0
EEG_CHANNELS = list(MONTAGES["deap32"])
PERIPHERAL = ("hEOG", "vEOG", "zEMG", "tEMG", "GSR", "Respiration belt", "Plethysmograph", "Temperature")
RATINGS = ("valence", "arousal", "dominance", "liking")


class DEAP(DatasetLoader):
    NAME = "deap"
    CLASS_NAMES = ("low", "high")
    KINDS = ("raw",)
    LAYOUT = ("the DEAP folder that contains data_preprocessed_python/s01.dat … s32.dat (or "
              "data_preprocessed_matlab/s01.mat … s32.mat)")

    def __init__(self, root: Any, *, target: str = "valence", threshold: float = 5.0,
                 inclusive: bool = True, baseline: str = "split") -> None:
        """`target`: which rating makes the label; `threshold`/`inclusive`: high means
        rating >= threshold (inclusive) or rating > threshold; `baseline`: "split" moves the
        3-s pre-trial baseline from `data` to `Trial.baseline`, "keep" leaves it at the start of
        `data` (marked by an annotation)."""
        if target not in RATINGS:
            raise DatasetError(f"DEAP target must be one of {', '.join(RATINGS)}, not {target!r}.")
        if baseline not in ("split", "keep"):
            raise DatasetError(f"DEAP baseline must be 'split' or 'keep', not {baseline!r}.")
        self.target, self.threshold, self.inclusive = target, threshold, inclusive
        self.baseline_mode = baseline
        super().__init__(root)

    def _files(self) -> list:
        for folder, pattern in DATA_DIRS.items():
            files = matching_files(self.root / folder, pattern)
            if files:
                return files
        return []

    def _check_layout(self) -> None:
        present = [folder for folder in DATA_DIRS if (self.root / folder).is_dir()]
        if not present:
            raise missing_folder(self.root, next(iter(DATA_DIRS)), f"point --root at {self.LAYOUT}")
        if not self._files():
            raise DatasetError(f"{shown(self.root, present[0])} contains no sXX.dat or sXX.mat files; copy "
                               f"the dataset's files into it or point --root at {self.LAYOUT}.")

    def _subject_file_list(self, kind: str) -> list:
        return [(int(match.group(1)), path) for match, path in self._files()]

    def subjects(self, kind: str | None = None) -> list[int]:
        return sorted(int(m.group(1)) for m, _ in self._files())

    def is_high(self, rating: float) -> bool:
        """The documented split: rating >= threshold when inclusive, else rating > threshold."""
        return rating >= self.threshold if self.inclusive else rating > self.threshold

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        for match, path in self._files():
            subject = int(match.group(1))
            if subject not in subjects:
                continue
            log.debug("reading DEAP %s", path.name)
            data, ratings = _read_subject(path)
            n_baseline = int(round(BASELINE_S * SFREQ))
            for index in range(data.shape[0]):
                eeg = data[index, :len(EEG_CHANNELS)]
                scores = {name: float(ratings[index, i]) for i, name in enumerate(RATINGS)}
                high = self.is_high(scores[self.target])
                if self.baseline_mode == "split":
                    signal, baseline, notes = eeg[:, n_baseline:], eeg[:, :n_baseline], []
                else:
                    signal, baseline = eeg, None
                    notes = [Annotation(0.0, BASELINE_S, "baseline (pre-trial rest)")]
                yield Trial(
                    dataset=self.NAME, subject=subject, session=1, trial=index + 1,
                    data=np.ascontiguousarray(signal), ch_names=list(EEG_CHANNELS), sfreq=SFREQ,
                    label=int(high), label_name=self.CLASS_NAMES[int(high)], ratings=scores,
                    stimulus_id=f"deap:video{index + 1:02d}", baseline=np.ascontiguousarray(baseline)
                    if baseline is not None else None, annotations=notes, source=path.name,
                    extra={"label_target": self.target, "label_rule": self.rule(),
                           "set_aside": {name: "peripheral" for name in PERIPHERAL}},
                )

    def rule(self) -> str:
        return f"{self.target} {'>=' if self.inclusive else '>'} {self.threshold:g} is high"

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq": SFREQ, "n_channels": len(EEG_CHANNELS), "baseline_s": BASELINE_S,
                "baseline": self.baseline_mode, "label_rule": self.rule(), "ratings": list(RATINGS),
                "stimulus_id": "trials are in video order (deap:videoNN)"}


def _read_subject(path: Any) -> tuple[np.ndarray, np.ndarray]:
    """(data (trials, 40, samples) float64, labels (trials, 4)) of one sXX.dat or sXX.mat."""
    if path.suffix == ".mat":
        content = load_mat(path)
    else:
        content = safe_load(path, encoding="latin1", source=path.name)
    if not isinstance(content, dict) or not {"data", "labels"} <= set(content):
        found = sorted(map(str, content)) if isinstance(content, dict) else type(content).__name__
        raise DatasetError(f"{path.name} holds {found}, not a dict with 'data' and 'labels'; it is not a "
                           f"DEAP preprocessed data file.")
    data, labels = np.asarray(content["data"]), np.asarray(content["labels"])
    n_channels = len(EEG_CHANNELS) + len(PERIPHERAL)
    if data.ndim != 3 or data.shape[1] != n_channels or data.dtype.kind not in "fiu":
        raise DatasetError(f"{path.name} 'data' has shape {data.shape}, not (trials, {n_channels}, "
                           f"samples); it is not a DEAP preprocessed data file.")
    if labels.shape != (data.shape[0], len(RATINGS)):
        raise DatasetError(f"{path.name} 'labels' has shape {labels.shape}, not ({data.shape[0]}, 4); it "
                           f"is not a DEAP preprocessed data file.")
    if data.shape[2] <= BASELINE_S * SFREQ:
        raise DatasetError(f"{path.name} trials are {data.shape[2]} samples long, not longer than the "
                           f"3-s baseline; the file is truncated: download it again.")
    return data.astype(np.float64, copy=False), labels.astype(np.float64, copy=False)
