"""The demo benchmark's computed tables: the step each compare/rank/scenario conclusion rests on,
and the failing claims by kind, read from a run's results (nothing typed in)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest


def _claim(kind: str, holds: bool) -> dict:
    return {"kind": kind, "text": "", "subject": "", "holds": holds, "measured": "", "why": ""}


def test_reasoning_steps_and_failing_claims_are_counted_from_the_results(tmp_path):
    from bench.demo_model import failing_claims, reasoning_steps_table

    rows = [{"task": "compare", "arm": "both", "claims": [_claim("comparison_winner", True)]},
            {"task": "compare", "arm": "both", "claims": [_claim("comparison_winner", False), _claim("probability", True)]},
            {"task": "compare", "arm": "both", "claims": []},  # states no step
            {"task": "scenario", "arm": "both", "claims": [_claim("situation_choice", False), _claim("association", False)]},
            {"task": "emotion", "arm": "both", "claims": [_claim("association", False)]}]
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    metrics = {"tasks": {"compare": {"accuracy": 0.5}, "scenario": {"accuracy": 0.0}}}
    table = reasoning_steps_table(tmp_path, metrics).splitlines()
    compare = next(line for line in table if line.startswith("| compare"))
    scenario = next(line for line in table if line.startswith("| scenario"))
    assert "| 3 | 0.500 |" in compare and compare.endswith("| 2 | 0.500 |")
    assert scenario.endswith("| 1 | 0.000 |") and not any(line.startswith("| rank") for line in table)
    assert failing_claims(tmp_path) == ("Failing claims (4), most frequent first: compare `comparison_winner` 1, "
                                        "scenario `situation_choice` 1, scenario `association` 1, emotion `association` 1.")
    assert reasoning_steps_table(tmp_path / "nowhere", metrics) == "" and failing_claims(tmp_path / "nowhere") == ""


def test_only_the_shipped_checkpoint_rewrites_the_benchmark_account(tmp_path, monkeypatch):
    from bench.demo_model import is_shipped

    assert is_shipped(Path(__file__).resolve().parents[1] / "checkpoints" / "demo")
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert is_shipped(Path("checkpoints/demo")) and is_shipped(Path("checkpoints/../checkpoints/demo"))
    assert not is_shipped(tmp_path / "demo-candidate")


def test_the_benchmark_account_of_the_demo_model_is_the_shipped_checkpoints_own():
    """Every measured row of BENCHMARKS.md's demo-model section appears in the shipped model card:
    a candidate's figures written over the shipped model's account are caught here."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "BENCHMARKS.md").read_text(encoding="utf-8")
    section = text[text.index("<!-- bench:demo-model -->"):text.index("<!-- /bench:demo-model -->")]
    card = (root / "checkpoints" / "demo" / "MODEL_CARD.md").read_text(encoding="utf-8")
    card_rows = {line.strip() for line in card.splitlines()}
    from projector.checkpoint import read_config  # the card names what stage 3 was trained on

    instruct = read_config(root / "checkpoints" / "demo").provenance["instruct"]
    assert f"rationales `{instruct['rationale']}`" in card and f"question phrasings `{instruct['questions']}`" in card
    rows = [line.strip() for line in section.splitlines()
            if line.startswith("| ") and not line.startswith(("| target", "|---"))]
    measured = [row for row in rows if any(ch.isdigit() for ch in row)]
    assert len(measured) >= 30
    # The targets table is the benchmark's own; its figures must still be the card's.
    card_numbers = set(re.findall(r"\d\.\d{3}", card))
    for row in measured:
        if row in card_rows:
            continue
        numbers = re.findall(r"\d\.\d{3}", row)
        assert numbers and set(numbers) <= card_numbers, row


