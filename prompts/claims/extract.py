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

from .answer_line import answer_line_claims, inside
from .asymmetry import faa_claims
from .band_summary import all_typical_claims, coverage_claims, table_claims
from .bands import band_claims
from .certainty import confidence_claims
from .classes import class_claims, class_count_claims
from .comparisons import comparison_claims
from .model import Claim
from .probabilities import probability_claims, rank_claims
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
    return out + answer_claims + table_claims(text or "")


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
