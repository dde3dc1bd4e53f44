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


ENGINES = ("fast", "reference")  # reference: MNE's filter functions, one channel at a time, float64


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ConfigError(f"Unknown analysis engine {engine!r}; choose one of {', '.join(ENGINES)}.")


@dataclass(frozen=True)
class Step(abc.ABC):
    name: ClassVar[str] = ""

    @abc.abstractmethod
    def apply(self, rec: Recording, engine: str = "fast") -> Recording: ...

    def to_dict(self) -> dict[str, Any]:
        return {"step": self.name, **asdict(self)}


class FIRStep(Step):
    """A zero-phase FIR filter at the recording's rate. The reference engine is MNE's function; the
    fast engine applies MNE's kernel (`kernel`) with `encoders.filtering.fir_cascade`, and a
    `Pipeline` runs consecutive FIR steps as one cascade."""

    @abc.abstractmethod
    def kernel(self, sfreq: float) -> np.ndarray | None:
        """MNE's kernel for this step at `sfreq`; None when the step has nothing to do there."""

    @abc.abstractmethod
    def record(self, sfreq: float) -> dict[str, Any]:
        """What `meta.preprocessing` says about this step at `sfreq`."""

    @abc.abstractmethod
    def apply_reference(self, rec: Recording) -> Recording: ...

    def apply(self, rec: Recording, engine: str = "fast") -> Recording:
        check_engine(engine)
        return self.apply_reference(rec) if engine == "reference" else apply_fir_steps(rec, [self])


def apply_fir_steps(rec: Recording, steps: list[FIRStep]) -> Recording:
    """Consecutive FIR steps as one cascade (the same numbers as applying MNE's filters in turn)."""
    from .filtering import fir_cascade

    kernels = [k for k in (step.kernel(rec.sfreq) for step in steps) if k is not None]
    out = rec.with_data(fir_cascade(rec.data, kernels) if kernels else rec.data,
                        step=steps[0].record(rec.sfreq))
    out.meta.preprocessing.extend(step.record(rec.sfreq) for step in steps[1:])
    return out


