"""DREAMER (valence/arousal/dominance ratings 1–5) from `DREAMER.mat` (docs/datasets.md, "DREAMER").

Layout read: one struct `DREAMER` with `Data` (one struct per subject: `EEG.baseline` and
`EEG.stimuli`, cells of (samples, 14) arrays, time first; `ScoreValence`/`ScoreArousal`/
`ScoreDominance` per clip; ECG, age and gender are not used), `EEG_SamplingRate` and
`EEG_Electrodes`. Read with `scipy.io.loadmat(struct_as_record=False, squeeze_me=True)`, so a
clip is `m["DREAMER"].Data[s].EEG.stimuli[t]`. Subject and clip counts, clip lengths and the
baseline length (61 s in the release) are taken from the data, never assumed. Values are kept as
stored (Emotiv EPOC, µV; the release's DC offset is not removed here).

Class labels: `Trial.label` is 1 ("high") when the `target` rating is high, else 0 ("low"). The
default rule is **rating >= 3.0** (`inclusive=True`, the scale's midpoint, as torcheeg's
`Binary(3.0)`); pass `inclusive=False` for rating > 3.0. Every subject watched the same 18
clips in the same order, so `stimulus_id` is `dreamer:clipNN`.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ..channels import MONTAGES, normalize_channel_name
from ..errors import DatasetError
from ..log import get_logger
from .base import DatasetLoader, Trial, require_file
from .matfile import load_mat

log = get_logger(__name__)

MAT_FILE = "DREAMER.mat"
RATINGS = {"valence": "ScoreValence", "arousal": "ScoreArousal", "dominance": "ScoreDominance"}


def _cells(value: Any) -> list[Any]:
    """A MATLAB cell/struct array as a list; `squeeze_me` turns a 1-element cell into its content."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return list(value.ravel())
    if isinstance(value, np.ndarray) or not hasattr(value, "__len__"):
        return [value]
    return list(value)


class DREAMER(DatasetLoader):
    NAME = "dreamer"
    CLASS_NAMES = ("low", "high")
    KINDS = ("raw",)
    LAYOUT = "the DREAMER folder that contains DREAMER.mat"

    def __init__(self, root: Any, *, target: str = "valence", threshold: float = 3.0,
                 inclusive: bool = True) -> None:
        """`target`: which rating makes the label; high means rating >= threshold (inclusive) or
        rating > threshold."""
        if target not in RATINGS:
            raise DatasetError(f"DREAMER target must be one of {', '.join(RATINGS)}, not {target!r}.")
        self.target, self.threshold, self.inclusive = target, threshold, inclusive
        self._struct: Any = None
        super().__init__(root)

    def _check_layout(self) -> None:
        require_file(self.root, MAT_FILE, f"point --root at {self.LAYOUT}")

    def _load(self) -> Any:
        """The `DREAMER` struct, read once (the file is ~450 MB; every call after the first is free)."""
        if self._struct is None:
            path = require_file(self.root, MAT_FILE, f"point --root at {self.LAYOUT}")
            content = load_mat(path, struct_as_record=False, squeeze_me=True, variable_names=["DREAMER"])
            if "DREAMER" not in content or not hasattr(content["DREAMER"], "Data"):
                raise DatasetError(f"{MAT_FILE} has no struct DREAMER with a Data field; download the "
                                   f"release file again.")
            self._struct = content["DREAMER"]
        return self._struct

    def _subject_structs(self) -> list[Any]:
        return _cells(self._load().Data)

    def _subject_file_list(self, kind: str) -> list:
        return [(subject, self.root / MAT_FILE) for subject in self.subjects()]  # all live in the one struct

    def subjects(self, kind: str | None = None) -> list[int]:
        return list(range(1, len(self._subject_structs()) + 1))

    def channel_names(self) -> list[str]:
        """Canonical names of `EEG_Electrodes` (the Emotiv 14 when the field is absent)."""
        raw = getattr(self._load(), "EEG_Electrodes", None)
        names = [str(n).strip() for n in _cells(raw)] if raw is not None else list(MONTAGES["emotiv14"])
        canonical = [normalize_channel_name(n) for n in names]
        if None in canonical:
            bad = [n for n, c in zip(names, canonical) if c is None]
            raise DatasetError(f"{MAT_FILE} lists electrodes {', '.join(bad)} that are not 10-05 names; "
                               f"the file is not the DREAMER release.")
        return [c for c in canonical if c]

    def sfreq(self) -> float:
        rate = getattr(self._load(), "EEG_SamplingRate", None)
        if rate is None:
            raise DatasetError(f"{MAT_FILE} has no EEG_SamplingRate; download the release file again.")
        return float(np.asarray(rate).ravel()[0])

    def is_high(self, rating: float) -> bool:
        return rating >= self.threshold if self.inclusive else rating > self.threshold

    def rule(self) -> str:
        return f"{self.target} {'>=' if self.inclusive else '>'} {self.threshold:g} is high"

    def _iter(self, kind: str, subjects: list[int]) -> Iterator[Trial]:
        names, sfreq, structs = self.channel_names(), self.sfreq(), self._subject_structs()
        for subject in subjects:
            record = structs[subject - 1]
            source = f"{MAT_FILE} Data[{subject - 1}]"
            stimuli = _cells(record.EEG.stimuli)
            baselines = _cells(record.EEG.baseline)
            scores = {name: np.atleast_1d(np.asarray(getattr(record, field), dtype=np.float64)).ravel()
                      for name, field in RATINGS.items()}
            if len(baselines) != len(stimuli) or any(len(v) != len(stimuli) for v in scores.values()):
                raise DatasetError(f"{source} has {len(stimuli)} clips but {len(baselines)} baselines and "
                                   f"{[len(v) for v in scores.values()]} ratings; the file is not the "
                                   f"DREAMER release.")
            for index, (clip, rest) in enumerate(zip(stimuli, baselines)):
                data = _time_first(clip, len(names), f"{source} clip {index + 1}")
                baseline = _time_first(rest, len(names), f"{source} baseline {index + 1}")
                ratings = {name: float(values[index]) for name, values in scores.items()}
                high = self.is_high(ratings[self.target])
                yield Trial(
                    dataset=self.NAME, subject=subject, session=1, trial=index + 1, data=data,
                    ch_names=list(names), sfreq=sfreq, label=int(high),
                    label_name=self.CLASS_NAMES[int(high)], ratings=ratings,
                    stimulus_id=f"dreamer:clip{index + 1:02d}", baseline=baseline, source=MAT_FILE,
                    extra={"label_target": self.target, "label_rule": self.rule(),
                           "baseline_s": baseline.shape[1] / sfreq, "set_aside": {"ECG": "ecg"}},
                )

    def _describe_extra(self) -> dict[str, Any]:
        return {"sfreq": self.sfreq(), "n_channels": len(self.channel_names()), "label_rule": self.rule(),
                "ratings": list(RATINGS), "stimulus_id": "same clips in the same order (dreamer:clipNN)"}


def _time_first(value: Any, n_channels: int, source: str) -> np.ndarray:
    """(samples, channels) on disk → (channels, samples) float64."""
    array = np.asarray(value)
    if array.ndim != 2 or array.shape[1] != n_channels or array.dtype.kind not in "fiu":
        raise DatasetError(f"{source} has shape {array.shape}, not (samples, {n_channels}); the file is "
                           f"not the DREAMER release.")
    return np.ascontiguousarray(array.T, dtype=np.float64)
