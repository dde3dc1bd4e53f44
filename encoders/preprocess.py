"""Preprocessing as serializable steps.

Each step is a small dataclass with `apply(recording) -> recording`; the step's `to_dict()` is
appended to `recording.meta.preprocessing`, so every artifact says exactly how its input was
prepared, and a checkpoint's config can rebuild the same pipeline at inference.
"""

from __future__ import annotations

import abc
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np

from .errors import ConfigError
from .recording import Recording

TARGET_SFREQ = 200.0


@dataclass(frozen=True)
class Step(abc.ABC):
    name: ClassVar[str] = ""

    @abc.abstractmethod
    def apply(self, rec: Recording) -> Recording: ...

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.name, **asdict(self)}


@dataclass(frozen=True)
class BandPass(Step):
    """Zero-phase FIR band-pass (MNE's default design)."""

    name: ClassVar[str] = "bandpass"
    l_freq: float = 1.0
    h_freq: float = 50.0

    def apply(self, rec: Recording) -> Recording:
        import mne

        h_freq = self.h_freq if self.h_freq < rec.sfreq / 2 else None  # nothing to cut above Nyquist
        data = mne.filter.filter_data(rec.data, rec.sfreq, self.l_freq, h_freq, verbose="error",
                                      n_jobs=None, pad="reflect_limited")
        return rec.with_data(data, step=self.to_dict())


@dataclass(frozen=True)
class Notch(Step):
    """Line-noise notch at the mains frequency and its harmonics below Nyquist."""

    name: ClassVar[str] = "notch"
    freq: float = 50.0

    def apply(self, rec: Recording) -> Recording:
        import mne

        freqs = np.arange(self.freq, rec.sfreq / 2, self.freq)
        freqs = freqs[freqs < rec.sfreq / 2 - 1]
        if freqs.size == 0:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "above Nyquist"})
        data = mne.filter.notch_filter(rec.data, rec.sfreq, freqs, verbose="error")
        return rec.with_data(data, step=self.to_dict())


@dataclass(frozen=True)
class Resample(Step):
    name: ClassVar[str] = "resample"
    sfreq: float = TARGET_SFREQ

    def apply(self, rec: Recording) -> Recording:
        import mne

        if abs(rec.sfreq - self.sfreq) < 1e-9:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "already at rate"})
        data = mne.filter.resample(rec.data, up=self.sfreq, down=rec.sfreq, npad="auto", verbose="error")
        out = rec.with_data(data, sfreq=self.sfreq, step={**self.to_dict(), "from_sfreq": rec.sfreq})
        return out


@dataclass(frozen=True)
class Reference(Step):
    """Re-reference: 'average' (common average) or a channel name."""

    name: ClassVar[str] = "reference"
    ref: str = "average"

    def apply(self, rec: Recording) -> Recording:
        if self.ref == "average":
            data = rec.data - rec.data.mean(axis=0, keepdims=True)
        elif self.ref in rec.ch_names:
            data = rec.data - rec.data[rec.ch_names.index(self.ref)]
        else:
            raise ConfigError(f"Reference channel {self.ref!r} is not in the recording; use 'average' "
                              f"or one of its channels.")
        return rec.with_data(data, step=self.to_dict())


STEPS: dict[str, type[Step]] = {cls.name: cls for cls in (BandPass, Notch, Resample, Reference)}


@dataclass(frozen=True)
class Pipeline:
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __call__(self, rec: Recording) -> Recording:
        for step in self.steps:
            rec = step.apply(rec)
        return rec

    def to_list(self) -> list[dict[str, Any]]:
        return [step.to_dict() for step in self.steps]

    @classmethod
    def from_list(cls, items: list[dict[str, Any]]) -> "Pipeline":
        steps = []
        for item in items:
            item = dict(item)
            kind = item.pop("step", None)
            if kind not in STEPS:
                raise ConfigError(f"Unknown preprocessing step {kind!r}; known steps: {', '.join(STEPS)}.")
            steps.append(STEPS[kind](**item))
        return cls(tuple(steps))


def default_pipeline(line_freq: float = 50.0) -> Pipeline:
    """1–50 Hz band-pass, mains notch, resample to 200 Hz, average reference (DESIGN.md)."""
    return Pipeline((BandPass(1.0, 50.0), Notch(line_freq), Resample(TARGET_SFREQ), Reference("average")))