@dataclass(frozen=True)
class BandPass(FIRStep):
    """Zero-phase FIR band-pass (MNE's default design)."""

    name: ClassVar[str] = "bandpass"
    l_freq: float = 1.0
    h_freq: float = 50.0

    def _h_freq(self, sfreq: float) -> float | None:
        return self.h_freq if self.h_freq < sfreq / 2 else None  # nothing to cut above Nyquist

    def kernel(self, sfreq: float) -> np.ndarray:
        from .filtering import bandpass_kernel

        return bandpass_kernel(float(sfreq), float(self.l_freq), self._h_freq(sfreq))

    def record(self, sfreq: float) -> dict[str, Any]:
        return self.to_dict()

    def apply_reference(self, rec: Recording) -> Recording:
        import mne

        data = mne.filter.filter_data(rec.data, rec.sfreq, self.l_freq, self._h_freq(rec.sfreq), verbose="error",
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
class Notch(FIRStep):
    """Line-noise notch at the mains frequency and its harmonics below Nyquist (those a filter can
    cut at this rate, see `notch_harmonics`)."""

    name: ClassVar[str] = "notch"
    freq: float = 50.0

    def _freqs(self, sfreq: float) -> np.ndarray:
        return notch_harmonics(self.freq, sfreq)

    def kernel(self, sfreq: float) -> np.ndarray | None:
        from .filtering import notch_kernel

        freqs = self._freqs(sfreq)
        return notch_kernel(float(sfreq), tuple(float(f) for f in freqs)) if freqs.size else None

    def record(self, sfreq: float) -> dict[str, Any]:
        freqs = self._freqs(sfreq)
        if freqs.size == 0:
            return {**self.to_dict(), "skipped": "above Nyquist"}
        step = self.to_dict()
        if freqs[-1] + self.freq < sfreq / 2 - 1:  # said only when harmonics below Nyquist were left out
            step["highest_harmonic"] = float(freqs[-1])
        return step

    def apply_reference(self, rec: Recording) -> Recording:
        import mne

        freqs = self._freqs(rec.sfreq)
        if freqs.size == 0:
            return rec.with_data(rec.data, step=self.record(rec.sfreq))
        data = mne.filter.notch_filter(rec.data, rec.sfreq, freqs, verbose="error")
        return rec.with_data(data, step=self.record(rec.sfreq))


@dataclass(frozen=True)
class Resample(Step):
    name: ClassVar[str] = "resample"
    sfreq: float = TARGET_SFREQ

    def apply(self, rec: Recording, engine: str = "fast") -> Recording:
        check_engine(engine)
        if abs(rec.sfreq - self.sfreq) < 1e-9:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "already at rate"})
        if engine == "reference":
            import mne

            data = mne.filter.resample(rec.data, up=self.sfreq, down=rec.sfreq, npad="auto", verbose="error")
        else:
            from .filtering import resample_like_mne

            data = resample_like_mne(rec.data, up=self.sfreq, down=rec.sfreq)
        return rec.with_data(data, sfreq=self.sfreq, step={**self.to_dict(), "from_sfreq": rec.sfreq})


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

    def apply(self, rec: Recording, engine: str = "fast") -> Recording:
        check_engine(engine)
        if rec.sfreq <= self.max_sfreq:
            return rec.with_data(rec.data, step={**self.to_dict(), "skipped": "at or below the limit"})
        resampled = Resample(self.max_sfreq).apply(rec, engine)
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

    def averaged_channels(self, rec: Recording, engine: str = "fast") -> list[int]:
        """Indices of the channels a common average may use."""
        excluded = set(self.exclude)
        if engine == "reference":
            live = np.isfinite(rec.data).all(axis=1) & (np.ptp(rec.data, axis=1) > 0)
        else:  # the same test a few rows at a time, without whole-recording temporaries
            live = np.concatenate([np.isfinite(rows).all(axis=1) & (rows.max(axis=1) > rows.min(axis=1))
                                   for rows in np.array_split(rec.data, max(1, rec.n_channels // 8))])
        return [i for i, n in enumerate(rec.ch_names) if n not in excluded and live[i]]

    def apply(self, rec: Recording, engine: str = "fast", owned: bool = False) -> Recording:
        """`owned`: `rec.data` belongs to the caller's pipeline alone (a previous step made it), so the
        fast engine may re-reference it in place instead of allocating another recording-sized array."""
        check_engine(engine)
        if self.ref in ("auto", "average"):
            return self._average(rec, engine, owned)
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

    def _average(self, rec: Recording, engine: str, owned: bool) -> Recording:
        from .channels import scalp_coverage

        index = self.averaged_channels(rec, engine)
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
        if engine == "reference":
            averaged = rec.data if len(index) == rec.n_channels else rec.data[index]
            data = rec.data - averaged.mean(axis=0, keepdims=True)
        else:
            data = _minus_average(rec.data, index, in_place=owned)
        return rec.with_data(data, step={**self.to_dict(), "scheme": "average", "channels": len(index)})

    def _as_recorded(self, rec: Recording, why: str) -> Recording:
        return rec.with_data(rec.data, step={**self.to_dict(), "scheme": AS_RECORDED, "why": why})


def _minus_average(data: np.ndarray, index: list[int], in_place: bool = False, columns: int = 16384) -> np.ndarray:
    """data − the mean of rows `index`, a block of samples at a time (the same sums, per sample, as
    the whole-array expression, without its hour-long temporaries); into `data` itself when `in_place`."""
    out = data if in_place else np.empty_like(data)
    every = len(index) == data.shape[0]
    for start in range(0, data.shape[1], columns):
        block = data[:, start:start + columns]
        np.subtract(block, (block if every else block[index]).mean(axis=0, keepdims=True),
                    out=out[:, start:start + columns])
    return out


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

    def __call__(self, rec: Recording, engine: str = "fast", owned: bool = False) -> Recording:
        """`rec` through every step. The fast engine runs consecutive FIR steps as one cascade.
        `owned`: `rec.data` is the caller's own working copy, which steps may overwrite."""
        check_engine(engine)
        steps = list(self.steps)
        data_in = None if owned else rec.data
        while steps:
            if engine == "fast" and isinstance(steps[0], FIRStep):
                run = 0
                while run < len(steps) and isinstance(steps[run], FIRStep):
                    run += 1
                rec, steps = apply_fir_steps(rec, steps[:run]), steps[run:]
            elif isinstance(steps[0], Reference):
                # The samples are this pipeline's own once a step has filtered or resampled them.
                owned = rec.data is not data_in
                rec, steps = steps[0].apply(rec, engine, owned=owned), steps[1:]
            else:
                rec, steps = steps[0].apply(rec, engine), steps[1:]
        return rec

    def to_list(self) -> list[dict[str, Any]]:
        return [step.to_dict() for step in self.steps]

    def split_at_reference(self) -> tuple["Pipeline", "Pipeline"]:
        """(the steps before the first reference step, the rest): the first part does not depend on
        which channels are bad, so it can run before (or beside) the quality check."""
        cut = next((i for i, step in enumerate(self.steps) if isinstance(step, Reference)), len(self.steps))
        return Pipeline(self.steps[:cut]), Pipeline(self.steps[cut:])

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
