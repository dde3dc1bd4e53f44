"""Free questions as the assistant serves them: the measurements a question names are looked up and
given beside it (as in training), and on a recording that cannot support an emotion reading a
measurement question is still answered when every claim of the answer holds, while a reading is
still withheld."""

from __future__ import annotations

import re

import pytest

from eeg_files import eeg_like
from encoders.analysis import analyse_recording
from encoders.channels import electrode_positions
from encoders.evidence import build_evidence
from encoders.io import read_recording
from encoders.recording import Recording
from prompts.abstention import ABSTAIN_CONFIDENCE_CAP, guard, measurement_kind
from prompts.answer_format import ABSTAIN, format_answer, parse_answer
from prompts.answers import answer_for
from prompts.questions import KINDS, READINGS
from test_evidence_limits import clinical_edf

MEASUREMENTS = tuple(k for k in KINDS if k not in READINGS and k != "emotion")


def _poor(names: list[str], seed: int):
    data = eeg_like(len(names), 200.0, 20.0, seed=seed)
    return build_evidence(analyse_recording(Recording(data, names, 200.0, electrode_positions(names))))


@pytest.fixture(scope="module")
def poor_evidence():
    """Real evidence of recordings that cannot carry an emotion reading: a clinical one-channel EDF,
    one frontal electrode, and a frontal pair."""
    evs = {"clinical": build_evidence(analyse_recording(read_recording(clinical_edf()))),
           "one": _poor(["Fp1"], 21), "pair": _poor(["F3", "F4"], 22)}
    assert all(not ev.supports_emotion and ev.quality_grade == "poor" for ev in evs.values())
    return evs


def _stands(text: str, ev) -> bool:
    return guard(text, [ev]) is None


def _abstains(text: str, ev) -> bool:
    parsed = parse_answer(guard(text, [ev]) or text)
    return parsed.answer == ABSTAIN and parsed.confidence <= ABSTAIN_CONFIDENCE_CAP


# ---- the guard ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", MEASUREMENTS)
def test_measurement_answers_written_from_the_evidence_stand_on_a_poor_recording(poor_evidence, kind):
    for ev in poor_evidence.values():
        target = answer_for(kind, ev, region="frontal", band="alpha")
        assert measurement_kind(target.answer) == kind
        assert _stands(format_answer(target.reasoning, target.answer, target.confidence), ev), (kind, target)


def test_a_quality_question_is_answered_and_an_emotion_question_withheld(poor_evidence):
    ev = poor_evidence["clinical"]
    # Phrased as a model might, not as the training targets are.
    quality = ("Reasoning: Only one electrode was recorded, and the signal was graded poor.\n"
               "Answer: quality poor\nConfidence: 0.9")
    emotion = ("Reasoning: Only one electrode was recorded, and the signal was graded poor.\n"
               "Answer: sad\nConfidence: 0.4")
    assert _stands(quality, ev)
    assert not _stands(emotion, ev) and _abstains(emotion, ev)


def test_a_measurement_answer_with_a_false_claim_is_replaced(poor_evidence):
    ev = poor_evidence["one"]
    z = ev.band_z["frontal"]["alpha"]
    wrong = z + 2.5  # a value the evidence does not hold
    direction = "elevated" if wrong >= 1 else "reduced" if wrong <= -1 else "typical"
    true_direction = "elevated" if z >= 1 else "reduced" if z <= -1 else "typical"
    cases = [
        # the answer line itself is false (the reasoning makes no claim)
        "Reasoning: I looked at the report.\nAnswer: quality good\nConfidence: 0.9",
        # a false number in the reasoning under a true answer line
        f"Reasoning: Frontal alpha power is {direction} (z {wrong:+.1f}).\n"
        f"Answer: frontal alpha {true_direction} (z {z:+.1f})\nConfidence: 0.9",
        # a false answer line under a true reasoning
        f"Reasoning: Frontal alpha power is {true_direction} (z {z:+.1f}).\n"
        f"Answer: frontal alpha {direction} (z {wrong:+.1f})\nConfidence: 0.9",
        # bad channels that are not bad
        "Reasoning: Checking the channels.\nAnswer: bad channels: Fp1, Fp2\nConfidence: 0.9",
    ]
    for text in cases:
        assert not _stands(text, ev) and _abstains(text, ev), text
    honest = (f"Reasoning: Frontal alpha power is {true_direction} (z {z:+.1f}).\n"
              f"Answer: frontal alpha {true_direction} (z {z:+.1f})\nConfidence: 0.9")
    assert _stands(honest, ev)


def test_a_measurement_answer_that_concludes_an_emotion_or_a_summary_that_names_one_is_replaced(poor_evidence):
    ev = poor_evidence["pair"]
    assert not _stands("Reasoning: The signal quality is poor. Overall the EEG pattern fits happy best.\n"
                       "Answer: quality poor\nConfidence: 0.9", ev)
    assert not _stands("Reasoning: The signal quality is poor.\nAnswer: summary: happy, poor quality\n"
                       "Confidence: 0.5", ev)
    assert _stands("Reasoning: The signal quality is poor; no emotion can be read.\n"
                   "Answer: summary: no emotion reading, poor quality\nConfidence: 0.9", ev)
    # Readings other than an emotion are withheld too.
    for answer in ("negative valence", "high arousal", "confidence high"):
        assert not _stands(f"Reasoning: The signal quality is poor.\nAnswer: {answer}\nConfidence: 0.5", ev)


