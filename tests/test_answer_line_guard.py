"""The answer-line guard: a routed reply whose Answer line answers another kind of question is given
one of the kind asked, by the model under that kind's pattern; every line a target writes fits the
pattern, no other kind's line does, and both engines decode the same tokens under it."""

from __future__ import annotations

import dataclasses
import random
import re

import pytest

from pattern_evidence import analysed_evidence
from encoders.labels import LABEL_SPACES, SEVEN_EMOTIONS
from evaluation.scoring import score_item, score_stored
from evaluation.summary import _format, _free, compute_metrics
from prompts.answer_format import format_answer, parse_answer
from prompts.answer_lines import answer_line_pattern
from prompts.answers import answer_for
from prompts.questions import KINDS, REGIONS, answer_kind, free_kinds
from prompts.routing import Route
from serve.answer_line_guard import needs_fitting, pattern_for


@pytest.fixture(scope="module")
def evidences():
    """Recordings of several shapes: clean, with bad channels and a timeline, without a frontal pair
    or a region, and one that cannot support an emotion reading."""
    clean = analysed_evidence(1)
    noisy = dataclasses.replace(analysed_evidence(2), bad_channels=["FP1", "T7", "O2", "CZ", "PZ", "F8", "C3", "P4", "OZ"],
                                quality_grade="fair",
                                timeline=[[0, 20, "happy", 0.61], [20, 40, "sad", 0.44]])
    partial = dataclasses.replace(analysed_evidence(3), faa=None, faa_direction=None,
                                  band_z={r: z for r, z in analysed_evidence(3).band_z.items() if r != "occipital"})
    unsupported = dataclasses.replace(analysed_evidence(4, 2), supports_emotion=False, quality_grade="poor",
                                      limits=["two channels"])
    return [clean, noisy, partial, unsupported]


def _line(answer: str, confidence: float) -> str:
    """What follows "Answer:" in a reply, as `format_answer` writes it."""
    text = format_answer("r.", answer, confidence)
    return text[text.index("Answer:") + len("Answer:"):]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "emotion"])
def test_every_answer_line_a_target_writes_fits_its_kinds_pattern(evidences, kind):
    pattern = re.compile(answer_line_pattern(kind, SEVEN_EMOTIONS.labels))
    for ev in evidences:
        for region in REGIONS:
            target = answer_for(kind, ev, SEVEN_EMOTIONS, random.Random(0), region=region, band="theta",
                                emotion=random.Random(region).choice(SEVEN_EMOTIONS.labels))
            assert pattern.fullmatch(_line(target.answer, target.confidence)), (kind, target.answer)


@pytest.mark.parametrize("space", list(LABEL_SPACES.values()), ids=lambda s: s.name)
def test_class_answers_of_every_label_set_fit_the_emotion_pattern_and_no_other(space):
    emotion = re.compile(answer_line_pattern("emotion", space.labels))
    for label in space.labels:
        assert emotion.fullmatch(_line(label, 0.5))
        for kind in free_kinds(space):
            assert not re.fullmatch(answer_line_pattern(kind, space.labels), _line(label, 0.5)), (kind, label)


# Answer lines of the wrong kind, as the demo model wrote them to held-out questions, and others.
MISFITS = [
    ("arousal", "happy"), ("arousal", "negative valence"), ("arousal", "Anger"), ("valence", "disgust"),
    ("valence", "high arousal"), ("quality", "channels: none"), ("quality", "bad channels: none"),
    ("band", "favours left (+0.27)"), ("asymmetry", "surprise"), ("confidence", "quality good"),
    ("confidence", "high arousal"), ("bad_channels", "quality good"), ("timeline", "happy"),
    ("next_steps", "quality fair"), ("summary", "happy"), ("why_not", "sad"), ("reference", "frontal alpha elevated (z +1.2)"),
    ("band", "cannot tell"), ("quality", "cannot tell"),
]
FITS = [
    ("arousal", "high arousal"), ("arousal", "Low arousal."), ("arousal", "cannot tell"), ("valence", "neutral valence"),
    ("quality", "quality poor"), ("band", "parietal theta elevated (z +1.4)"), ("asymmetry", "balanced (+0.03)"),
    ("confidence", "confidence moderate"), ("bad_channels", "bad channels: FP1, T7"), ("timeline", "steady: sad"),
    ("next_steps", "next: re-record"), ("summary", "summary: no emotion reading, poor quality"),
    ("why_not", "fear is less likely (7%)"), ("reference", "all regions typical"), ("summary", "cannot tell"),
]


