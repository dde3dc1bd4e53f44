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
from .channels import region_of, scalp_coverage
from .features import BAND_NAMES, frontal_pair
from .finite import finite_or_none
from .inputs import usable_rows
from .quality import QualityReport

EVIDENCE_VERSION = "evidence-v2"  # v2: supports_emotion, limits, usable_channels, eeg_reference
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
    faa: float | None  # ln α(right) − ln α(left) of a usable frontal pair, mean over usable windows
    faa_direction: str | None  # left (relatively more left-frontal activity) | right | balanced
    band_z: dict[str, dict[str, float]]  # region → band → z against the reference
    reference: str  # which reference the z-scores use
    findings: list[Finding] = field(default_factory=list)
    # The EEG encoder's calibrated pattern match, best first: [[emotion, probability], ...] (top 3).
    # A model output, not a raw feature, and labelled as such wherever it is shown. Empty when the
    # recording cannot support an emotion reading: a pattern match on one electrode means nothing.
    pattern: list[list] = field(default_factory=list)
    # What the recording can support. Defaults keep dicts written before these fields readable
    # (`from_dict` re-derives what it can for them).
    # Every class's calibrated probability (the pattern match shows the top ones; claims about any
    # class are checked against these), and the encoder's reading over the recording: one segment
    # per part of the usable recording, [start_s, end_s, class, probability].
    probabilities: dict[str, float] = field(default_factory=dict)
    timeline: list[list] = field(default_factory=list)
    # Quality-report figures the reasoning may quote.
    artifact_percent: float | None = None
    blink_percent: float | None = None
    muscle_percent: float | None = None
    line_noise_ratio: float | None = None
    supports_emotion: bool = True  # enough usable signal and channels for an emotion reading
    limits: list[str] = field(default_factory=list)  # what it cannot support, in plain words
    usable_channels: int | None = None  # channels left after the bad ones
    eeg_reference: str | None = None  # the reference the signal was analysed in, in words

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Evidence":
        """Reads evidence dicts of any version so far; numbers that are not finite (older versions
        could store NaN) are dropped, and a dict without the support fields gets them from the
        counts it holds. Everything else stays as stored (a stored pattern match is kept, so old
        evaluation runs rescore against what their model was shown)."""
        data = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        data["findings"] = [Finding(f["key"], f["direction"], finite_or_none(f.get("value")))
                            for f in data.get("findings", []) if f.get("value") is None
                            or finite_or_none(f.get("value")) is not None]
        data["faa"] = finite_or_none(data.get("faa"))
        if data["faa"] is None:
            data["faa_direction"] = None
            data["findings"] = [f for f in data["findings"] if f.key != "faa"]
        data["band_z"] = {r: {b: z for b, z in bands.items() if finite_or_none(z) is not None}
                          for r, bands in (data.get("band_z") or {}).items()}
        evidence = cls(**data)
        if "supports_emotion" not in data:
            evidence.usable_channels = evidence.n_channels - len(evidence.bad_channels)
            evidence.supports_emotion, evidence.limits = emotion_support(
                evidence.usable_channels, None, None, evidence.quality_grade, evidence.usable_seconds,
                evidence.faa is not None or None)
        return evidence

    def finding(self, key: str) -> Finding | None:
        return next((f for f in self.findings if f.key == key), None)

    @property
    def usable_fraction(self) -> float:
        return self.usable_seconds / self.total_seconds if self.total_seconds else 0.0


# What an emotion reading needs. Below these the evidence says it cannot support one, and the
# assistant abstains whatever its language model writes (serve/assistant.py).
MIN_EMOTION_CHANNELS = 4  # one or two electrodes have no spatial pattern; three barely one
MIN_EMOTION_REGIONS = 2  # electrodes over a single scalp region give no pattern across the head
MIN_EMOTION_SECONDS = 8.0  # two 4-s windows of usable signal


def _count(n: int, one: str, many: str | None = None) -> str:
    words = {0: "no", 1: "one", 2: "two", 3: "three"}
    return f"{words.get(n, n)} {one if n == 1 else many or one + 's'}"


