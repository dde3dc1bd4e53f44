"""The encoder's order of several recordings (shown under them, cited by comparison and ranking
answers, held to by the checker) and the situation pick checked against the reasoning's readings.
The phrasings below are written apart from the rationale templates: other writers, other shapes."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pattern_evidence import good_evidence, with_probabilities

from encoders.evidence import Evidence
from encoders.labels import LABEL_SPACES
from prompts.claims import check_text
from prompts.claims.between import check_reasoning
from prompts.ordering import encoder_order, expected_value, order_lines
from prompts.templates import load_template


@pytest.fixture
def base() -> Evidence:
    return good_evidence()


def test_classes_order_first_and_the_full_pattern_match_breaks_a_tie(base):
    sad = with_probabilities(base, sad=0.5, fear=0.3, happy=0.2)       # negative; expected valence pulled up by happy
    anger = with_probabilities(base, anger=0.6, disgust=0.3, fear=0.1)  # negative
    assert expected_value(sad, "valence") > expected_value(anger, "valence")
    assert encoder_order([anger, sad], "valence") == [2, 1]
    leaning = with_probabilities(base, sad=0.4, happy=0.35, surprise=0.25)  # negative class, expected valence above zero
    happy = with_probabilities(base, happy=0.34, sad=0.33, fear=0.33)       # positive class, expected valence below zero
    assert expected_value(happy, "valence") < 0 < expected_value(leaning, "valence")
    assert encoder_order([leaning, happy, anger], "valence") == [2, 1, 3]  # the class decides before the value
    assert encoder_order([happy, replace(base, pattern=[], probabilities={})], "valence") is None


def test_order_lines_name_each_class_and_say_when_there_is_no_order(base):
    sad, happy = with_probabilities(base, sad=0.6, neutral=0.4), with_probabilities(base, happy=0.7, surprise=0.3)
    assert order_lines([sad, happy]) == [
        "- valence, highest first (encoder): recording 2 (positive), recording 1 (negative)",
        "- arousal, highest first (encoder): recording 2 (high), recording 1 (low)"]
    assert order_lines([sad]) == []
    # One class for both: the line says so, and that the rest of the pattern match orders them.
    fear = with_probabilities(base, fear=0.7, anger=0.3)
    assert order_lines([sad, fear], shared_clause=True)[0] == (
        "- valence, highest first (encoder): recording 1 (negative), recording 2 (negative); both negative valence, so "
        "the rest of the pattern match decides")
    assert order_lines([sad, fear])[0].endswith("recording 2 (negative)")  # chat-v2's line, as its checkpoints learnt it
    assert order_lines([sad, fear, happy])[0].endswith("recording 3 (positive), recording 1 (negative), recording 2 (negative)")
    blind = replace(base, pattern=[], probabilities={})
    assert order_lines([sad, blind])[0] == "- valence: no encoder order (no pattern match for recording 2)"
    # A label set without arousal placements orders on valence only.
    seed3 = LABEL_SPACES["valence-3"]
    lows = [with_probabilities(base, **{seed3.labels[0]: 0.8, seed3.labels[-1]: 0.2}), with_probabilities(base, **{seed3.labels[-1]: 0.9, seed3.labels[0]: 0.1})]
    assert [line.split(",")[0] for line in order_lines(lows, seed3)] == ["- valence"]


def test_only_templates_with_a_between_field_show_the_order(base):
    lines = order_lines([with_probabilities(base, sad=1.0), with_probabilities(base, happy=1.0)])
    v3, v2, v1 = load_template("chat-v3"), load_template("chat-v2"), load_template("chat-v1")
    assert v2.shows_order and not v1.shows_order
    assert v3.shows_order and v3.shared_class_clause and not v2.shared_class_clause and not v1.shared_class_clause
    shown = v2.user_turn(["EEG 1: <eeg>", "EEG 2: <eeg>"], "Which is more positive?", lines)
    assert "Between the recordings:\n- valence, highest first (encoder): recording 2 (positive)" in shown
    assert shown.index("Between") < shown.index("Question:")
    assert "Between" not in v1.user_turn(["EEG 1: <eeg>", "EEG 2: <eeg>"], "Which is more positive?", lines)


@pytest.mark.parametrize("change, message", [
    ({"shared_class_clause": "yes"}, "must be true or false"),  # a quoted YAML flag would read as on
    ({"between": ""}, "between must be a non-empty text"),
    ({"system": None}, "system must be a non-empty text"),
    ({"shared_class_clase": True}, "unknown fields"),  # a misspelt flag would be silently ignored
    ({"version": "chat-v9"}, "declares version"),
])
def test_a_template_file_with_a_wrong_field_is_refused_saying_which(change, message):
    import yaml
    from importlib import resources

    from encoders.errors import ConfigError
    from prompts.templates import template_from_data

    data = yaml.safe_load((resources.files("prompts") / "templates" / "chat-v3.yaml").read_text(encoding="utf-8"))
    assert template_from_data("chat-v3", dict(data)) == load_template("chat-v3")
    with pytest.raises(ConfigError, match=message):
        template_from_data("chat-v3", {**data, **change})


def test_a_template_file_that_is_not_a_mapping_is_refused():
    from encoders.errors import ConfigError
    from prompts.templates import template_from_data

    for data in (None, ["system: x"], "version: chat-v3"):
        with pytest.raises(ConfigError, match="not a mapping of fields"):
            template_from_data("chat-v3", data)

# Recording 1 sad (negative, low), recording 2 fear (negative, high), recording 3 happy (positive, high).
@pytest.mark.parametrize("text, holds", [
    ("Ranking by valence. So the order is 3, 1, 2.", True),
    ("Ranking by valence. So the order is 3, 2, 1.", False),  # the tie between the two negatives, broken the wrong way
    ("Ranked on arousal, the order is 2, 3, 1.", True),
    ("Ranked on arousal, the order is 3, 2, 1.", False),
    ("The encoder's valence order is 1, 3, 2.", False),
    ("Most pleasant first, the ranking is 3 > 1 > 2 by valence.", True),
    ("The encoder's valence order, highest first: recording 3 (positive), recording 1 (negative), recording 2 (negative).", True),
    ("The encoder's valence order, highest first: recording 3 (positive), recording 1 (neutral), recording 2 (negative).", False),
    ("The encoder's arousal order, highest first: recording 3 (high), recording 2 (high), recording 1 (low).", False),
])
def test_a_ranking_is_held_to_the_encoders_order(base, text, holds):
    recordings = [with_probabilities(base, sad=0.7, fear=0.2, neutral=0.1), with_probabilities(base, fear=0.7, anger=0.2, sad=0.1),
                  with_probabilities(base, happy=0.8, surprise=0.2)]
    found = [c for c in check_reasoning(text, recordings) if c.kind == "rank_order"]
    assert [c.holds for c in found] == [holds], found


def test_a_ranking_with_no_dimension_named_is_not_claimed_checkable(base):
    recordings = [with_probabilities(base, sad=1.0), with_probabilities(base, fear=1.0), with_probabilities(base, happy=1.0)]
    assert [c for c in check_reasoning("So the order is 3, 1, 2.", recordings) if c.kind == "rank_order"] == []


@pytest.mark.parametrize("text, holds", [
    # the template's shape, right and wrong
    ("Overall the EEG pattern fits sad best. Situations: surprise for A, sad for B, fear for C. Sad is for B, "
     "so situation B fits best.", True),
    ("Overall the EEG pattern fits sad best. Situations: surprise for A, sad for B, fear for C. Sad is for B, "
     "so situation C fits best.", False),
    # the previous shape
    ("Overall the EEG pattern fits happy best. Situation A reads as happy, B as fear, C as anger. "
     "So situation C fits best.", False),
    ("Overall the EEG pattern fits anger best. Situation A reads as happy, B as fear, C as anger. "
     "So situation C fits best.", True),
    # other writers
    ("The recording suggests fear. Option C (a horror film) would evoke fear, option A evokes joy; "
     "option C fits best.", True),
    ("The EEG fits disgust best. Situation B goes with disgust and situation A is associated with surprise, "
     "so situation A fits best.", False),
    ("Everything fits fearful best here. Situation C, a storm at sea, reads as fear? No: situation C evokes "
     "fearful, so situation C matches best.", True),
    ("Pattern fits happiness best. Situation A evokes sadness, situation B evokes anger. Situation B fits best.", False),
])
def test_a_situation_pick_is_held_to_the_readings_the_reasoning_gave(base, text, holds):
    found = [c for c in check_text(text, base) if c.kind == "situation_choice"]
    assert [c.holds for c in found] == [holds], found


def test_a_pick_with_no_readings_or_no_fitted_emotion_is_not_claimed_checkable(base):
    assert [c for c in check_text("Situation B fits best.", base) if c.kind == "situation_choice"] == []
    assert [c for c in check_text("Situation A evokes joy. Situation A fits best.", base)
            if c.kind == "situation_choice"] == []


def test_every_claim_of_a_generated_ranking_and_situation_pick_holds(base):
    import random

    from prompts.rationale import conclusion_of, rank_rationale, scenario_rationale

    recordings = [with_probabilities(base, sad=0.7, fear=0.2, neutral=0.1), with_probabilities(base, fear=0.7, anger=0.2, sad=0.1),
                  with_probabilities(base, happy=0.8, surprise=0.2)]
    for dimension in ("valence", "arousal"):
        order = encoder_order(recordings, dimension)
        text = rank_rationale(recordings, dimension, order, shown=order)
        checked = check_reasoning(text, recordings)
        assert [c.kind for c in checked].count("rank_order") == 2
        assert all(c.holds for c in checked), [c for c in checked if not c.holds]
        assert conclusion_of(text, "rank") == ", ".join(map(str, order))
    fear = with_probabilities(base, fear=0.6, anger=0.3, sad=0.1)
    text = scenario_rationale(fear, "fear", "C", ["happy", "neutral", "fear"], random.Random(0))
    checked = check_text(text, fear)
    assert ("situation_choice", True) in [(c.kind, c.holds) for c in checked]
    assert all(c.holds for c in checked), [c for c in checked if not c.holds]
    assert conclusion_of(text, "scenario") == "C"


def test_a_situation_rationale_walks_down_the_pattern_match_only_where_it_leads(base):
    import random

    from prompts.rationale import scenario_rationale

    ev = with_probabilities(base, disgust=0.4, anger=0.25, fear=0.2, sad=0.1, happy=0.05)
    options = ["fear", "sad", "anger"]  # disgust, the first, is no situation's; anger is the first that is
    walked = scenario_rationale(ev, "anger", "C", options, random.Random(0))
    assert "fits disgust best" in walked
    assert "Disgust is not among them; anger, second in the pattern match, is. Of these the EEG fits anger best." in walked
    third = scenario_rationale(ev, "fear", "A", ["fear", "sad", "happy"], random.Random(0))
    assert "Disgust and anger are not among them; fear, third in the pattern match, is." in third
    below = scenario_rationale(ev, "sad", "A", ["sad", "happy", "surprise"], random.Random(0))
    assert "None of the pattern match's emotions is among them. Of these the EEG fits sad best." in below
    # A conclusion against the pattern match (a reference written from the truth) walks nowhere.
    against = scenario_rationale(ev, "fear", "A", options, random.Random(0))
    assert "not among them" not in against and "Of these" not in against and "fits fear best" in against
    for text, fitted in ((walked, ev), (third, ev), (below, ev)):
        checked = check_text(text, fitted)
        assert ("situation_fit", True) in [(c.kind, c.holds) for c in checked]
        assert all(c.holds for c in checked), [c for c in checked if not c.holds]
    assert ("situation_fit", False) in [(c.kind, c.holds) for c in check_text(against, ev)]


def test_each_checkpoint_is_served_the_evidence_and_order_lines_of_its_template(tiny_checkpoint, fif14, tmp_path):
    import shutil

    from projector.checkpoint import update_checkpoint
    from serve.assistant import Assistant, Conversation

    versions = {}
    for version in ("chat-v2", "chat-v3", "chat-v4"):
        versions[version] = tmp_path / version
        shutil.copytree(tiny_checkpoint, versions[version])
        update_checkpoint(versions[version], prompt_template=version)
    # The same recording twice: one class on both dimensions. Only chat-v3 checkpoints on learnt the
    # line that says so, and only chat-v4 ones the valence and arousal read-out in each evidence; a
    # checkpoint is served the lines it was trained on.
    for checkpoint, shown, clause, readout in ((versions["chat-v2"], True, False, False),
                                               (versions["chat-v3"], True, True, False),
                                               (versions["chat-v4"], True, True, True),
                                               (tiny_checkpoint, False, False, False)):
        assistant = Assistant(checkpoint, start_engine=False)
        first, second = assistant.analyse(fif14), assistant.analyse(fif14, display_name="again.fif")
        user = assistant.messages(Conversation([first, second]), "Which is calmer?")[1]["content"]
        assert ("Between the recordings:" in user) is shown, user
        assert ("so the rest of the pattern match decides" in user) is clause, user
        assert "summed over the pattern match" not in user  # the order lines serve several recordings
        single = assistant.messages(Conversation([first]), "Calm or aroused?")[1]["content"]
        assert ("valence and arousal (encoder, summed over the pattern match)" in single) is readout, single
        assert user.count("EEG 1:") == 1 and user.count("EEG 2:") == 1
        single = assistant.messages(Conversation([first]), "How does this person feel?")[1]["content"]
        assert "Between" not in single


@pytest.mark.parametrize("text, holds", [
    ("The encoder's valence order puts recording 2 first.", True),   # happy above neutral above sad
    ("The encoder's valence order puts recording 3 first.", False),
    ("The encoder's valence order puts recording 1 last.", True),
    ("The encoder's valence order puts recording 3 last.", False),
    ("If the valence order puts recording 3 first, the rest decides.", None),  # a condition
])
def test_first_or_last_in_the_order_of_three_is_held_to_the_encoders_order(base, text, holds):
    trio = [with_probabilities(base, sad=0.7, neutral=0.3), with_probabilities(base, happy=0.7, surprise=0.3),
            with_probabilities(base, neutral=0.6, sad=0.4)]
    found = [c.holds for c in check_reasoning(text, trio) if c.kind == "comparison_winner"]
    assert found == ([] if holds is None else [holds])


@pytest.mark.parametrize("text", [
    "Recording 1: the pattern match's top class is sad (54%).",
    "Recording 2: closest to happy (53%), a sign of higher arousal.",
    "Recording 2 has a higher match to sad than recording 1.",
    "Recording 1 has higher frontal alpha power than recording 2, which leads nowhere.",
    "Recording 2's asymmetry is more positive than recording 1's.",
])
def test_sentences_about_one_recording_or_its_features_are_no_ordering(base, text):
    pair = [with_probabilities(base, sad=0.6, neutral=0.4), with_probabilities(base, happy=0.7, surprise=0.3)]
    assert [c for c in check_reasoning(text, pair) if c.kind == "comparison_winner"] == []


def test_a_class_cited_beside_any_name_of_a_recording_is_read_and_held_to_it(base):
    from prompts.claims.order_words import cited_classes

    sentence = "Arousal order, highest first: trace 2 (high), R1 (low) — recording 3 (54%)."
    bare, cited = cited_classes(sentence)
    assert cited == [(2, "high"), (1, "low")]  # a percentage is not a class
    assert len(bare) == len(sentence) and "(high)" not in bare and "(54%)" in bare
    sad, fear = with_probabilities(base, sad=0.7, neutral=0.3), with_probabilities(base, fear=0.6, anger=0.4)
    right = [c.holds for c in check_reasoning("Arousal order, highest first: trace 2 (high), R1 (low).", [sad, fear])
             if c.kind == "rank_order"]
    wrong = [c for c in check_reasoning("Arousal order, highest first: trace 2 (high), R1 (high).", [sad, fear])
             if c.kind == "rank_order"]
    assert right == [True] and [c.holds for c in wrong] == [False]
    assert wrong[0].why == "recording 1's pattern match has low arousal, not high"
