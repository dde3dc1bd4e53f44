"""Preprocessing as serializable steps.

Each step is a small dataclass with `apply(recording) -> recording`; the step's `to_dict()` is
appended to `recording.meta.preprocessing`, so every artifact says exactly how its input was
prepared, and a checkpoint's config can rebuild the same pipeline at inference.
"""

from __future__ import annotations

import abc
from dataclasses import asdict, dataclass, field, replace
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


# MNE's notch design (`mne.filter.notch_filter` defaults): each harmonic f is cut over f/200 Hz,
# with 0.5 Hz transitions on either side.
NOTCH_WIDTH_FRACTION = 1 / 200
NOTCH_TRANSITION_HZ = 0.5


def notch_harmonics(freq: float, sfreq: float) -> np.ndarray:
    """The mains harmonics a notch at `sfreq` can cut: below Nyquist, each band (with its transitions)
    ending below Nyquist and before the next one starts. At very high rates the bands of high
    harmonics widen until they meet (near 9.8 kHz for 50 Hz mains) or cross Nyquist; a filter
    cannot be designed for those, and the 1–50 Hz analysis never sees them."""
    nyquist = sfreq / 2
    freqs = np.arange(freq, nyquist, freq)
    freqs = freqs[freqs < nyquist - 1]
    half = freqs * NOTCH_WIDTH_FRACTION / 2 + NOTCH_TRANSITION_HZ
    low, high = freqs - half, freqs + half
    fits = (high < nyquist) & np.r_[high[:-1] < low[1:], True]
    first_misfit = np.flatnonzero(~fits)
    return freqs[: first_misfit[0]] if first_misfit.size else freqs


@dataclass(frozen=True)
class Notch(Step):
    """Line-noise notch at the mains frequency and its harmonics below Nyquist (those a filter can
    cut at this rate, see `notch_harmonics`)."""

    name: ClassVar[str] = "notch"
    freq: float = 50.0

    def apply(self, rec: Recording) -> Recording:
        import mne

        freqs = notch_harmonics(self.freq, rec.sfreq)
        if freqs.size == 0:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "above Nyquist"})
        data = mne.filter.notch_filter(rec.data, rec.sfreq, freqs, verbose="error")
        step = self.to_dict()
        if freqs[-1] + self.freq < rec.sfreq / 2 - 1:  # said only when harmonics below Nyquist were left out
            step["highest_harmonic"] = float(freqs[-1])
        return rec.with_data(data, step=step)


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


# Above this rate the filters are run on a copy resampled to it. The FIR filters' length grows with
# the rate and so does the signal, so their cost grows with its square (a 20 kHz recording took
# ~4 s per channel-minute in the notch alone); 5 kHz still holds 50× the highest analysed
# frequency, and rates up to it (every common EEG amplifier setting) are filtered as recorded.
MAX_FILTER_SFREQ = 5000.0


@dataclass(frozen=True)
class LimitRate(Step):
    """Resample a recording sampled above `max_sfreq` down to `max_sfreq` (FFT resampling, which
    cuts everything above the new Nyquist, so nothing aliases); slower recordings pass unchanged."""

    name: ClassVar[str] = "limit_rate"
    max_sfreq: float = MAX_FILTER_SFREQ

    def apply(self, rec: Recording) -> Recording:
        if rec.sfreq <= self.max_sfreq:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "at or below the limit"})
        resampled = Resample(self.max_sfreq).apply(rec)
        return rec.with_data(resampled.data, sfreq=self.max_sfreq, step={**self.to_dict(), "from_sfreq": rec.sfreq})


# A common average is a fair estimate of zero only when it averages many electrodes spread over
# the head; over few or one-sided electrodes it subtracts real signal (over one channel it subtracts
# the channel from itself, over two it makes them mirror images), so below these it is not applied.
AVERAGE_MIN_CHANNELS = 8
AVERAGE_MIN_REGIONS = 3  # of frontal, central, temporal, parietal, occipital
# Even when asked for explicitly, an average over fewer channels than this cancels the signal.
AVERAGE_ABSOLUTE_MIN_CHANNELS = 3
AS_RECORDED = "as recorded"


