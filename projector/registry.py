"""Projection layers from EEG encoder features to LLM input embeddings.

Built by name from a small registry (LLaVA's builder is the model): `linear`, `mlp{N}x_gelu`,
`attnpool`, and `anchored_<one of those>`. Unknown names are refused. `linear` and `mlp*` map each
encoder token to one LLM token (the count follows the recording, capped by `n_tokens` through
average pooling over time); `attnpool` always gives `n_tokens` tokens via learned queries.

`anchored_*` puts two tokens before those: a reading token, the encoder head's calibrated class
probabilities mixed over the LLM's own embeddings of the class names (plus a learned correction
from the window features), so the LLM reads the EEG's emotion in its own vocabulary from the first
step; and a measures token, a learned projection of the recording's measured facts (quality,
coverage, asymmetry, band power against the reference: `encoders.evidence.measures_of`). The EEG
tokens then carry what the encoder read and what was measured, and a model can answer from them
without the evidence text.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from encoders.errors import ConfigError, ShapeError

_MLP = re.compile(r"^mlp(\d+)x_gelu$")


@dataclass
class ProjectorArchitecture:
    """What a training config chooses about the projector (the align stage embeds this dataclass);
    its input and output sizes follow from the encoder and the LLM."""

    type: str = "anchored_mlp2x_gelu"  # linear | mlp{N}x_gelu | attnpool, each optionally anchored_<type>
    n_tokens: int = 8  # attnpool: exact token count; others: at most this many (time-pooled)
    n_heads: int = 4  # attnpool only


@dataclass
class ProjectorConfig(ProjectorArchitecture):
    d_in: int = 128  # encoder feature size
    d_out: int = 576  # LLM hidden size
    n_classes: int = 0  # anchored: classes of the encoder head (the label set's size)
    n_measures: int = 0  # anchored: length of the measures vector


@dataclass
class ProjectorInputs:
    """What a projector reads for a batch of recordings (one encoder pass each)."""

    features: torch.Tensor  # (B, T, d_in) window features
    window_mask: torch.Tensor | None = None  # (B, T) True where a window is real
    logits: torch.Tensor | None = None  # (B, K) the encoder head's class logits (anchored)
    measures: torch.Tensor | None = None  # (B, M) measured facts (anchored)


_ANCHORED = re.compile(r"^anchored_(.+)$")
ANCHOR_TOKENS = 2  # the reading token and the measures token


def token_count(config: dict | ProjectorConfig, n_windows: int) -> int:
    """How many LLM tokens the projector makes from `n_windows` encoder tokens."""
    config = config if isinstance(config, dict) else asdict(config)
    anchored = _ANCHORED.match(config["type"])
    kind = anchored.group(1) if anchored else config["type"]
    count = int(config["n_tokens"]) if kind == "attnpool" else min(int(n_windows), int(config["n_tokens"]))
    return count + (ANCHOR_TOKENS if anchored else 0)
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

    def forward(self, inputs: ProjectorInputs) -> torch.Tensor:
        return self.layers(_time_pool(inputs.features, self.config.n_tokens, inputs.window_mask))


class AttentionPoolProjector(nn.Module):
    """N learned queries attend over the window tokens: a fixed-size summary of any length."""

    def __init__(self, config: ProjectorConfig):
        super().__init__()
        self.config = config
        self.queries = nn.Parameter(torch.randn(config.n_tokens, config.d_in) * 0.02)
        self.attn = nn.MultiheadAttention(config.d_in, config.n_heads, batch_first=True)
        self.norm = nn.LayerNorm(config.d_in)
        self.out = nn.Sequential(nn.Linear(config.d_in, config.d_out), nn.GELU(), nn.Linear(config.d_out, config.d_out))

    def forward(self, inputs: ProjectorInputs) -> torch.Tensor:
        features = inputs.features
        queries = self.queries[None].expand(features.shape[0], -1, -1)
        pad = None if inputs.window_mask is None else ~inputs.window_mask
        pooled, _ = self.attn(queries, features, features, key_padding_mask=pad)
        return self.out(self.norm(pooled + queries))


class AnchoredProjector(nn.Module):
    """A reading token and a measures token, then the base projector's window tokens."""

    def __init__(self, config: ProjectorConfig, base: nn.Module):
        super().__init__()
        if config.n_classes < 1 or config.n_measures < 1:
            raise ConfigError(f"Projector {config.type!r} needs n_classes and n_measures (the label set's size and the "
                              f"measures vector's length); got {config.n_classes} and {config.n_measures}.")
        self.config = config
        self.base = base
        # The LLM's embeddings of the class names: set once from the LLM (`set_label_embeddings`),
        # saved with the projector, never trained.
        self.register_buffer("label_embeddings", torch.zeros(config.n_classes, config.d_out), persistent=True)
        self.log_temperature = nn.Parameter(torch.zeros(()))  # softmax temperature of the head's logits
        self.reading_scale = nn.Parameter(torch.ones(()))
        self.correction = nn.Linear(config.d_in, config.d_out)  # what the window features add to the reading
        nn.init.zeros_(self.correction.weight)
        nn.init.zeros_(self.correction.bias)
        self.measures = nn.Sequential(nn.Linear(config.n_measures, config.d_out), nn.GELU(),
                                      nn.Linear(config.d_out, config.d_out))

    def set_label_embeddings(self, embeddings: torch.Tensor, temperature: float = 1.0) -> None:
        if tuple(embeddings.shape) != tuple(self.label_embeddings.shape):
            raise ShapeError(f"Label embeddings {tuple(embeddings.shape)} do not fit the projector "
                             f"{tuple(self.label_embeddings.shape)}; the label set and the LLM must match its config.")
        with torch.no_grad():
            self.label_embeddings.copy_(embeddings)
            self.log_temperature.fill_(float(torch.log(torch.tensor(temperature))))

    def forward(self, inputs: ProjectorInputs) -> torch.Tensor:
        if inputs.logits is None or inputs.measures is None:
            raise ShapeError("An anchored projector reads the encoder's logits and the measures vector too; pass "
                             "them in ProjectorInputs.")
        probabilities = torch.softmax(inputs.logits / self.log_temperature.exp(), dim=-1)
        if inputs.window_mask is None:
            pooled = inputs.features.mean(dim=1)
        else:
            weights = inputs.window_mask.to(inputs.features.dtype)[..., None]
            pooled = (inputs.features * weights).sum(1) / weights.sum(1).clamp(min=1.0)
        reading = self.reading_scale * (probabilities @ self.label_embeddings) + self.correction(pooled)
        measures = self.measures(inputs.measures)
        return torch.cat([reading[:, None], measures[:, None], self.base(inputs)], dim=1)


def build_projector(config: ProjectorConfig | dict[str, Any]) -> nn.Module:
    if isinstance(config, dict):
        unknown = set(config) - set(ProjectorConfig.__dataclass_fields__)
        if unknown:
            raise ConfigError(f"Projector config has unknown fields {sorted(unknown)}.")
        config = ProjectorConfig(**config)
    anchored = _ANCHORED.match(config.type)
    if anchored:
        return AnchoredProjector(config, _build_base(replace(config, type=anchored.group(1))))
    return _build_base(config)


def _build_base(config: ProjectorConfig) -> nn.Module:
    if config.type.startswith("anchored_"):
        raise ConfigError(f"Projector type {config.type!r} anchors twice; use anchored_<linear|mlp<N>x_gelu|attnpool>.")
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
    raise ConfigError(f"Unknown projector type {config.type!r}; choose linear, mlp<N>x_gelu (e.g. mlp2x_gelu), attnpool, "
                      f"or anchored_ with one of them (e.g. anchored_mlp2x_gelu).")