def emotion_support(usable_channels: int, regions: set[str] | None, hemispheres: set[str] | None,
                    quality_grade: str, usable_seconds: float, frontal_pair: bool | None,
                    nonfinite: tuple[int, int] = (0, 0)) -> tuple[bool, list[str]]:
    """(supports an emotion reading, what the recording cannot support, in plain words). None for
    a coverage fact means it is not known (evidence stored before these checks) and not judged."""
    blocking: list[str] = []
    notes: list[str] = []
    if usable_channels < MIN_EMOTION_CHANNELS:
        blocking.append(f"{_count(usable_channels, 'usable channel')}: no spatial pattern"
                        if usable_channels <= 2 else
                        f"{_count(usable_channels, 'usable channel')}: too few for a spatial pattern")
    elif regions is not None and len(regions) < MIN_EMOTION_REGIONS:
        blocking.append(f"usable channels over the {' and '.join(sorted(regions)) or 'no'} region only: "
                        f"no pattern across the head")
    if quality_grade == "poor":
        blocking.append("signal quality is poor")
    if usable_seconds < MIN_EMOTION_SECONDS:
        blocking.append(f"only {usable_seconds:.0f} s of usable signal: too little for an emotion reading")
    if frontal_pair is False and usable_channels >= 1:
        notes.append("no usable frontal left/right pair: no asymmetry")
    if hemispheres is not None and usable_channels > 2 and hemispheres != {"left", "right"}:
        missing = " and ".join(sorted({"left", "right"} - hemispheres))
        notes.append(f"no usable channel over the {missing} hemisphere{'s' if ' and ' in missing else ''}: "
                     f"no left/right comparison")
    windows, channels = nonfinite
    if windows or channels:
        notes.append(f"features not finite in {_count(windows, 'window')} on {_count(channels, 'channel')} "
                     f"(left out)")
    return not blocking, blocking + notes


def region_log_relative_power(band_power: np.ndarray, names: list[str], rows: np.ndarray | None = None
                              ) -> dict[str, dict[str, float]]:
    """Mean over windows of log relative band power, averaged over each region's channels. Only
    windows where a channel has finite, non-zero power count for it; a channel with none and a
    region with no such channel are left out (the logarithm of no power is not a measurement)."""
    power = band_power if rows is None else band_power[rows]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        total = power.sum(axis=-1, keepdims=True)
        valid = (np.isfinite(power).all(axis=-1) & np.isfinite(total[..., 0]) & (total[..., 0] > 0))  # (W, C)
        relative = np.where(valid[..., None], power / np.where(valid[..., None], total, 1.0), 1.0)
        log_rel = np.log(np.maximum(relative, 1e-12))
    counts = valid.sum(axis=0)  # (C,)
    mean_log = np.where(valid[..., None], log_rel, 0.0).sum(axis=0) / np.maximum(counts, 1)[:, None]  # (C, B)
    out: dict[str, dict[str, float]] = {}
    for region in REGIONS:
        index = [i for i, n in enumerate(names) if region_of(n) == region and counts[i] > 0]
        if index:
            out[region] = {band: float(mean_log[index, b].mean()) for b, band in enumerate(BAND_NAMES)}
    return out


PATTERN_TOP = 3


def label_probabilities(probabilities, labels) -> dict[str, float]:
    """{class: probability} of a probability vector in the label set's order."""
    return {str(label): float(p) for label, p in zip(labels, np.asarray(probabilities, dtype=np.float64))}


def build_evidence(analysis: RecordingAnalysis, reference: BandReference | None = None,
                   probabilities: dict[str, float] | None = None, timeline: list[list] | None = None) -> Evidence:
    return evidence_from_parts(
        probabilities=probabilities,
        timeline=timeline,
        quality=analysis.quality,
        band_power=analysis.band_power,
        ch_names=analysis.ch_names,
        faa=analysis.faa,
        window_ok=analysis.window_ok,
        synthetic=analysis.recording.meta.synthetic,
        duration_s=analysis.recording.duration,
        reference=reference,
        eeg_reference=analysis.reference,
    )