@dataclass(frozen=True)
class Reference(Step):
    """Re-reference the signal.

    `ref`: "auto" (the default) uses the common average of the good channels when they are enough
    and spread over the head (`AVERAGE_MIN_*`), and otherwise keeps the recording's own reference;
    "average" asks for the common average whatever the montage (still refused below
    `AVERAGE_ABSOLUTE_MIN_CHANNELS`, where it would cancel the signal); "as recorded" keeps the
    signal as it is; any other value names the reference channel.

    `exclude`: channels kept out of the average (the quality check's bad channels: a flat,
    clipped or absurd channel in the average would spread into every other channel). Channels
    with non-finite or constant samples are always kept out. The step's record in
    `meta.preprocessing` says which scheme was applied, over which channels, and why."""

    name: ClassVar[str] = "reference"
    ref: str = "auto"
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "exclude", tuple(self.exclude))  # lists from JSON compare equal too

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.name, "ref": self.ref, "exclude": list(self.exclude)}

    def averaged_channels(self, rec: Recording) -> list[int]:
        """Indices of the channels a common average may use."""
        excluded = set(self.exclude)
        live = np.isfinite(rec.data).all(axis=1) & (np.ptp(rec.data, axis=1) > 0)
        return [i for i, n in enumerate(rec.ch_names) if n not in excluded and live[i]]

    def apply(self, rec: Recording) -> Recording:
        if self.ref in ("auto", "average"):
            return self._average(rec)
        if self.ref == AS_RECORDED:
            return self._as_recorded(rec, "asked for")
        if self.ref not in rec.ch_names:
            raise ConfigError(f"Reference channel {self.ref!r} is not in the recording; use 'auto', 'average', "
                              f"'as recorded' or one of its channels.")
        if rec.n_channels == 1:
            return self._as_recorded(rec, f"{self.ref} is the only channel; referencing it to itself would "
                                          f"cancel the signal")
        if self.ref in self.exclude:
            return self._as_recorded(rec, f"the reference channel {self.ref} is bad")
        data = rec.data - rec.data[rec.ch_names.index(self.ref)]
        return rec.with_data(data, step={**self.to_dict(), "scheme": f"channel {self.ref}"})

    def _average(self, rec: Recording) -> Recording:
        from .channels import scalp_coverage

        index = self.averaged_channels(rec)
        names = [rec.ch_names[i] for i in index]
        regions, hemispheres = scalp_coverage(names)
        why = None
        if len(index) < AVERAGE_ABSOLUTE_MIN_CHANNELS:
            why = (f"{len(index)} usable channel{'s' if len(index) != 1 else ''}: a common average would "
                   f"cancel the signal")
        elif self.ref == "auto" and len(index) < AVERAGE_MIN_CHANNELS:
            why = f"only {len(index)} usable channels, too few for a common average"
        elif self.ref == "auto" and hemispheres != {"left", "right"}:
            why = "the usable channels do not cover both hemispheres"
        elif self.ref == "auto" and len(regions) < AVERAGE_MIN_REGIONS:
            why = f"the usable channels cover only {len(regions)} scalp region{'s' if len(regions) != 1 else ''}"
        if why:
            return self._as_recorded(rec, why)
        averaged = rec.data if len(index) == rec.n_channels else rec.data[index]
        data = rec.data - averaged.mean(axis=0, keepdims=True)
        return rec.with_data(data, step={**self.to_dict(), "scheme": "average", "channels": len(index)})

    def _as_recorded(self, rec: Recording, why: str) -> Recording:
        return rec.with_data(rec.data, step={**self.to_dict(), "scheme": AS_RECORDED, "why": why})


def reference_description(steps: list[dict[str, Any]]) -> str | None:
    """The reference a recording's samples are in, in words, from its `meta.preprocessing`
    (None when no reference step was applied). Records written before the scheme was recorded
    had only the plain common average."""
    step = next((s for s in reversed(steps) if s.get("step") == Reference.name), None)
    if step is None:
        return None
    scheme = step.get("scheme", "average" if step.get("ref") == "average" else f"channel {step.get('ref')}")
    if scheme == "average":
        return f"common average of {step['channels']} channels" if "channels" in step else "common average"
    if scheme == AS_RECORDED:
        return AS_RECORDED + (f" ({step['why']})" if step.get("why") and step["why"] != "asked for" else "")
    return str(scheme)


# Keys a step adds to its record when applied (what it found and did), beside its settings.
APPLIED_FACTS = ("skipped", "from_sfreq", "highest_harmonic", "scheme", "channels", "why")
STEPS: dict[str, type[Step]] = {cls.name: cls for cls in (LimitRate, BandPass, Notch, Resample, Reference)}


@dataclass(frozen=True)
class Pipeline:
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __call__(self, rec: Recording) -> Recording:
        for step in self.steps:
            rec = step.apply(rec)
        return rec

    def to_list(self) -> list[dict[str, Any]]:
        return [step.to_dict() for step in self.steps]

    def excluding(self, bad_channels: list[str]) -> "Pipeline":
        """The same pipeline with `bad_channels` kept out of any common average."""
        return Pipeline(tuple(replace(s, exclude=tuple(bad_channels)) if isinstance(s, Reference) else s
                              for s in self.steps))

    @classmethod
    def from_list(cls, items: list[dict[str, Any]]) -> "Pipeline":
        steps = []
        for item in items:
            item = dict(item)
            kind = item.pop("step", None)
            for key in APPLIED_FACTS:  # what a step recorded about its run, not a setting
                item.pop(key, None)
            if kind not in STEPS:
                raise ConfigError(f"Unknown preprocessing step {kind!r}; known steps: {', '.join(STEPS)}.")
            try:
                steps.append(STEPS[kind](**item))
            except TypeError as exc:
                raise ConfigError(f"The {kind} preprocessing step has settings it does not know ({exc}); "
                                  f"remove them from the configuration.") from None
        return cls(tuple(steps))


def default_pipeline(line_freq: float = 50.0) -> Pipeline:
    """1–50 Hz band-pass, mains notch, resample to 200 Hz, and the reference that suits the montage:
    the common average of the good channels when they cover the head, else as recorded (DESIGN.md).
    Recordings above `MAX_FILTER_SFREQ` are first brought down to it, so filtering costs the same at
    any rate."""
    return Pipeline((LimitRate(MAX_FILTER_SFREQ), BandPass(1.0, 50.0), Notch(line_freq), Resample(TARGET_SFREQ),
                     Reference("auto")))
