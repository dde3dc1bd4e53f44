"""Running an encoder over whole trials: one prediction and one embedding per trial."""

from __future__ import annotations

import numpy as np
import torch

from .feature_table import FeatureTable, TrialRow


@torch.no_grad()
def encode_trials(encoder, table: FeatureTable, trials: list[TrialRow], channels: list[str] | None = None,
                  batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(logits (N, classes), pooled embeddings (N, d)) from each trial's usable windows.
    `channels` restricts the input to a montage subset (positions follow the names)."""
    encoder.eval()
    device = next(encoder.parameters()).device
    index = np.arange(len(table.ch_names)) if channels is None else np.array([table.ch_names.index(c) for c in channels])
    positions = torch.tensor(table.positions[index], dtype=torch.float32, device=device)
    logits, pooled = [], []
    for start in range(0, len(trials), batch_size):
        chunk = trials[start:start + batch_size]
        rows = []
        for trial in chunk:
            r = np.arange(trial.offset, trial.offset + trial.n_windows)
            ok = table.window_ok[r]
            rows.append(r[ok] if ok.any() else r)
        length = max(len(r) for r in rows)
        x = np.zeros((len(chunk), length, len(index), table.features.shape[2]), np.float32)
        mask = np.zeros((len(chunk), length), bool)
        for i, r in enumerate(rows):
            x[i, : len(r)] = table.features[r][:, index]
            mask[i, : len(r)] = True
        out = encoder(torch.from_numpy(x).to(device), positions=positions,
                      window_mask=torch.from_numpy(mask).to(device), return_features=True)
        logits.append(out.logits.cpu().numpy())
        pooled.append(out.pooled.cpu().numpy())
    return np.concatenate(logits), np.concatenate(pooled)
