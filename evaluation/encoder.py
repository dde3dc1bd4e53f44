"""Leak-free evaluation of a pretrained encoder against DE-feature baselines on one synthetic cohort.

The encoder was pretrained on other subjects (another cohort seed), so on the evaluation cohort
its own head needs no training; a linear probe on its pooled embedding and the baselines are
fitted on each fold's training trials only. Every number is computed at trial level (all usable
windows of a trial), on the same folds, with chance and permuted-label references.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from encoders.channels import MONTAGES
from encoders.log import get_logger

from training.baselines import BASELINES, fit_predict
from training.feature_table import FeatureTable, TrialRow
from training.metrics import balanced_accuracy, classification_report
from training.progress import ItemProgress, step
from training.splits import make_split
from training.trial_inference import encode_trials

log = get_logger(__name__)


def _probe(train_x, train_y, test_x, n_classes):
    model = make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=3000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(train_x, train_y)
    scores = np.full((len(test_x), n_classes), -np.inf)
    decision = model.decision_function(test_x)
    if decision.ndim == 1:
        decision = np.stack([-decision, decision], axis=1)
    scores[:, model.classes_] = decision
    return scores


def evaluate_encoder(encoder, table: FeatureTable, protocol: str, seed: int = 0, n_folds: int = 5,
                     progress: bool = True) -> dict:
    trials = table.trials
    infos = [t.info for t in trials]
    split = make_split(protocol, infos, seed=seed, n_folds=n_folds)
    index_of = {t.key: i for i, t in enumerate(trials)}
    labels = np.array([t.info.label for t in trials])
    subjects = np.array([t.info.subject for t in trials])
    binary = {"valence": np.array([t.valence > 0 for t in trials], int),
              "arousal": np.array([t.arousal > 0 for t in trials], int)}
    # A dimension the data does not rate (SEED has no arousal: NaN) or rates all one way has no high/low task.
    binary = {d: y for d, y in binary.items()
              if np.isfinite([getattr(t, d) for t in trials]).all() and len(np.unique(y)) == 2}
    n_classes = int(encoder.config.n_outputs)  # the checkpoint's label set

    with step(f"encoding {len(trials)} trials"):
        logits, pooled = encode_trials(encoder, table, trials)
    predictions: dict[str, np.ndarray] = {name: np.full(len(trials), -1) for name in
                                          ("encoder", "encoder_probe", *BASELINES, "permuted_logreg")}
    binary_predictions = {task: {name: np.full(len(trials), -1) for name in ("encoder_probe", *BASELINES)}
                          for task in binary}
    rng = np.random.default_rng(seed)
    bar = ItemProgress(len(split.folds), f"{protocol} folds (probe, baselines, permuted labels)", unit="fold",
                       enabled=progress)
    for fold in split.folds:
        train_idx = np.array([index_of[k] for k in fold.train])
        test_idx = np.array([index_of[k] for k in fold.test])
        train_rows: list[TrialRow] = [trials[i] for i in train_idx]
        test_rows: list[TrialRow] = [trials[i] for i in test_idx]
        predictions["encoder"][test_idx] = logits[test_idx].argmax(1)
        predictions["encoder_probe"][test_idx] = _probe(pooled[train_idx], labels[train_idx], pooled[test_idx],
                                                        n_classes).argmax(1)
        for name in BASELINES:
            predictions[name][test_idx] = fit_predict(name, table, train_rows, test_rows, labels[train_idx],
                                                      n_classes, seed).argmax(1)
        permuted = rng.permutation(labels[train_idx])
        predictions["permuted_logreg"][test_idx] = fit_predict("logreg", table, train_rows, test_rows, permuted,
                                                               n_classes, seed).argmax(1)
        for task, target in binary.items():
            binary_predictions[task]["encoder_probe"][test_idx] = _probe(pooled[train_idx], target[train_idx],
                                                                         pooled[test_idx], 2).argmax(1)
            for name in BASELINES:
                binary_predictions[task][name][test_idx] = fit_predict(name, table, train_rows, test_rows,
                                                                       target[train_idx], 2, seed).argmax(1)
        bar.update(1)
    bar.close()

    tested = np.array(sorted({index_of[k] for f in split.folds for k in f.test}))

    def report(pred, y=labels, k=n_classes):
        return classification_report(y[tested], pred[tested], k, groups=subjects[tested])

    subsets = {}
    if progress:
        log.info("encoder head on the standard channel subsets …")
    for name, names in MONTAGES.items():
        present = [n for n in names if n in table.ch_names]
        if len(present) < len(names) or len(present) < 8 and name != "emotiv14":
            continue
        subset_logits, _ = encode_trials(encoder, table, [trials[i] for i in tested], channels=present)
        subsets[name] = {"n_channels": len(present),
                         "balanced_accuracy": balanced_accuracy(labels[tested], subset_logits.argmax(1), n_classes)}

    return {
        "protocol": protocol,
        "n_folds": len(split.folds),
        "n_trials": int(len(tested)),
        "n_subjects": int(len(np.unique(subjects))),
        "chance": 1.0 / n_classes,
        "encoder": report(predictions["encoder"]),
        "encoder_probe": report(predictions["encoder_probe"]),
        "baselines": {name: report(predictions[name]) for name in BASELINES},
        "permuted": {"logreg": report(predictions["permuted_logreg"])},
        **{d: {name: report(pred, binary[d], 2) for name, pred in binary_predictions[d].items()} for d in binary},
        "channel_subsets": subsets,
        "data": table.source,
    }
