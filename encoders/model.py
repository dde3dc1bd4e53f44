"""The EEG encoder: one token per electrode per window, a transformer over electrodes and windows.

Contract (braindecode-style): constructed from `n_chans`, `sfreq`, `chs_info` (names and 3-D
positions of the training montage), `n_bands`; `forward(x, return_features=True)`; serialisable
with `get_config()` / `from_config()`. Because every electrode token carries an embedding of its
3-D position rather than a slot index, the same weights run on any montage or channel subset:
pass `positions` (and optionally `channel_mask`) for the montage at hand.

Input `x` is band features per window: (B, T, C, n_bands) — differential entropy by default,
normalised with the statistics stored in the config. Output features are one token per window,
(B, T, d_model), plus a pooled vector (B, d_model) and class logits.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from .channels import electrode_positions
from .errors import ShapeError


@dataclass
class EncoderArchitecture:
    """The encoder's shape: what a training config chooses (stage 1 embeds this dataclass); the
    rest of `EncoderConfig` follows from the data it is trained on."""

    d_model: int = 128  # width of every token
    n_heads: int = 4
    spatial_layers: int = 2  # attention over the electrodes of one window
    temporal_layers: int = 2  # attention over the windows of one recording
    dropout: float = 0.1
    pos_frequencies: int = 8  # Fourier frequencies per axis for the electrode position embedding


@dataclass
class EncoderConfig(EncoderArchitecture):
    n_chans: int = 62  # channels of the training montage (informational: any subset runs)
    sfreq: float = 200.0  # rate the features were computed at
    ch_names: list[str] = field(default_factory=list)  # training montage, canonical 10-05 names
    n_bands: int = 5  # δ θ α β γ
    n_outputs: int = 7  # classes of the classification head (the label set's size)
    max_windows: int = 4096  # longest sequence of windows the time embedding covers
    feature: str = "de_gaussian"  # which band feature the encoder reads (see encoders.features)
    window_s: float = 4.0
    # Population statistics of the input feature per band, fitted on training windows only; applied
    # inside the model so a checkpoint is self-contained.
    feature_mean: list[float] = field(default_factory=lambda: [0.0] * 5)
    feature_std: list[float] = field(default_factory=lambda: [1.0] * 5)


def _fourier_positions(pos: torch.Tensor, n_freq: int) -> torch.Tensor:
    """(…, 3) metres → (…, 6·n_freq) sin/cos features of the direction on the unit sphere.
    Directions, not metres, so that head size does not matter."""
    direction = pos / pos.norm(dim=-1, keepdim=True).clamp(min=1e-6)
    freqs = (2.0 ** torch.arange(n_freq, device=pos.device, dtype=pos.dtype)) * math.pi / 2
    angles = direction[..., None] * freqs  # (…, 3, F)
    return torch.cat([angles.sin(), angles.cos()], dim=-1).flatten(-2)


def _time_embedding(n: int, d: int, device, dtype) -> torch.Tensor:
    position = torch.arange(n, device=device, dtype=dtype)[:, None]
    div = torch.exp(torch.arange(0, d, 2, device=device, dtype=dtype) * (-math.log(10000.0) / d))
    emb = torch.zeros(n, d, device=device, dtype=dtype)
    emb[:, 0::2] = torch.sin(position * div)
    emb[:, 1::2] = torch.cos(position * div)
    return emb


@dataclass
class EncoderOutput:
    features: torch.Tensor  # (B, T, d) one token per window
    pooled: torch.Tensor  # (B, d)
    logits: torch.Tensor  # (B, n_outputs)
    electrode_tokens: torch.Tensor | None = None  # (B, T, C, d) for masked-feature reconstruction
    window_mask: torch.Tensor | None = None  # (B, T) True where a window is real


class EEGEncoder(nn.Module):
    def __init__(self, config: EncoderConfig | None = None, **overrides: Any):
        super().__init__()
        config = config or EncoderConfig()
        for key, value in overrides.items():
            setattr(config, key, value)
        self.config = config
        d = config.d_model
        self.band_proj = nn.Linear(config.n_bands, d)
        self.pos_proj = nn.Sequential(nn.Linear(6 * config.pos_frequencies, d), nn.GELU(), nn.Linear(d, d))
        self.window_cls = nn.Parameter(torch.zeros(1, 1, d))
        nn.init.normal_(self.window_cls, std=0.02)
        self.spatial = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, config.n_heads, 4 * d, config.dropout, batch_first=True,
                                       norm_first=True, activation="gelu"),
            config.spatial_layers, enable_nested_tensor=False)
        self.temporal = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, config.n_heads, 4 * d, config.dropout, batch_first=True,
                                       norm_first=True, activation="gelu"),
            config.temporal_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, config.n_outputs)
        self.reconstruct = nn.Linear(d, config.n_bands)  # masked-feature reconstruction (stage 1)
        self.register_buffer("feature_mean", torch.tensor(config.feature_mean, dtype=torch.float32), persistent=True)
        self.register_buffer("feature_std", torch.tensor(config.feature_std, dtype=torch.float32), persistent=True)
        default = electrode_positions(config.ch_names) if config.ch_names else np.zeros((0, 3))
        self.register_buffer("default_positions", torch.tensor(default, dtype=torch.float32), persistent=False)

    # ---- braindecode-style accessors ----
    @property
    def n_chans(self) -> int:
        return self.config.n_chans

    @property
    def sfreq(self) -> float:
        return self.config.sfreq

    @property
    def chs_info(self) -> list[dict[str, Any]]:
        pos = electrode_positions(self.config.ch_names)
        return [{"ch_name": n, "loc": p.tolist()} for n, p in zip(self.config.ch_names, pos)]

    def get_config(self) -> dict[str, Any]:
        return asdict(self.config)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "EEGEncoder":
        known = EncoderConfig.__dataclass_fields__
        unknown = set(config) - set(known)
        if unknown:
            raise ShapeError(f"Encoder config has unknown fields {sorted(unknown)}; it was written by a "
                             f"different version of eegreason.")
        return cls(EncoderConfig(**config))

    def set_feature_stats(self, mean: np.ndarray, std: np.ndarray) -> None:
        self.config.feature_mean = [float(x) for x in mean]
        self.config.feature_std = [float(x) for x in std]
        self.feature_mean.copy_(torch.tensor(self.config.feature_mean))
        self.feature_std.copy_(torch.tensor(self.config.feature_std))

    # ---- forward ----
    def _check(self, x: torch.Tensor, positions: torch.Tensor | None) -> torch.Tensor:
        if x.dim() == 3:  # (B, C, F): a single window per item
            x = x[:, None]
        if x.dim() != 4:
            raise ShapeError(f"EEG encoder input must be (batch, windows, channels, {self.config.n_bands} bands); "
                             f"got shape {tuple(x.shape)}.")
        if x.shape[-1] != self.config.n_bands:
            raise ShapeError(f"EEG encoder expects {self.config.n_bands} band features per electrode; got "
                             f"{x.shape[-1]}: compute features with the checkpoint's band definition.")
        if x.shape[1] > self.config.max_windows:
            raise ShapeError(f"{x.shape[1]} windows exceed the encoder's limit of {self.config.max_windows}; "
                             f"pool or crop the recording first.")
        if positions is None:
            if self.default_positions.shape[0] != x.shape[2]:
                raise ShapeError(f"Input has {x.shape[2]} channels but no electrode positions were given and "
                                 f"the training montage has {self.default_positions.shape[0]}; pass positions.")
        elif positions.shape[-2:] != (x.shape[2], 3):
            raise ShapeError(f"Electrode positions must be ({x.shape[2]}, 3) for {x.shape[2]} channels; got "
                             f"{tuple(positions.shape)}.")
        if positions is not None and torch.isnan(positions).any():
            raise ShapeError("Some electrode positions are unknown (NaN); drop channels without a standard "
                             "10-05 name before encoding.")
        return x

    def forward(self, x: torch.Tensor, positions: torch.Tensor | None = None,
                channel_mask: torch.Tensor | None = None, window_mask: torch.Tensor | None = None,
                return_features: bool = False, feature_mask: torch.Tensor | None = None):
        """x: (B, T, C, F) raw band features; positions: (C, 3) or (B, C, 3) metres;
        channel_mask: (B, C) True for usable channels; window_mask: (B, T) True for real windows;
        feature_mask: (B, T, C) True where the token's features are hidden (reconstruction)."""
        x = self._check(x, positions)
        batch, n_windows, n_channels, _ = x.shape
        if positions is None:
            positions = self.default_positions
        positions = positions.to(x.dtype)
        if positions.dim() == 2:
            positions = positions[None].expand(batch, -1, -1)
        x = (x - self.feature_mean.to(x.dtype)) / self.feature_std.to(x.dtype)
        tokens = self.band_proj(x)  # (B, T, C, d)
        if feature_mask is not None:
            tokens = tokens.masked_fill(feature_mask[..., None], 0.0)
        tokens = tokens + self.pos_proj(_fourier_positions(positions, self.config.pos_frequencies))[:, None]
        d = tokens.shape[-1]
        flat = tokens.reshape(batch * n_windows, n_channels, d)
        cls = self.window_cls.expand(flat.shape[0], -1, -1)
        pad = None
        if channel_mask is not None:
            keep = channel_mask[:, None, :].expand(batch, n_windows, n_channels).reshape(-1, n_channels)
            pad = torch.cat([torch.zeros_like(keep[:, :1]), ~keep], dim=1)
        spatial = self.spatial(torch.cat([cls, flat], dim=1), src_key_padding_mask=pad)
        window_tokens = spatial[:, 0].reshape(batch, n_windows, d)
        electrode_tokens = spatial[:, 1:].reshape(batch, n_windows, n_channels, d)
        window_tokens = window_tokens + _time_embedding(n_windows, d, x.device, window_tokens.dtype)
        time_pad = None if window_mask is None else ~window_mask
        features = self.norm(self.temporal(window_tokens, src_key_padding_mask=time_pad))
        if window_mask is None:
            pooled = features.mean(dim=1)
        else:
            weights = window_mask.to(features.dtype)[..., None]
            pooled = (features * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        logits = self.head(pooled)
        if not return_features:
            return logits
        return EncoderOutput(features, pooled, logits, electrode_tokens, window_mask)

    def reconstruct_features(self, out: EncoderOutput) -> torch.Tensor:
        """Predicted normalised band features per electrode token (B, T, C, F)."""
        return self.reconstruct(out.electrode_tokens)

    def normalise(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.feature_mean.to(x.dtype)) / self.feature_std.to(x.dtype)

    def n_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
