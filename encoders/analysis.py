"""One recording from file to model-ready features: the data flow of DESIGN.md in one call.

    file ─read─▶ Recording ─quality (raw)─▶ QualityReport
                  └─preprocess─▶ 200 Hz ─windows─▶ band features (W, C, 5) + band power + FAA

Everything here is deterministic: the same file and config give the same numbers, which is what
lets the evidence in a prompt, the rationale targets in training and the evaluator's checks agree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import BAND_NAMES, BANDS, frontal_alpha_asymmetry, make_windows, spectral_features
from .io import read_recording
from .preprocess import Pipeline, default_pipeline
from .quality import QualityReport, assess_quality, detect_line_freq
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
    def n_windows(self) -> int:
        return self.features.shape[0]

    def window_times(self) -> np.ndarray:
        step = self.config.step_s or self.config.window_s
        return np.arange(self.n_windows) * step


def compute_features(rec: Recording, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
    """(band feature, band power), each (W, C, B), of an already preprocessed recording."""
    windows = make_windows(rec.data, rec.sfreq, config.window_s, config.step_s,
                           source=rec.meta.source_name or "the recording")
    spectral = spectral_features(windows, rec.sfreq, config.bands, seed_convention=config.feature == "de_seed")
    feature = getattr(spectral, config.feature)
    return feature, spectral.band_power


def analyse_recording(rec: Recording, config: FeatureConfig | None = None) -> RecordingAnalysis:
    config = config or FeatureConfig()
    quality = assess_quality(rec, config.window_s)
    processed = config.pipeline(detect_line_freq(rec))(rec)
    features, band_power = compute_features(processed, config)
    ok = np.asarray(quality.window_ok, dtype=bool)
    # The raw and processed signals can differ by one window after resampling; align on the shorter.
    n = min(len(ok), features.shape[0])
    return RecordingAnalysis(
        recording=processed,
        quality=quality,
        features=features[:n],
        band_power=band_power[:n],
        faa=None if (faa := frontal_alpha_asymmetry(band_power[:n], processed.ch_names)) is None else faa,
        window_ok=ok[:n],
        config=config,
    )


def analyse_file(path: str | Path, config: FeatureConfig | None = None) -> RecordingAnalysis:
    return analyse_recording(read_recording(path), config)


__all__ = ["FeatureConfig", "RecordingAnalysis", "analyse_file", "analyse_recording", "compute_features", "BAND_NAMES"]
