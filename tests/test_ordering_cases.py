"""Ordering, shared-class and situation-pick claims (situation_choice, comparison_winner, rank_order,
shared_class) on phrasings written apart from the checker, nine sets by nine writers (tests/data/):

- ordering_cases.json: the first set, with the encoder orders of its recording sets worked out by hand;
- ordering_holdout.json: written from the claim rules alone, without reading the checker;
- ordering_unseen.json: the same, with surrounding quality, band and probability sentences;
- cited_order_cases.json: orders of two and three recordings stated as orders, with the classes
  cited beside them ("recording 2 (positive), recording 1 (negative)"), bottom-up, in lists and prose
  (64 of 68 read as their writer expected before the checker read cited orders of two recordings);
- cited_order_holdout.json: orders, two-recording comparisons and shared classes, written from the
  rules alone after those fixes (82 of 91 on the first run: hyphenated "high-arousal", "negative
  in valence", a dimension named in the clause before the order);
- cited_order_unseen.json: the same kinds in clinical, hedged, terse and garbled styles, with
  negations (75 of 78 on the first run: "trace 1", "the two recordings share …");
- shared_order_cases.json: the order line as rationales cite it with its shared-class clause ("…;
  both low arousal, so the rest of the pattern match decides"), right and garbled, its paraphrases,
  pairs compared among three recordings, conditions and repeats (71 of 93 on the first run: "they
  share low arousal", "(both low)", "same valence class for both: negative", "recording 3 is calmer
  than recording 1" of three, "if both were …", a claim said twice counted once, "from lowest to
  highest arousal: recording 1, recording 2"; the writer's one disputed case, "recordings 1 and 2
  are both positive", is held to the two it names);
- condition_cases.json: conditions and questions, which are no claims, against hedged or framed
  assertions, which are (40 of 51 on the first run: questions, "in case …", "if anything, …", "it
  looks as if …");
- pair_cases.json: of three recordings, two compared on valence or arousal, against two compared on
  band power, asymmetry, quality or a probability (no claim) (38 of 40 on the first run: "shows
  elevated arousal relative to recording 2").

For an expectation of true/false exactly one claim of the case's kind must be read, holding or not;
for null (nothing checkable said), none of that kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pattern_evidence import assert_verdicts, claims_of_kind, good_evidence, with_probabilities

from prompts.ordering import encoder_order

DATA = Path(__file__).parent / "data"
FIRST = json.loads((DATA / "ordering_cases.json").read_text())
SETS = {"first": FIRST["cases"], "holdout": json.loads((DATA / "ordering_holdout.json").read_text())["cases"],
        "unseen": json.loads((DATA / "ordering_unseen.json").read_text())}
CITED = json.loads((DATA / "cited_order_cases.json").read_text())
CITED_HOLDOUT = json.loads((DATA / "cited_order_holdout.json").read_text())
CITED_UNSEEN = json.loads((DATA / "cited_order_unseen.json").read_text())
SHARED_ORDER = json.loads((DATA / "shared_order_cases.json").read_text())
CONDITIONS = json.loads((DATA / "condition_cases.json").read_text())
PAIRS = json.loads((DATA / "pair_cases.json").read_text())
CASES = [(name, i, case) for name, cases in [*SETS.items(), ("cited", CITED), ("cited-holdout", CITED_HOLDOUT),
                                             ("cited-unseen", CITED_UNSEEN), ("shared-order", SHARED_ORDER),
                                             ("conditions", CONDITIONS), ("pairs-of-three", PAIRS)]
         for i, case in enumerate(cases)]


@pytest.mark.parametrize("name", sorted(FIRST["hand_orders"]))
def test_the_hand_computed_orders_are_the_encoders(name):
    case = next(c for c in FIRST["cases"] if c.get("set") == name)
    evidences = [with_probabilities(good_evidence(), **p) for p in case["recordings"]]
    for dimension, order in FIRST["hand_orders"][name].items():
        assert encoder_order(evidences, dimension) == order, (name, dimension)


@pytest.mark.parametrize("name", sorted(SETS))
def test_every_set_has_each_kind_and_each_expectation(name):
    cases = SETS[name]
    assert len(cases) >= 60
    assert {c["kind"] for c in cases} == {"situation_choice", "comparison_winner", "rank_order"}
    assert {c["expect"] for c in cases} == {True, False, None}


def test_the_condition_cases_hold_as_many_non_claims_as_claims_of_each_kind():
    assert len(CONDITIONS) >= 50 and {c["kind"] for c in CONDITIONS} == {"rank_order", "comparison_winner", "shared_class"}
    nulls = sum(c["expect"] is None for c in CONDITIONS)
    assert nulls >= len(CONDITIONS) // 2 - 1 and {c["expect"] for c in CONDITIONS} == {True, False, None}


def test_the_pairs_are_of_three_recordings_and_include_comparisons_of_other_things():
    assert len(PAIRS) >= 40 and {len(c["recordings"]) for c in PAIRS} == {3}
    assert sum(c["expect"] is None for c in PAIRS) >= 15 and {c["expect"] for c in PAIRS} == {True, False, None}


def test_the_cited_orders_cover_two_and_three_recordings_and_each_expectation():
    assert len(CITED) >= 60 and {c["kind"] for c in CITED} == {"rank_order"}
    assert {len(c["recordings"]) for c in CITED} == {2, 3} and {c["expect"] for c in CITED} == {True, False, None}
    for later in (CITED_HOLDOUT, CITED_UNSEEN, SHARED_ORDER):
        assert len(later) >= 70 and {c["kind"] for c in later} == {"rank_order", "comparison_winner", "shared_class"}


@pytest.mark.parametrize("name, index, case", CASES, ids=[f"{n}-{i:03d}-{c['kind']}-{c['expect']}" for n, i, c in CASES])
def test_a_case_is_checked_as_expected(name, index, case):
    found = claims_of_kind(case["kind"], case["text"], case["recordings"])
    assert_verdicts(found, case["expect"], case["text"], case["kind"])
