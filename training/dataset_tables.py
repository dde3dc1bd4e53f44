"""Released emotion datasets as feature tables, with the label set each dataset brings.

Labels: SEED-VII's seven emotions, SEED-V's five, SEED-IV's four, SEED's three valence classes, and
DEAP's and DREAMER's ratings made into high/low classes of valence or arousal, or the four
valence/arousal quadrants, by a stated threshold ("high" = rating >= threshold by default, the
scale's midpoint: 5 for DEAP, 3 for DREAMER). A trial's valence and arousal values are the ratings
(mapped onto −1..1 around the midpoint) where the dataset has them, else the class's place on the
plane; a dimension the dataset says nothing about (SEED's arousal) is NaN.

Features are computed once per subject, dataset labelling and feature settings, and cached on disk
as one shard per subject (`EEGREASON_HOME/features/datasets/<dataset>-<root>/`). A shard's name
carries two keys: the settings (feature config, labelling, table format, damaged-copy share) and
the content of every file the subject's trials come from (name, size, modification time and a hash
of its first and last MiB) plus the label files. A changed file or setting misses the cache and
rebuilds only that subject; the stale shard is removed. Subjects are read one at a time (and the
loaders read one trial at a time), so memory holds one trial's samples and the feature rows only.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import replace
from pathlib import Path

import numpy as np

from encoders.analysis import FeatureConfig
from encoders.errors import ConfigError, DatasetError
from encoders.labels import LABEL_SPACES, SEVEN_EMOTIONS, LabelSpace
from encoders.log import get_logger, progress_bar
from encoders.paths import home

from .config import DataSpec
from .feature_table import TABLE_FORMAT, FeatureTable, LabelledRecording, build_table, concatenate_tables
from .splits import TrialInfo, sessions_needed

log = get_logger(__name__)

DATASET_TABLE_VERSION = 1  # bump when how trials become rows changes (labels, values, degraded copies)
DISCRETE_SPACES = {"seed": "valence-3", "seed-iv": "emotions-4", "seed-v": "emotions-5", "seed-vii": "emotions-7"}
RATING_SCALES = {"deap": (1.0, 9.0), "dreamer": (1.0, 5.0)}
RATING_SPACES = {"valence": "valence-2", "arousal": "arousal-2", "quadrants": "quadrants-4"}
_HASHED_BYTES = 1 << 20


# ---- labels --------------------------------------------------------------------------------------


def threshold_of(spec: DataSpec) -> float:
    """The rating threshold of a rating dataset: the one given, else the scale's midpoint."""
    low, high = RATING_SCALES[spec.dataset]
    return spec.threshold if spec.threshold is not None else (low + high) / 2


def label_space(spec: DataSpec) -> LabelSpace:
    """The classes a stage trained on `spec` answers with (the seven emotions for the synthetic cohort)."""
    if not spec.released:
        return SEVEN_EMOTIONS
    if spec.dataset in DISCRETE_SPACES:
        return LABEL_SPACES[DISCRETE_SPACES[spec.dataset]]
    low, high = RATING_SCALES[spec.dataset]
    sign = ">=" if spec.inclusive else ">"
    dimensions = ("valence", "arousal") if spec.target == "quadrants" else (spec.target,)
    rule = " and ".join(f"{d} {sign} {threshold_of(spec):g}" for d in dimensions)
    return replace(LABEL_SPACES[RATING_SPACES[spec.target]],
                   threshold=f"high means {rule} on {spec.dataset.upper()}'s {low:g}-{high:g} ratings")


def _high(spec: DataSpec, rating: float) -> bool:
    return rating >= threshold_of(spec) if spec.inclusive else rating > threshold_of(spec)


def trial_labels(spec: DataSpec, space: LabelSpace, trial) -> tuple[str, float, float]:
    """(class name, valence, arousal) of a loaded trial under the spec's labelling."""
    if spec.dataset in RATING_SCALES:
        low, high = RATING_SCALES[spec.dataset]
        mid, half = (low + high) / 2, (high - low) / 2
        valence, arousal = trial.ratings["valence"], trial.ratings["arousal"]
        words = {d: "high" if _high(spec, trial.ratings[d]) else "low" for d in ("valence", "arousal")}
        name = (f"{words['valence']} valence, {words['arousal']} arousal" if spec.target == "quadrants"
                else f"{words[spec.target]} {spec.target}")
        return name, (valence - mid) / half, (arousal - mid) / half
    name = str(trial.label_name).lower()
    if name not in space.labels:
        raise DatasetError(f"{spec.dataset} trial {trial.key} has the label {trial.label_name!r}, which is not one of "
                           f"{space.options()}; the label file is not the released one.")
    value = {d: space.value(name, d) for d in ("valence", "arousal")}
    return name, *(math.nan if v is None else float(v) for v in value.values())


