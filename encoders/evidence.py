"""Evidence: the measured facts about one recording that reasoning may cite.

The same `Evidence` object is rendered into the prompt, drives the rationale targets in training,
and is what the evaluator checks generated reasoning against. It is computed deterministically
from a `RecordingAnalysis`; every number in it is rounded once, here, so text and checks agree.

Band-power statements compare the recording's log relative band power per scalp region with a
reference distribution (`BandReference`): a checkpoint carries the reference fitted on its
training cohort; without one, a generic adult reference is used and the evidence says so.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .analysis import RecordingAnalysis
from .channels import region_of
from .features import BAND_NAMES
from .quality import QualityReport

EVIDENCE_VERSION = "evidence-v1"
REGIONS = ("frontal", "central", "temporal", "parietal", "occipital")
FAA_THRESHOLD = 0.10  # |ln α(F4) − ln α(F3)| below this is "balanced"
Z_THRESHOLD = 1.0  # |z| of a region's band power at or above this is "elevated"/"reduced"

# Generic adult reference (relative power of 1–50 Hz, mean and SD per band), used only when a
# checkpoint brings no reference of its own. Rough literature values for eyes-open adults.
_GENERIC_RELATIVE = {"delta": (0.30, 0.10), "theta": (0.17, 0.05), "alpha": (0.25, 0.10),
                     "beta": (0.20, 0.07), "gamma": (0.08, 0.04)}


@dataclass
class BandReference:
    """Mean and SD of log relative band power, per region and band."""

    mean: dict[str, dict[str, float]]
    std: dict[str, dict[str, float]]
    source: str = "generic adult reference"

    @classmethod
    def generic(cls) -> "BandReference":
        mean = {r: {b: float(np.log(m)) for b, (m, _) in _GENERIC_RELATIVE.items()} for r in REGIONS}
        std = {r: {b: float(s / m) for b, (m, s) in _GENERIC_RELATIVE.items()} for r in REGIONS}
        return cls(mean, std)

    @classmethod
    def fit(cls, region_log_power: list[dict[str, dict[str, float]]], source: str) -> "BandReference":
        """From per-recording `region_log_relative_power` values of a training cohort."""
        mean: dict[str, dict[str, float]] = {}
        std: dict[str, dict[str, float]] = {}
        for region in REGIONS:
            for band in BAND_NAMES:
                values = [r[region][band] for r in region_log_power if region in r]
                if values:
                    mean.setdefault(region, {})[band] = float(np.mean(values))
                    std.setdefault(region, {})[band] = float(max(np.std(values), 1e-3))
        return cls(mean, std, source)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BandReference":
        return cls(**data)


@dataclass
class Finding:
    """One checkable statement: what was measured and which way it points."""

    key: str  # "faa" | "band:<region>:<band>" | "quality"
    direction: str  # faa: left|right|balanced; band: elevated|reduced|typical; quality: good|fair|poor
    value: float | None  # the number behind it (FAA in ln units, z-score, usable fraction)


@dataclass
class Evidence:
    version: str
    synthetic: bool
    duration_s: float
    n_channels: int
    quality_grade: str
    quality_reasons: list[str]
    usable_seconds: float
    total_seconds: float
    bad_channels: list[str]
    faa: float | None  # ln α(F4) − ln α(F3), mean over usable windows
    faa_direction: str | None  # left (relatively more left-frontal activity) | right | balanced
    band_z: dict[str, dict[str, float]]  # region → band → z against the reference
    reference: str  # which reference the z-scores use
    findings: list[Finding] = field(default_factory=list)
    # The EEG encoder's calibrated pattern match, best first: [[emotion, probability], ...] (top 3).
    # A model output, not a raw feature, and labelled as such wherever it is shown.
    pattern: list[list] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Evidence":
        data = dict(data)
        data["findings"] = [Finding(**f) for f in data.get("findings", [])]
        return cls(**data)

    def finding(self, key: str) -> Finding | None:
        return next((f for f in self.findings if f.key == key), None)

    @property
    def usable_fraction(self) -> float:
        return self.usable_seconds / self.total_seconds if self.total_seconds else 0.0


def region_log_relative_power(band_power: np.ndarray, names: list[str], rows: np.ndarray | None = None
                              ) -> dict[str, dict[str, float]]:
    """Mean over windows of log relative band power, averaged over each region's channels."""
    power = band_power if rows is None else band_power[rows]
    relative = power / power.sum(axis=-1, keepdims=True).clip(min=1e-30)
    log_rel = np.log(np.maximum(relative, 1e-12)).mean(axis=0)  # (C, B)
    out: dict[str, dict[str, float]] = {}
    for region in REGIONS:
        index = [i for i, n in enumerate(names) if region_of(n) == region]
        if index:
            out[region] = {band: float(log_rel[index, b].mean()) for b, band in enumerate(BAND_NAMES)}
    return out


