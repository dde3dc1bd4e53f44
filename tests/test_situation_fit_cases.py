"""The emotion a situation-matching reasoning says fits best among the situations' emotions when the
pattern match's first emotion is no situation's (situation_fit): it must be the one of them the
encoder rates highest. Two case sets written apart from the checker (tests/data/):

- situation_fit_cases.json: the first set (30 of 48 read as expected before the checker read its phrasings);
- situation_fit_holdout.json: written afterwards by another writer, without reading the checker or
  the first set (22 of 43 before the checker was changed for it).

True/false: exactly one situation_fit claim, holding or not; null: none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, claims_of_kind

DATA = Path(__file__).parent / "data"
SETS = {name: json.loads((DATA / f"situation_fit_{name}.json").read_text()) for name in ("cases", "holdout")}
CASES = [(name, i, case) for name, cases in SETS.items() for i, case in enumerate(cases)]


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_set_has_each_expectation(name):
    assert len(SETS[name]) >= 40
    assert {c["expect"] for c in SETS[name]} == {True, False, None}


@pytest.mark.parametrize("name, index, case", CASES, ids=[f"{n}-{i:02d}-{c['expect']}" for n, i, c in CASES])
def test_a_case_is_checked_as_expected(name, index, case):
    found = claims_of_kind("situation_fit", case["text"], case["recordings"])
    assert_verdicts(found, case["expect"], case["text"], "situation_fit")
