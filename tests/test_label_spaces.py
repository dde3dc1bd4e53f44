"""Every label set a released dataset brings (SEED's three valence classes, SEED-IV's four and SEED-V's
five emotions, DEAP/DREAMER's high/low ratings and quadrants) runs through the same item builder,
rationales, parser, claim checker and metrics as the seven synthetic emotions."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from encoders.labels import LABEL_SPACES, SEVEN_EMOTIONS, arousal_class, space_of, valence_class
from training.config import CohortSpec
from training.instruction_data import TaskMix

TINY_COHORT = CohortSpec(seed=4, subjects=3, trials_per_emotion=1, montage="1020-19", trial_seconds=16.0)
MIX = TaskMix(emotion=6, valence_arousal=4, compare=4, rank=3, scenario=4, record=3, abstain=3, no_pattern=3,
              free=26, conversation=2, align=8)


def _class_of(space, trial) -> str | None:
    """The trial's class in `space`, from the synthetic truth (None: not a class of the set)."""
    if space.emotions:
        return trial.emotion if trial.emotion in space.labels else None
    high_v, high_a = trial.valence > 0, trial.arousal > 0
    return {"valence-3": valence_class(trial.valence), "valence-2": f"{'high' if high_v else 'low'} valence",
            "arousal-2": f"{'high' if high_a else 'low'} arousal"}.get(
        space.name, f"{'high' if high_v else 'low'} valence, {'high' if high_a else 'low'} arousal")


@pytest.fixture(scope="module")
def tables():
    from encoders.analysis import FeatureConfig
    from training.feature_table import cohort_table

    table = cohort_table(TINY_COHORT.cohort(), FeatureConfig(), progress=False)
    degraded = cohort_table(TINY_COHORT.cohort(), FeatureConfig(), progress=False, degraded_share=0.5)
    return table, degraded


def _sources(tables, space, seed=0):
    from training.instruction_data import Sources

    table, degraded = tables
    trials = []
    for t in table.trials:
        label = _class_of(space, t)
        if label is None:
            continue
        # a dimension the set does not place is unknown for its trials (SEED has no arousal)
        valence = t.valence if space.value(label, "valence") is not None else float("nan")
        arousal = t.arousal if space.value(label, "arousal") is not None else float("nan")
        trials.append(replace(t, emotion=label, valence=valence, arousal=arousal,
                              info=replace(t.info, label=space.labels.index(label))))
    rng = np.random.default_rng(seed)
    probabilities = {tuple(t.key): rng.dirichlet(np.ones(len(space.labels))) for t in trials}
    return Sources(replace(table, trials=trials), degraded, table.fit_reference(table.trials, "test"), probabilities,
                   {}, {}, space), trials


@pytest.mark.parametrize("name", sorted(LABEL_SPACES))
@pytest.mark.parametrize("targets", ["encoder", "truth"])
def test_targets_parse_conclude_and_hold_in_every_label_set(tables, name, targets):
    from evaluation.scoring import score_item
    from prompts.templates import load_template
    from training.instruction_data import build_items, supported_tasks

    space = LABEL_SPACES[name]
    sources, trials = _sources(tables, space)
    items = build_items(sources, trials, MIX, load_template(), seed=3, degraded_trials=tables[1].trials,
                        targets=targets)
    tasks = {item["task"] for item in items}
    assert tasks - {"align_emotion", "align_dimensions", "align_band", "align_quality", "conversation"} \
        <= set(supported_tasks(space))
    checked = 0
    for item in items:
        assert item["label_space"]["labels"] == list(space.labels)
        if item["task"].startswith("align") or item["task"] == "conversation":
            continue
        result = score_item(item, item["messages"][2]["content"])
        assert result["parsed"]["well_formed"] and result["correct"], (item["id"], result["parsed"])
        if item["task"] == "free":
            assert result["answered_as_asked"], (item["kind"], result["parsed"]["answer"])
        else:
            assert result["consistent"], (item["id"], result["conclusion"], item["answer"])
        # A true winner, order or situation can go against the encoder's; the reference then says so
        # in its conclusion, the one claim that may fail (and only there).
        against = {"compare": "comparison_winner", "rank": "rank_order", "scenario": "situation_fit"}
        against_evidence = against.get(item["task"]) if targets == "truth" else None
        failing = [c for c in result["claims"] if not c["holds"] and c["kind"] != against_evidence]
        assert not failing, failing
        checked += 1
    assert checked > 20
    answers = {item["answer"] for item in items if item["task"] == "emotion"}
    assert answers and answers <= set(space.labels)


def test_tasks_follow_what_a_label_set_can_say():
    from prompts.questions import free_kinds
    from training.instruction_data import supported_tasks

    seed, deap_valence = LABEL_SPACES["valence-3"], LABEL_SPACES["valence-2"]
    assert "valence_arousal" not in supported_tasks(seed) and "scenario" not in supported_tasks(seed)
    assert {"compare", "rank", "emotion", "free"} <= set(supported_tasks(seed))
    assert "arousal" not in free_kinds(seed) and "valence" in free_kinds(seed)
    assert "arousal" not in free_kinds(deap_valence)
    # arousal-2's classes are the arousal answers themselves: its arousal question is its class question
    assert "arousal" not in free_kinds(LABEL_SPACES["arousal-2"])
    assert "valence_arousal" in supported_tasks(LABEL_SPACES["quadrants-4"])
    assert "scenario" in supported_tasks(LABEL_SPACES["emotions-4"])
    assert set(supported_tasks(SEVEN_EMOTIONS)) >= {"scenario", "valence_arousal", "compare"}


