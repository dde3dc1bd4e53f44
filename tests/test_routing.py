"""The question router: which kind a question asks, read from its wording, and the opening a served
reply starts with.

Held to banks written by other writers from a description of the kinds (the held-out banks, the
fourth written after the router and its threshold were fixed), not to the training phrasings."""

from __future__ import annotations

import json
import os
import random

import pytest

from eeg_files import eeg_like
from encoders.analysis import analyse_recording
from encoders.channels import electrode_positions, montage
from encoders.evidence import build_evidence
from encoders.features import BAND_NAMES
from encoders.labels import LABEL_SPACES, SEVEN_EMOTIONS
from encoders.recording import Recording
from prompts.answer_format import parse_answer
from prompts.answers import answer_for
from prompts.openings import OPENINGS, PARTIAL_OPENINGS, REASONING_CUE
from prompts.questions import KINDS, REGIONS, ROUTER_BANK, fill, load_questions
from prompts.rationale import emotion_rationale
from prompts.routing import MIN_PROBABILITY, QuestionRouter, opening_for, router_for, without_set_aside
from training.instruction_data import routed_kinds

HELDOUT_BANKS = tuple(f"questions-heldout-v{i}" for i in range(1, 9))


@pytest.fixture(scope="module")
def evidence():
    """Real evidence of a 62-channel recording, with pattern-match probabilities as the encoder gives them."""
    names = montage("seed62")
    ev = build_evidence(analyse_recording(Recording(eeg_like(len(names), 200.0, 40.0, seed=5), names, 200.0,
                                                    electrode_positions(names))))
    probabilities = dict(zip(SEVEN_EMOTIONS.labels, (0.40, 0.20, 0.12, 0.10, 0.08, 0.06, 0.04)))
    ev.probabilities = probabilities
    ev.pattern = sorted(probabilities.items(), key=lambda kv: -kv[1])
    return ev


# ---- openings: one source for the targets and the router ---------------------------------------------


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "emotion"])
def test_every_reply_a_kind_is_trained_on_starts_with_the_opening_the_router_gives(evidence, kind):
    slots = {"region": "parietal", "band": "theta", "emotion": "sad"}
    question = {"band": "How is theta over the parietal sites?", "why_not": "Why not sad?"}.get(kind, "?")
    target = answer_for(kind, evidence, SEVEN_EMOTIONS, random.Random(0), **slots)
    opening = opening_for(kind, question, evidence, SEVEN_EMOTIONS.labels)
    assert target.reasoning.startswith(opening), (kind, opening, target.reasoning[:80])


def test_emotion_and_record_replies_start_with_their_openings(evidence):
    assert emotion_rationale(evidence, "happy", random.Random(0)).startswith(OPENINGS["emotion"])
    assert emotion_rationale(evidence, "happy", random.Random(0), clinical=True).startswith(OPENINGS["record"])


def test_an_opening_whose_slot_the_question_does_not_name_stops_before_the_slot(evidence):
    labels = SEVEN_EMOTIONS.labels
    assert opening_for("band", "How is the power in that band there?", evidence, labels) == PARTIAL_OPENINGS["band"]
    assert opening_for("band", "Frontal α?", evidence, labels) == "Checking frontal alpha."
    assert opening_for("why_not", "Why not something else?", evidence, labels) == PARTIAL_OPENINGS["why_not"]
    # Two classes named: which one the reply weighs is the model's to say.
    assert opening_for("why_not", "Why sad and not fear?", evidence, labels) == PARTIAL_OPENINGS["why_not"]
    assert opening_for("reference", "vs norms?", evidence, labels) == f"Comparing with the reference ({evidence.reference})."


# ---- the router on other writers' questions -------------------------------------------------------------


def _bank_questions(bank: str, rng: random.Random) -> list[tuple[str, str]]:
    questions = load_questions(bank)
    return [(kind, fill(text, region=rng.choice(REGIONS), band=rng.choice(BAND_NAMES),
                        emotion=rng.choice(SEVEN_EMOTIONS.labels)))
            for kind in KINDS for text in questions.phrasings(kind)]


@pytest.mark.parametrize("bank", HELDOUT_BANKS)
def test_the_router_reads_other_writers_questions(bank):
    """Where it is sure it is nearly always right, and it is sure of most questions."""
    router = router_for()
    asked = _bank_questions(bank, random.Random(1))
    routed = [(kind, router.kind(question)) for kind, question in asked]
    sure = [(kind, found) for kind, (found, p) in routed if p >= MIN_PROBABILITY]
    right = sum(kind == found for kind, found in sure)
    assert right / len(sure) >= 0.97, (bank, [(k, f) for k, f in sure if k != f])
    assert len(sure) / len(asked) >= 0.75, bank


