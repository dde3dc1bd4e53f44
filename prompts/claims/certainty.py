"""Claims about how sure the emotion reading is: "confidence is moderate", "a match of high
confidence", "the pattern match carries low confidence", "confidence: high".

The level has a documented meaning (`prompts.evidence_text.confidence_level`: the top probability,
its lead over the second and the quality grade) and the evidence text shows it beside the pattern
match, so a stated level is checkable. "Confidence is X" states the level outright; "X confidence"
as a description is a claim only in a sentence that speaks of the pattern match, the encoder, the
reading, the match or its lead. A writer's hedge on their own answer ("reporting sad with low
confidence"), an adverb ("fairly confident") and a negated level ("not a high-confidence reading")
say nothing checkable about the evidence.
"""

from __future__ import annotations

import re

from .lexicon import NEGATION
from .model import Claim, span
from .text import Clause

LEVEL_WORDS = {"low": "low", "moderate": "moderate", "medium": "moderate", "high": "high"}
_LEVEL = r"(low|moderate|medium|high)"
_RANGE = r"(?:[- ](?:to|or)[- ]" + _LEVEL + r")?"
_SURE = r"(?:confid[ae]nce|certainty|conf(?![\w.-]))"  # "conf moderate" in a note
# The level as what "confidence" is: "confidence is moderate", "confidence: high", "(confidence low)",
# "confidence in the encoder's reading is low", "certainty remains low". The subject is the
# confidence itself, so it needs no other word tying it to the reading.
_IS_LEVEL = re.compile(r"\b" + _SURE + r"(?:\s+level)?(?:\s+(?:in|of|for)\s+(?:the\s+|this\s+|that\s+|its\s+)?"
                       r"[\w'’-]+(?:\s+(?:match|reading|call|estimate|result))?)?"
                       r"\s*(?:is|was|remains|stays|would be|:|=|of|at|\()?\s*(?:(?:rated|graded|given|set|classed|judged)\s+"
                       r"(?:as\s+)?)?(?:only\s+|therefore\s+|so\s+|thus\s+|just\s+)?['\"]?" + _LEVEL + _RANGE + r"\b"
                       # "the record rates the confidence as moderate", "it rated this a high-confidence guess"
                       r"|\b(?:rates?|rated|grades?|graded|puts?|classe[sd])\s+(?:the\s+|its\s+)?" + _SURE + r"\s+(?:as\s+|at\s+)?" +
                       _LEVEL + r"\b|\b(?:rates?|rated|calls?|called)\s+(?:this|it|the\s+(?:match|reading|guess|call))\s+"
                       r"(?:as\s+)?an?\s+" + _LEVEL + r"[- ]" + _SURE + r"(?:\s+(?:guess|match|reading|call|result|estimate))?\b", re.I)
# The level as a description: "moderate confidence", "a high-confidence match": a claim about the
# reading only where the sentence speaks of it.
_DESCRIBED = re.compile(r"\b" + _LEVEL + _RANGE + r"[- ]" + _SURE + r"\b", re.I)
_ATTRIBUTED = re.compile(r"\b(?:pattern|encoder|reading|match|lead|classification|classifier|estimate|call|"
                         r"prediction|emotion result)\b", re.I)
_OWN_HEDGE = re.compile(r"\b(?:I|I'd|I'm|we|my|our|answer(?:ing)?|report(?:ing)?|conclud\w*|say(?:ing)?)\b", re.I)


def confidence_claims(clause: Clause) -> list[Claim]:
    text = clause.text
    found = list(_IS_LEVEL.finditer(text))
    if _ATTRIBUTED.search(clause.sentence):  # "The pattern is closest to X (37%), with high confidence"
        found += [m for m in _DESCRIBED.finditer(text) if not any(m.start() < f.end() and f.start() < m.end()
                                                                    for f in found)]
    out = []
    for m in sorted(found, key=lambda m: m.start()):
        # The words just before, back to the last comma: "not a wide one, so confidence is moderate"
        # negates the width of the lead, not the level.
        before = re.split(r"[,;:—–]", text[max(0, m.start() - 30):m.start()])[-1]
        if NEGATION.search(before) or NEGATION.search(m.group(0)) or _OWN_HEDGE.search(before):
            continue
        words = [w for w in m.groups() if w]
        levels = sorted({LEVEL_WORDS[w.lower()] for w in words})
        out.append(Claim("confidence_level", span(clause, m.start(), m.end()), "confidence", {"levels": levels}))
    return out
