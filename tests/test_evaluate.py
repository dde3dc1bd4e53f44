"""Batch evaluation: the faithfulness checker, consistency, resuming, a tiny end-to-end run."""

from __future__ import annotations

import json

import pytest

from encoders.evidence import Evidence, Finding
from prompts.claims import extract_claims
from prompts.rationale import conclusion_of
from prompts.claims.between import check_reasoning


@pytest.fixture
def evidence():
    return Evidence("evidence-v1", True, 32.0, 62, "good", ["30 of 32 s usable"], 30.0, 32.0, [], 0.21, "left",
                    {"temporal": {"beta": 1.23, "gamma": 0.4}, "frontal": {"theta": -1.4}}, "ref",
                    [Finding("quality", "good", 0.94), Finding("band:temporal:beta", "elevated", 1.23),
                     Finding("band:frontal:theta", "reduced", -1.4), Finding("faa", "left", 0.21)])


@pytest.mark.parametrize("text, holds", [
    ("Frontal alpha asymmetry of +0.21 favours the left hemisphere.", True),
    ("Frontal alpha asymmetry is +0.21, favouring the left hemisphere.", True),
    ("Frontal alpha asymmetry of +0.21 favours the right hemisphere.", False),  # wrong side
    ("Frontal alpha asymmetry of +0.35 favours the left hemisphere.", False),  # invented number
    ("Frontal alpha asymmetry is balanced.", False),
    ("Temporal beta power is elevated (z +1.2).", True),
    ("Temporal beta power is reduced (z -1.2).", False),
    ("Temporal beta power is elevated (z +2.0).", False),  # right direction, wrong number
    ("Temporal gamma power is typical.", True),
    ("Frontal theta power is elevated.", False),
    ("Occipital alpha power is elevated.", False),  # no measurement for that region
    ("Signal quality is good (30 of 32 s usable).", True),
    ("Signal quality is poor (30 of 32 s usable).", False),
    ("Signal quality is good (12 of 32 s usable).", False),
])
def test_claims_are_checked_against_the_evidence(evidence, text, holds):
    checked = check_reasoning(text, [evidence])
    assert checked, text
    assert all(c.holds for c in checked) is holds, [c.why for c in checked]


def test_claims_about_several_recordings_are_checked_against_the_right_one(evidence):
    other = Evidence.from_dict({**evidence.to_dict(), "faa": -0.3, "faa_direction": "right"})
    text = ("In recording 1, frontal alpha asymmetry of +0.21 favours the left hemisphere. "
            "In recording 2, frontal alpha asymmetry of -0.30 favours the right hemisphere. "
            "Recording 1 shows the more positive state.")
    checked = check_reasoning(text, [evidence, other])
    assert [c.holds for c in checked] == [True, True]
    swapped = check_reasoning(text, [other, evidence])
    assert [c.holds for c in swapped] == [False, False]


def test_reasoning_without_claims_has_nothing_to_check():
    assert extract_claims("The person seems happy because they smile.") == []


@pytest.mark.parametrize("reasoning, conclusion", [
    ("Quality good. Overall the EEG pattern fits sad best.", "sad"),
    ("The recording is too poor to judge the emotion.", "cannot tell"),
    ("Overall this suggests positive valence and high arousal.", "positive valence, high arousal"),
    ("Recording 2 shows the higher arousal.", "recording 2"),
    ("The order is 3, 1, 2.", "3, 1, 2"),
    ("It fits happy best. Situation B fits best.", "B"),
    ("No conclusion here.", None),
    # paraphrases a small model writes instead of the template sentence
    ("Overall this suggests surprise.", "surprise"),
    ("Overall this suggests negative valence.", "negative valence"),  # one dimension only
    ("Overall the recording has negative valence and high arousal.", "negative valence, high arousal"),
    ("The valence evidence points to negative valence.", None),  # evidence, not a conclusion
    ("Overall the valence is positive, with high arousal.", "positive valence, high arousal"),
    ("Recording 1 shows the most positive state. Recording 2 has the highest valence.", "recording 2"),
    ("Recording 1 shows higher arousal.", "recording 1"),
])
def test_conclusions_are_read_from_reasoning(reasoning, conclusion):
    assert conclusion_of(reasoning) == conclusion


def test_only_sentences_that_answer_the_task_count_as_its_conclusion():
    text = "Recording 2 has the higher valence. Overall the results favour positive valence."
    assert conclusion_of(text) == "positive valence"
    assert conclusion_of(text, "compare") == "recording 2"
    assert conclusion_of("The order is 3, 1, 2. Overall the EEG pattern fits sad best.", "rank") == "3, 1, 2"
    assert conclusion_of("Overall the EEG pattern fits sad best. So situation C fits best.", "scenario") == "C"
    assert conclusion_of("Recording 2 has the higher valence.", "emotion") is None