@pytest.mark.parametrize("question, asked", [
    ("Not pleasant vs unpleasant, I mean intensity: was the person fired up or subdued?", "arousal"),
    ("Setting aside the specific emotion, is the overall feeling a positive one?", "valence"),
    ("Irrespective of valence, how activated does the participant appear to have been?", "arousal"),
    ("Forget the emotion label; were any electrodes noisy?", "bad_channels"),
    ("I don't need the valence, just: how calm or excited was she?", "arousal"),
])
def test_what_a_question_sets_aside_is_not_what_it_asks(question, asked):
    _assert_routed_as(question, asked)


def _assert_routed_as(question: str, asked: str) -> None:
    kind, p = router_for().kind(question)
    assert (kind, p >= MIN_PROBABILITY) == (asked, True), (question, kind, p)


def test_the_opening_names_what_the_question_asks_about_not_what_it_sets_aside(evidence):
    route = router_for().route("Never mind frontal, how is alpha power over the parietal electrodes?", evidence,
                               SEVEN_EMOTIONS)
    assert route is not None and route.kind == "band" and route.opening == REASONING_CUE + "Checking parietal alpha."


@pytest.mark.parametrize("question, asked", [
    # One band in one region against the norms asks for that measurement, not the largest deviation.
    ("How does beta over the central region compare with the normative reference?", "band"),
    ("Relative to the norms, is parietal gamma elevated or reduced?", "band"),
    ("Compared with the reference database, what about theta at the temporal sites?", "band"),
    ("Against the healthy-control data, is there more or less occipital delta than usual?", "band"),
    # No one band in one region: the reference comparison as a whole.
    ("Against healthy controls, where's the biggest deviation?", "reference"),
    ("Which region deviates most from the reference, and in which band?", "reference"),
    ("Is alpha anywhere outside the normative range?", "reference"),
])
def test_a_band_in_a_region_against_the_norms_is_a_band_question(question, asked):
    _assert_routed_as(question, asked)


@pytest.mark.parametrize("question", ["How does beta over the central region compare with the normative reference?",
                                      "Is theta at the parietal sites raised?"])
def test_a_band_in_a_region_is_as_sure_as_band_and_reference_together(question):
    router = router_for()
    probabilities = router.probabilities(question)
    assert router.kind(question) == ("band", pytest.approx(probabilities["band"] + probabilities["reference"]))


def test_the_asymmetry_against_the_norms_is_not_read_as_a_band_question():
    question = "Compared with the reference, is the left frontal alpha lower than the right?"
    assert router_for().kind(question)[0] != "band"


@pytest.mark.parametrize("question", ["Why not sad?", "Why is it not fear?", "Is it not anger, then?", "not happy?",
                                      "Not sure?"])
def test_a_not_inside_the_question_is_kept(question):
    assert without_set_aside(question) == question


def test_questions_about_nothing_the_assistant_answers_are_left_to_the_model():
    router = router_for()
    for question in ("What's the weather like tomorrow?", "Tell me a joke.", "asdf qwerty", "hello", "Thanks!",
                     "Who won the match last night?"):
        assert router.kind(question)[1] < MIN_PROBABILITY, question


def test_task_questions_route_to_their_tasks():
    router = router_for()
    assert router.kind("What emotion is this person most likely feeling?")[0] == "emotion"
    assert router.kind("Which of these classes does this EEG fit best: negative, neutral or positive?")[0] == "emotion"
    assert router.kind("Rate this recording's valence (positive, neutral or negative) and arousal (high or low).")[0] \
        == "valence_arousal"
    assert router.kind("Draft the affective assessment for the medical record.")[0] == "record"


def test_the_router_is_fitted_the_same_way_every_time():
    question = "Was the person wound up or chilled out?"
    assert QuestionRouter((ROUTER_BANK,)).probabilities(question) == router_for().probabilities(question)


def test_a_kind_the_checkpoint_was_not_trained_on_is_not_routed(evidence):
    arousal_2 = LABEL_SPACES["arousal-2"]
    assert "arousal" not in routed_kinds(arousal_2) and "valence_arousal" not in routed_kinds(arousal_2)
    assert "valence" in routed_kinds(LABEL_SPACES["valence-3"]) and "scenario" not in routed_kinds(LABEL_SPACES["valence-3"])
    assert set(routed_kinds(SEVEN_EMOTIONS)) == set(KINDS) | {"valence_arousal", "scenario", "record"}
    router = router_for()
    question = "Is arousal high or low in this recording?"
    assert router.route(question, evidence, SEVEN_EMOTIONS, routed_kinds(SEVEN_EMOTIONS)).kind == "arousal"
    assert router.route(question, evidence, arousal_2, routed_kinds(arousal_2)) is None


# ---- served ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def instruct_checkpoint(tiny_checkpoint, tmp_path_factory):
    """The tiny checkpoint as an instruction-tuned one (routing is for checkpoints trained on questions)."""
    from projector.checkpoint import copy_checkpoint, update_checkpoint

    target = tmp_path_factory.mktemp("instruct") / "tiny-instruct"
    copy_checkpoint(tiny_checkpoint, target)
    update_checkpoint(target, stage="instruct")
    return target


