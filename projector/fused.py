"""EEG + text → prompt embeddings (serving), and the fused EEG-language model (training).

What the encoder reads is `encoders.inputs.EEGInputs`. Serving encodes a recording once
(`encoders.inputs.encode`: logits, pattern match and window features together) and the
`PromptEmbedder` projects those features; training runs `project_eeg` inside the model so the
projector learns. Both put the tokens into the text with the one splice function.
"""

from __future__ import annotations

import torch
from torch import nn

from encoders.errors import ShapeError
from encoders.inputs import EEGInputs, Encoded

from .registry import ProjectorInputs
from .splice import splice_eeg_tokens


def project_eeg(encoder: nn.Module, projector: nn.Module, inputs: EEGInputs,
                measures: torch.Tensor | None = None) -> torch.Tensor:
    """(n_tokens, H) LLM-space tokens for one recording; `measures` (M,) its measured facts
    (`encoders.evidence.measures_of`), read by anchored projectors."""
    out = encoder(inputs.features[None], positions=inputs.positions, channel_mask=inputs.channel_mask[None],
                  return_features=True)
    return projector(ProjectorInputs(out.features, None, out.logits,
                                     None if measures is None else measures[None].to(out.features)))[0]


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
    def eeg_tokens(self, encoded: Encoded, measures=None) -> torch.Tensor:
        """(n_tokens, H) for a recording the encoder has read (`encoders.inputs.encode`), with its
        measured facts (`encoders.evidence.measures_of`) for anchored projectors."""
        inputs = ProjectorInputs(encoded.features[None], None, torch.as_tensor(encoded.logits, dtype=torch.float32)[None],
                                 None if measures is None else torch.as_tensor(measures, dtype=torch.float32)[None])
        return self.projector(inputs)[0].to(self.embed_tokens.weight.dtype)

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

    def embed(self, input_ids: torch.Tensor, eeg_mask: torch.Tensor, eeg_inputs: list[EEGInputs],
              measures: list[torch.Tensor] | None = None) -> torch.Tensor:
        text = self.llm.get_input_embeddings()(input_ids)
        measures = measures or [None] * len(eeg_inputs)
        blocks = [project_eeg(self.encoder, self.projector, item, m).to(text.dtype)
                  for item, m in zip(eeg_inputs, measures)]
        return splice_eeg_tokens(text, eeg_mask, blocks)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, eeg_mask: torch.Tensor,
                eeg_inputs: list[EEGInputs], labels: torch.Tensor | None = None,
                measures: list[torch.Tensor] | None = None):
        embeds = self.embed(input_ids, eeg_mask, eeg_inputs, measures)
        return self.llm(inputs_embeds=embeds, attention_mask=attention_mask, labels=labels)


@torch.no_grad()
def label_embeddings(tokenizer, embed_tokens: nn.Embedding, labels: list[str]) -> torch.Tensor:
    """(K, H): each class name as the LLM embeds it where an answer writes it (" happy"), averaged
    over its tokens when it takes several."""
    rows = []
    for label in labels:
        ids = tokenizer.encode(" " + label, add_special_tokens=False)
        if not ids:
            raise ShapeError(f"The tokenizer makes no tokens of the class name {label!r}.")
        rows.append(embed_tokens.weight[torch.tensor(ids)].float().mean(dim=0))
    return torch.stack(rows)
