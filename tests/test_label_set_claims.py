"""The claim checker on rationales written in the released datasets' label sets (SEED-IV, SEED-V,
SEED, valence or arousal high/low, quadrants) by two writers who never saw it, each on evidence
records of their own: every misstatement flagged, at the claim that is wrong, and every correct text
passed (tests/data/claims/labelsets/ and labelsets2/; what each first read found is in the README)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from encoders.evidence import Evidence
from encoders.labels import LABEL_SPACES
from prompts.claims import check_text

ROOT = Path(__file__).parent / "data" / "claims"
FOLDERS = {"first": ROOT / "labelsets", "second": ROOT / "labelsets2"}
CORPORA = {name: yaml.safe_load((folder / "cases.yaml").read_text()) for name, folder in FOLDERS.items()}
CASES = [case for cases in CORPORA.values() for case in cases]


def load_evidence(name: str) -> tuple[Evidence, str]:
    folder = next(f for f in FOLDERS.values() if (f / "fixtures" / f"{name}.json").exists())
    data = json.loads((folder / "fixtures" / f"{name}.json").read_text())
    label_set, probabilities = data.pop("label_set"), data.pop("probabilities")
    data.pop("channels", None)
    evidence = Evidence.from_dict(data)
    evidence.probabilities = probabilities  # listed by probability, not in the label set's order
    return evidence, label_set


@pytest.fixture(scope="module")
def verdicts():
    return [(case, check_text(case["text"], load_evidence(case["evidence"])[0])) for case in CASES]


@pytest.mark.parametrize("name, size, holding", [("first", 162, 67), ("second", 124, 47)])
def test_the_corpus_is_what_it_says(name, size, holding):
    cases = CORPORA[name]
    assert (len(cases), sum(c["holds"] for c in cases)) == (size, holding)
    sets = {load_evidence(c["evidence"])[1] for c in cases}
    assert sets == {"emotions-4", "emotions-5", "valence-3", "valence-2", "arousal-2", "quadrants-4"}
    assert all(name in LABEL_SPACES for name in sets)
    kinds = Counter(c["wrong_kind"] for c in cases if not c["holds"])
    assert min(kinds[k] for k in ("probability", "rank", "class")) >= 12 and len(kinds) >= 12
    assert all(c["wrong"] in c["text"] for c in cases if not c["holds"])
    assert len({c["id"] for c in CASES}) == len(CASES)


def test_every_misstatement_is_flagged_at_the_wrong_claim(verdicts):
    from test_claims import misplaced, unflagged

    assert not unflagged(verdicts)
    assert not misplaced(verdicts)


def test_every_correct_text_passes_and_most_are_read(verdicts):
    from test_claims import read_share, wrongly_flagged

    assert not wrongly_flagged(verdicts)
    assert read_share(verdicts) >= 0.85


def test_gaps_ratios_sums_and_counts_between_classes():
    evidence, _ = load_evidence("evidence-c6-05")  # fear 51, sad 26, happy 13, neutral 10 (SEED-IV)
    def verdict(text):
        return [(x.kind, x.holds) for x in check_text(text, evidence) if x.kind in ("gap", "ratio", "probability",
                                                                                   "class_count", "rank")]
    assert ("ratio", True) in verdict("Fear is roughly double sad.")
    assert ("ratio", False) in verdict("Fear is nearly five times as likely as happy.")
    assert ("gap", True) in verdict("Fear leads sad by 25 points.")
    assert ("gap", False) in verdict("Fear leads sad by 15 points.")
    assert ("probability", True) in verdict("Fear and sad hold 77% between them.")
    assert ("probability", False) in verdict("Fear and sad hold 70% between them.")
    assert ("class_count", True) in verdict("Two of the four emotions are negative: fear and sad.")
    assert ("class_count", False) in verdict("Three of the four emotions are negative.")
    assert ("rank", False) in verdict("Happy is the least likely class.")


def test_a_class_outside_the_label_set_is_named_as_such():
    evidence, _ = load_evidence("evidence-c5-03")  # negative / neutral / positive
    (claim,) = [x for x in check_text("Negative 52%, fear 17%.", evidence) if x.subject == "fear"]
    assert not claim.holds and "no probability for fear" in claim.why
    evidence, _ = load_evidence("evidence-c5-01")  # SEED-IV: fear is high-arousal too
    (claim,) = [x for x in check_text("Happy (0.46), the only high-arousal class in this set.", evidence)
                if x.kind == "class"]
    assert not claim.holds and "fear" in claim.why
