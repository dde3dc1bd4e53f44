"""Emotion timeline: the encoder's emotion probabilities along a recording.

Each point reads a short stretch of consecutive windows ending at that window (as in training),
through the encoder's own head, softened with the checkpoint's calibration temperature. It shows
where in a session the EEG looks like what, and how steady that is; it is the encoder's view,
not the language model's answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from encoders.inputs import calibrated
from projector.fused import EEGInputs


@dataclass
class Timeline:
    times_s: np.ndarray  # (P,) end time of each segment
    probabilities: np.ndarray  # (P, n_classes)
    labels: list[str]
    usable: np.ndarray  # (P,) whether the segment's last window is usable

    def dominant(self) -> list[str]:
        return [self.labels[i] for i in self.probabilities.argmax(1)]


@torch.no_grad()
def emotion_timeline(encoder, inputs: EEGInputs, window_ok: np.ndarray, window_s: float, labels: list[str],
                     temperature: float = 1.0, segment_windows: int = 4, batch_size: int = 64) -> Timeline:
    """`inputs.features` must hold ALL windows of the recording (not only usable ones)."""
    features = inputs.features
    n = features.shape[0]
    ends = np.arange(n)
    logits = []
    for start in range(0, n, batch_size):
        batch_ends = ends[start:start + batch_size]
        length = min(segment_windows, n)
        x = torch.zeros(len(batch_ends), length, *features.shape[1:])
        mask = torch.zeros(len(batch_ends), length, dtype=torch.bool)
        for i, end in enumerate(batch_ends):
            first = max(0, end - length + 1)
            segment = features[first:end + 1]
            x[i, : len(segment)] = segment
            mask[i, : len(segment)] = True
        out = encoder(x, positions=inputs.positions, channel_mask=inputs.channel_mask[None].expand(len(batch_ends), -1),
                      window_mask=mask)
        logits.append(out)
    probabilities = calibrated(torch.cat(logits).numpy(), temperature)
    return Timeline((ends + 1) * window_s, probabilities, list(labels), np.asarray(window_ok, bool))