def test_the_question_bank_tables_are_read_from_each_banks_results(tmp_path):
    from bench.question_banks import banks_table, kinds_table, misread_questions, routing_table

    free = {"n": 2, "answered_as_asked": 0.5, "accuracy": 0.5, "valence_accuracy": 1.0, "encoder_valence_accuracy": 0.0,
            "arousal_accuracy": float("nan"), "encoder_arousal_accuracy": None, "routed": 0.5, "routed_as_asked": 1.0,
            "per_kind": {"valence": {"answered_as_asked": 1.0}, "confidence": {"answered_as_asked": 0.0}}}
    alone = dict(free, answered_as_asked=0.0, accuracy=0.25)
    results = {"questions-heldout-v2": {"tasks": {"free": free}}}
    folder = tmp_path / "routed" / "questions-heldout-v2"
    folder.mkdir(parents=True)
    items = [{"id": "a", "question": "Trust it?"}, {"id": "b", "question": "Pleasant?"}]
    outcome = [{"id": "a", "kind": "confidence", "answered_as_asked": False, "parsed": {"answer": "happy"}},
               {"id": "b", "kind": "valence", "answered_as_asked": False, "parsed": {"answer": "sad"},
                "route": {"kind": "valence", "probability": 0.91, "opening": "Reasoning: Rating valence."}}]
    (folder / "items.jsonl").write_text("".join(json.dumps(i) + "\n" for i in items))
    (folder / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in outcome))
    row = banks_table(results).splitlines()[2]
    assert "| 2 | 0.500 | 0.500 | 1.000 / 0.000 | n/a / n/a | **missed**: answered as asked |" in row
    assert "second writer" in row
    # 37 of the second writer's 255 phrasings are within a 0.75 similarity ratio of a training phrasing.
    assert "| 255 | 37 | 2 |" in row
    assert "| confidence | 0.000 |" in kinds_table(results)
    misread = misread_questions(tmp_path, results)
    assert "(2; up to 5 of each bank shown)" in misread
    assert "| heldout-v2 | confidence | Trust it? | not sure: model alone | happy |" in misread
    assert "| heldout-v2 | valence | Pleasant? | valence (0.91) | sad |" in misread
    both = {"model-alone": {"questions-heldout-v2": {"tasks": {"free": alone}}}, "routed": results}
    # A run stored before the answer-line guard: the opening's figures are the served ones.
    assert "| `questions-heldout-v2` | 0.000 → 0.500 → 0.500 | 0.250 → 0.500 → 0.500 |" in routing_table(both)
    assert routing_table(both).splitlines()[2].endswith("| 0.500 | 1.000 | 0 |")
    guarded = dict(free, answered_as_asked=1.0, answered_as_asked_unfitted=0.5, answer_lines_fitted=1)
    both["routed"] = {"questions-heldout-v2": {"tasks": {"free": guarded}}}
    assert "| `questions-heldout-v2` | 0.000 → 0.500 → 1.000 |" in routing_table(both)
    assert routing_table(both).splitlines()[2].endswith("| 0.500 | 1.000 | 1 |")
    # Answer lines that state a measurement, and the kinds whose served lines fail.
    from bench.question_banks import answer_lines_table

    checked = dict(guarded, answer_lines_stating=4, answer_lines_hold=0.75,
                   per_kind={"why_not": {"answer_lines_failing": 1}, "quality": {"answer_lines_failing": 0}})
    both = {"model-alone": {"questions-heldout-v2": {"tasks": {"free": dict(alone, answer_lines_stating=2,
                                                                            answer_lines_hold=1.0)}}},
            "routed": {"questions-heldout-v2": {"tasks": {"free": checked}}}}
    assert answer_lines_table(both).splitlines()[2] == "| `questions-heldout-v2` | 2 / 4 | 1.000 → 0.750 | why_not 1 |"


def test_answering_one_bank_rejudges_the_others_from_their_stored_runs(tmp_path):
    """`python -m bench.question_banks --only BANK`: the bank named is answered, every other bank is
    judged again from its stored run, and a missing stored run is refused before any engine starts."""
    from bench.question_banks import ARMS, BANKS, main, merged_results, stored_runs_missing

    new, *stored = BANKS
    for arm in ARMS:
        for bank in stored:
            (tmp_path / arm / bank).mkdir(parents=True)
            (tmp_path / arm / bank / "items.jsonl").write_text("")
    assert stored_runs_missing(tmp_path, (new,)) == []
    assert stored_runs_missing(tmp_path) == [new]
    rejudged = []
    answered = {arm: {new: {"answered": arm}} for arm in ARMS}
    results = merged_results(answered, tmp_path, lambda folder: rejudged.append(folder) or {"stored": folder.name})
    assert sorted(rejudged) == sorted(tmp_path / arm / bank for arm in ARMS for bank in stored)
    for arm in ARMS:
        assert list(results[arm]) == list(BANKS)
        assert results[arm][new] == {"answered": arm}
        assert all(results[arm][bank] == {"stored": bank} for bank in stored)
    # Re-judging with a stored bank missing stops with one sentence, before any engine or re-scoring.
    with pytest.raises(SystemExit) as stop:
        main(["--rescore", "--out", str(tmp_path)])
    assert stop.value.code == 2
    with pytest.raises(SystemExit):
        main(["--only", stored[0], "--out", str(tmp_path)])