# ---- the checks before anything is computed ------------------------------------------------------


def open_spec(spec: DataSpec):
    from encoders.datasets import open_dataset

    return open_dataset(spec.dataset, Path(spec.root).expanduser())


def check_dataset(spec: DataSpec, protocol: str | None = None) -> dict:
    """Refuse, in one sentence and before anything is computed, a dataset folder that cannot be trained
    on as asked: a subject asked for but not on disk, a subject missing a file the others have, a label
    file that does not parse, a protocol the data cannot support. Returns what was found."""
    loader = open_spec(spec)
    present = loader.subjects("raw")
    if not present:
        raise DatasetError(f"The {spec.dataset} folder {Path(spec.root).name} has no raw EEG files; training reads "
                           f"the recordings, so copy them in (the released feature files alone are not enough).")
    loader.iter_trials(kind="raw", subjects=spec.subjects or present)  # checks the layout and subjects, reads nothing
    subjects = sorted(spec.subjects or present)
    loader.label_files()  # a label table that is missing is refused here …
    if hasattr(loader, "labels"):
        loader.labels()  # … and one that does not parse here
    counts = {s: len(loader.subject_files(s, "raw")) for s in present}
    most = max(counts.values())
    short = [s for s in subjects if counts[s] < most]
    if short:
        raise DatasetError(f"Subject {short[0]} of {spec.dataset} has {counts[short[0]]} recording file(s) where the "
                           f"others have {most}; copy the missing file into {Path(spec.root).name} or leave subject "
                           f"{short[0]} out of data.subjects.")
    sessions = {s: loader.sessions(s, "raw") for s in subjects}
    if min(len(v) for v in sessions.values()) < sessions_needed(protocol):
        raise ConfigError(f"{spec.dataset} has one session per subject here, so cross-session evaluation is "
                          f"impossible; use --protocol loso or cross-trial.")
    if protocol == "loso" and len(subjects) < 2:
        raise ConfigError(f"Leave-one-subject-out needs at least two subjects; {spec.dataset} gives {len(subjects)} here.")
    space = label_space(spec)
    return {"dataset": spec.dataset, "root_name": Path(spec.root).name, "subjects": subjects,
            "sessions": {str(s): v for s, v in sessions.items()}, "label_space": space.name,
            "classes": list(space.labels), "label_rule": space.threshold}


# ---- the cached table ----------------------------------------------------------------------------


def file_fingerprint(path: Path) -> list:
    """[name, size, mtime ns, hash of the first and last MiB]: what a cached shard was computed from."""
    stat = path.stat()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        digest.update(fh.read(_HASHED_BYTES))
        if stat.st_size > 2 * _HASHED_BYTES:
            fh.seek(-_HASHED_BYTES, 2)
            digest.update(fh.read(_HASHED_BYTES))
    return [path.name, stat.st_size, stat.st_mtime_ns, digest.hexdigest()[:16]]


