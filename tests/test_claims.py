"""The claim checker against corpora written independently of it, by writers who never saw its code:
tests/data/claims/cases.yaml (291 hand-labelled rationales on ten evidence records, in many styles;
see its README) and tests/data/claims/heldout/cases.yaml (188 more, in the styles of model outputs,
dictated impressions, bullet notes, lay explanations, tables and JSON fragments), each case either
all correct or with exactly one wrong claim."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from encoders.evidence import Evidence
from prompts.claims import check_text

DATA = Path(__file__).parent / "data" / "claims"


def load_evidence(name: str) -> Evidence:
    data = json.loads((DATA / f"{name}.json").read_text())
    probabilities = data.pop("probabilities")
    data.pop("channels", None)
    evidence = Evidence.from_dict(data)
    evidence.probabilities = probabilities
    return evidence


CASES = [*yaml.safe_load((DATA / "cases.yaml").read_text()),
         *yaml.safe_load((DATA / "heldout" / "cases.yaml").read_text())]


def _verdicts():
    out = []
    for case in CASES:
        checked = check_text(case["text"], load_evidence(case["evidence"]))
        out.append((case, checked))
    return out


@pytest.fixture(scope="module")
def verdicts():
    return _verdicts()


def test_the_corpus_is_what_it_says():
    kinds = Counter(c.get("wrong_kind") for c in CASES if not c["holds"])
    assert len(CASES) >= 450 and sum(c["holds"] for c in CASES) >= 150 and sum(kinds.values()) >= 250
    assert min(kinds.values()) >= 10 and len(kinds) >= 13


def test_every_misstatement_is_flagged(verdicts):
    missed = [(c["id"], c["wrong_kind"], c["wrong"], [x.to_dict() for x in checked])
              for c, checked in verdicts if not c["holds"] and all(x.holds for x in checked)]
    assert not missed, f"{len(missed)} wrong rationales pass:\n" + "\n".join(map(str, missed))


def test_the_failing_claim_is_the_wrong_one(verdicts):
    """The checker flags the misstatement itself, not a correct claim beside it."""
    misplaced = []
    for case, checked in verdicts:
        if case["holds"]:
            continue
        failing = [x for x in checked if not x.holds]
        if failing and not any(_overlaps(x.text, case["wrong"]) for x in failing):
            misplaced.append((case["id"], case["wrong"], [x.text for x in failing]))
    assert not misplaced, "\n".join(map(str, misplaced))


def _overlaps(a: str, b: str) -> bool:
    """Whether a flagged claim's words and the corpus's wrong phrase are about the same statement."""
    a, b = a.lower().replace("−", "-"), b.lower().replace("−", "-")
    if a in b or b in a or any(w in a for w in b.split() if any(ch.isdigit() for ch in w)):
        return True
    words = lambda t: {w.strip(".,;:()—") for w in t.split() if len(w.strip(".,;:()—")) > 3}  # noqa: E731
    return len(words(a) & words(b)) >= 2


def test_correct_paraphrases_all_pass(verdicts):
    flagged = [(c["id"], c["text"], [x.to_dict() for x in checked if not x.holds])
               for c, checked in verdicts if c["holds"] and not all(x.holds for x in checked)]
    assert not flagged, f"{len(flagged)} correct rationales flagged:\n" + "\n".join(map(str, flagged))


def test_correct_paraphrases_are_read_not_skipped(verdicts):
    """A checker that finds nothing passes everything: most correct texts must yield claims."""
    read = [len(checked) > 0 for c, checked in verdicts if c["holds"]]
    assert sum(read) / len(read) >= 0.95
