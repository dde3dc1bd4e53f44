"""What the encoder reads for one recording, and one forward pass that gives everything it says.

The rule for which windows and channels the encoder reads is written once, here: the usable
windows (all of them when none is usable, so a poor recording still gets an answer to abstain on)
and every channel except the bad ones (all of them when every channel is bad). Serving, training,
evaluation, baselines, evidence and plots all go through `usable_rows` / `EEGInputs`.

`encode` runs the encoder once and returns its class logits, calibrated probabilities (the
evidence's pattern match), window features (what the projector turns into EEG tokens) and pooled
embedding together, so nothing runs the encoder twice for one recording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # torch loads only when inputs are built: evidence and plots use the rules above it
    import torch

MAX_WINDOWS = 4096  # the encoder's time embedding covers this many windows; longer recordings are pooled


def usable_rows(window_ok) -> np.ndarray:
    """(W,) bool: the usable windows, or every window when none is usable."""
    ok = np.asarray(window_ok, dtype=bool)
    return ok if ok.any() else np.ones_like(ok)


def channel_mask(ch_names: Sequence[str], bad_channels: Sequence[str]) -> np.ndarray:
    """(C,) bool: every channel but the bad ones, or all of them when every one is bad."""
    bad = set(bad_channels)
    mask = np.array([name not in bad for name in ch_names], dtype=bool)
    return mask if mask.any() else np.ones_like(mask)


@dataclass
class EEGInputs:
    features: torch.Tensor  # (T, C, B) band features of the windows the encoder reads
    positions: torch.Tensor  # (C, 3) electrode positions, metres
    channel_mask: torch.Tensor  # (C,) True for channels the encoder reads

    @property
    def n_windows(self) -> int:
        return self.features.shape[0]

    @classmethod
    def from_windows(cls, features: np.ndarray, window_ok, ch_names: Sequence[str], positions: np.ndarray,
                     bad_channels: Sequence[str] = (), every_window: bool = False,
                     max_windows: int = MAX_WINDOWS) -> "EEGInputs":
        """From per-window features (W, C, B): the usable windows (or all, with `every_window`),
        neighbouring windows averaged when there are more than `max_windows`."""
        import torch

        rows = np.ones(len(features), bool) if every_window else usable_rows(window_ok)
        chosen = np.asarray(features[rows], dtype=np.float32)
        if len(chosen) > max_windows:  # very long recordings: average neighbouring windows
            edges = np.linspace(0, len(chosen), max_windows + 1).astype(int)
            chosen = np.stack([chosen[a:b].mean(axis=0) for a, b in zip(edges[:-1], edges[1:])])
        return cls(torch.from_numpy(np.ascontiguousarray(chosen)), torch.tensor(positions, dtype=torch.float32),
                   torch.from_numpy(channel_mask(ch_names, bad_channels)))

    @classmethod
    def from_analysis(cls, analysis, every_window: bool = False) -> "EEGInputs":
        """What the encoder reads of an `encoders.analysis.RecordingAnalysis`."""
        return cls.from_windows(analysis.features, analysis.window_ok, analysis.ch_names, analysis.positions,
                                analysis.quality.bad_channels, every_window=every_window)

    def to(self, device) -> "EEGInputs":
        if str(device) == "cpu":
            return self
        return EEGInputs(self.features.to(device), self.positions.to(device), self.channel_mask.to(device))


def calibrated(logits, temperature: float = 1.0) -> np.ndarray:
    """Softmax of logits / temperature along the last axis (float64), for a vector or a batch."""
    z = np.asarray(logits, dtype=np.float64) / float(temperature)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


@dataclass
class Encoded:
    """Everything one encoder pass says about one recording."""

    logits: np.ndarray  # (K,) class logits of the encoder's head
    probabilities: np.ndarray  # (K,) calibrated (the evidence's pattern match)
    features: torch.Tensor  # (T, d) one token per window: what the projector reads
    pooled: torch.Tensor  # (d,)


def encode(encoder, inputs: EEGInputs, temperature: float = 1.0) -> Encoded:
    """One forward pass of `encoder` over one recording's inputs."""
    import torch

    with torch.no_grad():
        return _encode(encoder, inputs, temperature)


def _encode(encoder, inputs: EEGInputs, temperature: float) -> Encoded:
    device = next(encoder.parameters()).device
    x = inputs.to(device)
    out = encoder(x.features[None], positions=x.positions, channel_mask=x.channel_mask[None], return_features=True)
    logits = out.logits[0].float().cpu().numpy()
    return Encoded(logits, calibrated(logits, temperature), out.features[0].cpu(), out.pooled[0].cpu())


def encode_many(encoder, inputs: Sequence[EEGInputs], batch_size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(logits (N, K), pooled (N, d)) of many recordings, padded into batches (windows masked)."""
    import torch

    with torch.no_grad():
        return _encode_many(encoder, inputs, batch_size)


def _encode_many(encoder, inputs: Sequence[EEGInputs], batch_size: int) -> tuple[np.ndarray, np.ndarray]:
    import torch

    device = next(encoder.parameters()).device
    logits, pooled = [], []
    for start in range(0, len(inputs), batch_size):
        chunk = inputs[start:start + batch_size]
        length = max(x.n_windows for x in chunk)
        n_channels, n_bands = chunk[0].features.shape[1:]
        x = torch.zeros(len(chunk), length, n_channels, n_bands)
        window_mask = torch.zeros(len(chunk), length, dtype=torch.bool)
        for i, item in enumerate(chunk):
            if item.features.shape[1:] != (n_channels, n_bands):
                raise ValueError("encode_many batches recordings of one montage; encode the others one by one.")
            x[i, : item.n_windows] = item.features
            window_mask[i, : item.n_windows] = True
        mask = torch.stack([item.channel_mask for item in chunk])
        out = encoder(x.to(device), positions=chunk[0].positions.to(device), channel_mask=mask.to(device),
                      window_mask=window_mask.to(device), return_features=True)
        logits.append(out.logits.float().cpu().numpy())
        pooled.append(out.pooled.float().cpu().numpy())
    return np.concatenate(logits), np.concatenate(pooled)


def reading_over_time(encoder, features: np.ndarray, window_ok, window_times: np.ndarray, window_s: float,
                      ch_names: Sequence[str], positions: np.ndarray, bad_channels: Sequence[str],
                      labels: Sequence[str], temperature: float = 1.0, parts: int = 3) -> list[list]:
    """The encoder's reading of each part (a third, by default) of the usable recording:
    [[start_s, end_s, class, probability], ...] — how the recording's pattern changes over time, in
    a form the evidence can carry and a reasoning can cite. Each part has at least two windows."""
    usable = np.flatnonzero(usable_rows(window_ok))
    n_parts = max(1, min(parts, len(usable) // 2))
    chunks = [c for c in np.array_split(usable, n_parts) if len(c)]
    inputs = [EEGInputs.from_windows(features[c], np.ones(len(c), bool), ch_names, positions, bad_channels)
              for c in chunks]
    probabilities = calibrated(encode_many(encoder, inputs)[0], temperature)
    times = np.asarray(window_times, dtype=np.float64)
    return [[float(times[c[0]]), float(times[c[-1]] + window_s), str(labels[int(p.argmax())]), float(p.max())]
            for c, p in zip(chunks, probabilities)]