PATTERN_TOP = 3


def pattern_from_probabilities(probabilities, labels) -> list[list]:
    """Top emotions of a probability vector, rounded once (to whole percent) for text and checks."""
    order = np.argsort(-np.asarray(probabilities))[:PATTERN_TOP]
    return [[str(labels[i]), round(float(probabilities[i]), 2)] for i in order]


def build_evidence(analysis: RecordingAnalysis, reference: BandReference | None = None,
                   pattern: list[list] | None = None) -> Evidence:
    return evidence_from_parts(
        pattern=pattern,
        quality=analysis.quality,
        band_power=analysis.band_power,
        ch_names=analysis.ch_names,
        faa=analysis.faa,
        window_ok=analysis.window_ok,
        synthetic=analysis.recording.meta.synthetic,
        duration_s=analysis.recording.duration,
        reference=reference,
    )


def evidence_from_parts(quality: QualityReport, band_power: np.ndarray, ch_names: list[str], faa: np.ndarray | None,
                        window_ok: np.ndarray, synthetic: bool, duration_s: float,
                        reference: BandReference | None = None, pattern: list[list] | None = None) -> Evidence:
    """Evidence from stored analysis results (training caches keep these, not whole recordings)."""
    reference = reference or BandReference.generic()
    window_ok = np.asarray(window_ok, bool)
    rows = window_ok if window_ok.any() else np.ones(len(window_ok), bool)
    good_channels = [i for i, n in enumerate(ch_names) if n not in quality.bad_channels]
    names = [ch_names[i] for i in good_channels] if good_channels else list(ch_names)
    power = band_power[:, good_channels] if good_channels else band_power
    region_power = region_log_relative_power(power, names, rows)

    band_z: dict[str, dict[str, float]] = {}
    findings: list[Finding] = [Finding("quality", quality.grade, round(quality.usable_fraction, 2))]
    for region, bands in region_power.items():
        for band, value in bands.items():
            mean = reference.mean.get(region, {}).get(band)
            std = reference.std.get(region, {}).get(band)
            if mean is None or not std:
                continue
            z = round((value - mean) / std, 2)
            band_z.setdefault(region, {})[band] = z
            direction = "elevated" if z >= Z_THRESHOLD else "reduced" if z <= -Z_THRESHOLD else "typical"
            findings.append(Finding(f"band:{region}:{band}", direction, z))

    faa_value = faa_direction = None
    if faa is not None:
        faa_value = round(float(np.mean(np.asarray(faa)[rows])), 2)
        faa_direction = "left" if faa_value >= FAA_THRESHOLD else "right" if faa_value <= -FAA_THRESHOLD else "balanced"
        findings.append(Finding("faa", faa_direction, faa_value))
    if pattern:
        findings.append(Finding("pattern", pattern[0][0], pattern[0][1]))

    return Evidence(
        version=EVIDENCE_VERSION,
        synthetic=synthetic,
        duration_s=round(duration_s, 1),
        n_channels=len(ch_names),
        quality_grade=quality.grade,
        quality_reasons=list(quality.reasons),
        usable_seconds=quality.usable_seconds,
        total_seconds=quality.total_seconds,
        bad_channels=list(quality.bad_channels),
        faa=faa_value,
        faa_direction=faa_direction,
        band_z=band_z,
        reference=reference.source,
        findings=findings,
        pattern=[list(p) for p in pattern] if pattern else [],
    )
