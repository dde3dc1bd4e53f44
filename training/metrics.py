"""Classification and calibration metrics, computed from predictions (never typed in).

Plain numpy so every number can be checked by hand; sklearn is used in tests as a cross-check.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion_matrix(y_true: Sequence[int], y_pred: Sequence[int], n_classes: int) -> np.ndarray:
    """(n_classes, n_classes) counts, rows = true class, columns = predicted class. Predictions
    outside 0..n_classes-1 (e.g. −1 for "no answer") count as wrong and are left out of the matrix."""
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        if 0 <= p < n_classes:
            matrix[t, p] += 1
    return matrix


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else float("nan")


def balanced_accuracy(y_true, y_pred, n_classes: int) -> float:
    """Mean recall over the classes present in `y_true`."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    recalls = [np.mean(y_pred[y_true == c] == c) for c in range(n_classes) if np.any(y_true == c)]
    return float(np.mean(recalls)) if recalls else float("nan")


def macro_f1(y_true, y_pred, n_classes: int) -> float:
    """Unweighted mean F1 over classes present in `y_true` or predicted."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for c in range(n_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def cohen_kappa(y_true, y_pred, n_classes: int) -> float:
    """κ = (p_o − p_e) / (1 − p_e), with "no answer" (−1) counted as its own disagreeing category."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    n = len(y_true)
    if n == 0:
        return float("nan")
    categories = n_classes + 1  # the extra one collects invalid predictions
    pred = np.where((y_pred >= 0) & (y_pred < n_classes), y_pred, n_classes)
    p_o = np.mean(y_true == pred)
    true_freq = np.bincount(y_true, minlength=categories) / n
    pred_freq = np.bincount(pred, minlength=categories) / n
    p_e = float(np.sum(true_freq * pred_freq))
    return float((p_o - p_e) / (1 - p_e)) if p_e < 1 else float("nan")


def expected_calibration_error(confidence, correct, n_bins: int = 10) -> tuple[float, list[dict]]:
    """ECE with equal-width bins over [0, 1]: Σ_b (n_b / N)·|accuracy_b − mean confidence_b|.
    Returns the ECE and the reliability-diagram bins."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    index = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    bins, ece, n = [], 0.0, len(confidence)
    for b in range(n_bins):
        members = index == b
        count = int(members.sum())
        if count:
            acc, conf = float(correct[members].mean()), float(confidence[members].mean())
            ece += count / n * abs(acc - conf)
        else:
            acc = conf = float("nan")
        bins.append({"lower": float(edges[b]), "upper": float(edges[b + 1]), "count": count,
                     "accuracy": acc, "confidence": conf})
    return (float(ece) if n else float("nan")), bins


def classification_report(y_true, y_pred, n_classes: int, groups: Sequence | None = None) -> dict:
    """The standard metric set; with `groups` (e.g. subjects) also the per-group mean and SD."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    report = {
        "n": int(len(y_true)),
        "accuracy": accuracy(y_true, y_pred),
        "balanced_accuracy": balanced_accuracy(y_true, y_pred, n_classes),
        "macro_f1": macro_f1(y_true, y_pred, n_classes),
        "cohen_kappa": cohen_kappa(y_true, y_pred, n_classes),
        "confusion_matrix": confusion_matrix(y_true, y_pred, n_classes).tolist(),
    }
    if groups is not None:
        groups = np.asarray(groups)
        per = {}
        for g in np.unique(groups):
            rows = groups == g
            per[str(g)] = {"accuracy": accuracy(y_true[rows], y_pred[rows]),
                           "balanced_accuracy": balanced_accuracy(y_true[rows], y_pred[rows], n_classes)}
        accs = np.array([v["accuracy"] for v in per.values()])
        bals = np.array([v["balanced_accuracy"] for v in per.values()])
        report["per_subject"] = per
        report["per_subject_accuracy_mean"] = float(accs.mean())
        report["per_subject_accuracy_sd"] = float(accs.std(ddof=1)) if len(accs) > 1 else 0.0
        report["per_subject_balanced_accuracy_mean"] = float(np.nanmean(bals))
        report["per_subject_balanced_accuracy_sd"] = float(np.nanstd(bals, ddof=1)) if len(bals) > 1 else 0.0
    return report


def hierarchical_bootstrap_mean(groups: Sequence[Sequence[float]], n_resamples: int = 10_000, level: float = 0.95,
                                seed: int = 0) -> tuple[float, float, float]:
    """Mean of per-unit values nested in groups (subjects in cohorts) with a percentile interval
    from resampling groups, then units within each drawn group. Both levels vary between studies, so
    both are resampled; a plain bootstrap over pooled subjects would understate the uncertainty of a
    claim about unseen cohorts. Returns (mean of group means, lower, upper)."""
    arrays = [np.asarray(g, dtype=float) for g in groups]
    if not arrays or any(len(a) == 0 for a in arrays):
        raise ValueError("Every group needs at least one value.")
    rng = np.random.default_rng(seed)
    estimate = float(np.mean([a.mean() for a in arrays]))
    stats = np.empty(n_resamples)
    for i in range(n_resamples):
        drawn = rng.integers(0, len(arrays), len(arrays))
        stats[i] = np.mean([arrays[g][rng.integers(0, len(arrays[g]), len(arrays[g]))].mean() for g in drawn])
    tail = (1.0 - level) / 2.0 * 100.0
    lower, upper = np.percentile(stats, [tail, 100.0 - tail])
    return estimate, float(lower), float(upper)



def subject_bootstrap(subjects: Sequence, statistic, n_resamples: int = 1000, level: float = 0.95,
                      seed: int = 0) -> tuple[float, float, float]:
    """A statistic of pooled items with a percentile interval from resampling subjects (with
    replacement; a drawn subject brings all its items). Items of one subject are not independent,
    so resampling items would understate the uncertainty. `statistic(index)` computes the value on
    the items at `index` (an integer array into the pooled items). Returns (value on all items,
    lower, upper); the bounds are NaN when fewer than two subjects were tested."""
    return subject_bootstrap_many(subjects, lambda index: {"value": statistic(index)}, n_resamples, level,
                                  seed)["value"]


def subject_bootstrap_many(subjects: Sequence, statistics, n_resamples: int = 1000, level: float = 0.95,
                           seed: int = 0) -> dict[str, tuple[float, float, float]]:
    """`subject_bootstrap` for several statistics at once (`statistics(index)` returns a mapping of
    name to value), all computed on the same resamples."""
    subjects = np.asarray(subjects)
    names = np.unique(subjects)
    estimate = {k: float(v) for k, v in statistics(np.arange(len(subjects))).items()}
    nan = float("nan")
    if len(names) < 2 or n_resamples < 1:
        return {k: (v, nan, nan) for k, v in estimate.items()}
    members = [np.flatnonzero(subjects == s) for s in names]
    rng = np.random.default_rng(seed)
    draws: dict[str, list[float]] = {k: [] for k in estimate}
    for _ in range(n_resamples):
        drawn = rng.integers(0, len(names), len(names))
        for key, value in statistics(np.concatenate([members[i] for i in drawn])).items():
            if key in draws and np.isfinite(value):
                draws[key].append(float(value))
    tail = (1.0 - level) / 2.0 * 100.0
    out = {}
    for key, value in estimate.items():
        if draws[key]:
            lower, upper = np.percentile(draws[key], [tail, 100.0 - tail])
            out[key] = (value, float(lower), float(upper))
        else:
            out[key] = (value, nan, nan)
    return out
