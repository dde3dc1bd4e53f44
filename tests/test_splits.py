"""Splits: the trial is the unit, no key on both sides, persisted and reused."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from encoders.errors import ConfigError
from training.splits import PROTOCOLS, Split, TrialInfo, assert_no_leak, load_or_make_split, make_split


def cohort(subjects=4, sessions=2, per_emotion=2, n_labels=7):
    trials = []
    for s in range(1, subjects + 1):
        for ses in range(1, sessions + 1):
            index = 0
            for label in range(n_labels):
                for k in range(per_emotion):
                    index += 1
                    trials.append(TrialInfo("synthetic", s, ses, index, label, f"clip-{label}-{k}"))
    return trials


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_no_trial_key_on_both_sides(protocol):
    trials = cohort()
    split = make_split(protocol, trials, seed=1, n_folds=2 if protocol != "cross-trial" else 4)
    assert_no_leak(split)
    keys = {t.key for t in trials}
    tested = Counter(k for fold in split.folds for k in fold.test)
    for fold in split.folds:
        assert not set(fold.train) & set(fold.test)
        assert set(fold.train) | set(fold.test) == keys
    assert set(tested) == keys and set(tested.values()) == {1}  # every trial tested exactly once


def test_protocol_semantics():
    trials = cohort()
    by_key = {t.key: t for t in trials}
    for fold in make_split("loso", trials).folds:
        assert len({by_key[k].subject for k in fold.test}) == 1
        assert not {by_key[k].subject for k in fold.test} & {by_key[k].subject for k in fold.train}
    for fold in make_split("cross-session", trials).folds:
        assert not {by_key[k].session for k in fold.test} & {by_key[k].session for k in fold.train}
    for fold in make_split("leave-stimulus-out", trials, n_folds=2).folds:
        assert not {by_key[k].stimulus_id for k in fold.test} & {by_key[k].stimulus_id for k in fold.train}
    for fold in make_split("cross-trial", trials, n_folds=4).folds:
        # subject-dependent: every subject appears on both sides, with every label tested somewhere
        assert {by_key[k].subject for k in fold.test} == {by_key[k].subject for k in fold.train}


def test_saved_split_is_reused_and_rebuilt_when_trials_change(tmp_path):
    trials = cohort()
    path = tmp_path / "splits" / "loso.json"
    first = load_or_make_split(path, "loso", trials, seed=3)
    mtime = path.stat().st_mtime_ns
    again = load_or_make_split(path, "loso", trials, seed=3)
    assert path.stat().st_mtime_ns == mtime and again.to_dict() == first.to_dict()
    changed = load_or_make_split(path, "loso", trials[:-7], seed=3)
    assert changed.fingerprint != first.fingerprint


def test_a_tampered_split_file_is_refused(tmp_path):
    split = make_split("loso", cohort())
    path = split.save(tmp_path / "s.json")
    data = json.loads(path.read_text())
    data["folds"][0]["train"].append(data["folds"][0]["test"][0])
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="both sides"):
        Split.load(path)


def test_clear_errors_for_impossible_protocols():
    with pytest.raises(ConfigError, match="two sessions"):
        make_split("cross-session", cohort(sessions=1))
    with pytest.raises(ConfigError, match="Unknown protocol"):
        make_split("random", cohort())
