"""The one in-memory form of an EEG recording, whatever file it came from."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Annotation:
    onset: float  # seconds from the start of the recording
    duration: float  # seconds
    description: str


@dataclass
class RecordingMeta:
    """What we know about where a recording came from. `identifiers` holds patient fields from the
    file header (name, birth date, hospital code...): kept apart and never rendered, logged or put in
    a prompt unless the user asks for them."""

    source_name: str = ""  # file name only, never the full path
    file_format: str = ""
    original_names: list[str] = field(default_factory=list)  # labels as in the file, for EEG channels
    set_aside: dict[str, str] = field(default_factory=dict)  # raw label -> why it is not used as EEG
    synthetic: bool = False
    line_freq: float | None = None
    units_note: str | None = None  # set when the file's units had to be corrected
    preprocessing: list[dict[str, Any]] = field(default_factory=list)  # applied steps, in order
    extra: dict[str, Any] = field(default_factory=dict)  # de-identified, format-specific facts
    identifiers: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class Recording:
    """Scalp EEG in microvolts, channels × samples, with canonical 10-05 channel names."""

    data: np.ndarray  # (C, S) float64, µV
    ch_names: list[str]
    sfreq: float
    positions: np.ndarray  # (C, 3) metres, head frame
    annotations: list[Annotation] = field(default_factory=list)
    meta: RecordingMeta = field(default_factory=RecordingMeta)

    def __post_init__(self) -> None:
        self.data = np.asarray(self.data, dtype=np.float64)
        if self.data.ndim != 2 or self.data.shape[0] != len(self.ch_names):
            raise ValueError(f"data {self.data.shape} does not match {len(self.ch_names)} channel names")
        self.positions = np.asarray(self.positions, dtype=np.float64).reshape(len(self.ch_names), 3)

    @property
    def n_channels(self) -> int:
        return self.data.shape[0]

    @property
    def n_samples(self) -> int:
        return self.data.shape[1]

    @property
    def duration(self) -> float:
        return self.n_samples / self.sfreq

    def with_data(self, data: np.ndarray, sfreq: float | None = None, step: dict | None = None) -> "Recording":
        """A copy with new samples (same channels), recording the processing step that made them."""
        meta = replace(self.meta, preprocessing=[*self.meta.preprocessing, *([step] if step else [])])
        return Recording(data, list(self.ch_names), sfreq or self.sfreq, self.positions.copy(),
                         list(self.annotations), meta)

    def pick(self, names: list[str]) -> "Recording":
        """A copy with only `names`, in that order."""
        index = [self.ch_names.index(n) for n in names]
        meta = replace(self.meta, original_names=[self.meta.original_names[i] for i in index]
                       if len(self.meta.original_names) == self.n_channels else list(names))
        return Recording(self.data[index], list(names), self.sfreq, self.positions[index],
                         list(self.annotations), meta)

    def crop(self, tmin: float, tmax: float | None = None) -> "Recording":
        start = int(round(tmin * self.sfreq))
        stop = self.n_samples if tmax is None else int(round(tmax * self.sfreq))
        out = self.with_data(self.data[:, start:stop])
        out.annotations = [
            Annotation(a.onset - tmin, a.duration, a.description)
            for a in self.annotations
            if tmin <= a.onset < (tmax if tmax is not None else np.inf)
        ]
        return out

    def describe(self) -> dict[str, Any]:
        """De-identified summary (safe for logs, prompts and reports)."""
        return {
            "source": self.meta.source_name,
            "format": self.meta.file_format,
            "synthetic": self.meta.synthetic,
            "n_channels": self.n_channels,
            "channels": list(self.ch_names),
            "set_aside": dict(self.meta.set_aside),
            "sfreq": self.sfreq,
            "duration_s": round(self.duration, 3),
            "n_annotations": len(self.annotations),
            "units_note": self.meta.units_note,
            "preprocessing": list(self.meta.preprocessing),
        }
