"""Claims about the encoder's valence and arousal read-out, on cases written apart from the checker,
from the rules alone (tests/data/):

- readout_cases.json: tool-style read-outs, lists, clinical and hedged prose, several classes in one
  sentence, emotion probabilities beside them, shares at several precisions; wrong by a point, by a
  lot, on the other class or at the wrong precision; and statements near valence words that are no
  read-out (61 of 70 on the first run: "accounts for", "falls on", "the negative-valence share is",
  "a negative-valence share of" and "negative valence overall holds" were not read);
- readout_holdout.json: written after those fixes, in discharge-letter, notebook, table and passive
  styles (38 of 61 on the first run: "makes up", "comprises", "carries", "collects", "is attributed
  to", "83% of the probability mass is assigned to …", "the negative-valence group", hedges, and a
  hypothetical were missed).

One case reads a hedge differently from the checker: its writer held 24% not "just under 30%", where
the checker, for every share it reads ("a little over half (58%)" in test_claims' paraphrases,
written by another hand), allows up to 8 points on the stated side. That verdict is asserted as the
checker's rule, not counted as agreement.

A case is about read-out claims only: true means at least one is read and all hold, false that at
least one fails, null that none is read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, good_evidence, with_probabilities

from prompts.claims import check_text

DATA = Path(__file__).parent / "data"
SETS = {name: json.loads((DATA / f"{name}.json").read_text())["cases"] for name in ("readout_cases", "readout_holdout")}
# (set, id) → the verdict under the checker's documented rule where the case's writer read a hedge otherwise.
RULE_NOT_WRITER = {("readout_holdout", "h32"): True}  # 24% is "just under 30%": within 8 points below
CASES = [(name, case) for name, cases in SETS.items() for case in cases]


@pytest.mark.parametrize("name", sorted(SETS))
def test_each_set_has_every_expectation(name):
    cases = SETS[name]
    assert len(cases) >= 50 and {c["expect"] for c in cases} == {True, False, None}


@pytest.mark.parametrize("name, case", CASES, ids=[f"{n}-{c['id']}-{c['expect']}" for n, c in CASES])
def test_a_readout_case_is_checked_as_expected(name, case):
    evidence = with_probabilities(good_evidence(), **case["probabilities"])
    found = [c for c in check_text(case["text"], evidence) if c.kind == "readout"]
    expect = RULE_NOT_WRITER.get((name, case["id"]), case["expect"])
    assert_verdicts(found, expect, case["text"], "readout", one_claim=False)