def test_malformed_measurement_answers_and_comparisons_are_replaced(poor_evidence):
    ev = poor_evidence["one"]
    assert not _stands("Answer: quality poor", ev)  # no reasoning, no confidence
    assert not _stands("Reasoning: The signal quality is poor.\nAnswer: quality poor", ev)  # no confidence
    # About several recordings, a measurement answer is not one recording's to check: withheld as before.
    text = "Reasoning: The signal quality is poor.\nAnswer: quality poor\nConfidence: 0.9"
    assert guard(text, [ev, poor_evidence["pair"]]) is not None


def test_the_assistant_guard_keeps_a_measurement_and_records_the_decision(tiny_checkpoint, poor_evidence):
    from serve.assistant import Assistant
    from serve.engines import Generation

    assistant = Assistant(tiny_checkpoint, start_engine=False)
    ev = poor_evidence["clinical"]
    kept = assistant._guard(Generation("Reasoning: The signal quality is poor.\nAnswer: quality poor\n"
                                       "Confidence: 0.9", [], "stop"), [ev])
    assert kept.extra["evidence_guard"]["replaced"] is False and parse_answer(kept.text).answer == "quality poor"
    replaced = assistant._guard(Generation("Reasoning: The signal quality is poor.\nAnswer: fear\nConfidence: 0.9",
                                           [], "stop"), [ev])
    assert replaced.extra["evidence_guard"]["replaced"] is True and parse_answer(replaced.text).answer == ABSTAIN
    assert parse_answer(replaced.extra["evidence_guard"]["raw_text"]).answer == "fear"


# ---- the question as the model sees it -----------------------------------------------------------------


@pytest.fixture(scope="module")
def assistant_and_context(tiny_checkpoint, fif14):
    from serve.assistant import Assistant

    assistant = Assistant(tiny_checkpoint, start_engine=False)
    return assistant, assistant.analyse(fif14)


_CONTEXT = re.compile(r"\(measured for this question: (.*)\)")


def _context_of(content: str) -> str | None:
    match = _CONTEXT.search(content)
    return match.group(1) if match else None


def test_a_question_naming_a_region_and_band_carries_the_measured_value(assistant_and_context):
    from serve.assistant import Conversation

    assistant, ctx = assistant_and_context
    ev = ctx.evidence
    conversation = Conversation([ctx])
    user = assistant.messages(conversation, "Is there more Alpha than usual over the FRONTAL lobe?")[-1]["content"]
    found = re.fullmatch(r"frontal alpha (elevated|reduced|typical) \(z ([+-]\d+\.\d)\)", _context_of(user))
    z = ev.band_z["frontal"]["alpha"]
    assert found and float(found.group(2)) == pytest.approx(z, abs=0.05 + 1e-9)  # one decimal
    assert found.group(1) == ("elevated" if z >= 1 else "reduced" if z <= -1 else "typical")
    # The Emotiv headset has no central electrode: said so, not guessed.
    user = assistant.messages(conversation, "what about theta at central sites")[-1]["content"]
    assert "central" not in ev.band_z and _context_of(user) == "central theta not measured"
    # A class named by the question: its pattern-match probability, as measured.
    user = assistant.messages(conversation, "Why wouldn't you say anger?")[-1]["content"]
    percent = re.fullmatch(r"pattern match for anger (\d+)%", _context_of(user))
    assert percent and int(percent.group(1)) == round(100 * ev.probabilities["anger"])
    # A question that names nothing measurable goes as asked.
    user = assistant.messages(conversation, "How does this person feel?")[-1]["content"]
    assert _context_of(user) is None and user.rstrip().endswith("How does this person feel?")


def test_follow_ups_get_their_context_and_earlier_turns_keep_theirs(assistant_and_context):
    from serve.assistant import Conversation, Turn

    assistant, ctx = assistant_and_context
    first = "How is frontal alpha?"
    conversation = Conversation([ctx], [Turn(first, "Reasoning: x.\nAnswer: frontal alpha typical\nConfidence: 0.9")])
    messages = assistant.messages(conversation, "And beta over the occipital region?")
    users = [m["content"] for m in messages if m["role"] == "user"]
    assert _context_of(users[0]).startswith("frontal alpha ") and _context_of(users[1]).startswith("occipital beta ")
    # The same first turn as when it was asked alone: the earlier prompt is unchanged.
    assert assistant.messages(Conversation([ctx]), first)[-1]["content"] == users[0]


def test_questions_about_two_recordings_go_as_asked(assistant_and_context):
    from serve.assistant import Conversation

    assistant, ctx = assistant_and_context
    user = assistant.messages(Conversation([ctx, ctx]), "Which has more frontal alpha?")[-1]["content"]
    assert _context_of(user) is None