def evidence_from_parts(quality: QualityReport, band_power: np.ndarray, ch_names: list[str], faa: np.ndarray | None,
                        window_ok: np.ndarray, synthetic: bool, duration_s: float,
                        reference: BandReference | None = None, probabilities: dict[str, float] | None = None,
                        eeg_reference: str | None = None, timeline: list[list] | None = None) -> Evidence:
    """Evidence from stored analysis results (training caches keep these, not whole recordings).
    Every number in it is finite: statistics use good channels, usable windows and finite values
    only, and a statistic with nothing to rest on is absent (None, or no entry), never NaN."""
    reference = reference or BandReference.generic()
    window_ok = np.asarray(window_ok, bool)
    rows = usable_rows(window_ok)
    good_channels = [i for i, n in enumerate(ch_names) if n not in quality.bad_channels]
    good_names = [ch_names[i] for i in good_channels]
    # Only good channels speak for a region: with none, no band-power statement is made.
    region_power = region_log_relative_power(band_power[:, good_channels], good_names, rows) if good_channels else {}

    band_z: dict[str, dict[str, float]] = {}
    findings: list[Finding] = [Finding("quality", quality.grade, round(quality.usable_fraction, 2))]
    for region, bands in region_power.items():
        for band, value in bands.items():
            mean = reference.mean.get(region, {}).get(band)
            std = reference.std.get(region, {}).get(band)
            if mean is None or not std:
                continue
            z = finite_or_none(round((value - mean) / std, 2))
            if z is None:
                continue
            band_z.setdefault(region, {})[band] = z
            direction = "elevated" if z >= Z_THRESHOLD else "reduced" if z <= -Z_THRESHOLD else "typical"
            findings.append(Finding(f"band:{region}:{band}", direction, z))

    faa_value = faa_direction = None
    if faa is not None:
        values = np.asarray(faa, dtype=np.float64)[rows]
        values = values[np.isfinite(values)]
        if values.size:
            faa_value = finite_or_none(round(float(values.mean()), 2))
    if faa_value is not None:
        faa_direction = "left" if faa_value >= FAA_THRESHOLD else "right" if faa_value <= -FAA_THRESHOLD else "balanced"
        findings.append(Finding("faa", faa_direction, faa_value))

    regions, hemispheres = scalp_coverage(good_names)
    supports, limits = emotion_support(
        len(good_names), regions, hemispheres, quality.grade, quality.usable_seconds,
        frontal_pair(ch_names, quality.bad_channels) is not None,
        (quality.nonfinite_windows, quality.nonfinite_channels))
    # The encoder's reading only where the recording can support one (a pattern match on one electrode
    # means nothing), and only finite numbers.
    readable = supports and probabilities and all(finite_or_none(v) is not None for v in probabilities.values())
    full = {str(k): round(float(v), 2) for k, v in probabilities.items()} if readable else {}
    pattern = [[k, full[k]] for k in sorted(full, key=lambda k: -float(probabilities[k]))[:PATTERN_TOP]]
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
        pattern=pattern,
        probabilities=full,
        timeline=[[round(float(a), 1), round(float(b), 1), str(label), round(float(p), 2)]
                  for a, b, label, p in (timeline or [])] if readable else [],
        artifact_percent=finite_or_none(quality.artifact_percent),
        blink_percent=finite_or_none(quality.blink_percent),
        muscle_percent=finite_or_none(quality.muscle_percent),
        line_noise_ratio=finite_or_none(quality.line_noise_ratio),
        supports_emotion=supports,
        limits=limits,
        usable_channels=len(good_names),
        eeg_reference=eeg_reference,
    )


# ---- the measured facts as numbers (what an anchored projector's measures token reads) ------------

MEASURES_VERSION = 1
_BAND_ORDER = [(region, band) for region in REGIONS for band in BAND_NAMES]
N_MEASURES = 10 + 2 * len(_BAND_ORDER)


def measures_of(ev: Evidence) -> np.ndarray:
    """(N_MEASURES,) float32, in a fixed order: usable fraction, bad-channel fraction, channel count
    (log-scaled), whether an emotion reading is supported, the asymmetry and whether it was measured,
    artifact, muscle and blink shares, line noise (log-scaled), then every region × band z (clipped to
    ±5, scaled) and whether it was measured. Every entry is finite."""
    out = np.zeros(N_MEASURES, dtype=np.float32)
    n = max(ev.n_channels, 1)
    out[0] = ev.usable_fraction
    out[1] = len(ev.bad_channels) / n
    out[2] = np.log(n) / np.log(64.0)
    out[3] = float(ev.supports_emotion)
    if ev.faa is not None:
        out[4], out[5] = float(np.clip(ev.faa, -3, 3)), 1.0
    out[6] = (ev.artifact_percent or 0.0) / 100.0
    out[7] = (ev.muscle_percent or 0.0) / 100.0
    out[8] = (ev.blink_percent or 0.0) / 100.0
    out[9] = np.log1p(max(ev.line_noise_ratio or 0.0, 0.0)) / 5.0
    for i, (region, band) in enumerate(_BAND_ORDER):
        z = ev.band_z.get(region, {}).get(band)
        if z is not None:
            out[10 + i] = float(np.clip(z, -5, 5)) / 5.0
            out[10 + len(_BAND_ORDER) + i] = 1.0
    return np.nan_to_num(out, nan=0.0, posinf=0.0, neginf=0.0)
