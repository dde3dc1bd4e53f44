"""Claim checker on phrasings it has never seen: situation picks, two-recording comparisons and
three-recording rankings, written apart from the checker and its other case files.

Each case in tests/data/ordering_unseen.json names its claim kind, the recordings' calibrated
probabilities, the text, and what is expected: true/false, exactly one claim of that kind that
holds/fails; null, no claim of that kind. The truth for comparisons and rankings is
`prompts.ordering.encoder_order`; a situation pick holds when the picked situation was read as the
emotion the text says the EEG fits.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from encoders.evidence import Evidence, Finding
from prompts.claims import check_text
from prompts.claims.between import check_reasoning

CASES = json.loads((Path(__file__).parent / "data" / "ordering_unseen.json").read_text())

BASE = Evidence("evidence-v1", True, 32.0, 62, "good", ["32 of 32 s usable"], 32.0, 32.0, [], 0.1,
                "balanced", {"frontal": {"alpha": 0.2}}, "ref", [Finding("quality", "good", 1.0)])


def make(probs: dict[str, float]) -> Evidence:
    ranked = sorted(probs.items(), key=lambda kv: -kv[1])
    return replace(BASE, probabilities=dict(probs), pattern=[[k, v] for k, v in ranked[:3]])


def _id(i: int, case: dict) -> str:
    return f"{i:02d}-{case['kind']}-{case['expect']}"


@pytest.mark.parametrize("case", CASES, ids=[_id(i, c) for i, c in enumerate(CASES)])
def test_unseen_phrasing(case):
    evidences = [make(p) for p in case["recordings"]]
    if case["kind"] == "situation_choice":
        claims = check_text(case["text"], evidences[0])
    else:
        claims = check_reasoning(case["text"], evidences)
    found = [c for c in claims if c.kind == case["kind"]]
    shown = [(c.text, c.holds, c.measured, c.why) for c in found]
    if case["expect"] is None:
        assert not found, f"expected no {case['kind']} claim in {case['text']!r}, got {shown}"
    else:
        assert len(found) == 1, f"expected one {case['kind']} claim in {case['text']!r}, got {shown}"
        assert found[0].holds is case["expect"], f"{case['text']!r}: expected holds={case['expect']}, got {shown}"


def test_case_mix():
    kinds = {c["kind"] for c in CASES}
    assert kinds == {"situation_choice", "comparison_winner", "rank_order"}
    assert len(CASES) >= 60
