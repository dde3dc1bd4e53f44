"""Signal quality per window and per recording.

Runs on the recording as read (before filtering), because clipping, flat lines and mains noise are
properties of the raw signal that filtering hides. Thresholds are module constants with the reason
for each; the report lists reasons in plain words so the app, the prompt and the note can quote
them.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import scipy.signal

from .channels import scalp_coverage
from .errors import ConfigError
from .features import make_windows
from .quality_signals import band_power, fast_signals, reference_signals, welch_band_power
from .recording import Recording

SIGNAL_ENGINES = {"fast": fast_signals, "reference": reference_signals}

FLAT_STD_UV = 0.5  # a live electrode shows more than 0.5 µV of noise
SATURATION_FRACTION = 0.01  # ≥1% of samples pinned at the channel's extreme value = clipping
# A window is an artifact on a channel when its peak-to-peak (after a 1-Hz high-pass) is both
# far above that channel's typical window (movement, electrode pop) and above what scalp EEG
# reaches; or beyond an absolute ceiling whatever the channel usually does.
ARTIFACT_RELATIVE = 4.0  # × the channel's median window peak-to-peak
ARTIFACT_MIN_PTP_UV = 150.0
ARTIFACT_PTP_UV = 500.0  # absolute ceiling
BLINK_PTP_UV = 100.0  # frontopolar 0.5–4 Hz deflection above 100 µV: blink or eye movement
MUSCLE_RATIO = 0.6  # 30–50 Hz power / 1–30 Hz power above this: muscle (EMG) contamination
LINE_NOISE_RATIO = 10.0  # mains-band power 10× the neighbouring bands: strong line noise
NOISY_CHANNEL_Z = 5.0  # channel amplitude this many robust SDs above the others
BAD_WINDOW_CHANNEL_FRACTION = 0.25  # a window with more than 25% of channels hit is unusable
GOOD_USABLE, FAIR_USABLE = 0.8, 0.5
GOOD_BAD_CHANNELS, FAIR_BAD_CHANNELS = 0.1, 0.25
FRONTOPOLAR = ("Fp1", "Fp2", "Fpz", "AF3", "AF4", "AF7", "AF8")
# Beyond what any scalp electrode records, after a 1-Hz high-pass (so DC offsets do not count):
# a window with 5 mV peak-to-peak on a channel is not brain activity, and a channel reaching
# 100 mV is broken or mis-scaled.
ABSURD_PTP_UV = 5_000.0
IMPLAUSIBLE_UV = 100_000.0
# Spatial coverage: how many good channels, over how many of the five regions, a grade needs.
FAIR_MIN_CHANNELS = 3  # one or two electrodes give no spatial picture at all
GOOD_MIN_CHANNELS = 8
GOOD_MIN_REGIONS = 3


@dataclass
class QualityReport:
    grade: str  # "good" | "fair" | "poor"
    reasons: list[str]
    bad_channels: list[str]
    bad_channel_reasons: dict[str, str]
    usable_seconds: float
    total_seconds: float
    window_s: float
    window_ok: list[bool]  # per analysis window
    artifact_percent: float  # windows with high-amplitude artifacts
    blink_percent: float
    muscle_percent: float
    line_noise_ratio: float  # median over channels
    line_freq: float
    flat_channels: list[str] = field(default_factory=list)
    saturated_channels: list[str] = field(default_factory=list)
    nonfinite_windows: int = 0  # windows with a non-finite feature on some channel (left out)
    nonfinite_channels: int = 0  # channels with a non-finite feature in some window

    @property
    def usable_fraction(self) -> float:
        return self.usable_seconds / self.total_seconds if self.total_seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["usable_fraction"] = round(self.usable_fraction, 4)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "QualityReport":
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**data)

    def summary(self) -> str:
        bad = ", ".join(self.bad_channels) if self.bad_channels else "none"
        return (f"quality {self.grade}: {self.usable_seconds:.0f} of {self.total_seconds:.0f} s usable; "
                f"bad channels: {bad}")


def detect_line_freq(rec: Recording, engine: str = "fast") -> float:
    """50 or 60 Hz: from the file when it says, else whichever peak is stronger (in the first minute)."""
    if rec.meta.line_freq in (50.0, 60.0, 50, 60):
        return float(rec.meta.line_freq)
    if rec.sfreq < 130:
        return 50.0
    minute = rec.data[:, : int(rec.sfreq * 60)]
    bands = [(49, 51), (59, 61)]
    if engine == "reference":
        freqs, psd = scipy.signal.welch(minute, rec.sfreq, nperseg=int(rec.sfreq))
        p50, p60 = (np.median(band_power(freqs, psd, lo, hi)) for lo, hi in bands)
    else:
        p50, p60 = np.median(welch_band_power(minute, rec.sfreq, int(rec.sfreq), bands), axis=0)
    return 60.0 if p60 > 2 * p50 else 50.0


@dataclass
class QualityMeasures:
    """Per-channel and per-window measurements of a raw recording, before any verdict."""

    names: list[str]
    window_s: float
    line_freq: float
    bad_reasons: dict[str, str]  # channel → why it is bad, in the order found
    flat: np.ndarray  # (C,) bool
    saturated: np.ndarray  # (C,) bool
    high_amp: np.ndarray  # (W, C) high-amplitude artifact
    absurd: np.ndarray  # (W, C) beyond anything scalp EEG produces
    muscle: np.ndarray  # (W, C)
    blink: np.ndarray  # (W,)
    line_ratio: np.ndarray  # (C,) finite


@dataclass
class FeatureFaults:
    """What feature extraction found that the raw signal did not show: channels whose features are
    not finite (or that carry no signal after preprocessing) in most windows, and windows where a
    good channel's features are not finite."""

    bad_channels: dict[str, str] = field(default_factory=dict)
    bad_windows: list[int] = field(default_factory=list)
    nonfinite_windows: int = 0  # windows with a non-finite feature on some channel
    nonfinite_channels: int = 0  # channels with a non-finite feature in some window

    def __bool__(self) -> bool:
        return bool(self.bad_channels or self.bad_windows or self.nonfinite_windows or self.nonfinite_channels)


