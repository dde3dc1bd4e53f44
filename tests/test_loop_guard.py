"""The loop guard: loops found and cut where they begin, answers completed by the model itself,
well-formed answers never touched."""

from __future__ import annotations

import pytest
import torch

from prompts.answer_format import parse_answer
from serve.engines import Generation, GenerationParams
from serve.loop_guard import loop_start, merge, needs_answer, reasoning_prefix, stream_is_looping

LOOP = "beta points to anger, against the conclusion (mixed); "
HEAD = "Reasoning: Emotion question. Frontal alpha is lower on the left, which points to sad; "


def test_a_clause_repeated_to_the_end_is_a_loop_cut_after_its_first_copy():
    text = HEAD + LOOP * 6 + "beta points to an"
    cut = loop_start(text)
    assert cut is not None
    assert text[:cut].count("beta points to anger") == 1
    assert reasoning_prefix(text) == HEAD + "beta points to anger, against the conclusion (mixed)."


def test_ordinary_reasoning_is_not_a_loop():
    text = ("Reasoning: Alpha is low over the left frontal region (z = -1.2); beta is high over the temporal "
            "region (z = 1.4); the pattern fits anger best. Overall the evidence fits anger.")
    assert loop_start(text) is None
    # only two copies of a span: still ordinary text
    assert loop_start(HEAD + LOOP * 2) is None


def test_the_shortest_period_is_found():
    text = "Reasoning: x " + "abcdefghij" * 9
    cut = loop_start(text)
    assert text[:cut].endswith("abcdefghij") and text[:cut].count("abcdefghij") == 1


def test_a_reasoning_cut_short_by_the_token_budget_loses_its_unfinished_clause():
    text = "Reasoning: Emotion question. Alpha is low on the left; beta is high in the temporal reg"
    assert reasoning_prefix(text) == "Reasoning: Emotion question. Alpha is low on the left."


def test_a_half_written_answer_line_is_written_again():
    text = "Reasoning: Alpha is low on the left, which points to sad.\nAnswer:"
    assert needs_answer(text)
    assert reasoning_prefix(text) == "Reasoning: Alpha is low on the left, which points to sad."


@pytest.mark.parametrize("text, broken", [
    ("Reasoning: fits happy.\nAnswer: happy\nConfidence: 0.6", False),
    ("Reasoning: fits happy.\nAnswer: cannot tell\nConfidence: 0.3", False),
    ("The recording was made at 200 Hz.", False),  # a free-text reply to a follow-up question
    (HEAD + LOOP * 4, True),
])
def test_only_reasoning_without_an_answer_line_needs_one(text, broken):
    assert needs_answer(text) is broken


def test_a_stream_stops_at_a_loop_but_not_after_its_answer_line_or_in_ordinary_text():
    assert stream_is_looping(HEAD + LOOP * 3)
    assert stream_is_looping("Reasoning: " + "x" * 5000 + LOOP * 3)  # a long answer: only the tail is searched
    assert not stream_is_looping(HEAD + LOOP)
    assert not stream_is_looping(HEAD + LOOP * 3 + "\nAnswer: sad\nConfidence: 0.5 0.5 0.5 0.5 0.5")


def test_merged_answers_parse():
    merged = merge(reasoning_prefix(HEAD + LOOP * 5), " sad\nConfidence: 0.41")
    parsed = parse_answer(merged)
    assert parsed.well_formed and parsed.answer == "sad" and parsed.confidence == pytest.approx(0.41)
    assert parsed.reasoning.endswith("(mixed).")


@pytest.mark.slow
def test_the_completion_is_the_models_own_continuation_of_the_kept_reasoning(tiny_checkpoint, vllm_engine, hf_engine):
    """vLLM continues the re-embedded reasoning exactly as transformers continues the same text as
    token ids; well-formed and free-text answers pass through untouched."""
    from prompts.render import render_conversation
    from serve.assistant import Assistant

    assistant = Assistant(tiny_checkpoint, engine=vllm_engine)
    messages = [{"role": "system", "content": assistant.template.system},
                {"role": "user", "content": "What emotion is most likely?"}]
    prompt = assistant.embed_messages(messages, [])
    looping = HEAD + LOOP * 5
    fine = "Reasoning: fits happy.\nAnswer: happy\nConfidence: 0.6"
    params = GenerationParams(max_tokens=64)
    results = assistant.complete_broken([prompt, prompt], [Generation(looping, [], "length"), Generation(fine, [], "stop")],
                                        params)

    repaired, untouched = results
    assert untouched.text == fine and "loop_guard" not in untouched.extra
    assert repaired.extra["loop_guard"]["raw_text"] == looping
    kept = reasoning_prefix(looping)
    assert repaired.text.startswith(kept + "\nAnswer:")

    rendered = render_conversation(assistant.tokenizer, messages, [], add_generation_prompt=True)
    written = assistant.tokenizer.encode(kept + "\nAnswer:", add_special_tokens=False)
    ids = torch.tensor([list(rendered.input_ids) + written])
    with torch.no_grad():
        reference = hf_engine.model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=False,
                                             max_new_tokens=24, pad_token_id=assistant.tokenizer.eos_token_id)
    continuation = reference[0, ids.shape[1]:].tolist()
    eos = assistant.tokenizer.eos_token_id
    continuation = continuation[:continuation.index(eos)] if eos in continuation else continuation
    assert repaired.token_ids[len(written):][:len(continuation)] == continuation