def test_a_served_reply_starts_with_the_routed_opening(instruct_checkpoint, tiny_checkpoint, vllm_engine, fif14):
    from serve.assistant import Assistant, Conversation
    from serve.engines import GenerationParams

    params = GenerationParams(max_tokens=12)
    assistant = Assistant(instruct_checkpoint, engine=vllm_engine)
    context = assistant.analyse(fif14)
    opening = REASONING_CUE + OPENINGS["arousal"]
    result = assistant.ask(Conversation([context]), "Is arousal high or low in this recording?", params)
    assert result.text.startswith(opening) and result.extra["route"]["kind"] == "arousal"
    assert result.extra["route"]["probability"] >= MIN_PROBABILITY
    conversation = Conversation([context])
    streamed = list(assistant.stream(conversation, "Which channels were noisy and dropped?", params))
    assert streamed[0].startswith(REASONING_CUE + OPENINGS["bad_channels"])
    assert conversation.turns[-1].answer.startswith(REASONING_CUE + OPENINGS["bad_channels"])
    # Not sure, several recordings, routing off, or a checkpoint before instruction tuning: the model alone.
    for ask in (lambda a: a.ask(Conversation([context]), "Tell me a joke.", params),
                lambda a: a.ask(Conversation([context, context]), "Which is more aroused?", params),
                lambda a: Assistant(instruct_checkpoint, engine=vllm_engine, routing=False).ask(
                    Conversation([context]), "Is arousal high or low in this recording?", params),
                lambda a: Assistant(tiny_checkpoint, engine=vllm_engine).ask(
                    Conversation([context]), "Is arousal high or low in this recording?", params)):
        assert "route" not in ask(assistant).extra


def test_ask_json_names_the_route_and_no_routing_turns_it_off(instruct_checkpoint, fif14):
    from test_evidence_limits import run_cli

    env = {"EEGREASON_HOME": os.environ["EEGREASON_HOME"]}
    common = ("ask", str(fif14), "How clean is the signal in this recording?", "--checkpoint",
              str(instruct_checkpoint), "--engine", "transformers", "--max-tokens", "8", "--json")
    routed = run_cli(*common, env_extra=env)
    assert routed.returncode == 0, routed.stderr[-2000:]
    payload = json.loads(routed.stdout[routed.stdout.index("{"):])
    assert payload["route"]["kind"] == "quality"
    assert payload["answer"].startswith(REASONING_CUE + OPENINGS["quality"])
    assert parse_answer(payload["answer"]).reasoning.startswith(OPENINGS["quality"])
    # The tiny model never reaches an Answer line in 8 tokens: the loop guard writes one under the
    # routed kind's pattern, and the output says so, keeping the model's own text.
    assert payload["label"] in ("quality good", "quality fair", "quality poor")
    assert payload["loop_guard"]["raw_text"].startswith(REASONING_CUE + OPENINGS["quality"])
    assert payload["answer_line_guard"] is None
    alone = run_cli(*common, "--no-routing", env_extra=env)
    assert alone.returncode == 0, alone.stderr[-2000:]
    assert json.loads(alone.stdout[alone.stdout.index("{"):])["route"] is None
    plain = run_cli(*common[:-1], env_extra=env)  # without --json: the reading is said above the answer
    assert plain.returncode == 0, plain.stderr[-2000:]
    assert f"[question read as: quality, router {payload['route']['probability']:.2f}]" in plain.stdout


def test_batch_answers_and_evaluation_items_carry_the_route(instruct_checkpoint, vllm_engine, fif14, tmp_path):
    from serve.assistant import Assistant
    from serve.batch import answer_batch, read_batch
    from serve.engines import GenerationParams

    rows = [{"recording": str(fif14), "question": "Was the person wound up or calm?"},
            {"recording": str(fif14), "question": "Tell me a joke."}]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("".join(json.dumps(row) + "\n" for row in rows))
    records = []
    assistant = Assistant(instruct_checkpoint, engine=vllm_engine)
    assert answer_batch(assistant, read_batch(batch), GenerationParams(max_tokens=8), records.append, progress=False) == 0
    assert records[0]["route"]["kind"] == "arousal" and records[0]["answer"].startswith(records[0]["route"]["opening"])
    assert records[1]["route"] is None


def test_evaluation_summarises_how_often_the_router_was_sure_and_right():
    from evaluation.summary import _free

    def result(kind, route_kind, as_asked):
        route = {"kind": route_kind, "probability": 0.9, "opening": "x"} if route_kind else None
        return {"kind": kind, "answered_as_asked": as_asked, "correct": as_asked, "target": "t",
                "encoder_correct": None, **({"route": route} if route else {})}

    free = _free([result("arousal", "arousal", True), result("valence", "arousal", False),
                  result("quality", None, True), result("summary", "summary", True)])
    assert free["routed"] == 0.75 and free["routed_as_asked"] == 2 / 3
    assert "routed" not in _free([result("quality", None, True)])  # a run answered by the model alone
