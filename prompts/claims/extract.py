"""Finding the factual claims in a reasoning text, whoever wrote it, clause by clause:

    probability   a class's pattern-match probability, or a bound on it     (probabilities.py)
    rank, order   the pattern match's order ("closest to fear, then anger")  (probabilities.py)
    gap, ratio    how far apart two classes are ("by 4 points", "roughly double")  (relations.py)
    group_rank    the top or bottom of a group ("the most likely negative emotion")  (relations.py)
    band          a region's band power: direction and/or z                  (bands.py)
    all_typical   "band power is typical everywhere (apart from …)"          (band_summary.py)
    comparison    one band power above another, or the top of a group        (comparisons.py)
    faa           frontal alpha asymmetry: value, side, or "not measured"    (asymmetry.py)
    association   the meaning tied to a band or asymmetry claim              (bands.py, asymmetry.py)
    class         a class's valence or arousal                               (classes.py)
    class_count   how many classes of the set share a placement, and which   (classes.py)
    readout       a valence or arousal class's share of the pattern match    (readout.py)
    coverage      which regions were measured ("no central row")             (band_summary.py)
    trend         change over time ("anger built up over the three minutes") (trend.py)
    confidence_level  how sure the reading is ("confidence is moderate")     (certainty.py)
    quality, usable, quality_figure, bad_channels, channels, duration       (recording.py)

An Answer line in a free question's shape ("favours left (+0.27)", "steady: sad") is read from its
shape (answer_line.py), not as prose; any other Answer line is read as prose.

Checked with the text as a whole (`check.check_text`, `between.check_reasoning`):
    situation_choice   the situation picked, against the text's own readings  (situations.py)
    situation_fit      an emotion chosen among the situations' emotions: the encoder's highest of them  (situations.py)
    shared_class, class_order, comparison_winner, rank_order   across recordings  (between.py)

Claims only state what the text says; `check` decides whether they hold.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .answer_line import answer_line_claims, inside
from .asymmetry import faa_claims
from .band_summary import all_typical_claims, coverage_claims, table_claims
from .bands import band_claims
from .certainty import confidence_claims
from .classes import class_claims, class_count_claims
from .comparisons import comparison_claims
from .model import Claim
from .probabilities import probability_claims
from .ranks import rank_claims
from .readout import readout_claims
from .recording import channel_claims, count_claims, figure_claims, quality_claims
from .relations import group_rank_claims, relation_claims
from .order_words import not_asserted
from .text import Clause, clauses, normalise, numbers
from .trend import trend_claims


def extract_claims(text: str) -> list[Claim]:
    """Every claim in `text`, in reading order."""
    out: list[Claim] = []
    norm = normalise(text or "")
    answer_span, answer_claims = answer_line_claims(text or "")
    for clause in clauses(text or ""):
        if answer_claims and inside(answer_span, clause.start, clause.end):
            continue  # read from its shape, below
        if quoted_unendorsed(norm, clause):
            continue  # "> Quality looks fair …": a line quoted from an earlier message in a reply
        if clause.sentence.rstrip().endswith("?"):
            continue  # "Is it right that occipital alpha is elevated here too?": asked, not claimed
        heard = max(reported_until(norm, clause), crossed_until(clause))
        if heard >= len(clause.text):
            continue  # "You wrote that sad took over at 32 s.": another writer's claim, quoted to be judged
        if heard:  # read only the writer's own words after the quoted ones ("…; in fact …", "…: FAA is −0.24")
            clause = replace(clause, start=clause.start + heard, text=clause.text[heard:])
        elsewhere = other_recording_spans(clause.text)
        found = [c for c in _clause_claims(norm, clause)
                 if not any(a <= max(clause.text.find(c.text), 0) < b for a, b in elsewhere)]
        topic = None if found else asked_topic(norm, clause)
        if topic:  # "User: What about the asymmetry?" / "Assistant: It's −0.17, so it tilts to the left."
            label = _ANSWERING.match(clause.text)  # "Assistant: T7 only." read as "Bad channels: T7 only."
            body = clause.text[label.end():] if label else clause.text
            found = [c for c in _clause_claims(norm, replace(clause, text=topic + body))
                     if c.text.startswith(topic) or clause.text.find(c.text) >= 0]
            for claim in found:
                claim.text = claim.text[len(topic):].strip() if claim.text.startswith(topic) else claim.text
        out += found
    return _as_written(out, text or "", norm) + answer_claims + table_claims(text or "")


# A pasted chat: an answer turn may leave its subject to the question before it.
# Each turn opens with its speaker ("User:", "Assistant:", "Q:", "A:", "B:", "Dr K:"); a question turn
# ends with a question mark.
_ASKED = re.compile(r"[ \t]*(?P<who>[A-Za-z][\w .]{0,14}?)\s*:\s*(?P<q>[^\n]*\?)[ \t]*")
_ANSWERING = re.compile(r"[ \t]*(?P<who>[A-Za-z][\w .]{0,14}?)\s*:\s")
_TOPICS = [(re.compile(r"asymmetr|\bFAA\b|laterali|hemispher", re.I), "The asymmetry: "),
           (re.compile(r"\bused\b|\busable\b|how much of the recording|how many seconds|\bclean\s+(?:data|signal|seconds)",
                       re.I), "Usable seconds: "),
           (re.compile(r"\bbad\s+channels?|channels?\s+(?:were\s+|was\s+)?(?:bad|noisy|flat|dropped)|electrodes?", re.I),
            "Bad channels: "),
           (re.compile(r"\bquality\b|\bgrade\b", re.I), "Quality: "),
           (re.compile(r"\bconfiden|\bhow sure\b|\bcertain", re.I), "Confidence: ")]


def asked_topic(norm: str, clause: Clause) -> str | None:
    """The subject an answer turn of a pasted chat leaves to the question right before it ("What
    about the asymmetry?" → "The asymmetry: "), as words to read the answer with; None elsewhere."""
    line_start = norm.rfind("\n", 0, clause.start) + 1
    answering = _ANSWERING.match(norm, line_start)
    if not answering:
        return None
    # the question is the line right before the answer (blank lines aside), asked by someone else
    before = norm[:line_start].rstrip()
    asked = _ASKED.fullmatch(before, before.rfind("\n") + 1)
    if not asked or asked.group("who").strip().lower() == answering.group("who").strip().lower():
        return None
    return next((words for pattern, words in _TOPICS if pattern.search(asked.group("q"))), None)


def _as_written(claims: list[Claim], text: str, norm: str) -> list[Claim]:
    """Each claim quoted in the writer's own characters ("−0.12", "Bad channels | Fp1", "twenty two
    percent"), not as normalised for reading: the same offsets, as normalising keeps the length; a
    quote that ends inside a number dictated in words runs to the end of its words."""
    if norm == text:
        return claims
    cursor = 0
    for claim in claims:
        at = norm.find(claim.text, cursor)
        at = at if at >= 0 else norm.find(claim.text)
        if at < 0 or not claim.text:
            continue
        end = at + len(claim.text)
        while end < len(norm) and norm[end] == " " and text[end] != " " or \
                end + 1 < len(norm) and norm[end:end + 2] == "  " and text[end] == " " and text[end + 1] not in " \n":
            end += 1
        claim.text = text[at:end].rstrip(" |")
        cursor = at
    return claims


def _clause_claims(norm: str, clause: Clause) -> list[Claim]:
    """The claims of one clause, each kind read by its module."""
    out: list[Claim] = []
    nums = numbers(clause.text)
    out += probability_claims(clause, nums)
    out += rank_claims(clause, nums)
    out += relation_claims(clause)
    out += group_rank_claims(clause)
    out += faa_claims(clause, nums)
    comparisons = comparison_claims(clause)
    out += _outside_superlatives(band_claims(clause, nums), comparisons)
    out += all_typical_claims(clause)
    out += comparisons
    out += coverage_claims(clause)
    out += class_claims(clause)
    out += class_count_claims(clause)
    # What the recording is and how good it is, or what the read-out gives, asked or supposed ("Were
    # any channels bad?", "If more than 20% of windows had artefacts, …", "Re-record if quality is
    # poor", "Hypothetically, a negative-valence share of 90% …"), is not claimed.
    out += [c for c in quality_claims(clause) + figure_claims(clause) + channel_claims(clause) + count_claims(clause)
            + readout_claims(clause, nums) if not _supposed(norm, clause, c)]
    out += trend_claims(clause)
    out += confidence_claims(clause)
    return out


_QUOTED_LINE = re.compile(r"[ \t]*>")
# A sentence that quotes another reading to judge it ("You wrote that …", "The draft says …",
# "According to your note, …") reports a claim rather than making one, up to a turn ("…, but …").
_REPORTED = re.compile(r"^\W*(?:(?:you|they|he|she|the\s+(?:draft|report|note|summary|colleague|resident|fellow|authors?|"
                       r"registrar|first\s+reader|original|paper|manuscript|submission|abstract|text)|your\s+(?:note|draft|report|"
                       r"summary|reading|text))\s+(?:wrote|write|"
                       r"writes|said|say|says|described|describe|describes|claimed|claims?|stated|states?|suggested|suggests|"
                       r"reported|reports|called|calls?|labell?ed|put|puts|read|reads|mentioned|mentions|concluded|concludes)\b"
                       r"|according\s+to\s+(?:you|your\s+\w+|the\s+(?:draft|report|note|summary|authors?|paper|manuscript)))"
                       # a reviewer's "Their statement that …", "Their reported FAA of +0.23 has the wrong sign: …"
                       r"|(?:their|the\s+authors'?|your)\s+(?:statement|claim|assertion|description|conclusion|reported|"
                       r"stated|quoted)\b", re.I)
_ENDORSED = re.compile(r"\W*(?:I\s+agree|agreed|that'?s\s+(?:right|correct|true)|that\s+is\s+(?:right|correct|true)|"
                      r"correct|right|true|exactly|yes)\b", re.I)
_TURN = re.compile(r"\b(?:but|however|whereas|although|though|yet|instead|actually)\b|[:;—]")


# A checklist item crossed and corrected after a dash ("✗ temporal gamma elevated — it is 0.94,
# typical") says its words do not hold, up to the dash; a cross without a correction marks a finding
# ("✗ one bad channel: Fp1"), whose words are claimed.
_CROSSED = re.compile(r"^\s*(?:[-*•]\s*)?(?:✗|✘|❌|☒)")
_CORRECTION = re.compile(r"\s(?:—|–|-{1,2})\s")


def crossed_until(clause: Clause) -> int:
    """Where in `clause` the words of a crossed and corrected checklist item end (0: it is not one)."""
    crossed = _CROSSED.match(clause.text)
    correction = crossed and _CORRECTION.search(clause.text, crossed.end())
    return correction.start() if correction else 0


def quoted_unendorsed(norm: str, clause: Clause) -> bool:
    """Whether `clause` is on a line quoted from an earlier message ("> …") that the reply does not
    endorse ("Agreed.", "Yes, …" right after the quote)."""
    if not _QUOTED_LINE.match(norm, norm.rfind("\n", 0, clause.start) + 1):
        return False
    reply = re.search(r"^(?![ \t]*>)[ \t]*\S.*$", norm[clause.end:], re.M)  # the first line after the quote
    return not (reply and _ENDORSED.match(reply.group(0)))


def reported_until(norm: str, clause: Clause) -> int:
    """Where in `clause` the words quoted from another writer end (0: none are)."""
    sentence_at = norm.rfind(clause.sentence, 0, clause.start + len(clause.sentence))
    if sentence_at < 0 or not _REPORTED.match(clause.sentence) or \
            _ENDORSED.match(norm, sentence_at + len(clause.sentence)):
        return 0  # "You wrote that it tips to the right. I agree.": the writer's own claim too
    turn = _TURN.search(clause.sentence, _REPORTED.match(clause.sentence).end())
    frame_end = sentence_at + (turn.start() if turn else len(clause.sentence))
    return max(0, min(len(clause.text), frame_end - clause.start))


# Another recording than the one checked: "last week's session", "the October pilot", "the earlier
# recording", "last week it was sad". What is said of it cannot be checked against this evidence.
_OTHER_RECORDING = re.compile(
    r"\b(?:last|previous|prior|earlier|past|first|baseline|preceding|former|other)\s+(?:week'?s|month'?s|year'?s|time'?s|"
    r"session|recording|record|visit|run|pilot|scan|EEG|study|cap)\b|\blast\s+(?:week|month|time|year)\b|"
    r"\bthe\s+(?:\w+\s+)?pilot\b|\b(?:session|recording|visit)\s+(?:two|three|\d+)\s+(?:days?|weeks?|months?)\s+ago\b|"
    r"\b(?:two|three|\d+)\s+(?:days?|weeks?|months?)\s+ago\b", re.I)
# Where what is said of it stops: its brackets, then a turn to this one (", this recording", "; here",
# "— this one"), or the end of the clause.
_BACK_TO_THIS = re.compile(r"[;—–]|,(?!\s*(?:which|that|where|when|who)\b)|\b(?:here|now|today)\b|"
                           r"\b(?:this|the\s+present|the\s+current)\s+(?:one|recording|session|record|file|EEG|trial|run|"
                           r"time|visit)\b", re.I)  # not "on this headset"


def other_recording_spans(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that speak of another recording ("Compared with last week's session (which the
    team graded fair), this recording …": up to "this recording")."""
    spans = []
    for m in _OTHER_RECORDING.finditer(text):
        start = m.start()
        # "the −0.12 we noted last week": the clause's words before the mention speak of it too
        relative = re.search(r"\b(?:we|they|you|I)\s+(?:\w+\s+){0,2}$", text[:start])
        if relative:
            start = max(text.rfind(",", 0, relative.start()) + 1, text.rfind("the", 0, relative.start()))
        end, i = len(text), m.end()
        while i < len(text):
            if text[i] == "(":
                close = text.find(")", i)
                i = close + 1 if close > 0 else len(text)
                continue
            stop = _BACK_TO_THIS.match(text, i)
            if stop and (i > m.end() or text[i] in ";—–,"):
                end = i
                break
            i += 1
        spans.append((start, end))
    return spans


def _supposed(norm: str, clause: Clause, claim: Claim) -> bool:
    """Whether `claim` is asked or supposed in the text (`norm`, as normalised for its clauses)."""
    at = clause.text.find(claim.text)
    return not_asserted(norm, clause.start + max(at, 0))


def _outside_superlatives(bands: list[Claim], comparisons: list[Claim]) -> list[Claim]:
    """Band claims less those that are only the words of a superlative: "alpha is highest in parietal"
    ranks parietal alpha among the alpha values and says nothing of its level against the reference (a
    z quoted with it still is a band claim)."""
    tops = [c.text.lower() for c in comparisons if "top" in c.stated]
    return [c for c in bands if "z" in c.stated or not any(c.text.lower() in top for top in tops)]


__all__ = ["Claim", "extract_claims"]
