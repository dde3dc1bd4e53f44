"""Conversation rendering: the loss mask covers exactly the assistant turns."""

from __future__ import annotations

import pytest

from encoders.errors import ConfigError
from projector.llm import load_tokenizer
from prompts.render import render_conversation


@pytest.fixture(scope="module")
def tokenizer(tiny_llm):
    return load_tokenizer(tiny_llm)


def test_loss_mask_is_assistant_content_plus_end_of_turn(tokenizer):
    messages = [
        {"role": "system", "content": "You reason about EEG."},
        {"role": "user", "content": "Recording: <eeg> What emotion?"},
        {"role": "assistant", "content": "Reasoning: alpha. Answer: happy Confidence: 0.7"},
        {"role": "user", "content": "Why?"},
        {"role": "assistant", "content": "Reasoning: asymmetry. Answer: happy Confidence: 0.6"},
    ]
    rendered = render_conversation(tokenizer, messages, [4])
    learned = [t for t, m in zip(rendered.input_ids, rendered.loss_mask) if m]
    text = tokenizer.decode(learned)
    assert text == ("Reasoning: alpha. Answer: happy Confidence: 0.7<|im_end|>"
                    "Reasoning: asymmetry. Answer: happy Confidence: 0.6<|im_end|>")
    assert sum(rendered.eeg_mask) == 4
    assert not any(m and e for m, e in zip(rendered.loss_mask, rendered.eeg_mask))
    # Text outside the masks tokenises the same as the whole text (segmenting changed nothing).
    assert len(rendered.input_ids) == len(rendered.eeg_mask) == len(rendered.loss_mask)


def test_generation_prompt_has_no_loss(tokenizer):
    rendered = render_conversation(tokenizer, [{"role": "user", "content": "<eeg> hi"}], [2], add_generation_prompt=True)
    assert not any(rendered.loss_mask)
    assert rendered.text.endswith("<|im_start|>assistant\n")


def test_placeholder_count_must_match(tokenizer):
    with pytest.raises(ConfigError, match="1 <eeg> placeholder"):
        render_conversation(tokenizer, [{"role": "user", "content": "<eeg>"}], [2, 3])
