"""Independently written cases for the three ordering/choice claim kinds (situation_choice,
comparison_winner, rank_order), read from tests/data/ordering_cases.json.

Each case gives the recordings' probabilities, a reasoning text and what a careful checker should
say: true/false (exactly one claim of that kind, holding or not) or null (no claim of that kind:
nothing checkable is said). The expectations follow the rules, not the checker's wording; the
hand-computed encoder orders of each recording set are checked against `encoder_order` too."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from encoders.evidence import Evidence, Finding
from prompts.claims import check_text
from prompts.claims.between import check_reasoning
from prompts.ordering import encoder_order

DATA = json.loads((Path(__file__).parent / "data" / "ordering_cases.json").read_text())
CASES = DATA["cases"]


def _base() -> Evidence:
    return Evidence("evidence-v1", True, 32.0, 62, "good", ["32 of 32 s usable"], 32.0, 32.0, [], 0.1, "balanced",
                    {"frontal": {"alpha": 0.2}}, "ref", [Finding("quality", "good", 1.0)])


def _with(ev: Evidence, **probabilities: float) -> Evidence:
    ranked = sorted(probabilities.items(), key=lambda kv: -kv[1])
    return replace(ev, probabilities=dict(probabilities), pattern=[[k, v] for k, v in ranked[:3]])


def _evidences(case: dict) -> list[Evidence]:
    return [_with(_base(), **probabilities) for probabilities in case["recordings"]]


def _case_id(case: dict) -> str:
    return f"{case['kind']}-{case['expect']}-{case['text'][:40]}"


@pytest.mark.parametrize("name", sorted(DATA["hand_orders"]))
def test_the_hand_computed_orders_are_the_encoders(name):
    case = next(c for c in CASES if c.get("set") == name)
    evidences = _evidences(case)
    for dimension, order in DATA["hand_orders"][name].items():
        assert encoder_order(evidences, dimension) == order, (name, dimension)


def test_there_are_enough_cases_of_each_kind():
    assert len(CASES) >= 60
    assert {c["kind"] for c in CASES} == {"situation_choice", "comparison_winner", "rank_order"}
    assert {c["expect"] for c in CASES} == {True, False, None}


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_a_case_is_checked_as_expected(case):
    evidences = _evidences(case)
    if case["kind"] == "situation_choice":
        assert len(evidences) == 1
        checked = check_text(case["text"], evidences[0])
    else:
        checked = check_reasoning(case["text"], evidences)
    found = [c for c in checked if c.kind == case["kind"]]
    if case["expect"] is None:
        assert found == [], found
    else:
        assert [c.holds for c in found] == [case["expect"]], found
