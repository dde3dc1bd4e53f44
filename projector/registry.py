"""Projection layers from EEG encoder features to LLM input embeddings.

Built by name from a small registry (LLaVA's builder is the model): `linear`, `mlp{N}x_gelu`,
`attnpool`. Unknown names are refused. `linear` and `mlp*` map each encoder token to one LLM
token (the count follows the recording, capped by `max_tokens` through average pooling over
time); `attnpool` always gives `n_tokens` tokens via learned queries.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from encoders.errors import ConfigError

_MLP = re.compile(r"^mlp(\d+)x_gelu$")


@dataclass
class ProjectorArchitecture:
    """What a training config chooses about the projector (the align stage embeds this dataclass);
    its input and output sizes follow from the encoder and the LLM."""

    type: str = "mlp2x_gelu"  # linear | mlp{N}x_gelu | attnpool
    n_tokens: int = 8  # attnpool: exact token count; others: at most this many (time-pooled)
    n_heads: int = 4  # attnpool only


@dataclass
class ProjectorConfig(ProjectorArchitecture):
    d_in: int = 128  # encoder feature size
    d_out: int = 576  # LLM hidden size

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _time_pool(x: torch.Tensor, max_tokens: int, mask: torch.Tensor | None) -> torch.Tensor:
    """(B, T, d) → (B, min(T, max_tokens), d) by averaging contiguous stretches of real windows."""
    if x.shape[1] <= max_tokens:
        return x
    if mask is not None and not bool(mask.all()):
        raise ConfigError("Time pooling of padded batches is not supported; project recordings one at a time.")
    return F.adaptive_avg_pool1d(x.transpose(1, 2), max_tokens).transpose(1, 2)


class TokenwiseProjector(nn.Module):
    def __init__(self, config: ProjectorConfig, layers: nn.Module):
        super().__init__()
        self.config = config
        self.layers = layers

    def forward(self, features: torch.Tensor, window_mask: torch.Tensor | None = None) -> torch.Tensor:
        return self.layers(_time_pool(features, self.config.n_tokens, window_mask))


class AttentionPoolProjector(nn.Module):
    """N learned queries attend over the window tokens: a fixed-size summary of any length."""

    def __init__(self, config: ProjectorConfig):
        super().__init__()
        self.config = config
        self.queries = nn.Parameter(torch.randn(config.n_tokens, config.d_in) * 0.02)
        self.attn = nn.MultiheadAttention(config.d_in, config.n_heads, batch_first=True)
        self.norm = nn.LayerNorm(config.d_in)
        self.out = nn.Sequential(nn.Linear(config.d_in, config.d_out), nn.GELU(), nn.Linear(config.d_out, config.d_out))

    def forward(self, features: torch.Tensor, window_mask: torch.Tensor | None = None) -> torch.Tensor:
        queries = self.queries[None].expand(features.shape[0], -1, -1)
        pad = None if window_mask is None else ~window_mask
        pooled, _ = self.attn(queries, features, features, key_padding_mask=pad)
        return self.out(self.norm(pooled + queries))


def build_projector(config: ProjectorConfig | dict[str, Any]) -> nn.Module:
    if isinstance(config, dict):
        unknown = set(config) - set(ProjectorConfig.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"Projector config has unknown fields {sorted(unknown)}.")
        config = ProjectorConfig(**config)
    if config.n_tokens < 1:
        raise ConfigError(f"Projector n_tokens must be at least 1; got {config.n_tokens}.")
    if config.type == "linear":
        return TokenwiseProjector(config, nn.Linear(config.d_in, config.d_out))
    match = _MLP.match(config.type)
    if match:
        depth = int(match.group(1))
        if depth < 1:
            raise ConfigError(f"Projector {config.type!r} needs at least one layer.")
        layers: list[nn.Module] = [nn.Linear(config.d_in, config.d_out)]
        for _ in range(depth - 1):
            layers += [nn.GELU(), nn.Linear(config.d_out, config.d_out)]
        return TokenwiseProjector(config, nn.Sequential(*layers))
    if config.type == "attnpool":
        return AttentionPoolProjector(config)
    raise ConfigError(f"Unknown projector type {config.type!r}; choose linear, mlp<N>x_gelu (e.g. mlp2x_gelu) or attnpool.")
