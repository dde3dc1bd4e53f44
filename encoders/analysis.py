"""One recording from file to model-ready features: the data flow of DESIGN.md in one call.

    file ─read─▶ Recording ─quality (raw)─▶ QualityReport
                  └─preprocess─▶ 200 Hz ─windows─▶ band features (W, C, 5) + band power + FAA

Everything here is deterministic: the same file and config give the same numbers, which is what
lets the evidence in a prompt, the rationale targets in training and the evaluator's checks agree.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import BAND_NAMES, BANDS, frontal_alpha_asymmetry, make_windows, spectral_features
from .io import read_recording
from .preprocess import ENGINES, Pipeline, check_engine, default_pipeline, reference_description
from .quality import FeatureFaults, QualityReport, detect_line_freq, grade_quality, measure_quality
from .recording import Recording


@dataclass
class FeatureConfig:
    """How features are computed; saved in every checkpoint so inference repeats training."""

    window_s: float = 4.0  # analysis window length
    step_s: float | None = None  # window step (None = non-overlapping)
    feature: str = "de_gaussian"  # band feature the encoder reads: de_gaussian | de_seed
    bands: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(BANDS))
    preprocessing: list[dict[str, Any]] | None = None  # None = default pipeline for the file's mains

    def pipeline(self, line_freq: float) -> Pipeline:
        if self.preprocessing is None:
            return default_pipeline(line_freq)
        return Pipeline.from_list(self.preprocessing)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["bands"] = {k: list(v) for k, v in self.bands.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "FeatureConfig":
        data = dict(data)
        if "bands" in data:
            data["bands"] = {k: tuple(v) for k, v in data["bands"].items()}
        return cls(**data)


@dataclass
class RecordingAnalysis:
    recording: Recording  # preprocessed (200 Hz, filtered, re-referenced)
    quality: QualityReport  # assessed on the raw signal
    features: np.ndarray  # (W, C, B) the encoder's input feature
    band_power: np.ndarray  # (W, C, B) absolute band power, µV²
    faa: np.ndarray | None  # (W,) frontal alpha asymmetry per window
    window_ok: np.ndarray  # (W,) bool, from the quality report
    config: FeatureConfig

    @property
    def ch_names(self) -> list[str]:
        return self.recording.ch_names

    @property
    def positions(self) -> np.ndarray:
        return self.recording.positions

    @property
    def reference(self) -> str | None:
        """The reference the features were computed in, in words (from the preprocessing record)."""
        return reference_description(self.recording.meta.preprocessing)

    @property
    def n_windows(self) -> int:
        return self.features.shape[0]

    def window_times(self) -> np.ndarray:
        step = self.config.step_s or self.config.window_s
        return np.arange(self.n_windows) * step


def compute_features(rec: Recording, config: FeatureConfig, pool: Executor | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(band feature, band power), each (W, C, B), of an already preprocessed recording; `pool`: an
    idle one-thread executor to share the spectra with."""
    windows = make_windows(rec.data, rec.sfreq, config.window_s, config.step_s,
                           source=rec.meta.source_name or "the recording")
    spectral = spectral_features(windows, rec.sfreq, config.bands, seed_convention=config.feature == "de_seed",
                                 pool=pool)
    feature = getattr(spectral, config.feature)
    return feature, spectral.band_power


# Any real EEG window carries far more than this (µV², summed over the bands); less is a channel
# emptied by preprocessing (e.g. the reference channel itself), whose logarithms mean nothing.
NO_SIGNAL_POWER = 1e-10


def feature_faults(features: np.ndarray, band_power: np.ndarray, names: list[str],
                   bad_channels: list[str]) -> FeatureFaults:
    """Channels and windows whose features cannot be used: not finite, or without signal."""
    finite = np.isfinite(features).all(axis=-1) & np.isfinite(band_power).all(axis=-1)  # (W, C)
    with np.errstate(invalid="ignore"):
        signal = band_power.sum(axis=-1) > NO_SIGNAL_POWER
    usable = finite & signal
    faults = FeatureFaults(nonfinite_windows=int((~finite).any(axis=1).sum()),
                           nonfinite_channels=int((~finite).any(axis=0).sum()))
    bad = set(bad_channels)
    for c, name in enumerate(names):
        if name in bad:
            continue
        if (~finite[:, c]).mean() >= 0.5:
            faults.bad_channels[name] = "features not finite in most windows"
        elif (~signal[:, c]).mean() >= 0.5:
            faults.bad_channels[name] = "no signal after preprocessing"
    good = [c for c, n in enumerate(names) if n not in bad and n not in faults.bad_channels]
    if good:
        faults.bad_windows = [int(w) for w in np.flatnonzero(~usable[:, good].all(axis=1))]
    return faults


