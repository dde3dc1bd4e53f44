"""The claim checker on texts a user pastes into `eegreason verify`: tests/data/claims/corpus5, 150
cases by a writer who saw only the documented conventions and the evidence (clinical paragraphs,
e-mails, lab reports, Markdown tables, shorthand, non-native English, lay summaries), on evidence the
product computed from SYNTHETIC recordings with a reading over time, and tests/data/claims/corpus6,
110 cases by a sixth writer on the same evidence, written after the rules corpus5 led to were fixed
(handover notes, case-conference summaries, paper drafts, reviewers quoting a colleague, spreadsheet
lines, dictated notes, text messages), tests/data/claims/corpus7, 100 cases by a seventh writer
on new evidence, written after the sixth's fixes (progress notes, grant paragraphs, exam answers,
copied assistant replies, key: value lists, a translator's decimal commas, QA checklists),
tests/data/claims/corpus8, 80 cases by an eighth writer after the seventh's fixes (shift notes, portal
messages, forum questions, e-mails with quoted lines, letters, speaker notes), and
tests/data/claims/corpus9, 80 cases by a ninth writer after the eighth's fixes (SOAP and SBAR notes,
chat transcripts, notebook output, translated English, a peer reviewer), and tests/data/claims/corpus10,
80 cases by a tenth writer after the ninth's (the assistant's own reply shapes, draft-note impressions,
QA bullets, teaching walk-throughs, comparisons with earlier sessions), and tests/data/claims/corpus11,
90 cases by an eleventh writer asked for correct paraphrases above all (50 that hold), and
tests/data/claims/corpus12, 84 replies to free questions in the assistant's shape by a twelfth writer,
the wrong claim in the reasoning or in the Answer line. See the README there
for each first read; the cases the checker still reads wrongly are named here, each
with why."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from encoders.evidence import Evidence
from prompts.claims import check_text
from test_claims import evidence_file, misplaced, read_share, unflagged, wrongly_flagged

DATA = Path(__file__).parent / "data" / "claims"
CORPUS = DATA / "corpus5"  # its evidence records serve the sixth corpus too

FIFTH_MISSES = {
    "v033",  # "fear led the timeline only in the first twelve seconds": "only" (it led the middle too) is not read
    "v059",  # "the most prominent temporal finding was gamma (z = 1.54)": region and band four words apart
    "v072",  # a table row "happy | 0.18 | positive / low": a valence/arousal pair without the nouns
    "v077",  # "alpha activity over the upper back of your head (parietal, z −1.02)": region after the band
    "v094",  # "the runner-up was disgust, with happy in third place": an order between two tied classes
}
FIFTH_WRONGLY_FLAGGED = {
    "v013",  # "Before this the surprise was leading (33 %)": "before this" points at the previous sentence's part
    "v104",  # "surprise in the first (0.50) and last (0.52) sixteen-second segments": a part split by numbers
}


SIXTH_MISSES = {
    "w018",  # "sixty two channels three bad … so sixty were used": the channels in the average, dictated
    "w034",  # "I think it actually indicates approach": the asymmetry's meaning with no asymmetry word
    "w040",  # "by the documented rule it is high": "it" is the confidence of the sentence before
    "w046",  # "happy the sole runner-up": an order between two tied classes
    "w057",  # "frontal_delta_z;-1.01": a name and its value split by the separator that ends a clause
    "w104",  # "Fear top (39%) — a positive, high-arousal class": a description after "top (39%) —"
}
SIXTH_WRONGLY_FLAGGED = {
    "w009",  # "parietal (−0.11) and occipital (0.67) alpha": the band named after both regions
    "w011",  # a spreadsheet row whose columns seg1, seg2, seg3 name the parts only in its header
    "w029",  # dictated without punctuation: a meaning read with the band before it
    "w032",  # dictated without punctuation: "… sad fifteen first sixteen seconds anger …"
    "w044",  # dictated without punctuation: "fear led only the first part … the margin over sad"
    "w076",  # dictated without punctuation: "elevated" read with the band after it
}


SEVENTH_MISSES = {
    "x010",  # "at 56% it leads the runner-up, disgust (16%), by 30 points": a gap with its subject a clause back
    "x027",  # "favours thereby the left side": a translator's word order
    "x033",  # "common average computed over 62 channels": the channels in the average are not checked
    "x097",  # "surprise … the only positive class": "only" said of a class far from its name
}
SEVENTH_WRONGLY_FLAGGED = {
    "x002",  # "neutral at 0.56, eight times the sad share (0.07) and 40 points ahead of disgust": the gap's subject
    "x019",  # "by the documented association elevated posterior alpha means …": a rule quoted, not a finding
    "x057",  # "Before, the disgust leads (0,40 and 0,37)": "before" points at the sentence before
    "x059",  # "disgust the only high-arousal class above 5%": "only" qualified by a threshold
    "x069",  # "surprise led the first (44%) and last (39%) parts": a part split by its numbers
}




@dataclass(frozen=True)
class Corpus:
    """A corpus, its size (cases, that hold, at least this many of each of its 14 wrong kinds) and
    what the checker still reads wrongly in it."""

    folder: str
    size: tuple[int, int, int]
    misses: set[str]
    wrongly_flagged: set[str]
    misplaced: frozenset[str] = frozenset()

    @functools.cached_property
    def cases(self) -> list[dict]:
        return yaml.safe_load((DATA / self.folder / "cases.yaml").read_text())


EIGHTH_MISSES = {
    "y007",  # "runner-up disgust 0.16 — low-arousal class": a description after a dash in a fragment
    "y008",  # "Temporal beta (1.28) and gamma (1.27) both elevated; … this points toward negative valence":
    #          the meaning after a semicolon, of two bands named together
    "y033",  # "> FAA is +0.20." then "Yes — that's small enough to count as balanced": the asymmetry is in the quote
    "y079",  # "40 of those seconds were clear enough to use": "those seconds" is the length said before
}
EIGHTH_WRONGLY_FLAGGED = {
    "y050",  # "changed over the 48 s: anger first (27%), surprise in the middle": "first" is a part here
}

NINTH_MISSES = {
    "u028",  # "Assistant: Negative valence and low arousal." of the class named in the turn before
    "u072",  # "The authors call the asymmetry right-favouring; in fact it is balanced, at −0.04": "it" is in the quote
    "u077",  # "faa = 0.04   # balanced" then "# -> slight approach bias, …": the meaning on a line of its own
}


CORPORA = {
    "fifth": Corpus("corpus5", (150, 60, 6), FIFTH_MISSES, FIFTH_WRONGLY_FLAGGED),
    "sixth": Corpus("corpus6", (110, 45, 4), SIXTH_MISSES, SIXTH_WRONGLY_FLAGGED),
    "seventh": Corpus("corpus7", (100, 40, 4), SEVENTH_MISSES, SEVENTH_WRONGLY_FLAGGED),
    "eighth": Corpus("corpus8", (80, 32, 3), EIGHTH_MISSES, EIGHTH_WRONGLY_FLAGGED),
    "ninth": Corpus("corpus9", (80, 32, 3), NINTH_MISSES, set()),
    "tenth": Corpus("corpus10", (80, 32, 3), set(), set()),
    "eleventh": Corpus("corpus11", (90, 50, 2), set(), set()),
    "twelfth": Corpus("corpus12", (84, 36, 3), set(), set()),
}


def load_evidence(name: str) -> Evidence:
    folder = DATA / "corpus7" if name.startswith("evidence-c7") else CORPUS
    return evidence_file(folder / "fixtures" / f"{name}.json")


@pytest.mark.parametrize("name", CORPORA)
def test_the_corpus_is_what_it_says(name):
    corpus = CORPORA[name]
    cases, holding, per_kind = corpus.size
    assert (len(corpus.cases), sum(c["holds"] for c in corpus.cases)) == (cases, holding)
    kinds = Counter(c["wrong_kind"] for c in corpus.cases if not c["holds"])
    assert len(kinds) == 14 and min(kinds.values()) >= per_kind
    assert all(c["text"].count(c["wrong"]) == 1 for c in corpus.cases if not c["holds"])
    assert len({c["id"] for c in corpus.cases}) == len(corpus.cases)


@pytest.mark.parametrize("name", CORPORA)
def test_the_corpus_is_read_but_for_the_known_cases(name):
    corpus = CORPORA[name]
    verdicts = [(case, check_text(case["text"], load_evidence(case["evidence"]))) for case in corpus.cases]
    assert unflagged(verdicts) == corpus.misses
    assert {case_id for case_id, *_ in misplaced(verdicts, corpus.misses)} == corpus.misplaced
    assert {case_id for case_id, _ in wrongly_flagged(verdicts)} == corpus.wrongly_flagged
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
    # rules the held-out corpus led to
    ("evidence-c5-06", "The draft says anger led throughout. It did not: sad led the last part (52%).", True),
    ("evidence-c5-06", "The draft says anger led throughout. I agree.", False),
    ("evidence-c5-06", "Your note says sad is at 40%, but sad is at 29%.", True),
    ("evidence-c5-06", "sad twenty nine percent, anger twenty three per cent", True),
    ("evidence-c5-06", "sad twenty nine percent, anger thirty three per cent", False),
    ("evidence-c5-06", "central theta minus one point one zero, reduced", True),
    ("evidence-c5-06", "central theta minus one point three zero, reduced", False),
    ("evidence-c5-06", "rec 06;0-16,anger .55;16-32,disgust .45;32-48,sad .52", True),
    ("evidence-c5-06", "rec 06;0-16,anger .55;16-32,sad .45;32-48,sad .52", False),
    ("evidence-c5-06", "the middle third was dominated by disgust", True),
    ("evidence-c5-06", "the middle third was dominated by anger", False),
    ("evidence-c5-06", "Over time: anger → disgust → sad, switching at 16 s and 32 s.", True),
    ("evidence-c5-06", "top=sad (0.29); runner_up=anger (0.23)", True),
    ("evidence-c5-06", "top=sad (0.29); runner_up=disgust (0.16)", False),
    ("evidence-c5-08", "none of the 14 channels was bad", False),
    ("evidence-c5-08", "quality,fair;usable,32 of 48 s", True),
    ("evidence-c5-08", "about 40 seconds of the 48 could be used", False),
    # rules the seventh corpus led to
    ("evidence-c5-06", "The encoder put sad first at 29% and anger\nsecond at 23%.", True),
    ("evidence-c5-06", "The encoder put sad first at 29% and anger\nsecond at 33%.", False),
    ("evidence-c5-06", "FAA −0,17, favours the right.", True),
    ("evidence-c5-06", "FAA −0,27, favours the right.", False),
    ("evidence-c5-06", "✗ sad throughout — anger led the first part (55%)", True),
    ("evidence-c5-06", "✗ sad throughout — disgust led the first part (55%)", False),
    ("evidence-c5-06", "Anger and disgust add up to 39%, sad alone 29%.", True),
    ("evidence-c5-06", "In the pattern match anger (0.23) and disgust (0.16) together reach 0.39, more than sad.", True),
    ("evidence-c5-06", "In the pattern match anger (0.23) and disgust (0.16) together reach 0.49, more than sad.", False),
    ("evidence-c5-08", "1 bad channel: T8 (flat); common average of 13 channels", True),
    ("evidence-c5-08", "2 bad channels: T8 (flat) and T7 (noisy)", False),
    # rules the ninth corpus led to
    ("evidence-c5-06", "The paper states that anger led throughout; the timeline shows sad in the last part (52%).", True),
    ("evidence-c5-06", "Their claim that the grade is poor does not hold: the grade is good.", True),
    ("evidence-c5-06", "Their claim that the grade is poor does not hold: the grade is fair.", False),
    ("evidence-c5-06", "The timeline: anger (0–16 s, 55%), then disgust (16–32 s, 45%), then sad (32–48 s, 52%).", True),
    ("evidence-c5-06", "The timeline: anger (0–16 s, 55%), then sad (16–32 s, 45%).", False),
    ("evidence-c5-06", "Timeline: anger the first (0–16 s, 55%), disgust the second (16–32 s, 45%).", True),
    ("evidence-c5-06", "Sad is with 29% the most likely, anger comes next with 23%, then disgust.", True),
    ("evidence-c5-06", "Sad is with 29% the most likely, anger comes next with 23%, then neutral.", False),
    ("evidence-c5-06", "the anger is more likely as the disgust", True),
    ("evidence-c5-06", "the disgust is more likely as the anger", False),
    ("evidence-c5-06", "The runner-up place is for the anger.", True),
    ("evidence-c5-06", "Second place is for the disgust.", False),
    ("evidence-c5-06", "The record rates its confidence as low.", True),
    ("evidence-c5-06", "The record rates its confidence as high.", False),
    ("evidence-c5-06", "conf = 'low'   # sad leads by 6 points", True),
    ("evidence-c5-06", "After 32 s it settled on sad.", True),
    ("evidence-c5-06", "After 32 s it settled on anger.", False),
    ("evidence-c5-06", "FAA −0.17; |FAA| ≥ 0.10 means a side, here the right.", True),
    ("evidence-c5-06", "sad holds on to the very end", True),
    ("evidence-c5-06", "anger holds on to the very end", False),
    ("evidence-c5-08", "The recording was graded just fair.", True),
    ("evidence-c5-08", "The recording was graded merely poor.", False),
    ("evidence-c5-08", "The asymmetry leans slightly towards the left.", False),
    # rules the tenth corpus led to
    ("evidence-c5-06", "Unlike the earlier recording, which was graded poor, this one is graded good.", True),
    ("evidence-c5-06", "Unlike the earlier recording, which was graded poor, this one is graded fair.", False),
    ("evidence-c5-06", "Two months ago the cap had 19 channels; sad now leads at 29%.", True),
    ("evidence-c5-06", "anger led 0–16 s (55%), then sad took over in the last part (52%).", True),
    ("evidence-c5-06", "anger led 0–16 s (55%), then disgust took over in the last part (52%).", False),
    ("evidence-c5-06", "Overall, sad remains the top class at 29%.", True),
    ("evidence-c5-06", "Sad stayed in the lead for the whole 48 seconds.", False),
    ("evidence-c5-06", "- timeline: anger .55 → .45 → .52", False),  # one class for three parts: disgust and sad led two
    ("evidence-c5-06", "over time: anger → disgust → sad → sad", True),
    ("evidence-c5-06", "sad and anger together make up just over half (29% + 23% = 52%).", True),
    ("evidence-c5-06", "sad and anger together make up just over half (29% + 23% = 62%).", False),
    ("evidence-c5-06", "Sad (29%) and anger (23%) are tied for first.", False),
    ("evidence-c5-06", "anger led the start (55%) and sad led the end (52%).", True),
    ("evidence-c5-08", "Frontal alpha favours the right (-0.50).", True),
    ("evidence-c5-08", "Frontal alpha leans to the left (+0.50).", False),
    ("evidence-c5-08", "Two thirds of the recording (32 of 48 s) was usable.", True),
    ("evidence-c5-08", "Five sixths of the recording was usable.", False),
    # a pasted chat's answer turn reads with the question right before it
    ("evidence-c5-08", "User: And the asymmetry?\nAssistant: −0.50, favouring the right.", True),
    # the asymmetry in lay words
    ("evidence-c5-08", "The front of her head tilted to the right (−0.50).", True),
    ("evidence-c5-08", "The front-of-head balance score was +0.50.", False),
    ("evidence-c5-08", "Comparing both sides of the front of the head gave −0.50, leaning left.", False),
    # rules the eleventh corpus led to
    ("evidence-c5-06", "Delta is reduced in all regions except parietal and occipital.", True),
    ("evidence-c5-06", "Delta is reduced in all regions except occipital.", False),  # parietal delta is −0.43
    ("evidence-c5-06", "The reading moved from anger (55%) to disgust (45%) and then sad (52%).", True),
    ("evidence-c5-06", "The reading moved from anger (55%) to sad (45%) to disgust (52%).", False),
    ("evidence-c5-06", "anger took the first third (55%), disgust the middle (45%), sad the end (52%)", True),
    ("evidence-c5-06", "anger took the first third (55%), sad the middle (45%)", False),
    ("evidence-c5-06", "It began as anger and finished on sad (52%).", True),
    ("evidence-c5-06", "It began as anger and finished on disgust (52%).", False),
    ("evidence-c5-06", "Sad was top overall, 0.29, with anger next at 23%.", True),
    ("evidence-c5-06", "Anger is an emotion of negative valence.", True),
    ("evidence-c5-06", "Anger is an emotion of positive valence.", False),
    ("evidence-c5-08", "Two thirds of its length was usable.", True),
    ("evidence-c5-08", "Three quarters of its length was usable.", False),
    # rules the twelfth corpus led to
    ("evidence-c5-08", "One channel is bad out of the 14 channels.", True),
    ("evidence-c5-08", "One channel is bad out of the 19 channels.", False),
    ("evidence-c5-08", "One of 14 channels is bad, T8.", True),
    ("evidence-c5-08", "One of 14 channels is bad, T7.", False),
    ("evidence-c5-08", "The recording became noisier in its second half.", False),  # quality is not measured over time
    ("evidence-c5-06", "Anger is a clearly negative emotion.", True),
    ("evidence-c5-06", "Anger is a mildly positive emotion.", False),
    ("evidence-c5-08", "Q: Which way does the hemispheric balance tip?\nA: To the left, at +0.50.", False),
    ("evidence-c5-08", "User: How much of it could be used?\nAssistant: 32 of the 48 seconds.", True),
    ("evidence-c5-08", "User: How much of it could be used?\nAssistant: 40 of the 48 seconds.", False),
    ("evidence-c5-08", "User: Any bad channels?\nAssistant: Just T8.", True),
    ("evidence-c5-08", "User: Any bad channels?\nAssistant: T7 only.", False),
]


def test_claims_are_quoted_as_written():
    """Reading normalises the text (minus signs, table bars, dictated numbers), the quotes do not."""
    from prompts.claims import extract_claims

    quoted = [c.text for c in extract_claims("| Bad channels | T8 |\nFAA −0.50 favours the right; fear thirty three "
                                             "percent.")]
    assert quoted == ["Bad channels | T8", "FAA −0.50 favours the right", "fear thirty three"]


@pytest.mark.parametrize("evidence, text, holds", RULES)
def test_a_rule_the_corpus_led_to_reads_other_phrasings(evidence, text, holds):
    checked = check_text(text, load_evidence(evidence))
    assert checked, f"no claim read in {text!r}"
    assert all(c.holds for c in checked) == holds, [c.to_dict() for c in checked]


def test_dictated_numbers_are_read_and_ordinary_words_left_alone():
    from prompts.claims.text import normalise

    for spoken, digits in [("minus point three eight", "-0.38"), ("one point four four", "1.44"),
                           ("plus point zero three", "+0.03"), ("twenty nine percent", "29"),
                           ("minus point oh five", "-0.05")]:
        read = normalise(spoken)
        assert len(read) == len(spoken) and read.split()[0] == digits
    for prose in ["At this point one could argue otherwise.", "Point two: the quality is good.", "one of the channels"]:
        assert normalise(prose) == prose


@pytest.mark.parametrize("written, read", [
    ("frontal alpha asymmetry −0,83", "frontal alpha asymmetry -0.83"),  # the minus sign made plain too
    ("z-scores of 1,2 and 0,8", "z-scores of 1.2 and 0.8"),
    ("alpha 0,26 and 1 bad channel", "alpha 0.26 and 1 bad channel"),
    ("segments 1,2 and 3 lead with sad", "segments 1,2 and 3 lead with sad"),  # a list of whole numbers
    ("channels 1,2,3 are noisy", "channels 1,2,3 are noisy"),
    ("windows 4,5 or 6", "windows 4,5 or 6"),
])
def test_decimal_commas_are_read_and_lists_of_whole_numbers_left_alone(written, read):
    from prompts.claims.text import normalise

    assert normalise(written) == read


@pytest.mark.parametrize("shares, grade, level", [
    ((0.37, 0.27), "good", "moderate"),  # a lead of exactly 10 points (0.0999… in binary floating point)
    ((0.36, 0.27), "good", "low"),
    ((0.56, 0.36), "good", "high"),  # exactly 20 points
    ((0.55, 0.36), "good", "moderate"),
    ((0.30, 0.20), "fair", "moderate"),
])
def test_a_lead_at_the_documented_threshold_counts(shares, grade, level):
    """The seventh corpus's writer found record 06 (disgust 37%, sad 27%) shown as low where the
    documented rule (a lead of at least 10 points) says moderate."""
    from prompts.evidence_text import confidence_level, render_evidence

    evidence = load_evidence("evidence-c7-06")
    evidence.quality_grade = grade
    evidence.probabilities = {"disgust": shares[0], "sad": shares[1], "neutral": round(1 - sum(shares), 2) / 5}
    evidence.pattern = [("disgust", shares[0]), ("sad", shares[1])]
    assert confidence_level(evidence) == level
    assert f"(confidence {level})" in render_evidence(evidence)
    assert [c.holds for c in check_text(f"Confidence is {level}.", evidence) if c.kind == "confidence_level"] == [True]


def test_the_evidence_text_beside_each_record_is_what_the_product_renders_for_its_level():
    """The writers read the evidence texts: each shows the confidence level the code computes."""
    from prompts.evidence_text import confidence_level

    for path in sorted(DATA.glob("corpus[57]/fixtures/*.json")):
        evidence = evidence_file(path)
        assert f"(confidence {confidence_level(evidence)})" in path.with_suffix(".txt").read_text(), path.name


def test_questions_and_quoted_lines_are_not_claims_unless_endorsed():
    evidence = load_evidence("evidence-c5-06")  # sad 29%, anger 23%; grade good
    for text in ["Is it right that the grade is poor here?",
                 "> The grade is poor and sad is at 40%.\n\nNo: the grade is good.",
                 "> The grade is poor.\n> Sad is at 40%.\n\nNot quite, sad is at 29%."]:
        assert all(c.holds for c in check_text(text, evidence)), text
    endorsed = check_text("> Sad is at 40%.\n\nAgreed.", evidence)
    assert [c.holds for c in endorsed if c.kind == "probability"] == [False]


@pytest.mark.parametrize("table", [
    "| region | delta | theta | alpha |\n|---|---|---|---|\n| frontal | -1.10 | -0.40 | 0.10 |",
    "region | delta | theta | alpha\nfrontal | -1.10 | -0.40 | 0.10",
])
def test_a_band_table_is_read_cell_by_cell_with_or_without_outer_bars(table):
    from prompts.claims import extract_claims

    bands = sorted((c.subject, c.stated["z"]) for c in extract_claims(table) if c.kind == "band")
    assert bands == [("frontal alpha", 0.10), ("frontal delta", -1.10), ("frontal theta", -0.40)]


@pytest.mark.parametrize("text, holds", [
    ("usable_seconds: 48", True), ("usable_s 45", False), ("usable seconds = 48", True),
    ("usable_s: 48 | total_s: 48", True),
])
def test_a_field_of_usable_seconds_is_read(text, holds):
    evidence = load_evidence("evidence-c5-02")  # 48 of 48 s usable
    claims = [c for c in check_text(text, evidence) if c.kind == "usable"]
    assert claims and all(c.holds for c in claims) is holds


@pytest.mark.parametrize("text, holds", [
    ("happy in clear second place", False), ("happy in second place", True), ("happy is second (18%)", True),
    ("fear (29%) is clearly first", True),
])
def test_a_clear_place_is_no_tie(text, holds):
    evidence = load_evidence("evidence-c5-05")  # fear 29% first; happy and disgust tied for second at 18%
    claims = [c for c in check_text(text, evidence) if c.kind == "rank"]
    assert claims and all(c.holds for c in claims) is holds
