"""The table an experiment ends with: per fold and pooled over folds, the encoder head and the
DE-feature baselines on the held-out trials, and for every prompt arm the language model's answers
(accuracy, balanced accuracy, Cohen's κ, macro-F1, parse rate, consistency, faithfulness, ECE).

Pooled numbers are computed on the pooled items of every fold run, with a percentile interval from
resampling held-out subjects (`training.metrics.subject_bootstrap`). Everything is recomputed from
the run's saved predictions and answers, so the table can be rebuilt from RUN alone.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import numpy as np

from training.metrics import classification_report, expected_calibration_error, subject_bootstrap_many

from .run import read_jsonl
from .scoring import score_stored
from .summary import task_metrics

CLASSIFIERS = ("encoder_head", "logreg", "svm")
ANSWER_METRICS = ("accuracy", "balanced_accuracy", "cohen_kappa", "macro_f1", "parse_rate", "consistency",
                  "faithfulness", "ece")
CLASSIFIER_METRICS = ("accuracy", "balanced_accuracy", "cohen_kappa", "macro_f1")


def answer_metrics(results: list[dict]) -> dict:
    """The language model's columns, from scored emotion-task results."""
    if not results:
        return {m: math.nan for m in ANSWER_METRICS} | {"n": 0}
    metrics = task_metrics("emotion", results)
    answered = [r for r in results if r["parsed"]["well_formed"] and r["parsed"]["answer"] != "cannot tell"
                and r["parsed"]["confidence"] is not None]
    ece = (expected_calibration_error([r["parsed"]["confidence"] for r in answered],
                                      [r["correct"] for r in answered])[0] if answered else math.nan)
    return {**{m: float(metrics.get(m, math.nan)) for m in ANSWER_METRICS if m != "ece"}, "ece": float(ece),
            "n": len(results)}


def classifier_metrics(truth, predicted, n_classes: int) -> dict:
    report = classification_report(np.asarray(truth), np.asarray(predicted), n_classes)
    return {m: float(report[m]) for m in CLASSIFIER_METRICS} | {"n": int(len(truth))}


def emotion_results(eval_dir: Path) -> list[dict]:
    """The emotion-task answers of one evaluation run, scored by the current checker."""
    items = {i["id"]: i for i in read_jsonl(eval_dir / "items.jsonl")}
    return [score_stored(items[r["id"]], r)
            for r in read_jsonl(eval_dir / "results.jsonl") if r["id"] in items and items[r["id"]]["task"] == "emotion"]


def fold_summary(fold_dir: Path, arms: list[str], n_classes: int) -> dict:
    baselines = json.loads((fold_dir / "baselines.json").read_text())
    plan = json.loads((fold_dir / "plan.json").read_text())
    out = {"fold": plan["name"], "test_subjects": plan["test_subjects"],
           "classifiers": {name: classifier_metrics(baselines["truth"], baselines["predictions"][name], n_classes)
                           for name in CLASSIFIERS},
           "arms": {arm: answer_metrics(emotion_results(fold_dir / f"eval-{arm}")) for arm in arms}}
    return out


def pooled(fold_dirs: list[Path], arms: list[str], n_classes: int, n_resamples: int, seed: int = 0) -> dict:
    """Metrics on the pooled items of `fold_dirs`, each with its subject-bootstrap interval."""
    truth, subjects, predictions = [], [], {name: [] for name in CLASSIFIERS}
    for fold_dir in fold_dirs:
        baselines = json.loads((fold_dir / "baselines.json").read_text())
        truth += baselines["truth"]
        subjects += baselines["subjects"]
        for name in CLASSIFIERS:
            predictions[name] += baselines["predictions"][name]
    truth_a, subjects_a = np.asarray(truth), np.asarray(subjects)
    out: dict = {"classifiers": {}, "arms": {}}
    for name in CLASSIFIERS:
        pred = np.asarray(predictions[name])
        out["classifiers"][name] = subject_bootstrap_many(
            subjects_a, lambda idx, p=pred: _without_n(classifier_metrics(truth_a[idx], p[idx], n_classes)),
            n_resamples, seed=seed) | {"n": int(len(truth_a))}
    for arm in arms:
        results = [r for fold_dir in fold_dirs for r in emotion_results(fold_dir / f"eval-{arm}")]
        if not results:
            out["arms"][arm] = {"n": 0}
            continue
        owners = np.asarray([r["subjects"][0] for r in results])
        out["arms"][arm] = subject_bootstrap_many(
            owners, lambda idx, rs=results: _without_n(answer_metrics([rs[i] for i in idx])),
            n_resamples, seed=seed) | {"n": len(results)}
    return out