def fill_unusable(values: np.ndarray) -> np.ndarray:
    """`values` (W, C, B) with non-finite entries replaced by the band's median finite value (0 when a
    band has none): such entries belong to excluded channels or windows, and a NaN in an excluded
    electrode token would still poison the encoder's attention arithmetic."""
    finite = np.isfinite(values)
    if finite.all():
        return values
    out = values.copy()
    for b in range(values.shape[-1]):
        good = values[..., b][finite[..., b]]
        out[..., b][~finite[..., b]] = float(np.median(good)) if good.size else 0.0
    return out


def analyse_recording(rec: Recording, config: FeatureConfig | None = None, engine: str = "fast") -> RecordingAnalysis:
    """Quality on the raw signal; preprocessing with the bad channels kept out of the reference;
    features; then a second look at quality for what only the features show (non-finite values, a
    channel emptied by preprocessing). Every feature returned is finite: unusable entries are
    filled and their channels or windows marked bad in the quality report.

    `engine` says how, not what: "fast" (block filters for all channels at once, float32 spectra)
    or "reference" (MNE's filters and scipy's estimates one channel at a time, float64, as first
    written). They give the same features and evidence within float32 rounding
    (tests/test_fast_analysis.py); bench/analysis.py measures both."""
    config = config or FeatureConfig()
    check_engine(engine)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        line_freq = detect_line_freq(rec, engine)
        # The steps before the reference (filters, resampling) do not depend on the quality verdict.
        head, tail = config.pipeline(line_freq).split_at_reference()
        # The fast engine works on two threads: this one and `pool`'s. Quality and the filters both
        # read the raw signal and neither needs the other, so they run side by side (NumPy, scipy.fft,
        # BLAS and sosfilt release the GIL for the long stretches), and the spectra are shared too.
        with ThreadPoolExecutor(max_workers=1) if engine == "fast" else contextlib.nullcontext() as pool:
            if pool is not None:
                filtering = pool.submit(_quietly, head, rec, engine)
                measures = measure_quality(rec, config.window_s, engine, line_freq, pool)
                filtered = filtering.result()
            else:
                measures = measure_quality(rec, config.window_s, engine, line_freq)
                filtered = head(rec, engine)
            quality = grade_quality(measures)
            processed = tail.excluding(quality.bad_channels)(filtered, engine, owned=filtered.data is not rec.data)
            features, band_power = compute_features(processed, config, pool)
        # The raw and processed signals can differ by one window after resampling; align on the shorter.
        n = min(len(quality.window_ok), features.shape[0])
        features, band_power = features[:n], band_power[:n]
        faults = feature_faults(features, band_power, processed.ch_names, quality.bad_channels)
        if faults:
            quality = grade_quality(measures, faults)
        features, band_power = fill_unusable(features), fill_unusable(band_power)
    return RecordingAnalysis(
        recording=processed,
        quality=quality,
        features=features,
        band_power=band_power,
        faa=frontal_alpha_asymmetry(band_power, processed.ch_names, exclude=quality.bad_channels),
        window_ok=np.asarray(quality.window_ok, dtype=bool)[:n],
        config=config,
    )


def _quietly(fn, *args):
    """`fn(*args)` under analysis' floating-point error state (which is per thread)."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return fn(*args)


def analyse_file(path: str | Path, config: FeatureConfig | None = None, engine: str = "fast") -> RecordingAnalysis:
    return analyse_recording(read_recording(path), config, engine)


__all__ = ["ENGINES", "FeatureConfig", "RecordingAnalysis", "analyse_file", "analyse_recording", "compute_features", "BAND_NAMES"]