def _route(kind: str) -> Route:
    return Route(kind, 0.9, "Reasoning: ")


@pytest.mark.parametrize("kind, answer", MISFITS)
def test_a_routed_answer_line_of_another_kind_is_fitted_again(kind, answer):
    text = f"Reasoning: something measured.\nAnswer: {answer}\nConfidence: 0.50"
    assert needs_fitting(text, _route(kind), SEVEN_EMOTIONS.labels)
    assert not re.fullmatch(answer_line_pattern(kind, SEVEN_EMOTIONS.labels), _line(answer.lower(), 0.5))


@pytest.mark.parametrize("kind, answer", FITS)
def test_an_answer_that_answers_the_routed_kind_is_left_alone(kind, answer):
    text = f"Reasoning: something measured.\nAnswer: {answer}\nConfidence: 0.50"
    assert not needs_fitting(text, _route(kind), SEVEN_EMOTIONS.labels)


def test_unrouted_replies_replies_without_an_answer_line_and_task_kinds_are_not_the_guards():
    wrong = "Reasoning: x.\nAnswer: happy\nConfidence: 0.5"
    assert not needs_fitting(wrong, None, SEVEN_EMOTIONS.labels)
    assert not needs_fitting("Reasoning: Rating arousal. The pattern", _route("arousal"), SEVEN_EMOTIONS.labels)
    for task in ("scenario", "record", "valence_arousal"):
        assert pattern_for(_route(task), SEVEN_EMOTIONS.labels) is None
        assert not needs_fitting(wrong.replace("happy", "B"), _route(task), SEVEN_EMOTIONS.labels)


def test_scoring_counts_the_question_answered_as_asked_before_and_after_the_guard(evidences):
    item = {"id": "f1", "task": "free", "kind": "arousal", "subjects": ["s1"], "answer": "high arousal",
            "evidence": [evidences[0].to_dict()], "label_space": SEVEN_EMOTIONS.to_dict()}
    before = "Reasoning: Rating arousal. Fits happy.\nAnswer: happy\nConfidence: 0.51"
    after = "Reasoning: Rating arousal. Fits happy.\nAnswer: high arousal\nConfidence: 0.51"
    fitted = score_item(item, after, None, before) | {"route": _route("arousal").to_dict()}
    plain = score_item(item, after) | {"route": _route("arousal").to_dict()}
    assert fitted["answered_as_asked"] and not fitted["answered_as_asked_unfitted"] and fitted["answer_line_guard"]
    assert plain["answered_as_asked_unfitted"] and not plain["answer_line_guard"]
    summary = _free([fitted, plain])
    assert summary["answered_as_asked"] == 1.0 and summary["answered_as_asked_unfitted"] == 0.5
    assert summary["answer_lines_fitted"] == 1 and _format([fitted, plain])["answer_line_guard_repairs"] == 1
    # A stored run judged again keeps the record of what the guard replaced.
    stored = score_stored(item, {"output": after, "unguarded_output": None, "unfitted_output": before})
    assert stored["answer_line_guard"] and stored["unfitted_output"] == before and not stored["answered_as_asked_unfitted"]
    # The app's Evaluate tab and the chat say so too.
    from serve.tabs.evaluate import metrics_markdown

    assert "| Answer lines written again (answer-line guard) | 1 |" in metrics_markdown(compute_metrics([fitted, plain]),
                                                                                       synthetic=True)