@pytest.mark.parametrize("text, concluded", [
    ("Overall this suggests surprise, a positive emotion.", "surprise"),
    ("Overall this suggests disgust is the closest match of the EEG pattern (approach, positive valence).", "disgust"),
    ("All told, the recording suggests fear is the most likely emotion.", "fear"),
    ("Overall this suggests negative valence and high arousal.", "negative valence, high arousal"),
    ("Overall this suggests happy valence.", None),            # no class and no valence: nothing concluded
    ("The pattern suggests sadness, but the quality is poor.", None),  # not a label of the set
])
def test_an_emotion_conclusion_is_read_from_its_paraphrases(text, concluded):
    assert conclusion_of(text) == concluded


def test_a_situation_answer_is_its_letter_and_an_emotion_stays_an_emotion():
    from evaluation.scoring import _normalised_answer

    assert [_normalised_answer("scenario", a) for a in ("b", "(c)", "a) the party", "situation b", "option c.")] == \
        ["B", "C", "A", "B", "C"]
    assert _normalised_answer("scenario", "fear") == "fear"  # not the letter F
    assert _normalised_answer("scenario", "a surprise party") == "a surprise party"


@pytest.mark.parametrize("conclusion, answer, options, agrees", [
    ("fear", "fear", None, True),
    ("fear", "anger", None, False),
    ("fear", "negative valence, high arousal", None, True),   # same classes in the other vocabulary
    ("negative valence, low arousal", "fear", None, False),
    ("neutral valence, low arousal", "neutral", None, True),
    ("happy", "B", ["sad", "happy", "fear"], True),           # the chosen situation's emotion
    ("happy", "C", ["sad", "happy", "fear"], False),
    ("happy", "B", None, False),                              # no options known: no reading across
    ("recording 1", "recording 2", None, False),
    ("negative valence", "sad", None, True),                  # one stated dimension, and it agrees
    ("negative valence", "happy", None, False),
    ("negative valence", "negative valence, high arousal", None, True),
    ("positive valence", "negative valence, high arousal", None, False),
    (None, "fear", None, False),
])
def test_conclusion_agreement_is_judged_by_meaning(conclusion, answer, options, agrees):
    from prompts.rationale import conclusion_agrees

    assert conclusion_agrees(conclusion, answer, options) is agrees


def test_scoring_judges_consistency_and_correctness():
    from evaluation.scoring import score_item

    item = {"id": "x", "task": "emotion", "subjects": [1], "answer": "happy", "evidence": [],
            "messages": [], "recordings": []}
    good = score_item(item, "Reasoning: Overall the EEG pattern fits happy best.\nAnswer: happy\nConfidence: 0.6")
    assert good["correct"] and good["consistent"] and good["parsed"]["well_formed"]
    contradicted = score_item(item, "Reasoning: Overall the EEG pattern fits sad best.\nAnswer: happy\nConfidence: 0.6")
    assert contradicted["correct"] and not contradicted["consistent"]
    babble = score_item(item, "happy happy")
    assert not babble["parsed"]["well_formed"] and not babble["correct"]


def test_free_questions_are_scored_for_answering_the_question_asked(evidence):
    from evaluation.scoring import score_item
    from evaluation.summary import compute_metrics

    def item(kind, answer):
        out = {"id": f"f-{kind}", "task": "free", "kind": kind, "subjects": [1], "answer": answer,
               "evidence": [evidence.to_dict()]}
        return {**out, "encoder_answer": "negative valence"} if kind == "valence" else out

    valence = item("valence", "positive valence")
    results = [
        score_item(valence, "Reasoning: Rating valence.\nAnswer: Positive valence\nConfidence: 0.6"),
        score_item(valence, "Reasoning: Judging the emotion.\nAnswer: happy\nConfidence: 0.6"),  # the template
        score_item(item("quality", "quality good"), "Reasoning: It is clean.\nAnswer: quality good\nConfidence: 0.9"),
    ]
    assert [r["answered_as_asked"] for r in results] == [True, False, True]
    assert [r["correct"] for r in results] == [True, False, True]
    free = compute_metrics(results)["tasks"]["free"]
    assert free["answered_as_asked"] == pytest.approx(2 / 3)
    assert free["valence_accuracy"] == pytest.approx(0.5) and free["encoder_valence_accuracy"] == 0.0
    assert free["per_kind"]["quality"]["accuracy"] == 1.0


