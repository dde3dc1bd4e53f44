"""Leak-free evaluation splits, persisted to disk and reused.

The unit of a split is at least the trial: every window of a trial is on one side. Four
protocols, each a function from the list of trials to folds:

* `cross-trial`         subject-dependent: each subject's trials are divided into k folds
                        (stratified by label); fold i tests those trials of every subject.
* `loso`                leave one subject out.
* `cross-session`       train on the other sessions of the same subjects, test on one session.
* `leave-stimulus-out`  stimuli (film clips) divided into k folds; no clip seen in training is tested.

A `Split` saves as JSON (protocol, parameters, seed, folds of trial keys) and `assert_no_leak`
proves that no (dataset, subject, session, trial) key is on both sides of any fold.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import numpy as np

from encoders.errors import ConfigError

PROTOCOLS = ("cross-trial", "loso", "cross-session", "leave-stimulus-out")
# Sessions per subject a protocol needs: cross-session holds a whole session out.
_MIN_SESSIONS = {"cross-session": 2}


def sessions_needed(protocol: str) -> int:
    """Sessions per subject `protocol` needs (and a synthetic cohort for it is made with)."""
    return _MIN_SESSIONS.get(protocol, 1)
Key = tuple[str, int, int, int]  # (dataset, subject, session, trial)


@dataclass(frozen=True)
class TrialInfo:
    dataset: str
    subject: int
    session: int
    trial: int
    label: int
    stimulus_id: str = ""

    @property
    def key(self) -> Key:
        return (self.dataset, self.subject, self.session, self.trial)


@dataclass
class Fold:
    name: str
    train: list[Key]
    test: list[Key]


@dataclass
class Split:
    protocol: str
    seed: int
    params: dict
    folds: list[Fold]
    fingerprint: str = ""  # hash of the trial list the split was made from
    version: int = 1

    def to_dict(self) -> dict:
        return {**asdict(self), "folds": [{"name": f.name, "train": [list(k) for k in f.train],
                                          "test": [list(k) for k in f.test]} for f in self.folds]}

    def save(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), indent=1))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: Path) -> "Split":
        data = json.loads(Path(path).read_text())
        folds = [Fold(f["name"], [tuple(k) for k in f["train"]], [tuple(k) for k in f["test"]]) for f in data["folds"]]
        split = cls(data["protocol"], data["seed"], data["params"], folds, data.get("fingerprint", ""),
                    data.get("version", 1))
        assert_no_leak(split)
        return split


def fingerprint(trials: Iterable[TrialInfo]) -> str:
    text = "\n".join(f"{t.key}|{t.label}|{t.stimulus_id}" for t in sorted(trials, key=lambda t: t.key))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def assert_no_leak(split: Split) -> None:
    for fold in split.folds:
        shared = set(fold.train) & set(fold.test)
        if shared:
            raise ConfigError(f"Split fold {fold.name} has {len(shared)} trial(s) on both sides (e.g. {sorted(shared)[0]}); "
                              f"the split file is corrupt — delete it to rebuild.")
        if not fold.test or not fold.train:
            raise ConfigError(f"Split fold {fold.name} has an empty side; there are too few trials for this protocol.")


def _stratified_folds(items: list[TrialInfo], n_folds: int, rng: np.random.Generator) -> list[list[TrialInfo]]:
    """Deal items into folds label by label (shuffled), so every fold sees every label when it can."""
    folds: list[list[TrialInfo]] = [[] for _ in range(n_folds)]
    by_label: dict[int, list[TrialInfo]] = defaultdict(list)
    for item in items:
        by_label[item.label].append(item)
    offset = 0
    for label in sorted(by_label):
        group = by_label[label]
        order = rng.permutation(len(group))
        for i, index in enumerate(order):
            folds[(offset + i) % n_folds].append(group[index])
        offset += len(group)
    return folds


def make_split(protocol: str, trials: list[TrialInfo], seed: int = 0, n_folds: int = 5,
               subjects: list[int] | None = None) -> Split:
    """Folds of trial keys for `protocol`. `subjects` limits LOSO to those held-out subjects."""
    if protocol not in PROTOCOLS:
        raise ConfigError(f"Unknown protocol {protocol!r}; choose one of {', '.join(PROTOCOLS)}.")
    if not trials:
        raise ConfigError("No trials to split.")
    keys = [t.key for t in trials]
    if len(set(keys)) != len(keys):
        raise ConfigError("Two trials share one (dataset, subject, session, trial) key; keys must be unique.")
    rng = np.random.default_rng(seed)
    folds: list[Fold] = []
    all_keys = set(keys)
    if protocol == "loso":
        held_out = subjects or sorted({t.subject for t in trials})
        for subject in held_out:
            test = [t.key for t in trials if t.subject == subject]
            folds.append(Fold(f"subject-{subject}", sorted(all_keys - set(test)), sorted(test)))
    elif protocol == "cross-session":
        sessions = sorted({t.session for t in trials})
        if len(sessions) < 2:
            raise ConfigError("Cross-session evaluation needs at least two sessions per subject.")
        for session in sessions:
            test = [t.key for t in trials if t.session == session]
            folds.append(Fold(f"session-{session}", sorted(all_keys - set(test)), sorted(test)))
    elif protocol == "cross-trial":
        per_fold_test: list[list[Key]] = [[] for _ in range(n_folds)]
        for subject in sorted({t.subject for t in trials}):
            own = [t for t in trials if t.subject == subject]
            if len(own) < n_folds:
                raise ConfigError(f"Subject {subject} has {len(own)} trials, fewer than {n_folds} folds; lower n_folds.")
            for i, part in enumerate(_stratified_folds(own, n_folds, rng)):
                per_fold_test[i] += [t.key for t in part]
        for i, test in enumerate(per_fold_test):
            folds.append(Fold(f"trials-fold-{i + 1}", sorted(all_keys - set(test)), sorted(test)))
    else:  # leave-stimulus-out
        stimuli = sorted({t.stimulus_id for t in trials})
        if "" in stimuli:
            raise ConfigError("Leave-stimulus-out needs a stimulus id on every trial.")
        if len(stimuli) < n_folds:
            raise ConfigError(f"Only {len(stimuli)} distinct stimuli for {n_folds} folds; lower n_folds.")
        label_of = {t.stimulus_id: t.label for t in trials}
        pseudo = [TrialInfo("stimulus", 0, 0, i, label_of[s], s) for i, s in enumerate(stimuli)]
        for i, part in enumerate(_stratified_folds(pseudo, n_folds, rng)):
            held = {p.stimulus_id for p in part}
            test = [t.key for t in trials if t.stimulus_id in held]
            folds.append(Fold(f"stimuli-fold-{i + 1}", sorted(all_keys - set(test)), sorted(test)))
    split = Split(protocol, seed, {"n_folds": n_folds, "subjects": subjects}, folds, fingerprint(trials))
    assert_no_leak(split)
    return split


def load_or_make_split(path: Path, protocol: str, trials: list[TrialInfo], seed: int = 0, **params) -> Split:
    """Reuse the split saved at `path` when it was made from the same trials and settings."""
    path = Path(path)
    expected = {"n_folds": params.get("n_folds", 5), "subjects": params.get("subjects")}
    if path.exists():
        split = Split.load(path)
        if (split.protocol, split.seed, split.fingerprint, split.params) == (protocol, seed, fingerprint(trials), expected):
            return split
    split = make_split(protocol, trials, seed, **params)
    split.save(path)
    return split