def measure_quality(rec: Recording, window_s: float = 4.0, engine: str = "fast",
                    line_freq: float | None = None, pool: Executor | None = None) -> QualityMeasures:
    """The raw measurements `grade_quality` turns into a report (any rate ≥ 64 Hz, µV). `engine`:
    "fast" (block filters, float32 spectra) or "reference" (scipy on the whole recording, as first
    written); both give the same numbers (encoders/quality_signals.py). `line_freq`: the mains
    frequency when the caller has detected it already; `pool`: a one-thread executor the fast engine
    may queue part of its work on (see `fast_signals`)."""
    sfreq = rec.sfreq
    names = rec.ch_names
    line_freq = detect_line_freq(rec, engine) if line_freq is None else line_freq
    make_windows(rec.data, sfreq, window_s, source=rec.meta.source_name or "the recording")  # too short: say so
    frontal = [i for i, n in enumerate(names) if n in FRONTOPOLAR]
    if engine not in SIGNAL_ENGINES:
        raise ConfigError(f"Unknown analysis engine {engine!r}; choose one of {', '.join(SIGNAL_ENGINES)}.")
    signals = SIGNAL_ENGINES[engine](rec.data, sfreq, window_s, line_freq, frontal, pool)

    # Flat and saturated channels on the raw signal.
    flat_frac = (signals.window_std < FLAT_STD_UV).mean(axis=0)
    pinned = signals.pinned
    saturated = (pinned >= SATURATION_FRACTION) & (flat_frac < 0.5)
    # Mains noise: power at the line frequency against its neighbourhood (an overflowing channel says nothing).
    line_ratio = np.where(np.isfinite(signals.line_ratio), signals.line_ratio, 0.0)

    # Window-level artifacts on a 1-Hz high-passed copy (removes drift and DC offsets, keeps blinks).
    ptp = np.where(np.isfinite(signals.ptp), signals.ptp, np.inf)  # (W, C)
    typical_ptp = np.median(ptp, axis=0, keepdims=True)
    high_amp = ((ptp > ARTIFACT_RELATIVE * typical_ptp) & (ptp > ARTIFACT_MIN_PTP_UV)) | (ptp > ARTIFACT_PTP_UV)
    absurd = ptp > ABSURD_PTP_UV
    peak = signals.peak  # (C,) after the high-pass: DC offsets do not count
    implausible = ~np.isfinite(peak) | (peak > IMPLAUSIBLE_UV)
    muscle = signals.muscle_ratio > MUSCLE_RATIO  # (W, C)
    if signals.eye_ptp is not None:
        eye_ptp = signals.eye_ptp
        blink = ((eye_ptp > BLINK_PTP_UV) & (eye_ptp <= ABSURD_PTP_UV)).any(axis=1)
    else:
        blink = np.zeros(ptp.shape[0], bool)

    # Channels that are far noisier than the rest (robust z-score of median window amplitude).
    win_std = signals.window_std
    level = np.log(np.clip(np.nan_to_num(np.median(win_std, axis=0), nan=1e300, posinf=1e300), 1e-6, 1e300))
    mad = np.median(np.abs(level - np.median(level))) * 1.4826 + 1e-6
    noisy = (level - np.median(level)) / mad > NOISY_CHANNEL_Z

    bad_reasons: dict[str, str] = {}
    for c, name in enumerate(names):
        if flat_frac[c] >= 0.5:
            bad_reasons[name] = "flat (no signal)"
        elif implausible[c]:
            shown = f"{peak[c]:.3g} µV" if np.isfinite(peak[c]) else "beyond numeric range"
            bad_reasons[name] = (f"implausible amplitude (peak {shown}; scalp EEG stays far below "
                                 f"{IMPLAUSIBLE_UV:g} µV)")
        elif saturated[c]:
            bad_reasons[name] = f"clipped ({pinned[c]:.0%} of samples at the amplifier limit)"
        elif line_ratio[c] > LINE_NOISE_RATIO * 10:
            bad_reasons[name] = f"strong {line_freq:g} Hz line noise"
        elif noisy[c]:
            bad_reasons[name] = "much noisier than the other channels"
        elif high_amp[:, c].mean() > 0.5:
            bad_reasons[name] = "high-amplitude artifacts in most windows"
    return QualityMeasures(list(names), window_s, line_freq, bad_reasons, flat_frac >= 0.5, saturated, high_amp,
                           absurd, muscle, blink, line_ratio)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _coverage_reason(good: list[str]) -> str | None:
    """Why the good channels cannot carry a full spatial picture, or None when they can."""
    regions, hemispheres = scalp_coverage(good)
    if len(good) < FAIR_MIN_CHANNELS:
        return f"only {_plural(len(good), 'usable EEG channel')}: no spatial pattern can be measured"
    if len(regions) < GOOD_MIN_REGIONS:
        return f"usable channels cover only the {' and '.join(sorted(regions))} region{'s' if len(regions) > 1 else ''}"
    if hemispheres != {"left", "right"}:
        side = " and ".join(sorted(hemispheres)) or "midline"
        return f"usable channels on the {side} {'hemisphere' if hemispheres else 'line'} only"
    return None