def test_parse_rate_is_reported_with_and_without_the_loop_guard():
    from evaluation.summary import compute_metrics
    from evaluation.scoring import score_item

    item = {"id": "x", "task": "emotion", "subjects": [1], "answer": "happy", "evidence": [],
            "messages": [], "recordings": []}
    looping = "Reasoning: alpha points to happy; " + "beta points to sad, against the conclusion (mixed); " * 4
    results = [
        score_item(item, "Reasoning: Overall the EEG pattern fits happy best.\nAnswer: happy\nConfidence: 0.6"),
        score_item(item, "Reasoning: alpha points to happy; beta points to sad, against the conclusion (mixed)."
                         "\nAnswer: happy\nConfidence: 0.5", guarded_from=looping),
        score_item(item, "happy happy"),
    ]
    assert [r["loop_guard"] for r in results] == [False, True, False]
    assert results[1]["unguarded_output"] == looping
    metrics = compute_metrics(results, total_items=3)
    assert metrics["parse_rate"] == pytest.approx(2 / 3)
    assert metrics["parse_rate_unguarded"] == pytest.approx(1 / 3)
    assert metrics["loop_guard_repairs"] == 1


def answerer_for(config, engine=None):
    """What `eegreason evaluate` gives a run: the serving assistant, built once the run's checks pass."""
    from serve.assistant import answerer_for as build

    return build(config.checkpoint, config.engine, engine)


@pytest.fixture(scope="module")
def eval_config(tiny_checkpoint):
    from evaluation import EvalConfig

    return EvalConfig(checkpoint=str(tiny_checkpoint), cohort_seed=31, subjects=2, trials_per_emotion=1,
                      trial_seconds=16.0, montage="1020-19", pairs_per_fold=2, free_per_kind=1, max_tokens=12, batch_size=8,
                      engine={"backend": "transformers"})


