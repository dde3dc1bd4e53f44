"""The claim checker on texts a user pastes into `eegreason verify`: tests/data/claims/corpus5, 150
cases by a writer who saw only the documented conventions and the evidence (clinical paragraphs,
e-mails, lab reports, Markdown tables, shorthand, non-native English, lay summaries), on evidence the
product computed from SYNTHETIC recordings with a reading over time. See the README there for the
first read; the cases the checker still reads wrongly are named here, each with why."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from encoders.evidence import Evidence
from prompts.claims import check_text
from test_claims import evidence_file, misplaced, read_share, unflagged, wrongly_flagged

CORPUS = Path(__file__).parent / "data" / "claims" / "corpus5"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text())

KNOWN_MISSES = {
    "v033",  # "fear led the timeline only in the first twelve seconds": "only" (it led the middle too) is not read
    "v059",  # "the most prominent temporal finding was gamma (z = 1.54)": region and band four words apart
    "v072",  # a table row "happy | 0.18 | positive / low": a valence/arousal pair without the nouns
    "v077",  # "alpha activity over the upper back of your head (parietal, z −1.02)": region after the band
    "v094",  # "the runner-up was disgust, with happy in third place": an order between two tied classes
}
KNOWN_WRONGLY_FLAGGED = {
    "v013",  # "Before this the surprise was leading (33 %)": "before this" points at the previous sentence's part
    "v104",  # "surprise in the first (0.50) and last (0.52) sixteen-second segments": a part split by numbers
}


def load_evidence(name: str) -> Evidence:
    return evidence_file(CORPUS / "fixtures" / f"{name}.json")


@pytest.fixture(scope="module")
def verdicts():
    return [(case, check_text(case["text"], load_evidence(case["evidence"]))) for case in CASES]


def test_the_corpus_is_what_it_says():
    assert (len(CASES), sum(c["holds"] for c in CASES)) == (150, 60)
    kinds = Counter(c["wrong_kind"] for c in CASES if not c["holds"])
    assert len(kinds) == 14 and min(kinds.values()) >= 6
    assert all(c["text"].count(c["wrong"]) == 1 for c in CASES if not c["holds"])
    assert len({c["id"] for c in CASES}) == len(CASES)


def test_every_misstatement_but_the_known_ones_is_flagged_at_the_wrong_claim(verdicts):
    assert unflagged(verdicts) == KNOWN_MISSES
    assert misplaced(verdicts, KNOWN_MISSES) == []


def test_correct_texts_pass_but_the_known_ones(verdicts):
    assert {case_id for case_id, _ in wrongly_flagged(verdicts)} == KNOWN_WRONGLY_FLAGGED
    assert read_share(verdicts) >= 0.95  # a checker that reads nothing would pass every correct text


# Phrasings of the rules the corpus led to, other than its own, on its evidence record 06 (32 channels,
# none bad, 48 s; sad 29%, anger 23%, disgust 16%; over time anger 55%, disgust 45%, sad 52% in three
# 16-s parts; parietal alpha typical) and 08 (14 channels, T8 bad, fair, 32 of 48 s usable).
RULES = [
    ("evidence-c5-06", "In the middle of the recording the reading was disgust (45%).", True),
    ("evidence-c5-06", "In the middle of the recording the reading was sad (45%).", False),
    ("evidence-c5-06", "Timeline: anger .55 (0-16), disgust .45 (16-32), sad .52 (32-48).", True),
    ("evidence-c5-06", "Timeline: anger .55 (0-16), disgust .35 (16-32), sad .52 (32-48).", False),
    ("evidence-c5-06", "The reading started out as anger and ended up as sad.", True),
    ("evidence-c5-06", "The reading started out as disgust and ended up as sad.", False),
    ("evidence-c5-06", "Over time: anger -> disgust -> sad.", True),
    ("evidence-c5-06", "Over time: disgust -> anger -> sad.", False),
    ("evidence-c5-06", "Anger throughout.", False),
    ("evidence-c5-06", "sad .29, anger 2nd, disgust 3rd.", True),
    ("evidence-c5-06", "sad .29, disgust 2nd.", False),
    ("evidence-c5-06", "The film clip at the start was a sad one; the encoder's top class is sad (29%).", True),
    ("evidence-c5-08", "| Channels | 14 |\n|---|---|\n| Bad | T8 |\n| Quality | fair |", True),
    ("evidence-c5-08", "| Channels | 14 |\n|---|---|\n| Bad | T7 |", False),
    ("evidence-c5-08", "| Quality | good |", False),
    ("evidence-c5-08", "Recorded on 14 sensors; one (T8) was excluded.", True),
    ("evidence-c5-08", "Recorded on 14 sensors; one (T7) was excluded.", False),
    ("evidence-c5-08", "One sensor out of 14 was left out.", True),
    ("evidence-c5-08", "32 of the 48 seconds were used.", True),
    ("evidence-c5-08", "40 of the 48 seconds were used.", False),
    ("evidence-c5-08", "The grade came out fair.", True),
    ("evidence-c5-08", "The grade came out poor.", False),
    ("evidence-c5-08", "occ β ↑ +1.6 → pos valence.", False),  # occipital beta has no documented meaning
    ("evidence-c5-08", "temp γ ↑ 1.44 → pos valence.", True),
    ("evidence-c5-08", "temp γ ↑ 1.44 → neg valence.", False),
]


@pytest.mark.parametrize("evidence, text, holds", RULES)
def test_a_rule_the_corpus_led_to_reads_other_phrasings(evidence, text, holds):
    checked = check_text(text, load_evidence(evidence))
    assert checked, f"no claim read in {text!r}"
    assert all(c.holds for c in checked) == holds, [c.to_dict() for c in checked]
