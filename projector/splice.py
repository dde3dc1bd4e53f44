"""The one splice: EEG tokens replace the `<eeg>` placeholder positions of a text embedding.

Training, the transformers engine and the vLLM engine all call `splice_eeg_tokens`, so what the
model learned with is exactly what it is served with. The prompt's token ids mark every EEG slot
in `eeg_mask`; blocks of EEG tokens are written into those slots in reading order (batch item by
batch item, left to right), like torchtune's early-fusion `masked_scatter`.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from encoders.errors import ShapeError


def mask_runs(mask_row: torch.Tensor) -> list[int]:
    """Lengths of the consecutive True stretches of a 1-D mask, left to right."""
    values = mask_row.to(torch.int8).tolist()
    runs, current = [], 0
    for v in values:
        if v:
            current += 1
        elif current:
            runs.append(current)
            current = 0
    if current:
        runs.append(current)
    return runs


def splice_eeg_tokens(text_embeds: torch.Tensor, eeg_mask: torch.Tensor,
                      eeg_blocks: Sequence[torch.Tensor]) -> torch.Tensor:
    """Return `text_embeds` (B, L, H) with the positions where `eeg_mask` (B, L) is True filled by
    `eeg_blocks`: a sequence of (n_i, H) tensors, one per placeholder block in reading order.

    Checks (each a clear ShapeError): ranks, hidden size, dtype, the number of blocks against the
    placeholder blocks in the mask, and every block's length against its placeholder run."""
    if text_embeds.dim() != 3:
        raise ShapeError(f"Text embeddings must be (batch, length, hidden); got {tuple(text_embeds.shape)}.")
    if eeg_mask.shape != text_embeds.shape[:2]:
        raise ShapeError(f"EEG mask {tuple(eeg_mask.shape)} does not match text embeddings "
                         f"{tuple(text_embeds.shape[:2])}.")
    hidden = text_embeds.shape[-1]
    runs = [n for row in eeg_mask for n in mask_runs(row)]
    if len(runs) != len(eeg_blocks):
        raise ShapeError(f"The prompt has {len(runs)} <eeg> placeholder block(s) but {len(eeg_blocks)} EEG "
                         f"token block(s) were given; pass one recording per placeholder.")
    if not eeg_blocks:
        return text_embeds
    for i, (block, expected) in enumerate(zip(eeg_blocks, runs)):
        if block.dim() != 2 or block.shape[-1] != hidden:
            raise ShapeError(f"EEG block {i} has shape {tuple(block.shape)}; expected (tokens, {hidden}) to "
                             f"match the LLM hidden size.")
        if block.shape[0] != expected:
            raise ShapeError(f"EEG block {i} has {block.shape[0]} tokens but its placeholder has {expected}; "
                             f"render the prompt with the projector's token count.")
        if block.dtype != text_embeds.dtype:
            raise ShapeError(f"EEG block {i} is {block.dtype} but the text embeddings are {text_embeds.dtype}; "
                             f"cast the projector output to the LLM dtype.")
        if block.device != text_embeds.device:
            raise ShapeError(f"EEG block {i} is on {block.device} but the text embeddings are on "
                             f"{text_embeds.device}.")
    tokens = torch.cat(list(eeg_blocks), dim=0)
    return text_embeds.masked_scatter(eeg_mask[..., None].expand_as(text_embeds), tokens)
