"""Window-level features of a labelled cohort, computed once and cached on disk.

Training, baselines and the evaluator read trials as rows of one table: per window the encoder's
input feature and band power (W, C, B), the quality flag and the frontal alpha asymmetry; per
trial its key, labels and quality report. Building the table runs the same analysis as serving
(`encoders.analysis.analyse_recording`) on every trial, so training sees exactly what inference
will compute. Tables are cached in `EEGREASON_HOME/features/` under a hash of everything that
determines them.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from encoders.analysis import FeatureConfig, analyse_recording
from encoders.evidence import BandReference, Evidence, evidence_from_parts, region_log_relative_power
from encoders.inputs import EEGInputs, usable_rows
from encoders.log import get_logger, progress_bar
from encoders.paths import home
from encoders.quality import QualityReport
from encoders.recording import Recording

from .splits import TrialInfo

log = get_logger(__name__)
TABLE_FORMAT = 3  # bump when the table's content or layout changes


@dataclass
class TrialRow:
    info: TrialInfo
    emotion: str
    valence: float
    arousal: float
    offset: int  # first window in the table
    n_windows: int
    duration_s: float
    synthetic: bool
    quality: dict  # QualityReport.to_dict()
    eeg_reference: str | None = None  # the reference the features were computed in, in words

    @property
    def key(self):
        return self.info.key

    def to_dict(self) -> dict:
        out = asdict(self)
        out["info"] = asdict(self.info)
        return out

    @classmethod
    def from_dict(cls, data: dict) -> "TrialRow":
        data = dict(data)
        data["info"] = TrialInfo(**data["info"])
        return cls(**data)


@dataclass
class FeatureTable:
    trials: list[TrialRow]
    features: np.ndarray  # (N, C, B) float32, the encoder's input feature
    band_power: np.ndarray  # (N, C, B) float32, µV²
    window_ok: np.ndarray  # (N,) bool
    faa: np.ndarray  # (N,) float32, NaN where no frontal pair
    ch_names: list[str]
    positions: np.ndarray  # (C, 3)
    feature_config: dict
    source: dict = field(default_factory=dict)  # how the trials were made (e.g. cohort config)

    # ---- access ----
    @property
    def synthetic(self) -> bool:
        """Whether every trial is generated (the synthetic cohort, or a generated folder in a released layout)."""
        return self.source.get("kind") == "synthetic" or bool(self.source.get("synthetic"))

    def rows(self, trial: TrialRow) -> slice:
        return slice(trial.offset, trial.offset + trial.n_windows)

    def trial_windows(self, trial: TrialRow) -> np.ndarray:
        return self.features[self.rows(trial)]

    def usable_rows(self, trial: TrialRow) -> np.ndarray:
        """Table rows of the windows of `trial` the encoder reads (usable ones, else all)."""
        rows = np.arange(trial.offset, trial.offset + trial.n_windows)
        return rows[usable_rows(self.window_ok[rows])]

    def inputs(self, trial: TrialRow, channels: list[str] | None = None) -> EEGInputs:
        """What the encoder reads of one trial, exactly as serving builds it from a file; `channels`
        restricts it to a montage subset (positions follow the names)."""
        rows = self.rows(trial)
        index = np.arange(len(self.ch_names)) if channels is None else np.array([self.ch_names.index(c) for c in channels])
        return EEGInputs.from_windows(self.features[rows][:, index], self.window_ok[rows],
                                      [self.ch_names[i] for i in index], self.positions[index],
                                      QualityReport.from_dict(trial.quality).bad_channels)

    def window_trial_index(self) -> np.ndarray:
        """(N,) index into `trials` for every window."""
        out = np.empty(len(self.features), dtype=np.int64)
        for i, trial in enumerate(self.trials):
            out[self.rows(trial)] = i
        return out

    def subset(self, keys: Iterable) -> list[TrialRow]:
        wanted = set(map(tuple, keys))
        return [t for t in self.trials if t.key in wanted]

    def evidence(self, trial: TrialRow, reference: BandReference | None = None,
                 probabilities: dict[str, float] | None = None, timeline: list[list] | None = None) -> Evidence:
        """`probabilities`: the encoder's calibrated {class: probability} for this trial (the pattern
        match); `timeline`: its reading over the trial (`reading`)."""
        rows = self.rows(trial)
        faa = self.faa[rows]
        return evidence_from_parts(
            quality=QualityReport.from_dict(trial.quality), band_power=self.band_power[rows].astype(np.float64),
            ch_names=self.ch_names, faa=None if np.isnan(faa).all() else faa.astype(np.float64),
            window_ok=self.window_ok[rows], synthetic=trial.synthetic, duration_s=trial.duration_s,
            reference=reference, eeg_reference=trial.eeg_reference, probabilities=probabilities, timeline=timeline)

    def reading(self, trial: TrialRow, encoder, labels: list[str], temperature: float = 1.0) -> list[list]:
        """The encoder's reading of each part of the trial, as serving computes it from a file."""
        from encoders.inputs import reading_over_time

        rows = self.rows(trial)
        window_s = float(self.feature_config.get("window_s", 4.0))
        step_s = float(self.feature_config.get("step_s") or window_s)
        return reading_over_time(encoder, self.features[rows], self.window_ok[rows],
                                 np.arange(trial.n_windows) * step_s, window_s, self.ch_names, self.positions,
                                 QualityReport.from_dict(trial.quality).bad_channels, labels, temperature)

    def fit_reference(self, trials: list[TrialRow], source: str) -> BandReference:
        """Band-power reference from these (training) trials only."""
        values = []
        for trial in trials:
            rows = self.rows(trial)
            values.append(region_log_relative_power(self.band_power[rows].astype(np.float64), self.ch_names,
                                                    usable_rows(self.window_ok[rows])))
        return BandReference.fit(values, source)

    # ---- persistence ----
    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"format": TABLE_FORMAT, "trials": [t.to_dict() for t in self.trials], "ch_names": self.ch_names,
                "feature_config": self.feature_config, "source": self.source}
        # A name of this writer's own: processes of a multi-GPU run may write the same shard at once.
        tmp = path.with_name(f"{path.name}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp.npz")
        np.savez(tmp, features=self.features, band_power=self.band_power, window_ok=self.window_ok, faa=self.faa,
                 positions=self.positions, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> "FeatureTable":
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(data["meta"].tobytes().decode())
            if meta.get("format") != TABLE_FORMAT:
                raise ValueError(f"feature table format {meta.get('format')} is outdated")
            return cls([TrialRow.from_dict(t) for t in meta["trials"]], data["features"], data["band_power"],
                       data["window_ok"], data["faa"], meta["ch_names"], data["positions"], meta["feature_config"],
                       meta["source"])


@dataclass
class LabelledRecording:
    """One trial to put in a table: the recording and its ground truth."""

    info: TrialInfo
    emotion: str
    valence: float
    arousal: float
    recording: Recording


def build_table(items: Iterable[LabelledRecording], feature_config: FeatureConfig, source: dict,
                total: int | None = None, progress: bool = True) -> FeatureTable:
    trials: list[TrialRow] = []
    chunks: dict[str, list[np.ndarray]] = {"features": [], "band_power": [], "window_ok": [], "faa": []}
    ch_names: list[str] | None = None
    positions = None
    offset = 0
    for item in progress_bar(items, enabled=progress, total=total, desc="features", unit="trial", leave=False):
        analysis = analyse_recording(item.recording, feature_config)
        if ch_names is None:
            ch_names, positions = analysis.ch_names, analysis.positions
        elif analysis.ch_names != ch_names:
            raise ValueError("All trials of a feature table must share one montage.")
        n = analysis.n_windows
        chunks["features"].append(analysis.features.astype(np.float32))
        chunks["band_power"].append(analysis.band_power.astype(np.float32))
        chunks["window_ok"].append(analysis.window_ok)
        chunks["faa"].append(np.full(n, np.nan, np.float32) if analysis.faa is None else analysis.faa.astype(np.float32))
        trials.append(TrialRow(item.info, item.emotion, float(item.valence), float(item.arousal), offset, n,
                               float(item.recording.duration), bool(item.recording.meta.synthetic),
                               analysis.quality.to_dict(), analysis.reference))
        offset += n
    if not trials:
        raise ValueError("No trials to build a feature table from.")
    return FeatureTable(trials, np.concatenate(chunks["features"]), np.concatenate(chunks["band_power"]),
                        np.concatenate(chunks["window_ok"]), np.concatenate(chunks["faa"]), ch_names, positions,
                        feature_config.to_dict(), source)


# ---- the synthetic cohort --------------------------------------------------------------------


def synthetic_items(cohort, degraded_share: float = 0.0) -> Iterator[LabelledRecording]:
    """Trials of a synthetic cohort; with `degraded_share` > 0, only that share of trials (chosen by
    the cohort seed), each damaged by `encoders.augment.degrade`."""
    from encoders.augment import degrade
    from encoders.synthetic import iter_trials, trial_to_recording

    rng = np.random.default_rng([cohort.seed, 7919])
    for trial in iter_trials(cohort):
        info = TrialInfo("synthetic", trial.subject, trial.session, trial.trial, trial.label, trial.stimulus_id)
        recording = trial_to_recording(trial)
        if degraded_share:
            if rng.random() >= degraded_share:
                continue
            recording = degrade(recording, rng)
        yield LabelledRecording(info, trial.emotion, trial.valence, trial.arousal, recording)


def cohort_table(cohort, feature_config: FeatureConfig | None = None, cache: bool = True,
                 progress: bool = True, degraded_share: float = 0.0) -> FeatureTable:
    """The feature table of a synthetic cohort (`encoders.synthetic.CohortConfig`), cached; with
    `degraded_share`, a table of damaged copies of that share of its trials (for abstention)."""
    from encoders.synthetic import GENERATOR_VERSION

    feature_config = feature_config or FeatureConfig()
    source = {"kind": "synthetic", "cohort": asdict(cohort), "generator_version": GENERATOR_VERSION,
              "degraded_share": degraded_share}
    key = hashlib.sha256(json.dumps([source, feature_config.to_dict(), TABLE_FORMAT], sort_keys=True).encode()).hexdigest()[:20]
    path = home() / "features" / f"synthetic-{key}.npz"
    if cache and path.exists():
        try:
            return FeatureTable.load(path)
        except (ValueError, KeyError, OSError) as exc:
            log.info("Rebuilding feature cache %s (%s)", path.name, exc)
    total = cohort.subjects * cohort.sessions * cohort.trials_per_session
    if degraded_share:
        total = None  # unknown in advance: trials are drawn as the cohort is generated
    table = build_table(synthetic_items(cohort, degraded_share), feature_config, source, total=total,
                        progress=progress)
    if cache:
        table.save(path)
    return table


def concatenate_tables(tables: list[FeatureTable], source: dict) -> FeatureTable:
    """One table of tables with disjoint trials (e.g. one per subject), rows re-offset."""
    if not tables:
        raise ValueError("No tables to concatenate.")
    first = tables[0]
    trials: list[TrialRow] = []
    offset = 0
    for table in tables:
        if table.ch_names != first.ch_names or table.feature_config != first.feature_config:
            raise ValueError("Tables joined into one must share their montage and feature settings.")
        trials += [replace(t, offset=t.offset + offset) for t in table.trials]
        offset += len(table.features)
    if len(tables) == 1:
        return replace(first, trials=trials, source=source)
    return FeatureTable(trials, *(np.concatenate([getattr(t, name) for t in tables])
                                  for name in ("features", "band_power", "window_ok", "faa")),
                        list(first.ch_names), first.positions, first.feature_config, source)


def merge_cohort_tables(tables: list[FeatureTable]) -> FeatureTable:
    """One table of several synthetic cohorts. Each cohort's people are different people and its
    clips different clips, so subjects become `seed * 1000 + subject` and stimulus ids gain the
    seed; window rows are re-offset."""
    if len(tables) == 1:
        return tables[0]
    first = tables[0]
    trials: list[TrialRow] = []
    offset = 0
    for table in tables:
        if table.ch_names != first.ch_names or table.feature_config != first.feature_config:
            raise ValueError("Cohorts merged into one table must share their montage and feature settings.")
        seed = int(table.source["cohort"]["seed"])
        for t in table.trials:
            if t.info.subject >= 1000:
                raise ValueError("Subject numbers of a merged cohort must stay below 1000.")
            info = replace(t.info, subject=seed * 1000 + t.info.subject, stimulus_id=f"{seed}:{t.info.stimulus_id}")
            trials.append(replace(t, info=info, offset=t.offset + offset))
        offset += len(table.features)
    source = {"kind": "synthetic", "cohorts": [t.source["cohort"] for t in tables],
              "generator_version": first.source.get("generator_version"),
              "subject_numbering": "seed * 1000 + subject"}
    return FeatureTable(trials, *(np.concatenate([getattr(t, name) for t in tables])
                                  for name in ("features", "band_power", "window_ok", "faa")),
                        list(first.ch_names), first.positions, first.feature_config, source)


def training_table(spec, feature_config: FeatureConfig, progress: bool = True) -> FeatureTable:
    """The feature table a training stage's cohort spec (`training.config.CohortSpec`) describes:
    one cohort, or several merged."""
    return merge_cohort_tables([cohort_table(c, feature_config, progress=progress) for c in spec.cohorts()])
