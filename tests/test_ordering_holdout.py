"""Held-out phrasings for three claim kinds (situation_choice, comparison_winner, rank_order).

The cases in tests/data/ordering_holdout.json were written from the claim rules alone, without
reading the checker's source or its other cases, to measure how the checker generalises. For an
expectation of true/false exactly one claim of the case's kind must be produced, holding (or not);
for null, none of that kind.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from encoders.evidence import Evidence, Finding
from prompts.claims import check_text
from prompts.claims.between import check_reasoning

CASES = json.loads((Path(__file__).parent / "data" / "ordering_holdout.json").read_text())["cases"]

BASE = Evidence("evidence-v1", True, 32.0, 62, "good", ["32 of 32 s usable"], 32.0, 32.0, [], 0.1,
                "balanced", {"frontal": {"alpha": 0.2}}, "ref", [Finding("quality", "good", 1.0)])


def make(probs: dict[str, float]) -> Evidence:
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    return replace(BASE, probabilities=dict(probs), pattern=[[k, v] for k, v in ranked[:3]])


def claims_for(case: dict) -> list:
    evidences = [make(p) for p in case["recordings"]]
    if case["kind"] == "situation_choice":
        found = check_text(case["text"], evidences[0])
    else:
        found = check_reasoning(case["text"], evidences)
    return [c for c in found if c.kind == case["kind"]]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_holdout_case(case):
    got = claims_for(case)
    detail = f"text={case['text']!r} expect={case['expect']} got={got}"
    if case["expect"] is None:
        assert got == [], detail
    else:
        assert len(got) == 1, detail
        assert got[0].holds is case["expect"], detail