def grade_quality(m: QualityMeasures, faults: FeatureFaults | None = None) -> QualityReport:
    """The verdict on measured quality: bad channels, usable windows, a grade and its reasons.

    The grade also weighs how many good channels there are and what they cover: an emotion or
    band-power statement rests on a spatial picture, so a recording with good signal on one or
    two electrodes is poor, and one whose good electrodes miss whole regions or a hemisphere is
    at best fair. Features that are not finite never leave a recording graded good."""
    faults = faults or FeatureFaults()
    names = m.names
    n_channels, n_windows = len(names), m.high_amp.shape[0]
    bad_reasons = {**m.bad_reasons, **{k: v for k, v in faults.bad_channels.items() if k not in m.bad_reasons}}
    good_ch = np.array([c for c, n in enumerate(names) if n not in bad_reasons], dtype=int)

    if good_ch.size:
        hit = (m.high_amp[:, good_ch] | m.muscle[:, good_ch]).mean(axis=1) > BAD_WINDOW_CHANNEL_FRACTION
        # One channel far beyond scalp EEG in a window spoils it: whatever the others show, that
        # channel's samples would dominate any average over channels.
        window_ok = ~hit & ~m.absurd[:, good_ch].any(axis=1)
        artifact = m.high_amp[:, good_ch].mean(axis=1) > BAD_WINDOW_CHANNEL_FRACTION
        muscle_w = m.muscle[:, good_ch].mean(axis=1) > BAD_WINDOW_CHANNEL_FRACTION
    else:
        window_ok = np.zeros(n_windows, bool)
        artifact = muscle_w = np.ones(n_windows, bool)
    window_ok[[w for w in faults.bad_windows if w < n_windows]] = False

    window_s = m.window_s
    usable = float(window_ok.sum() * window_s)
    total = float(n_windows * window_s)
    usable_fraction = usable / total if total else 0.0
    bad_fraction = len(bad_reasons) / n_channels

    reasons: list[str] = []
    if bad_reasons:
        reasons.append(f"{len(bad_reasons)} of {n_channels} channels are bad ("
                       + "; ".join(f"{k}: {v}" for k, v in list(bad_reasons.items())[:6])
                       + ("; …" if len(bad_reasons) > 6 else "") + ")")
    if artifact.mean() > 0.05:
        reasons.append(f"high-amplitude artifacts in {artifact.mean():.0%} of windows")
    if muscle_w.mean() > 0.05:
        reasons.append(f"muscle (EMG) contamination in {muscle_w.mean():.0%} of windows")
    if m.blink.mean() > 0.3:
        reasons.append(f"eye blinks or movements in {m.blink.mean():.0%} of windows (frontal channels)")
    median_line = float(np.median(m.line_ratio)) if m.line_ratio.size else 0.0
    if median_line > LINE_NOISE_RATIO:
        reasons.append(f"{m.line_freq:g} Hz line noise {median_line:.0f}× the neighbouring bands")
    coverage = _coverage_reason([names[c] for c in good_ch])
    if n_channels < 8 and not (coverage and good_ch.size == n_channels and good_ch.size < FAIR_MIN_CHANNELS):
        reasons.append(f"only {_plural(n_channels, 'EEG channel')}")
    if coverage and good_ch.size:
        reasons.append(coverage)
    if faults.nonfinite_windows or faults.nonfinite_channels:
        reasons.append(f"features not finite in {_plural(faults.nonfinite_windows, 'window')} on "
                       f"{_plural(faults.nonfinite_channels, 'channel')} (left out)")
    reasons.append(f"{usable:.0f} of {total:.0f} s usable")

    if usable_fraction >= GOOD_USABLE and bad_fraction <= GOOD_BAD_CHANNELS:
        grade = "good"
    elif usable_fraction >= FAIR_USABLE and bad_fraction <= FAIR_BAD_CHANNELS:
        grade = "fair"
    else:
        grade = "poor"
    if good_ch.size < FAIR_MIN_CHANNELS:
        grade = "poor"
    elif grade == "good" and (coverage or good_ch.size < GOOD_MIN_CHANNELS or faults.nonfinite_windows
                              or faults.nonfinite_channels):
        grade = "fair"

    return QualityReport(
        grade=grade,
        reasons=reasons,
        bad_channels=list(bad_reasons),
        bad_channel_reasons=bad_reasons,
        usable_seconds=usable,
        total_seconds=total,
        window_s=window_s,
        window_ok=[bool(x) for x in window_ok],
        artifact_percent=round(float(artifact.mean() * 100), 2),
        blink_percent=round(float(m.blink.mean() * 100), 2),
        muscle_percent=round(float(muscle_w.mean() * 100), 2),
        line_noise_ratio=round(median_line, 3),
        line_freq=m.line_freq,
        flat_channels=[n for c, n in enumerate(names) if m.flat[c]],
        saturated_channels=[n for c, n in enumerate(names) if m.saturated[c]],
        nonfinite_windows=faults.nonfinite_windows,
        nonfinite_channels=faults.nonfinite_channels,
    )


def assess_quality(rec: Recording, window_s: float = 4.0, engine: str = "fast") -> QualityReport:
    """Quality of a raw recording (µV, any rate ≥ 64 Hz)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return grade_quality(measure_quality(rec, window_s, engine))