def test_questions_name_the_label_sets_classes(tables):
    from prompts.templates import load_template
    from training.instruction_data import build_items

    space = LABEL_SPACES["valence-3"]
    sources, trials = _sources(tables, space)
    items = build_items(sources, trials, TaskMix(emotion=12), load_template(), seed=1)
    questions = [item["messages"][1]["content"].splitlines()[-1] for item in items]
    assert all("negative, neutral or positive" in q for q in questions), questions
    # the seven emotions keep their own phrasings
    sources7, trials7 = _sources(tables, SEVEN_EMOTIONS)
    seven = build_items(sources7, trials7, TaskMix(emotion=12), load_template(), seed=1)
    assert not any("negative, neutral or positive" in item["messages"][1]["content"] for item in seven)
    quadrants = LABEL_SPACES["quadrants-4"].options()
    assert quadrants.count('"') == 8 and quadrants.endswith('or "high valence, high arousal"')


def test_class_conclusions_are_read_in_the_label_set():
    from prompts.rationale import conclusion_agrees, conclusion_of

    deap = LABEL_SPACES["valence-2"]
    text = "The pattern match leads with high valence (62%). Overall the EEG pattern fits High Valence best."
    assert conclusion_of(text, "emotion", deap.labels) == "high valence"
    assert conclusion_of(text, "emotion") is None  # not an emotion of the seven
    assert conclusion_agrees("high valence", "positive valence", space=deap)
    assert not conclusion_agrees("high valence", "low valence", space=deap)
    seed = LABEL_SPACES["valence-3"]
    assert conclusion_of("Overall the EEG pattern fits negative best.", "emotion", seed.labels) == "negative"
    assert conclusion_agrees("negative", "negative valence, high arousal", space=seed)


def test_a_valence_arousal_answer_is_not_read_as_the_class_neutral():
    from prompts.answer_format import parse_answer

    text = "Reasoning: Rating valence and arousal.\nAnswer: neutral valence, low arousal\nConfidence: 0.5"
    assert parse_answer(text).answer == "neutral valence, low arousal"
    assert parse_answer(text.replace("neutral valence, low arousal", "neutral.")).answer == "neutral"


def test_probability_claims_are_read_with_the_sets_class_names(tables):
    from encoders.evidence import label_probabilities
    from prompts.claims import check_text

    space = LABEL_SPACES["valence-3"]
    sources, trials = _sources(tables, space)
    ev = sources.table.evidence(trials[0], sources.reference, label_probabilities([0.2, 0.3, 0.5], space.labels))
    right = check_text("The pattern match rates it closest to positive (50%), then neutral (30%).", ev)
    wrong = check_text("The pattern match rates it closest to negative (50%), then neutral (30%).", ev)
    assert [c.holds for c in right if c.kind == "probability"] == [True, True]
    assert any(c.kind == "rank" and not c.holds for c in wrong) and any(
        c.kind == "probability" and c.subject == "negative" and not c.holds for c in wrong)
    # "positive valence" is a dimension, not the class "positive"
    assert not [c for c in check_text("Frontal alpha asymmetry is +0.31, a sign of positive valence.", ev)
                if c.kind in ("probability", "rank")]


def test_metrics_use_the_items_label_set(tables):
    from evaluation.scoring import score_item
    from evaluation.summary import compute_metrics
    from prompts.templates import load_template
    from training.instruction_data import build_items

    space = LABEL_SPACES["valence-3"]
    sources, trials = _sources(tables, space)
    items = build_items(sources, trials, TaskMix(emotion=9), load_template(), seed=2, targets="truth")
    results = []
    for i, item in enumerate(items):
        # every third answer names a wrong class: accuracy 2/3 by construction
        answer = item["answer"] if i % 3 else next(x for x in space.labels if x != item["answer"])
        text = item["messages"][2]["content"].replace(f"Answer: {item['answer']}", f"Answer: {answer}")
        results.append(score_item(item, text))
    metrics = compute_metrics(results)
    assert metrics["tasks"]["emotion"]["labels"] == list(space.labels)
    assert np.array(metrics["tasks"]["emotion"]["confusion_matrix"]).shape == (3, 3)
    assert metrics["accuracy"] == pytest.approx(6 / 9)


def test_a_checkpoints_label_set_is_recovered_from_its_labels():
    assert space_of(["negative", "neutral", "positive"]).name == "valence-3"
    assert space_of(None) == SEVEN_EMOTIONS
    custom = space_of(["calm", "tense"])
    assert custom.labels == ("calm", "tense") and custom.dimensions == ()
    # Emotions in an order of their own (a pattern match listed most likely first) keep their places.
    reordered = space_of(["fear", "happy", "sad"])
    assert reordered.dimensions == ("valence", "arousal") and reordered.emotions
    assert reordered.class_on("fear", "arousal") == "high" and reordered.class_on("happy", "valence") == "positive"
    assert space_of(["x"], LABEL_SPACES["arousal-2"].to_dict()).name == "arousal-2"
    assert arousal_class(LABEL_SPACES["arousal-2"].value("high arousal", "arousal")) == "high"
