"""The Answer-line check against a corpus written apart from it: tests/data/claims/answer_lines/
cases.yaml (166 whole replies on eighteen evidence records by a writer who did not see the checker's
code; 104 with exactly one wrong statement, always in the Answer line, 62 that hold; see its README)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from prompts.claims import check_text
from test_claims import load_evidence

CASES = yaml.safe_load((Path(__file__).parent / "data" / "claims" / "answer_lines" / "cases.yaml").read_text())


@pytest.fixture(scope="module")
def verdicts():
    return [(case, check_text(case["text"], load_evidence(case["evidence"], case.get("timeline")))) for case in CASES]


def test_the_corpus_is_what_it_says():
    assert (len(CASES), sum(c["holds"] for c in CASES)) == (166, 62)
    kinds = Counter(c["wrong_kind"] for c in CASES if not c["holds"])
    assert len(kinds) == 12 and all(c["wrong"] in c["text"] for c in CASES if not c["holds"])
    assert len({c["id"] for c in CASES}) == len(CASES)


def test_every_wrong_answer_line_is_flagged_and_nothing_else(verdicts):
    missed = [(c["id"], c["wrong"], [x.to_dict() for x in checked]) for c, checked in verdicts
              if not c["holds"] and all(x.holds for x in checked)]
    assert not missed, f"{len(missed)} wrong answer lines pass:\n" + "\n".join(map(str, missed))
    misplaced = [(c["id"], c["wrong"], [x.to_dict() for x in checked if not x.holds]) for c, checked in verdicts
                 if not c["holds"] and any(not x.holds and x.text.strip() not in c["wrong"] for x in checked)]
    assert not misplaced, "\n".join(map(str, misplaced))


def test_every_right_reply_holds_and_its_answer_line_is_read(verdicts):
    flagged = [(c["id"], [x.to_dict() for x in checked if not x.holds]) for c, checked in verdicts
               if c["holds"] and not all(x.holds for x in checked)]
    assert not flagged, f"{len(flagged)} right replies flagged:\n" + "\n".join(map(str, flagged))
    def line_claims(case, checked):  # the claims beyond those of the reasoning alone: the Answer line's
        evidence = load_evidence(case["evidence"], case.get("timeline"))
        reasoning = {(x.kind, x.text) for x in check_text(case["text"].split("\nAnswer:")[0], evidence)}
        return [x for x in checked if (x.kind, x.text) not in reasoning]

    unread = [c["id"] for c, checked in verdicts if not line_claims(c, checked)]
    assert not unread, unread
