"""The claim checker on rationales written in the released datasets' label sets (SEED-IV, SEED-V,
SEED, valence or arousal high/low, quadrants) by two writers who never saw it, each on evidence
records of their own: every misstatement flagged, at the claim that is wrong, and every correct text
passed (tests/data/claims/labelsets/ and labelsets2/; what each first read found is in the README);
a third writer's texts in pasted styles on the same records (labelsets3/), read but for the
cases named here; and a fourth writer's (labelsets4/: the assistant's reply shapes, papers, QA
bullets, chats between researchers, comparisons with an earlier session)."""

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


# A third writer's 80 texts in the styles pasted into `eegreason verify` (e-mails quoting a colleague,
# lab notebooks with arrows, Markdown tables, dictated numbers, non-native English, grant paragraphs
# with gaps and ratios, checklists), on the first two writers' records (labelsets3/README.md).
THIRD = yaml.safe_load((ROOT / "labelsets3" / "cases.yaml").read_text())
FOURTH = yaml.safe_load((ROOT / "labelsets4" / "cases.yaml").read_text())
FOURTH_MISSES = {
    "s078",  # "B: low .55 vs high .45, high confidence" in a chat: a level with nothing tying it to the reading
}
THIRD_MISSES = {
    "z028",  # a table row "| fear | 0.20 | negative | low |": a placement given by its column headers
    "z062",  # "…; reduced alpha here is meaning a relaxed, calm state": the region is the clause before
    "z070",  # "✗ FAA favours the left" (true): a cross with no correction is read as a finding, as in the
    #          fifth corpus's QA checklists, not as a denial
}


@pytest.mark.parametrize("text, holds", [
    ("happy top (46%), neutral second at 27%, then fear 15%", True),   # "then" after a stated second: third
    ("happy top (46%), neutral second at 27%, then sad 12%", False),  # sad is fourth
    ("par α↑ 1.18", True),                                            # parietal alpha, not temporal
    ("temp β↑ 1.27\npar α 0.74 typical", False),                      # parietal alpha is 1.18 (central's 0.74)
    ("front θ↓ −1.12 → arousal ↑", True),                             # the arrow after arousal is the meaning's
    ("occ α↑ 1.62 → lower arousal", True),
    ("FAA +0.34 → L", True),
    ("FAA +0.34 → R", False),
    ("FAA +0.34 R | happy .46", False),
    ("happy edges it on top", True),
    ("conf moderate, top <.50\nneutral .27", True),                   # "<.50" is a bound, not neutral's value
    ("fear (15%) was twice as likely as sad (12%)", False),           # a ratio after a bracket
    ("happy (46%) led neutral (27%) by 19 points", True),
    ("happy (46%) led neutral (27%) by 9 points", False),
    ("happy (46%) was three times fear (15%), and led neutral (27%)", True),  # happy led, not fear
])
def test_notebook_shorthand_is_read(text, holds):
    evidence, _ = load_evidence("evidence-c5-01")  # SEED-IV: happy 46, neutral 27, fear 15, sad 12; FAA +0.34
    claims = check_text(text, evidence)
    assert claims and all(c.holds for c in claims) is holds, [(c.kind, c.text, c.holds) for c in claims]


def test_a_lead_said_to_edge_it_is_no_tie():
    evidence, _ = load_evidence("evidence-c5-07")  # SEED-IV: sad 34, neutral 34
    assert not all(c.holds for c in check_text("sad edges it on top", evidence))
    assert all(c.holds for c in check_text("sad top, tied with neutral", evidence))


def test_a_long_format_band_table_is_read_row_by_row():
    evidence, _ = load_evidence("evidence-c5-01")
    table = "| region | band | z |\n|---|---|---|\n| parietal | alpha | 1.18 |\n| occipital | alpha | 1.26 |"
    claims = [c for c in check_text(table, evidence) if c.kind == "band"]
    assert [(c.subject, c.holds) for c in claims] == [("parietal alpha", True), ("occipital alpha", False)]


def test_conf_is_confidence_in_a_note_and_conference_is_not():
    evidence, _ = load_evidence("evidence-c5-01")  # happy 46 over neutral 27 on a good recording: moderate
    assert [(c.kind, c.holds) for c in check_text("happy .46 → conf moderate", evidence)
            if c.kind == "confidence_level"] == [("confidence_level", True)]
    assert [(c.kind, c.holds) for c in check_text("happy .46, conf high", evidence)
            if c.kind == "confidence_level"] == [("confidence_level", False)]
    assert not [c for c in check_text("Shown at the conference as a high-quality example.", evidence)
                if c.kind == "confidence_level"]


def test_a_bands_value_is_not_the_next_classs_probability():
    evidence, _ = load_evidence("evidence-c5-07")  # sad 34%
    claims = check_text("Up front: the alpha (0.45) looks typical and sad leads at 34%.", evidence)
    assert [c.text for c in claims if c.kind == "probability"] == ["sad leads at 34%"]
    assert all(c.holds for c in claims)


@pytest.mark.parametrize("text", [
    "In the first part (0–16 s) the fear was leading, but after, the disgust takes the lead until the end.",
    "The reading over time shows anger first (0–16 s, 55%), disgust in the middle (16–32 s, 45%).",
])
def test_emotion_words_in_a_set_without_them_leave_the_reading_over_time_unclaimed(text):
    """Emotions are no classes of a valence set: a part of the reading named with them makes no claim
    (and, found by a ninth-corpus text read in the wrong set, no error)."""
    evidence, label_set = load_evidence("evidence-c5-04")
    assert label_set == "valence-2"
    assert not [c for c in check_text(text, evidence) if c.kind == "trend"]


@pytest.mark.parametrize("cases, misses", [(THIRD, THIRD_MISSES), (FOURTH, FOURTH_MISSES)], ids=["third", "fourth"])
def test_a_later_writers_texts_are_read_but_for_the_known_cases(cases, misses):
    from test_claims import misplaced, read_share, unflagged, wrongly_flagged

    assert (len(cases), sum(c["holds"] for c in cases)) == (80, 32)
    assert all(c["text"].count(c["wrong"]) == 1 for c in cases if not c["holds"])
    assert {load_evidence(c["evidence"])[1] for c in cases} == {"emotions-4", "emotions-5", "valence-3", "valence-2",
                                                                  "arousal-2", "quadrants-4"}
    verdicts = [(case, check_text(case["text"], load_evidence(case["evidence"])[0])) for case in cases]
    missed = unflagged(verdicts)
    assert missed == misses
    assert not misplaced(verdicts, missed)
    assert not wrongly_flagged(verdicts)
    assert read_share(verdicts) >= 0.95
