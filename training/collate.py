"""Batches for the LLM stages: rendered conversations + EEG inputs, with loss only on assistant tokens."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from encoders.evidence import Evidence, measures_of
from encoders.inputs import EEGInputs
from projector.registry import token_count
from prompts.render import render_conversation

from .feature_table import FeatureTable

IGNORE = -100


@dataclass
class Batch:
    input_ids: torch.Tensor  # (B, L)
    attention_mask: torch.Tensor  # (B, L)
    eeg_mask: torch.Tensor  # (B, L) bool
    labels: torch.Tensor  # (B, L), IGNORE outside assistant tokens
    eeg_inputs: list[EEGInputs]  # in placeholder reading order
    measures: list[torch.Tensor]  # (M,) measured facts of each recording, same order

    def to(self, device) -> "Batch":
        if str(device) == "cpu":
            return self
        return Batch(self.input_ids.to(device), self.attention_mask.to(device), self.eeg_mask.to(device),
                     self.labels.to(device), [x.to(device) for x in self.eeg_inputs],
                     [m.to(device) for m in self.measures])

    @property
    def n_target_tokens(self) -> int:
        return int((self.labels != IGNORE).sum())


class Collator:
    def __init__(self, tokenizer, tables: dict[str, FeatureTable], projector_config: dict, max_length: int = 1024):
        self.tokenizer = tokenizer
        self.tables = tables
        self.projector_config = projector_config
        self.max_length = max_length
        self._trials = {name: {tuple(t.key): t for t in table.trials} for name, table in tables.items()}

    def inputs_for(self, item: dict) -> list[EEGInputs]:
        if not item.get("eeg", True):
            return []
        out = []
        for rec in item["recordings"]:
            table = self.tables[rec["source"]]
            out.append(table.inputs(self._trials[rec["source"]][tuple(rec["key"])]))
        return out

    @staticmethod
    def measures_for(item: dict) -> list[torch.Tensor]:
        """The measured facts of each recording of an item (from the evidence it was made with)."""
        if not item.get("eeg", True):
            return []
        return [torch.from_numpy(measures_of(Evidence.from_dict(e))) for e in item["evidence"]]

    def check_lengths(self, items: list[dict]) -> int:
        """The longest example's token count; refused before training starts when one is above
        max_length (rather than at the step that meets it)."""
        from encoders.errors import ConfigError

        lengths = {item["id"]: len(render_conversation(
            self.tokenizer, item["messages"], [token_count(self.projector_config, x.n_windows)
                                               for x in self.inputs_for(item)])) for item in items}
        longest = max(lengths, key=lengths.get) if lengths else None
        if longest is not None and lengths[longest] > self.max_length:
            over = sum(n > self.max_length for n in lengths.values())
            raise ConfigError(f"{over} training example(s) are longer than train.max_length {self.max_length} "
                              f"(the longest, {longest}, has {lengths[longest]} tokens); raise train.max_length "
                              f"to at least {lengths[longest]}.")
        return lengths[longest] if longest is not None else 0

    def __call__(self, items: list[dict]) -> Batch:
        rendered, inputs, measures = [], [], []
        for item in items:
            eeg = self.inputs_for(item)
            measures += self.measures_for(item)
            counts = [token_count(self.projector_config, x.n_windows) for x in eeg]
            r = render_conversation(self.tokenizer, item["messages"], counts)
            if len(r) > self.max_length:
                raise ValueError(f"example {item['id']} has {len(r)} tokens, above max_length {self.max_length}")
            rendered.append(r)
            inputs += eeg
        length = max(len(r) for r in rendered)
        pad = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        ids = torch.full((len(items), length), pad, dtype=torch.long)
        attention = torch.zeros((len(items), length), dtype=torch.long)
        eeg_mask = torch.zeros((len(items), length), dtype=torch.bool)
        labels = torch.full((len(items), length), IGNORE, dtype=torch.long)
        for i, r in enumerate(rendered):  # right padding: training only, never generation
            n = len(r)
            ids[i, :n] = torch.tensor(r.input_ids)
            attention[i, :n] = 1
            eeg_mask[i, :n] = torch.tensor(r.eeg_mask)
            token_labels = torch.tensor(r.input_ids)
            token_labels[~torch.tensor(r.loss_mask)] = IGNORE
            labels[i, :n] = token_labels
        return Batch(ids, attention, eeg_mask, labels, inputs, measures)
