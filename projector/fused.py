"""EEG + text → prompt embeddings (serving), and the fused EEG-language model (training).

`EEGInputs` is what the encoder reads for one recording; `eeg_inputs_from_analysis` builds it
(usable windows and good channels only). Both the serving-side `PromptEmbedder` and the
training-side `EEGLanguageModel` turn EEG inputs into projected tokens with `project_eeg` and
put them into the text with the one splice function.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from encoders.analysis import RecordingAnalysis
from encoders.errors import ShapeError

from .splice import splice_eeg_tokens


@dataclass
class EEGInputs:
    features: torch.Tensor  # (T, C, B) raw band features of the windows the model reads
    positions: torch.Tensor  # (C, 3)
    channel_mask: torch.Tensor  # (C,) True for usable channels

    @property
    def n_windows(self) -> int:
        return self.features.shape[0]


def eeg_inputs_from_analysis(analysis: RecordingAnalysis, max_windows: int = 4096) -> EEGInputs:
    """Usable windows (all, if none is usable) and a mask that hides bad channels (unless all are bad)."""
    rows = analysis.window_ok if analysis.window_ok.any() else np.ones(analysis.n_windows, bool)
    features = analysis.features[rows]
    if len(features) > max_windows:  # very long recordings: average neighbouring windows
        edges = np.linspace(0, len(features), max_windows + 1).astype(int)
        features = np.stack([features[a:b].mean(axis=0) for a, b in zip(edges[:-1], edges[1:])])
    bad = set(analysis.quality.bad_channels)
    mask = np.array([name not in bad for name in analysis.ch_names])
    if not mask.any():
        mask[:] = True
    return EEGInputs(torch.tensor(features, dtype=torch.float32),
                     torch.tensor(analysis.positions, dtype=torch.float32),
                     torch.tensor(mask))


def token_count(projector_config: dict, n_windows: int) -> int:
    """How many LLM tokens the projector makes from `n_windows` encoder tokens."""
    if projector_config["type"] == "attnpool":
        return int(projector_config["n_tokens"])
    return min(int(n_windows), int(projector_config["n_tokens"]))


@torch.no_grad()
def pattern_probabilities(encoder: nn.Module, inputs: EEGInputs, temperature: float = 1.0) -> np.ndarray:
    """The encoder head's calibrated class probabilities for one recording (the evidence's pattern match)."""
    logits = encoder(inputs.features[None], positions=inputs.positions, channel_mask=inputs.channel_mask[None])
    return torch.softmax(logits[0] / temperature, dim=-1).numpy().astype(np.float64)


def project_eeg(encoder: nn.Module, projector: nn.Module, inputs: EEGInputs) -> torch.Tensor:
    """(n_tokens, H) LLM-space tokens for one recording."""
    out = encoder(inputs.features[None], positions=inputs.positions, channel_mask=inputs.channel_mask[None],
                  return_features=True)
    return projector(out.features)[0]


class PromptEmbedder(nn.Module):
    """Computes prompt embeddings for an engine: text embeddings of the served LLM with the projected
    EEG tokens spliced in. Holds only the LLM's embedding matrix, not the LLM."""

    def __init__(self, encoder: nn.Module, projector: nn.Module, embed_tokens: nn.Embedding):
        super().__init__()
        self.encoder = encoder
        self.projector = projector
        self.embed_tokens = embed_tokens
        if projector.config.d_out != embed_tokens.embedding_dim:
            raise ShapeError(f"Projector output {projector.config.d_out} ≠ LLM hidden size "
                             f"{embed_tokens.embedding_dim}; the checkpoint does not fit this LLM.")

    @property
    def hidden_size(self) -> int:
        return self.embed_tokens.embedding_dim

    @torch.no_grad()
    def eeg_tokens(self, inputs: EEGInputs) -> torch.Tensor:
        return project_eeg(self.encoder, self.projector, inputs).to(self.embed_tokens.weight.dtype)

    @torch.no_grad()
    def embed(self, input_ids: list[int], eeg_mask: list[bool], eeg_blocks: list[torch.Tensor]) -> torch.Tensor:
        ids = torch.tensor([input_ids])
        text = self.embed_tokens(ids)
        return splice_eeg_tokens(text, torch.tensor([eeg_mask]), eeg_blocks)[0]


class EEGLanguageModel(nn.Module):
    """Encoder + projector + causal LM. What trains is set in one place: `set_trainable`."""

    def __init__(self, encoder: nn.Module, projector: nn.Module, llm: nn.Module):
        super().__init__()
        self.encoder = encoder
        self.projector = projector
        self.llm = llm

    def set_trainable(self, encoder: bool, projector: bool, llm: bool) -> None:
        """Freeze or unfreeze whole components. LoRA adapters, when present, are the LLM's only
        trainable weights: `llm=True` then means "train the adapter". A frozen encoder also stays
        in eval mode (no dropout), whatever `train()` is called with later."""
        self._frozen_encoder = not encoder
        for p in self.encoder.parameters():
            p.requires_grad_(encoder)
        for p in self.projector.parameters():
            p.requires_grad_(projector)
        lora = any("lora_" in name for name, _ in self.llm.named_parameters())
        for name, p in self.llm.named_parameters():
            p.requires_grad_(llm and (not lora or "lora_" in name))
        self.encoder.train(encoder)

    def train(self, mode: bool = True):
        super().train(mode)
        if getattr(self, "_frozen_encoder", False):
            self.encoder.eval()
        return self

    def trainable_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters() if p.requires_grad)

    def embed(self, input_ids: torch.Tensor, eeg_mask: torch.Tensor, eeg_inputs: list[EEGInputs]) -> torch.Tensor:
        text = self.llm.get_input_embeddings()(input_ids)
        blocks = [project_eeg(self.encoder, self.projector, item).to(text.dtype) for item in eeg_inputs]
        return splice_eeg_tokens(text, eeg_mask, blocks)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, eeg_mask: torch.Tensor,
                eeg_inputs: list[EEGInputs], labels: torch.Tensor | None = None):
        embeds = self.embed(input_ids, eeg_mask, eeg_inputs)
        return self.llm(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)