def _key(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


def settings_key(spec: DataSpec, features: FeatureConfig, degraded_share: float) -> str:
    """Everything but the files that decides a shard's content."""
    space = label_space(spec)
    return _key([DATASET_TABLE_VERSION, TABLE_FORMAT, spec.dataset, space.name, space.threshold,
                 features.to_dict(), degraded_share])


def cache_folder(spec: DataSpec) -> Path:
    root = Path(spec.root).expanduser().resolve()
    return home() / "features" / "datasets" / f"{spec.dataset}-{_key(str(root))[:10]}"


def _items(loader, spec: DataSpec, space: LabelSpace, subject: int, degraded_share: float):
    from encoders.augment import degrade

    for trial in loader.iter_trials(kind="raw", subjects=[subject]):
        name, valence, arousal = trial_labels(spec, space, trial)
        recording = trial.to_recording()
        if degraded_share:
            # drawn per trial (not from one stream), so a subject's copies do not depend on the others
            rng = np.random.default_rng([trial.subject, trial.session, trial.trial, 7919])
            if rng.random() >= degraded_share:
                continue
            recording = degrade(recording, rng)
        info = TrialInfo(spec.dataset, trial.subject, trial.session, trial.trial, space.labels.index(name),
                         trial.stimulus_id)
        yield LabelledRecording(info, name, valence, arousal, recording)


def dataset_table(spec: DataSpec, features: FeatureConfig, progress: bool = True, degraded_share: float = 0.0,
                  cache: bool = True) -> FeatureTable:
    """The feature table of the spec's subjects (all on disk when it names none); with `degraded_share`,
    damaged copies of that share of their trials (abstention, quality alignment)."""
    if not spec.released:
        raise ConfigError("dataset_table reads a released dataset; give data.dataset and data.root.")
    loader = open_spec(spec)
    space = label_space(spec)
    subjects = sorted(spec.subjects or loader.subjects("raw"))
    folder = cache_folder(spec)
    settings = settings_key(spec, features, degraded_share)
    labels = [file_fingerprint(p) for p in loader.label_files()]
    shards, rebuilt = [], 0
    for subject in progress_bar(subjects, enabled=progress, desc=f"{spec.dataset} features", unit="subject"):
        files = [file_fingerprint(p) for p in loader.subject_files(subject, "raw")]
        path = folder / f"s{subject:04d}-{settings}-{_key([files, labels])}.npz"
        table = _load_shard(path) if cache else None
        if table is None:
            rebuilt += 1
            source = {"kind": spec.dataset, "subject": subject, "files": files, "label_files": labels}
            table = build_table(_items(loader, spec, space, subject, degraded_share), features, source,
                                progress=progress)
            if cache:
                for stale in folder.glob(f"s{subject:04d}-{settings}-*.npz"):
                    # The same settings on files that have changed since; never another process's
                    # shard being written (.tmp.npz) or this very key, which it may just have saved.
                    if stale != path and not stale.name.endswith(".tmp.npz"):
                        stale.unlink(missing_ok=True)
                table.save(path)
        shards.append(table)
    if rebuilt:
        log.info("%s: features of %d of %d subject(s) computed (the rest cached)", spec.dataset, rebuilt, len(subjects))
    source = {"kind": spec.dataset, "root_name": Path(spec.root).name, "subjects": subjects,
              "label_space": space.name, "label_rule": space.threshold, "degraded_share": degraded_share,
              "synthetic": loader.synthetic}
    return concatenate_tables(shards, source)


def _load_shard(path: Path) -> FeatureTable | None:
    if not path.exists():
        return None
    try:
        return FeatureTable.load(path)
    except (ValueError, KeyError, OSError) as exc:
        log.info("Rebuilding feature shard %s (%s)", path.name, exc)
        return None


# ---- one entry point for the stages ---------------------------------------------------------------


def training_data(cohort, data: DataSpec, features: FeatureConfig, progress: bool = True,
                  degraded_share: float = 0.0) -> tuple[FeatureTable, LabelSpace]:
    """The table a stage learns from, and its label set: the released dataset `data` names, else the
    synthetic `cohort` (`training.config.CohortSpec`; several cohorts merged for stage 1)."""
    from .feature_table import cohort_table, training_table

    if data.released:
        return fold_training_trials(dataset_table(data, features, progress, degraded_share), data), label_space(data)
    if degraded_share:
        return cohort_table(cohort.cohort(), features, progress=progress, degraded_share=degraded_share), SEVEN_EMOTIONS
    if cohort.seeds:
        return training_table(cohort, features, progress=progress), SEVEN_EMOTIONS
    return cohort_table(cohort.cohort(), features, progress=progress), SEVEN_EMOTIONS


def fold_training_trials(table: FeatureTable, data: DataSpec) -> FeatureTable:
    """The table limited to the training trials of `data.fold` of the saved split `data.split` (the
    window rows stay; only the trial list shrinks)."""
    if not data.split:
        return table
    from .splits import Split

    path = Path(data.split)
    if not path.is_file():
        raise ConfigError(f"data.split {path} does not exist; give the split.json an experiment saved.")
    folds = {f.name: f for f in Split.load(path).folds}
    if data.fold not in folds:
        raise ConfigError(f"The split {path.name} has no fold {data.fold!r}; its folds are {', '.join(folds)}.")
    allowed = {tuple(k) for k in folds[data.fold].train}
    trials = [t for t in table.trials if tuple(t.key) in allowed]
    if not trials:
        raise ConfigError(f"Fold {data.fold} leaves this stage no training trial of subjects {data.subjects}; "
                          f"give it subjects the fold trains on.")
    return replace(table, trials=trials, source={**table.source, "split": path.name, "fold": data.fold})


def data_spec(name: str, root: str | Path | None, **fields) -> DataSpec:
    """A DataSpec from a dataset name and folder (the evaluation's and the CLI's options)."""
    return DataSpec(dataset=name, root=str(root) if root else None, **fields)
