"""What a claim is, and the small readers every claim finder shares."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lexicon import MEANINGS
from .text import Clause, Number


@dataclass
class Claim:
    kind: str
    text: str  # the words of the claim, as written
    subject: str  # what it is about: a class, "frontal theta", "faa", "quality", ...
    stated: dict[str, Any] = field(default_factory=dict)
    numbers: dict[str, Number] = field(default_factory=dict)  # the numbers behind `stated`, for precision


def span(clause: Clause, start: int, end: int) -> str:
    """The clause's words from `start` to `end`, with a bracket closed if the claim ends inside one."""
    end = min(end, len(clause.text))
    words = clause.text[max(0, start):end].strip(" ,;:")
    if words.count("(") > words.count(")") and clause.text[end:end + 1] == ")":
        words += ")"
    return words if words.count("(") == words.count(")") else words.strip(" ,;:()")


def mentions(pattern: re.Pattern, text: str, table: dict[str, str]) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), table[m.group(0).lower()]) for m in pattern.finditer(text)]


_NO_MEANING = re.compile(r"(?:\bno\b|\bnot\b|\bnor\b|\bwithout\b|\black of\b|\babsence of\b|\bneither\b|"
                         r"\bagainst\b|\bnothing\b|\brules? out\b|\bisn't\b|\bdoesn't\b|\bdoes not\b)"
                         r"(?:\s+[\w/-]+){0,4}\s*$", re.I)


# "right-frontal activation", "left hemisphere activation": a side says where the activity is, not how
# much of it there is (that is the asymmetry, not arousal).
_SIDED = re.compile(r"\b(?:left|right)(?:[- ](?:frontal|prefrontal|hemisphere|hemispheric|sided|side))*[- ]$", re.I)


# How far after a finding its meaning may be written: a clause's length and more ("…, which in this
# montage is usually read as a sign of withdrawal"); reading to the end of a very long clause for every
# finding made 20,000 characters of findings take seconds.
MEANING_REACH = 400


def meaning_after(text: str, start: int, end: int | None = None) -> tuple[tuple[str, int], str] | None:
    """The first documented-meaning phrase after `start` (up to `end`) and its words; None when there
    is none or it is negated ("no sign of alpha desynchronisation")."""
    stop = len(text) if end is None else end
    rest = text[start:min(stop, start + MEANING_REACH)]
    found = [(m.start(), meaning, m.group(0)) for pattern, meaning in MEANINGS for m in pattern.finditer(rest)
             if not _SIDED.search(rest, max(0, m.start() - 40), m.start())]
    if not found:
        return None
    offset, meaning, words = min(found)
    if _NO_MEANING.search(text[max(0, start + offset - 40):start + offset]):
        return None
    return meaning, words
