"""The one splice: placeholder counts, uneven blocks in a batch, shapes and dtypes."""

from __future__ import annotations

import pytest
import torch

from encoders.errors import ShapeError
from projector.splice import mask_runs, splice_eeg_tokens


def _batch():
    # item 0: text, 3 EEG slots, text, 2 EEG slots; item 1: 4 EEG slots then text (padding at the end)
    mask = torch.tensor([[0, 1, 1, 1, 0, 1, 1, 0], [1, 1, 1, 1, 0, 0, 0, 0]], dtype=torch.bool)
    text = torch.zeros(2, 8, 6)
    return text, mask


def test_blocks_fill_their_own_placeholders_in_reading_order():
    text, mask = _batch()
    blocks = [torch.full((3, 6), 1.0), torch.full((2, 6), 2.0), torch.full((4, 6), 3.0)]
    out = splice_eeg_tokens(text, mask, blocks)
    assert out[0, :, 0].tolist() == [0, 1, 1, 1, 0, 2, 2, 0]
    assert out[1, :, 0].tolist() == [3, 3, 3, 3, 0, 0, 0, 0]
    assert mask_runs(mask[0]) == [3, 2]


def test_text_positions_are_untouched_and_gradients_flow():
    text, mask = _batch()
    text = torch.randn_like(text)
    blocks = [torch.randn(n, 6, requires_grad=True) for n in (3, 2, 4)]
    out = splice_eeg_tokens(text, mask, blocks)
    assert torch.equal(out[~mask], text[~mask])
    out.sum().backward()
    assert all(b.grad is not None and torch.all(b.grad == 1) for b in blocks)


@pytest.mark.parametrize("blocks, match", [
    ([torch.zeros(3, 6), torch.zeros(2, 6)], "3 <eeg> placeholder block"),
    ([torch.zeros(3, 6), torch.zeros(3, 6), torch.zeros(4, 6)], "has 3 tokens but its placeholder has 2"),
    ([torch.zeros(3, 5), torch.zeros(2, 5), torch.zeros(4, 5)], "hidden size"),
    ([torch.zeros(3, 6, dtype=torch.float64), torch.zeros(2, 6), torch.zeros(4, 6)], "cast the projector output"),
])
def test_mismatches_are_clear_errors(blocks, match):
    text, mask = _batch()
    with pytest.raises(ShapeError, match=match):
        splice_eeg_tokens(text, mask, blocks)


def test_mask_shape_must_match():
    with pytest.raises(ShapeError, match="does not match"):
        splice_eeg_tokens(torch.zeros(1, 5, 4), torch.zeros(1, 6, dtype=torch.bool), [])


def test_prompt_render_and_splice_agree(tiny_llm):
    """Rendering a two-recording prompt gives one placeholder run per recording, of the given sizes."""
    from projector.llm import load_tokenizer
    from prompts.render import render_conversation

    tokenizer = load_tokenizer(tiny_llm)
    messages = [{"role": "user", "content": "A: <eeg> B: <eeg> which is happier?"}]
    rendered = render_conversation(tokenizer, messages, [3, 5], add_generation_prompt=True)
    assert mask_runs(torch.tensor(rendered.eeg_mask)) == [3, 5]
    assert not any(rendered.loss_mask)
    text = torch.zeros(1, len(rendered), 128)
    out = splice_eeg_tokens(text, torch.tensor([rendered.eeg_mask]), [torch.ones(3, 128), torch.ones(5, 128)])
    assert out.sum().item() == 8 * 128


# A template that behaves like Qwen3's: an empty think block before the last answer of a rendered
# conversation, and in the generation prompt only when thinking is switched off.
_THINKING_TEMPLATE = (
    "{% for m in messages %}{% if m.role == 'assistant' and loop.last %}"
    "{{ '<|im_start|>assistant\\n<think>\\n\\n</think>\\n\\n' + m.content + '<|im_end|>\\n' }}"
    "{% else %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% if enable_thinking is defined and enable_thinking is false %}{{ '<think>\\n\\n</think>\\n\\n' }}{% endif %}"
    "{% endif %}")


def test_a_thinking_template_trains_on_the_prompt_it_is_served_with(tiny_llm):
    from projector.llm import load_tokenizer
    from prompts.render import render_conversation

    tokenizer = load_tokenizer(tiny_llm)
    tokenizer.chat_template = _THINKING_TEMPLATE
    question = [{"role": "user", "content": "EEG: <eeg> How is it?"}]
    served = render_conversation(tokenizer, question, [2], add_generation_prompt=True)
    trained = render_conversation(tokenizer, question + [{"role": "assistant", "content": "Answer: happy"}], [2])
    assert served.text.endswith("<think>\n\n</think>\n\n")
    assert trained.text.startswith(served.text)