def _without_n(metrics: dict) -> dict:
    return {k: v for k, v in metrics.items() if k != "n"}


def _cell(value) -> str:
    if isinstance(value, (list, tuple)):  # (estimate, lower, upper)
        estimate, lower, upper = value
        if not np.isfinite(estimate):
            return "n/a"
        return f"{estimate:.3f}" + (f" [{lower:.3f}, {upper:.3f}]" if np.isfinite(lower) else "")
    if isinstance(value, float):
        return "n/a" if not np.isfinite(value) else f"{value:.3f}"
    return str(value)


COLUMNS = ["fold", "test subjects", "arm", "n items", "encoder head (bal. acc.)", "logreg (bal. acc.)",
           "svm (bal. acc.)", "LLM accuracy", "balanced accuracy", "kappa", "macro-F1", "parse", "consistency",
           "faithfulness", "ECE"]


def table_rows(folds: list[dict], pooled_metrics: dict | None, arms: list[str]) -> list[list[str]]:
    rows = []

    def row(name, subjects, arm, classifiers, answers):
        return [name, subjects, arm, _cell(answers.get("n", 0)),
                *[_cell(classifiers[c]["balanced_accuracy"]) for c in CLASSIFIERS],
                *[_cell(answers.get(m, math.nan)) for m in ANSWER_METRICS]]

    for fold in folds:
        subjects = " ".join(map(str, fold["test_subjects"]))
        for arm in arms:
            rows.append(row(fold["fold"], subjects, arm, fold["classifiers"], fold["arms"][arm]))
    if pooled_metrics:
        for arm in arms:
            rows.append(row("pooled", "all tested", arm, pooled_metrics["classifiers"], pooled_metrics["arms"][arm]))
    return rows


def write_table(run_dir: Path, folds: list[dict], pooled_metrics: dict | None, arms: list[str], meta: dict) -> dict:
    """results.json (every number), results.csv and results.md (the table and what it is)."""
    rows = table_rows(folds, pooled_metrics, arms)
    data = {**meta, "folds": folds, "pooled": pooled_metrics, "columns": COLUMNS, "rows": rows}
    (run_dir / "results.json").write_text(json.dumps(data, indent=1, default=float))
    with open(run_dir / "results.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    lines = [f"# Experiment: {meta['dataset']}, {meta['protocol']}, preset {meta['preset']}", "",
             f"Label set {meta['label_space']} ({', '.join(meta['classes'])}; chance "
             f"{1 / len(meta['classes']):.3f}){'; ' + meta['label_rule'] if meta.get('label_rule') else ''}. "
             f"Folds run: {len(folds)} of {meta['n_folds']}." + (" SYNTHETIC recordings." if meta.get("synthetic") else ""),
             "",
             "Encoder head and baselines: balanced accuracy on every test trial of the fold (baselines: "
             "logistic regression and linear SVM on the encoder's DE input features, fitted on the fold's "
             "training trials). LLM columns: the emotion task in each prompt arm "
             "(both = EEG tokens + evidence text with the encoder's pattern match; no-pattern = EEG tokens + "
             "measured features, the anchor paper's setting), on the drawn test trials. Pooled: all folds' "
             "items, [95% interval from resampling subjects].", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += ["", "Subjects per stage and fold: folds/<fold>/plan.json; each fold's configs: folds/<fold>/config/."]
    (run_dir / "results.md").write_text("\n".join(lines) + "\n")
    return data