def test_the_chat_says_what_the_question_was_read_as_and_when_its_answer_line_was_written_again():
    from serve.assistant import Turn
    from serve.tabs.chat import reading_note

    route = Route("arousal", 0.91, "Reasoning: Rating arousal.")
    assert reading_note(None) == reading_note(Turn("Tell me a joke.", "…")) == ""
    assert reading_note(Turn("Calm?", "…", route=route)) == " · last question read as a **arousal** question (router 0.91)"
    assert "written again" in reading_note(Turn("Calm?", "…", route=route, refitted=True))
    assert "written again" not in reading_note(Turn("Calm?", "…", route=route))


# ---- decoding under the pattern ------------------------------------------------------------------------


@pytest.mark.slow
def test_both_engines_decode_the_same_tokens_under_a_pattern_and_the_text_fits_it(vllm_engine, hf_engine):
    """A random tiny model writes nothing of the kind by itself; under the pattern both engines write
    the same tokens, and the text is a quality line and a confidence."""
    import torch

    from serve.engines import GenerationParams

    embed = hf_engine.model.get_input_embeddings().weight.detach()
    prompts = [embed[(torch.arange(n) * 5) % embed.shape[0]] for n in (11, 27)]
    pattern = answer_line_pattern("quality", SEVEN_EMOTIONS.labels)
    params = GenerationParams(max_tokens=24)
    fast = vllm_engine.generate(prompts, params, [pattern, None])
    reference = hf_engine.generate(prompts, params, [pattern, None])
    assert [g.token_ids for g in fast] == [g.token_ids for g in reference]
    assert re.fullmatch(pattern, fast[0].text), fast[0].text
    assert answer_kind(parse_answer("Reasoning: r.\nAnswer:" + fast[0].text).answer, SEVEN_EMOTIONS.labels) == "quality"
    assert not re.fullmatch(pattern, fast[1].text)  # unconstrained: the model's own noise


@pytest.mark.slow
def test_the_assistant_writes_the_answer_line_again_keeping_the_reasoning(tiny_checkpoint, vllm_engine, fif14):
    from projector.checkpoint import copy_checkpoint, update_checkpoint
    from serve.assistant import Assistant, Conversation
    from serve.engines import Generation, GenerationParams

    assistant = Assistant(tiny_checkpoint, engine=vllm_engine)
    context = assistant.analyse(fif14)
    prompt = assistant.prompt_embeds(Conversation([context]), "Was the person wound up or calm?")
    reasoning = "Reasoning: Rating arousal. The pattern match is closest to happy (51%), an emotion with high arousal."
    drifted = f"{reasoning}\nAnswer: happy\nConfidence: 0.51"
    fine = f"{reasoning}\nAnswer: high arousal\nConfidence: 0.51"
    route = _route("arousal")
    results = [Generation(drifted, [], "stop"), Generation(fine, [], "stop"), Generation(drifted, [], "stop")]
    assistant.fit_answer_lines([prompt] * 3, results, GenerationParams(max_tokens=64), [route, route, None])
    fitted, untouched, unrouted = results
    assert fitted.extra["answer_line_guard"]["raw_text"] == drifted
    assert fitted.text.startswith(reasoning + "\nAnswer: ")
    parsed = parse_answer(fitted.text)
    assert parsed.answer in ("high arousal", "low arousal", "cannot tell") and parsed.confidence is not None
    assert untouched.text == fine and unrouted.text == drifted
    assert "answer_line_guard" not in untouched.extra and "answer_line_guard" not in unrouted.extra

    # As served and streamed: the tiny model never reaches an Answer line by itself, so the routed
    # reply is completed under its kind's pattern, and no Answer line is shown before it is judged.
    target = fif14.parent / "tiny-instruct"
    copy_checkpoint(tiny_checkpoint, target)
    update_checkpoint(target, stage="instruct")
    served = Assistant(target, engine=vllm_engine)
    conversation = Conversation([served.analyse(fif14)])
    shown = list(served.stream(conversation, "How clean is the signal in this recording?", GenerationParams(max_tokens=12)))
    assert all("answer:" not in piece.lower() for piece in shown[:-1])
    final = parse_answer(shown[-1])
    assert answer_kind(final.answer, SEVEN_EMOTIONS.labels) == "quality", shown[-1]
    assert conversation.turns[-1].answer == shown[-1]
