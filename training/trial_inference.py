"""Running an encoder over whole trials: one prediction and one embedding per trial."""

from __future__ import annotations

import numpy as np

from encoders.inputs import encode_many

from .feature_table import FeatureTable, TrialRow


def encode_trials(encoder, table: FeatureTable, trials: list[TrialRow], channels: list[str] | None = None,
                  batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(logits (N, classes), pooled embeddings (N, d)) from what the encoder reads of each trial
    (`FeatureTable.inputs`: usable windows, bad channels masked, as in serving). `channels` restricts
    the input to a montage subset (positions follow the names)."""
    encoder.eval()
    return encode_many(encoder, [table.inputs(t, channels) for t in trials], batch_size)