def test_tiny_end_to_end_run_writes_everything(eval_config, hf_engine, tmp_path):
    from evaluation import run_evaluation

    metrics = run_evaluation(eval_config, tmp_path / "run", answerer_for(eval_config, hf_engine), progress=False)
    for name in ("config.json", "split.json", "items.jsonl", "results.jsonl", "metrics.json", "metrics.csv",
                 "report.html"):
        assert (tmp_path / "run" / name).exists(), name
    for key in ("accuracy", "balanced_accuracy", "macro_f1", "cohen_kappa", "confusion_matrix", "parse_rate",
                "consistency", "faithfulness", "ece", "abstain_on_poor", "zero_shot_scenario_accuracy", "tasks"):
        assert key in metrics
    assert set(metrics["tasks"]) >= {"emotion", "valence_arousal", "compare", "scenario", "abstain", "free"}
    assert len(metrics["tasks"]["free"]["per_kind"]) == 12 and "free_answered_as_asked" in metrics
    results = [json.loads(line) for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert len(results) == metrics["n_items"] and all(r["output"] is not None for r in results)
    assert "SYNTHETIC" in (tmp_path / "run" / "report.html").read_text()


def test_an_interrupted_run_resumes_to_the_same_metrics(eval_config, hf_engine, tmp_path):
    from evaluation import rescore, run_evaluation

    full = run_evaluation(eval_config, tmp_path / "full", answerer_for(eval_config, hf_engine), progress=False)
    run_evaluation(eval_config, tmp_path / "cut", answerer_for(eval_config, hf_engine), progress=False)
    results = (tmp_path / "cut" / "results.jsonl").read_text().splitlines()
    # Keep a third of the answers and half of the next line, as a killed process would leave them.
    kept = results[: len(results) // 3]
    (tmp_path / "cut" / "results.jsonl").write_text("\n".join(kept) + "\n" + results[len(kept)][:40])
    stale = json.loads(kept[0]) | {"claims": [{"kind": "stale", "text": "", "subject": "", "holds": False,
                                              "measured": "", "why": ""}]}
    (tmp_path / "cut" / "results.jsonl").write_text("\n".join([json.dumps(stale), *kept[1:]]) + "\n" + results[len(kept)][:40])
    partial = rescore(tmp_path / "cut")
    assert partial["n_items"] == len(kept) and not partial["complete"]
    # The stored results now hold the judgements the metrics count (the stale claim judged again).
    rescored = [json.loads(line) for line in (tmp_path / "cut" / "results.jsonl").read_text().splitlines()]
    assert len(rescored) == len(kept) and rescored[0]["claims"] == json.loads(kept[0])["claims"]
    resumed = run_evaluation(eval_config, tmp_path / "cut", answerer_for(eval_config, hf_engine), progress=False)
    assert resumed["n_items"] == full["n_items"] and resumed["complete"]
    drop = lambda m: json.dumps({k: v for k, v in m.items()}, sort_keys=True, default=str)  # noqa: E731
    assert drop(resumed) == drop(full)


def test_a_run_folder_refuses_different_settings(eval_config, hf_engine, tmp_path):
    from dataclasses import replace

    from encoders.errors import ConfigError
    from evaluation import run_evaluation

    run_evaluation(replace(eval_config, tasks=["emotion"]), tmp_path / "run", answerer_for(eval_config, hf_engine),
                   progress=False)
    with pytest.raises(ConfigError, match="different settings"):
        run_evaluation(replace(eval_config, tasks=["emotion", "compare"]), tmp_path / "run",
                       answerer_for(eval_config, hf_engine), progress=False)


@pytest.mark.parametrize("text, holds", [
    ("Frontal alpha asymmetry of +0.21 favours the left hemisphere, a sign of positive valence.", True),
    ("Frontal alpha asymmetry of +0.21 favours the left hemisphere (withdrawal, negative valence).", False),
    ("Temporal beta power is elevated (z +1.2), typical of positive emotion.", True),
    ("Temporal beta power is elevated (z +1.2), a sign of lower arousal.", False),
    ("Frontal theta power is reduced (z -1.4), a sign of lower arousal.", True),
    ("Frontal theta power is reduced (z -1.4), a sign of higher arousal.", False),
    ("Temporal beta elevated (z +1.2, positive valence).", True),  # the evidence text's own shape
    ("Temporal beta elevated (z +1.2; negative valence).", False),  # a semicolon inside brackets splits nothing
    ("Frontal theta reduced (z -1.4; higher arousal).", False),
])
def test_the_meaning_attached_to_a_measurement_must_be_the_documented_one(evidence, text, holds):
    checked = check_reasoning(text, [evidence])
    assert [c.kind for c in checked][-1] == "association"  # the meaning is a claim of its own
    assert all(c.holds for c in checked[:-1])  # the measurement itself is right in every case
    assert checked[-1].holds is holds, checked[-1].why


def test_pattern_match_claims_are_checked(evidence):
    ev = Evidence.from_dict({**evidence.to_dict(), "pattern": [["sad", 0.41], ["fear", 0.22], ["anger", 0.12]]})
    good = check_reasoning("The EEG pattern match rates it closest to sad (41%), then fear (22%).", [ev])
    assert good and all(c.holds for c in good)
    wrong = check_reasoning("The EEG pattern match rates it closest to fear (41%), then sad (22%).", [ev])
    assert {c.kind for c in wrong if not c.holds} == {"probability", "rank"}
    invented = check_reasoning("The EEG pattern match rates it closest to sad (60%).", [ev])
    assert [(c.kind, c.holds) for c in invented] == [("probability", False), ("rank", True)]


def test_a_comparison_concludes_from_each_recordings_pattern_class(evidence):
    from dataclasses import replace

    from prompts.ordering import encoder_order
    from prompts.rationale import compare_rationale, conclusion_agrees

    sad = replace(evidence, pattern=[["sad", 0.4], ["neutral", 0.2]])
    happy = replace(evidence, pattern=[["happy", 0.5], ["surprise", 0.2]])
    fear = replace(evidence, pattern=[["fear", 0.3], ["anger", 0.2]])
    assert encoder_order([sad, happy], "valence") == [2, 1] and encoder_order([happy, sad], "arousal") == [1, 2]
    # Both negative: the expected valence under the pattern match decides (sad −0.47 against fear −0.66).
    assert encoder_order([sad, fear], "valence") == [1, 2] and encoder_order([fear, sad], "valence") == [2, 1]
    assert encoder_order([sad, replace(evidence, pattern=[])], "valence") is None
    text = compare_rationale([sad, happy], "valence", 2)
    assert "closest to sad (40%), an emotion with negative valence" in text
    assert conclusion_agrees(conclusion_of(text, "compare"), "recording 2")
    assert "the rest of the pattern match decides" in compare_rationale([sad, fear], "valence", 1)
    cited = compare_rationale([sad, fear], "valence", 1, shown=[1, 2], shared_clause=True)
    # The order line as the prompt shows it, word for word, the shared class said once inside it.
    assert ("The encoder's valence order, highest first: recording 1 (negative), recording 2 (negative); "
            "both negative valence, so the rest of the pattern match decides." in cited)
    assert cited.count("the rest of the pattern match decides") == 1
    checked = check_reasoning(cited, [sad, fear])
    assert {"shared_class", "comparison_winner"} <= {c.kind for c in checked}
    assert all(c.holds for c in checked), [c for c in checked if not c.holds]
    differing = compare_rationale([sad, happy], "valence", 2, shown=[2, 1])
    assert "highest first: recording 2 (positive), recording 1 (negative)." in differing
    assert "decides" not in differing and all(c.holds for c in check_reasoning(differing, [sad, happy]))
    # Under a chat-v2 prompt (no clause on its line) the shared class is its own sentence, said once.
    plain = compare_rationale([sad, fear], "valence", 1, shown=[1, 2])
    assert "Both match emotions with negative valence, so the rest of the pattern match decides." in plain
    assert plain.count("decides") == 1 and "highest first: recording 1 (negative), recording 2 (negative)." in plain


def test_a_generated_ranking_cites_the_order_line_and_every_claim_holds(evidence):
    from dataclasses import replace

    from prompts.ordering import encoder_order, order_lines
    from prompts.rationale import rank_rationale

    sad = replace(evidence, pattern=[["sad", 0.4], ["neutral", 0.2]])
    happy = replace(evidence, pattern=[["happy", 0.5], ["surprise", 0.2]])
    fear = replace(evidence, pattern=[["fear", 0.3], ["anger", 0.2]])
    anger = replace(evidence, pattern=[["anger", 0.6], ["fear", 0.2]])
    for trio, dimension in [([sad, happy, fear], "valence"), ([fear, sad, anger], "valence"), ([sad, happy, anger], "arousal")]:
        order = encoder_order(trio, dimension)
        text = rank_rationale(trio, dimension, order, shown=order, shared_clause=True)
        line = next(line for line in order_lines(trio, shared_clause=True) if line.startswith(f"- {dimension}"))
        assert line.split("(encoder): ")[1] in text  # copied word for word
        checked = check_reasoning(text, trio)
        assert "rank_order" in {c.kind for c in checked}
        assert all(c.holds for c in checked), (text, [c for c in checked if not c.holds])
    # All three negative: the shared class is said, and checked.
    shared = rank_rationale([fear, sad, anger], "valence", encoder_order([fear, sad, anger], "valence"),
                            shown=encoder_order([fear, sad, anger], "valence"), shared_clause=True)
    assert "; all negative valence, so the rest of the pattern match decides." in shared


def test_every_claim_of_a_generated_comparison_holds(evidence):
    from dataclasses import replace

    from prompts.rationale import compare_rationale

    sad = replace(evidence, pattern=[["sad", 0.4], ["neutral", 0.2]])
    happy = replace(evidence, pattern=[["happy", 0.5], ["surprise", 0.2]])
    neutral = replace(evidence, pattern=[["neutral", 0.45], ["sad", 0.2]])
    for pair, dimension, winner in [([sad, happy], "valence", 2), ([neutral, sad], "valence", 1),
                                    ([happy, neutral], "arousal", 1)]:
        checked = check_reasoning(compare_rationale(pair, dimension, winner), pair)
        assert "comparison_winner" in {c.kind for c in checked}
        assert all(c.holds for c in checked), [c for c in checked if not c.holds]


# Ways a comparison of a sad recording (1) with a happy one (2) can be stated, right and wrong,
# written apart from the generated rationale's wording.
@pytest.mark.parametrize("text, kind, holds", [
    ("So recording 2 has the higher valence.", "comparison_winner", True),
    ("So recording 1 has the higher valence.", "comparison_winner", False),
    ("Recording 1 shows more valence than the other.", "comparison_winner", False),
    ("Therefore recording 1 has the lower valence.", "comparison_winner", True),
    ("Hence recording 2 has the lower valence.", "comparison_winner", False),
    ("recording 2 is clearly more positive valence", "comparison_winner", True),
    ("Recording 2 has higher arousal.", "comparison_winner", True),   # happy high, sad low
    ("Recording 1 has the higher arousal.", "comparison_winner", False),
    ("Recording 2's positive valence is above recording 1's negative valence.", "class_order", True),
    ("Recording 1's negative valence is below recording 2's positive valence.", "class_order", True),
    ("Recording 1's negative valence is above recording 2's positive valence.", "class_order", False),
    ("Recording 1's positive valence is above recording 2's negative valence.", "class_order", False),  # swapped classes
    ("Recording 2's neutral valence is above recording 1's negative valence.", "class_order", False),  # wrong class
    ("Recording 2's high arousal is higher than recording 1's low arousal.", "class_order", True),
    ("Recording 2's high arousal is lower than recording 1's low arousal.", "class_order", False),
    ("Recording 2's positive valence is above recording 2's negative valence.", "class_order", False),
])
def test_an_ordering_of_two_recordings_is_checked_against_their_pattern_classes(evidence, text, kind, holds):
    from dataclasses import replace

    sad = replace(evidence, pattern=[["sad", 0.4], ["neutral", 0.2]])
    happy = replace(evidence, pattern=[["happy", 0.5], ["surprise", 0.2]])
    found = [c for c in check_reasoning(text, [sad, happy]) if c.kind == kind]
    assert len(found) == 1 and found[0].holds is holds, found


def test_a_winner_the_classes_do_not_decide_is_checked_against_the_full_pattern_match(evidence):
    from dataclasses import replace

    sad = replace(evidence, pattern=[["sad", 0.4], ["neutral", 0.2]])
    fear = replace(evidence, pattern=[["fear", 0.3], ["anger", 0.2]])
    tie = "Both match emotions with negative valence, so the rest of the pattern match decides. "
    right = check_reasoning(tie + "So recording 1 has the higher valence.", [sad, fear])
    wrong = check_reasoning(tie + "So recording 2 has the higher valence.", [sad, fear])
    assert [(c.kind, c.holds) for c in right if c.kind == "comparison_winner"] == [("comparison_winner", True)]
    assert [(c.kind, c.holds) for c in wrong if c.kind == "comparison_winner"] == [("comparison_winner", False)]
    # A recording without a pattern match has no place in the order: nothing to hold the claim to.
    none = check_reasoning("So recording 1 has the higher valence.", [sad, replace(evidence, pattern=[])])
    assert [c for c in none if c.kind == "comparison_winner"] == []


@pytest.mark.parametrize("text, holds", [
    ("Both match emotions with negative valence, so the rest of the pattern match decides.", True),
    ("Both recordings sit at high arousal.", True),
    ("Both match emotions with low arousal.", False),
    ("Both are closest to an emotion of positive valence.", False),
    ("Both are neutral valence states.", False),
])
def test_a_claim_about_both_recordings_holds_only_if_it_holds_for_each(evidence, text, holds):
    from dataclasses import replace

    fear = replace(evidence, pattern=[["fear", 0.4], ["sad", 0.2]])
    anger = replace(evidence, pattern=[["anger", 0.5], ["fear", 0.2]])
    shared = [c for c in check_reasoning(text, [fear, anger]) if c.kind == "shared_class"]
    assert len(shared) == 1 and shared[0].holds is holds, shared


def test_a_claim_about_both_recordings_fails_when_one_has_no_pattern_match(evidence):
    from dataclasses import replace

    fear = replace(evidence, pattern=[["fear", 0.4]])
    checked = check_reasoning("Both match emotions with high arousal.", [fear, replace(evidence, pattern=[])])
    assert [c.holds for c in checked if c.kind == "shared_class"] == [False]


def test_a_frequency_penalty_outside_the_engines_range_is_refused():
    from encoders.errors import ConfigError
    from serve.engines import GenerationParams

    assert GenerationParams(frequency_penalty=0.3).frequency_penalty == 0.3
    with pytest.raises(ConfigError, match="outside -2 to 2"):
        GenerationParams(frequency_penalty=5.0)


# ---- refusing before loading, progress, cancel ------------------------------------------------------


@pytest.fixture
def weightless_checkpoint(tiny_checkpoint, tmp_path):
    """A checkpoint folder with its config but none of its weights: loading any model from it fails,
    so a refusal that names something else came before any model was loaded."""
    folder = tmp_path / "weightless"
    folder.mkdir()
    (folder / "config.json").write_text((tiny_checkpoint / "config.json").read_text())
    return folder


@pytest.mark.parametrize("changes, error, match", [
    ({"dataset": "deap", "root": "EMPTY"}, "DatasetError", r"data_preprocessed_python was not found"),
    ({"dataset": "seed-iv", "root": "MISSING"}, "DatasetError", r"was not found; point --root at"),
    ({"dataset": "deap", "root": None}, "ConfigError", r"needs --root"),
    ({"dataset": "seed-x"}, "ConfigError", r"Unknown dataset 'seed-x'"),
    ({"tasks": ["emotion", "dance"]}, "ConfigError", r"dance"),
    ({"subjects": 1}, "ConfigError", r"at least two subjects"),
    ({"protocol": "cross-session", "sessions": 1}, "ConfigError", r"two sessions"),
    ({"batch_size": 0}, "ConfigError", r"batch size must be at least 1"),
    ({"engine": {"backend": "transformers", "gpus": 4}}, "ConfigError", r"not all engine options"),
    ({"engine": {"backend": "onnx"}}, "ConfigError", r"Unknown engine 'onnx'"),
    ({"trial_seconds": 2.0}, "ConfigError", r"shorter than the checkpoint's 4-s window"),
    ({"frequency_penalty": 9.0}, "ConfigError", r"outside -2 to 2"),
    ({"checkpoint": "NOT_A_CHECKPOINT"}, "CheckpointError", r"not an eegreason checkpoint"),
    ({"questions": "questions-v2"}, "ConfigError", r"shares \d+ phrasing\(s\) with the training banks"),
    ({"questions": "MISSING_BANK"}, "ConfigError", r"question bank .*absent.yaml does not exist"),
])
def test_a_bad_run_is_refused_before_any_model_or_data_is_loaded(eval_config, weightless_checkpoint, tmp_path,
                                                                 changes, error, match):
    from dataclasses import replace

    import encoders.errors as errors
    from evaluation import run_evaluation

    (tmp_path / "empty").mkdir()
    paths = {"EMPTY": str(tmp_path / "empty"), "MISSING": str(tmp_path / "nowhere"),
             "NOT_A_CHECKPOINT": str(tmp_path / "empty"), "MISSING_BANK": str(tmp_path / "absent.yaml")}
    changes = {k: paths.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    config = replace(eval_config, **{"checkpoint": str(weightless_checkpoint), **changes})
    with pytest.raises(getattr(errors, error), match=match) as info:
        run_evaluation(config, tmp_path / "run", answerer_for(config), progress=False)
    assert str(info.value).endswith(".") and "\n" not in str(info.value)
    assert not (tmp_path / "run").exists()  # not even the run folder


def test_the_weightless_checkpoint_fails_only_when_a_model_loads(eval_config, weightless_checkpoint, tmp_path):
    """The control for the test above: with good settings, the same checkpoint gets past every check
    and fails where the encoder's weights are read."""
    from dataclasses import replace

    from encoders.errors import CheckpointError
    from evaluation import check_config, run_evaluation

    config = replace(eval_config, checkpoint=str(weightless_checkpoint))
    check_config(config)
    with pytest.raises(CheckpointError, match="lacks encoder.safetensors"):
        run_evaluation(config, tmp_path / "run", answerer_for(config), progress=False)


def test_the_cli_refuses_a_bad_dataset_folder_at_once(weightless_checkpoint, tmp_path):
    from test_cli import run_cli

    (tmp_path / "deap").mkdir()
    result = run_cli("evaluate", "--checkpoint", str(weightless_checkpoint), "--dataset", "deap", "--root",
                     str(tmp_path / "deap"), "--out", str(tmp_path / "run"), "--engine", "transformers")
    errors = [line for line in result.stderr.splitlines() if line.startswith("eegreason: error:")]
    assert result.returncode == 2 and len(errors) == 1 and "Traceback" not in result.stderr
    assert "data_preprocessed_python was not found" in errors[0]
    assert "engine" not in result.stderr.lower()  # nothing was started


def test_cancel_stops_between_items_and_the_same_call_resumes(eval_config, hf_engine, tmp_path):
    import threading
    from dataclasses import replace

    from evaluation import run_evaluation

    config = replace(eval_config, tasks=["emotion", "valence_arousal"], batch_size=2)
    cancel = threading.Event()
    seen: list[tuple[int, int]] = []

    def on_progress(done: int, total: int) -> None:
        seen.append((done, total))
        if done == 3:
            cancel.set()

    partial = run_evaluation(config, tmp_path / "run", answerer_for(config, hf_engine), progress=False,
                             on_progress=on_progress,
                             cancel=cancel)
    total = seen[0][1]
    assert not partial["complete"] and 3 <= partial["n_items"] <= 3 + config.batch_size < total
    assert [d for d, _ in seen] == list(range(1, partial["n_items"] + 1))  # one call per answered item
    lines = (tmp_path / "run" / "results.jsonl").read_text().splitlines()
    assert len(lines) == partial["n_items"]
    seen.clear()
    resumed = run_evaluation(config, tmp_path / "run", answerer_for(config, hf_engine), progress=False,
                             on_progress=on_progress)
    assert resumed["complete"] and resumed["n_items"] == total
    assert [d for d, _ in seen] == list(range(partial["n_items"] + 1, total + 1))
    answered = [json.loads(line)["id"] for line in (tmp_path / "run" / "results.jsonl").read_text().splitlines()]
    assert len(answered) == len(set(answered)) == total  # nothing answered twice


def test_a_run_cancelled_before_its_first_item_starts_no_engine(eval_config, tmp_path):
    import logging
    import threading
    from dataclasses import replace

    from evaluation import run_evaluation

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("eegreason.training.progress")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    cancel = threading.Event()
    cancel.set()
    try:
        vllm_config = replace(eval_config, engine={"backend": "vllm"})
        metrics = run_evaluation(vllm_config, tmp_path / "run", answerer_for(vllm_config), progress=False,
                                 cancel=cancel)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert metrics["n_items"] == 0 and not metrics["complete"]
    assert any("building the evaluation items: done" in m for m in messages)
    assert not any("engine" in m for m in messages)  # vLLM was never started
    assert (tmp_path / "run" / "items.jsonl").exists()  # the next call resumes from here


def test_evaluate_logs_progress_per_item_when_stderr_is_not_a_terminal(tiny_checkpoint, tmp_path):
    import re

    from test_cli import run_cli

    result = run_cli("evaluate", "--checkpoint", str(tiny_checkpoint), "--engine", "transformers", "--subjects", "2",
                     "--trials-per-emotion", "1", "--tasks", "emotion", "--max-tokens", "8", "--batch-size", "4",
                     "--out", str(tmp_path / "run"))
    assert result.returncode == 0, result.stderr[-3000:]
    counts = [(int(a), int(b)) for a, b in re.findall(r"evaluate: (\d+)/(\d+) items", result.stderr)]
    total = counts[-1][1]
    done = [a for a, _ in counts]
    assert done[0] == 1 and done[-1] == total and done == sorted(done)
    assert len(set(done)) >= min(total, 10)  # the first item, every tenth, the end
    assert re.search(r"starting the transformers engine: done in [\d.]+ s", result.stderr)
    assert re.search(r"building the feature tables of synthetic .*: done in", result.stderr)
    assert f"{total} items -> " in result.stdout


@pytest.mark.slow
def test_batch_tab_shows_per_item_progress_and_cancel_stops_the_run(tiny_checkpoint, hf_engine, tmp_path):
    import time

    from gradio_client import Client

    from serve.app import build_app
    from serve.assistant import Assistant

    app = build_app(Assistant(tiny_checkpoint, engine=hf_engine), samples={}, upload_dir=tmp_path / "uploads",
                    store_path=tmp_path / "reports.sqlite3")
    app.launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True)
    try:
        client = Client(app.local_url, verbose=False)
        assert "No evaluation is running" in client.predict(api_name="/evaluate_cancel")
        job = client.submit(str(tiny_checkpoint), "synthetic", "", "loso", 41, 2, ["emotion"], api_name="/evaluate")
        descriptions: list[str] = []
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not job.done():
            progress = job.status().progress_data or []
            descriptions += [unit.desc for unit in progress if unit.desc and "answered" in unit.desc]
            if len(set(descriptions)) >= 2:
                break
            time.sleep(0.2)
        assert len(set(descriptions)) >= 2, descriptions  # the bar moved item by item
        other = Client(app.local_url, verbose=False).predict(api_name="/evaluate_cancel")
        assert "No evaluation is running" in other  # another session cannot stop this run
        assert "Cancelling" in client.predict(api_name="/evaluate_cancel")
        summary = job.result(timeout=600)[0]
        assert summary.startswith("**Cancelled**"), summary[:300]
        answered = int(summary.split("after ")[1].split(" items")[0])
        total = int(descriptions[-1].split("/")[1].split(" ")[0])
        assert summary.startswith("**Cancelled**") and 1 <= answered < total
    finally:
        app.close()


def test_the_evidence_text_carries_only_documented_meanings_and_the_quoted_quality_figures(evidence):
    from dataclasses import replace

    from prompts.evidence_text import render_evidence
    from prompts.rationale import abstain_rationale

    ev = replace(evidence, findings=evidence.findings + [Finding("band:temporal:delta", "elevated", 1.6)],
                 quality_reasons=["55 of 62 channels are bad (Fp1: flat; …)",
                                  "high-amplitude artifacts in 62% of windows", "muscle (EMG) contamination in 40% of windows",
                                  "30 of 32 s usable"])
    text = render_evidence(ev)
    assert "temporal beta elevated (z +1.2, positive valence)" in text
    assert "frontal theta reduced (z -1.4, lower arousal)" in text
    # No documented meaning: said so, so a model is not left to guess one from the other rows.
    assert "temporal delta elevated (z +1.6, no documented meaning)" in text
    notes = next(line for line in text.splitlines() if line.startswith("- quality notes: "))
    assert notes == "- quality notes: 55 of 62 channels are bad; high-amplitude artifacts in 62% of windows"
    problems = abstain_rationale(ev).split("Problems: ")[1].split(".")[0]
    assert all(figure in text for figure in problems.split("; "))  # every quality figure quoted was shown
    assert "quality notes" not in render_evidence(replace(ev, quality_reasons=["32 of 32 s usable"]))
