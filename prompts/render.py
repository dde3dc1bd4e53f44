"""Conversation → token ids, EEG slot mask and loss mask, in one function.

Training and serving both render through `render_conversation`, so the prompt a model is served
with is token-for-token the prompt it was trained on. The text is split at the `<eeg>`
placeholders (no vocabulary change: a placeholder becomes N slots whose embeddings the splice
fills) and at the assistant turns (whose tokens, with the end-of-turn marker, are the only ones
that carry loss).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from encoders.errors import ConfigError

PLACEHOLDER = "<eeg>"


@dataclass
class RenderedPrompt:
    input_ids: list[int]
    eeg_mask: list[bool]  # True at EEG slots (their ids are the pad id and are replaced by the splice)
    loss_mask: list[bool]  # True on assistant tokens, end-of-turn marker included
    text: str  # the rendered text, placeholders still in it

    def __len__(self) -> int:
        return len(self.input_ids)


def _assistant_spans(text: str, messages: list[dict[str, Any]], end_marker: str | None) -> list[tuple[int, int]]:
    spans, cursor = [], 0
    for message in messages:
        content = message["content"]
        if message["role"] != "assistant":
            found = text.find(content, cursor) if content else -1
            if found >= 0:
                cursor = found + len(content)
            continue
        if PLACEHOLDER in content:
            raise ConfigError("An assistant turn contains an <eeg> placeholder; EEG goes in user turns only.")
        start = text.find(content, cursor)
        if start < 0:
            raise ConfigError("The chat template changed an assistant turn's text; loss masking needs the "
                              "template to copy assistant content verbatim.")
        end = start + len(content)
        if end_marker and text.startswith(end_marker, end):
            end += len(end_marker)
        spans.append((start, end))
        cursor = end
    return spans


def render_conversation(tokenizer, messages: list[dict[str, Any]], eeg_token_counts: list[int],
                        add_generation_prompt: bool = False) -> RenderedPrompt:
    """Render `messages` with the tokenizer's chat template.

    `eeg_token_counts[i]` is how many EEG slots the i-th `<eeg>` placeholder (in reading order)
    becomes; it must have one entry per placeholder."""
    # enable_thinking=False: Qwen3's template writes an empty <think></think> block before the last
    # answer of a rendered conversation (the training text) but leaves it out of the generation
    # prompt unless thinking is off; with it off both carry it, token for token. Templates without
    # the switch ignore it.
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt,
                                         enable_thinking=False)
    n_placeholders = text.count(PLACEHOLDER)
    if n_placeholders != len(eeg_token_counts):
        raise ConfigError(f"The conversation has {n_placeholders} <eeg> placeholder(s) but "
                          f"{len(eeg_token_counts)} recording(s) were given.")
    if any(n < 1 for n in eeg_token_counts):
        raise ConfigError("Every recording must contribute at least one EEG token.")
    spans = _assistant_spans(text, messages, tokenizer.eos_token)

    # Cut points: placeholder starts/ends and assistant span starts/ends.
    cuts: list[tuple[int, int, str]] = []  # (start, end, kind) kind: text | eeg | assistant
    position = 0
    events = sorted([(s, e, "assistant") for s, e in spans]
                    + [(i, i + len(PLACEHOLDER), "eeg") for i in _find_all(text, PLACEHOLDER)])
    for start, end, kind in events:
        if start > position:
            cuts.append((position, start, "text"))
        cuts.append((start, end, kind))
        position = end
    if position < len(text):
        cuts.append((position, len(text), "text"))

    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    ids: list[int] = []
    eeg_mask: list[bool] = []
    loss_mask: list[bool] = []
    counts = iter(eeg_token_counts)
    for start, end, kind in cuts:
        if kind == "eeg":
            n = next(counts)
            ids += [pad_id] * n
            eeg_mask += [True] * n
            loss_mask += [False] * n
            continue
        piece = tokenizer(text[start:end], add_special_tokens=False)["input_ids"]
        ids += piece
        eeg_mask += [False] * len(piece)
        loss_mask += [kind == "assistant"] * len(piece)
    return RenderedPrompt(ids, eeg_mask, loss_mask, text)


def _find_all(text: str, needle: str) -> list[int]:
    out, start = [], text.find(needle)
    while start >= 0:
        out.append(start)
        start = text.find(needle, start + len(needle))
    return out
