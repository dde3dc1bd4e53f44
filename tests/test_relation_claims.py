"""The claim checker on what rationales say between classes of the pattern match (gaps, ratios,
sums, counts and members of a placement group, ties, places, a group's top or bottom), written by a
writer who never saw it (tests/data/claims/relations/: what its first read found is in the README)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from encoders.evidence import Evidence
from prompts.claims import check_text

DATA = Path(__file__).parent / "data" / "claims" / "relations"
CASES = yaml.safe_load((DATA / "cases.yaml").read_text())
# Left as read (tests/data/claims/relations/README.md).
KNOWN_MISSES = {"r056", "r058"}


def load_evidence(name: str) -> Evidence:
    from test_claims import evidence_file

    return evidence_file(DATA / "fixtures" / f"{name}.json")


@pytest.fixture(scope="module")
def verdicts():
    return [(case, check_text(case["text"], load_evidence(case["evidence"]))) for case in CASES]


def test_the_corpus_is_what_it_says():
    assert (len(CASES), sum(c["holds"] for c in CASES)) == (128, 46)
    kinds = Counter(c["wrong_kind"] for c in CASES if not c["holds"])
    assert (kinds["rank"], kinds["probability"], kinds["class"]) == (24, 23, 10)
    assert len({c["id"] for c in CASES}) == len(CASES) and all(c["wrong"] in c["text"] for c in CASES if not c["holds"])


def test_misstatements_between_classes_are_flagged_at_the_wrong_claim(verdicts):
    from test_claims import misplaced, unflagged

    assert unflagged(verdicts) == KNOWN_MISSES
    assert not misplaced(verdicts, skip=KNOWN_MISSES)


def test_every_correct_text_passes(verdicts):
    from test_claims import read_share, wrongly_flagged

    assert not wrongly_flagged(verdicts)
    assert read_share(verdicts) >= 0.9


def test_a_group_top_is_checked_within_the_group_not_against_the_whole_match():
    evidence = load_evidence("evidence-08")  # happy 58, fear 17, anger 8, surprise 7, sad = disgust = neutral 3
    checked = check_text("Fear is the most likely negative emotion; among the high-arousal classes disgust is lowest.",
                         evidence)
    assert [(x.kind, x.subject, x.holds) for x in checked if x.kind in ("group_rank", "rank")] == \
        [("group_rank", "fear", True), ("group_rank", "disgust", True)]
