"""Metrics against hand-computed examples (and sklearn as a cross-check)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from training.metrics import (accuracy, balanced_accuracy, classification_report, cohen_kappa, confusion_matrix,
                              expected_calibration_error, macro_f1)

Y_TRUE = [0, 0, 0, 0, 1, 1]
Y_PRED = [0, 0, 0, 0, 0, 1]


def test_hand_computed_example():
    assert accuracy(Y_TRUE, Y_PRED) == pytest.approx(5 / 6)
    assert balanced_accuracy(Y_TRUE, Y_PRED, 2) == pytest.approx((1 + 0.5) / 2)
    # F1: class 0 = 2·4/(2·4+1+0) = 8/9, class 1 = 2·1/(2·1+0+1) = 2/3
    assert macro_f1(Y_TRUE, Y_PRED, 2) == pytest.approx((8 / 9 + 2 / 3) / 2)
    # κ: p_o = 5/6, p_e = 4/6·5/6 + 2/6·1/6 = 22/36 → κ = (30/36 − 22/36)/(14/36) = 4/7
    assert cohen_kappa(Y_TRUE, Y_PRED, 2) == pytest.approx(4 / 7)
    assert confusion_matrix(Y_TRUE, Y_PRED, 2).tolist() == [[4, 0], [1, 1]]


def test_agrees_with_sklearn_on_random_labels():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 7, 500), rng.integers(0, 7, 500)
    assert balanced_accuracy(y, p, 7) == pytest.approx(sk.balanced_accuracy_score(y, p))
    assert macro_f1(y, p, 7) == pytest.approx(sk.f1_score(y, p, average="macro"))
    assert cohen_kappa(y, p, 7) == pytest.approx(sk.cohen_kappa_score(y, p))


def test_invalid_predictions_count_as_wrong():
    assert accuracy([0, 1], [0, -1]) == 0.5
    assert confusion_matrix([0, 1], [0, -1], 2).tolist() == [[1, 0], [0, 0]]
    assert cohen_kappa([0, 1, 0, 1], [0, -1, 0, 1], 2) < 1.0


def test_ece_hand_computed():
    # bin [0.8, 0.9]: two answers at 0.9, one right → |0.5 − 0.9|·2/4; bin [0.5, 0.6]: both right → |1 − 0.6|·2/4
    ece, bins = expected_calibration_error([0.9, 0.9, 0.6, 0.6], [1, 0, 1, 1], n_bins=10)
    assert ece == pytest.approx(0.4)
    assert bins[8]["count"] == 2 and bins[8]["accuracy"] == 0.5
    assert bins[5]["count"] == 2 and bins[5]["confidence"] == pytest.approx(0.6)
    perfect, _ = expected_calibration_error([1.0, 1.0, 0.0], [1, 1, 0])
    assert perfect == pytest.approx(0.0)


def test_report_per_subject_mean_and_sd():
    report = classification_report([0, 1, 0, 1], [0, 1, 1, 1], 2, groups=["a", "a", "b", "b"])
    assert report["per_subject"]["a"]["accuracy"] == 1.0 and report["per_subject"]["b"]["accuracy"] == 0.5
    assert report["per_subject_accuracy_mean"] == pytest.approx(0.75)
    assert report["per_subject_accuracy_sd"] == pytest.approx(np.std([1.0, 0.5], ddof=1))


def test_hierarchical_bootstrap_interval():
    from training.metrics import hierarchical_bootstrap_mean

    # Cohort means 0.1, 0.2, 0.3: the estimate is their mean and the interval brackets it.
    groups = [[0.0, 0.2], [0.1, 0.3], [0.2, 0.4]]
    mean, lower, upper = hierarchical_bootstrap_mean(groups, n_resamples=4000)
    assert mean == pytest.approx(0.2)
    assert 0.0 <= lower < 0.2 < upper <= 0.4
    # Identical values leave nothing to resample: a zero-width interval.
    assert hierarchical_bootstrap_mean([[0.5, 0.5], [0.5]], n_resamples=200) == pytest.approx((0.5, 0.5, 0.5))
    # More cohorts that agree narrow the interval; one cohort's subjects cannot stand in for many cohorts.
    wide = hierarchical_bootstrap_mean([[0.1, 0.3]] * 3, n_resamples=4000)
    narrow = hierarchical_bootstrap_mean([[0.1, 0.3]] * 30, n_resamples=4000)
    assert narrow[2] - narrow[1] < wide[2] - wide[1]
    with pytest.raises(ValueError, match="at least one value"):
        hierarchical_bootstrap_mean([[0.1], []])


def test_encoder_benchmark_pairs_margins_by_person():
    from bench.encoder import pooled_margins

    def report(per):  # per-subject balanced accuracies, keyed by subject id as evaluate_encoder writes them
        return {"balanced_accuracy": float(np.mean(list(per.values()))),
                "per_subject": {str(k): {"balanced_accuracy": v} for k, v in per.items()}}

    results = {
        1: {"encoder": report({1: 0.5, 2: 0.3, 10: 0.4}),
            "baselines": {"logreg": report({10: 0.2, 2: 0.3, 1: 0.4}), "svm": report({1: 0.1, 2: 0.1, 10: 0.1})}},
        2: {"encoder": report({1: 0.3, 2: 0.3}),
            "baselines": {"logreg": report({1: 0.2, 2: 0.2}), "svm": report({1: 0.4, 2: 0.4})}},
    }
    pooled = pooled_margins(results)
    # Person by person, whatever order a report lists them in: cohort 1 margins vs logreg 0.1, 0.0, 0.2.
    assert pooled["logreg"][0] == pytest.approx((0.1 + 0.1) / 2)
    assert pooled["svm"][0] == pytest.approx((0.3 - 0.1) / 2)
    # The better baseline is chosen per cohort: logreg in cohort 1, SVM in cohort 2.
    assert pooled["best baseline of each cohort"][0] == pytest.approx((0.1 - 0.1) / 2)


def test_the_subject_bootstrap_resamples_people_not_items():
    from training.metrics import subject_bootstrap, subject_bootstrap_many

    correct = np.array([1, 1, 1, 1, 0, 0, 0, 0, 1, 0], float)
    subjects = np.array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3])
    estimate, lower, upper = subject_bootstrap(subjects, lambda idx: correct[idx].mean(), n_resamples=2000)
    assert estimate == pytest.approx(0.5) and 0.0 <= lower < 0.5 < upper <= 1.0
    # Subject 1 (all right) and subject 2 (all wrong) each bring their four items: a resample of
    # subjects {1, 1, 1} scores 1.0, which a resample of items would almost never draw.
    assert upper == pytest.approx(1.0) and lower == pytest.approx(0.0)
    # One subject: nothing to resample, no interval.
    one = subject_bootstrap(np.ones(4), lambda idx: correct[:4][idx].mean())
    assert one[0] == 1.0 and np.isnan(one[1]) and np.isnan(one[2])
    both = subject_bootstrap_many(subjects, lambda idx: {"mean": correct[idx].mean(), "n": len(idx)}, 500, seed=3)
    assert both["mean"][0] == pytest.approx(0.5) and both["n"][0] == 10
    assert both["mean"] == subject_bootstrap_many(subjects, lambda idx: {"mean": correct[idx].mean()}, 500, seed=3)["mean"]
