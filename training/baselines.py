"""Baselines on differential-entropy features, in the same harness and splits as the encoder.

Window-level models (the usual approach in the literature), scored per trial by averaging the
decision scores of the trial's usable windows, so they are judged on the same unit as the encoder.
Normalisation is fitted on training windows only.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from .feature_table import FeatureTable, TrialRow

BASELINES = ("logreg", "svm")


def make_model(name: str, seed: int = 0):
    if name == "logreg":
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.05, max_iter=3000))
    if name == "svm":
        return make_pipeline(StandardScaler(), LinearSVC(C=0.005, max_iter=20000, random_state=seed))
    raise ValueError(f"unknown baseline {name!r}")


def window_matrix(table: FeatureTable, trials: list[TrialRow], channels: np.ndarray | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
    """(X (windows, C·B), trial index per window) over usable windows."""
    xs, owners = [], []
    for i, trial in enumerate(trials):
        rows = table.usable_rows(trial)
        block = table.features[rows]
        if channels is not None:
            block = block[:, channels]
        xs.append(block.reshape(len(rows), -1))
        owners.append(np.full(len(rows), i))
    return np.concatenate(xs).astype(np.float64), np.concatenate(owners)


def fit_predict(name: str, table: FeatureTable, train: list[TrialRow], test: list[TrialRow],
                train_labels: np.ndarray, n_classes: int, seed: int = 0) -> np.ndarray:
    """Trial-level class scores (len(test), n_classes) for a window-level baseline."""
    x_train, owner_train = window_matrix(table, train)
    x_test, owner_test = window_matrix(table, test)
    y_train = np.asarray(train_labels)[owner_train]
    model = make_model(name, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on hard folds is expected
        model.fit(x_train, y_train)
    scores = model.decision_function(x_test)
    if scores.ndim == 1:  # binary: one column of margins for class 1
        scores = np.stack([-scores, scores], axis=1)
    full = np.full((len(x_test), n_classes), -np.inf)
    full[:, model.classes_] = scores
    trial_scores = np.zeros((len(test), n_classes))
    for i in range(len(test)):
        trial_scores[i] = full[owner_test == i].mean(axis=0)
    return trial_scores
