"""Splitting a reasoning into clauses and finding the numbers in it, each with its kind.

A claim is read within one clause (a sentence, or a part of it between semicolons or bullets), so
that a number is never attributed to a word of another statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? followed by space/end (not the point of a decimal, nor "i.e."/"e.g."), or
# at a line break or a bullet; a clause also ends at a semicolon. Kept as character offsets so
# claims can quote the original text.
_SENTENCE = re.compile(r"(?<![ie]\.[ge])(?<!\b[A-Za-z]\.)(?<=[.!?])\s+(?=\S)|\n+\s*(?:[-*•]\s*)?|^\s*[-*•]\s*")
_CLAUSE = re.compile(r";\s*")

MINUS = "−–"  # unicode minus and en dash, both written for negative numbers


def normalise(text: str) -> str:
    """The same text with unicode minus signs and non-breaking spaces replaced (same length)."""
    for ch in MINUS:
        text = text.replace(ch, "-")
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str  # normalised text of the clause
    sentence: str  # the whole sentence it belongs to (for context a claim may need)


def _split(pattern: re.Pattern, text: str, offset: int = 0) -> list[tuple[int, int]]:
    out, position = [], 0
    for match in pattern.finditer(text):
        if match.start() > position:
            out.append((offset + position, offset + match.start()))
        position = max(position, match.end())
    if position < len(text):
        out.append((offset + position, offset + len(text)))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, split as the claim reader splits it, so that a claim
    can be traced to the sentence it was read from (offsets hold in `text` and in `normalise(text)`)."""
    norm = normalise(text)
    return [(start, end) for start, end in _split(_SENTENCE, norm) if norm[start:end].strip()]


def clauses(text: str) -> list[Clause]:
    norm = normalise(text)
    out = []
    for s_start, s_end in _split(_SENTENCE, norm):
        sentence = norm[s_start:s_end]
        for c_start, c_end in _split(_CLAUSE, sentence, s_start):
            if norm[c_start:c_end].strip():
                out.append(Clause(c_start, c_end, norm[c_start:c_end], sentence))
    return out


@dataclass(frozen=True)
class Number:
    start: int  # offset in the clause
    end: int
    value: float
    decimals: int  # digits after the point as written: how precisely the number was stated
    kind: str  # percent | z | seconds | probability | count | plain
    signed: bool  # written with an explicit sign


_NUMBER = re.compile(r"(?<![\w.])([+-]?)(\d+(?:\.\d+)?|\.\d+)(?![\d])")
_AFTER_PERCENT = re.compile(r"\s*(?:%|percent\b|per cent\b|pct\b)", re.I)
_AFTER_SD = re.compile(r"\s*(?:SDs?\b|sd\b|standard deviations?\b|σ|std\b|z\b)", re.I)
_BEFORE_Z = re.compile(r"(?:\bz(?:[- ]?scores?)?|\bz-?value)\s*(?:of|=|:|at|was|is|around|about|~|≈)?\s*\(?\s*$", re.I)
_AFTER_SECONDS = re.compile(r"\s*(?:-\s*)?(?:s\b|sec\b|secs\b|seconds?\b)", re.I)
_BEFORE_PROBABILITY = re.compile(r"(?:\bp\s*(?:\(\s*\w+\s*\))?\s*[=:]|probabilit(?:y|ies)(?:\s+of)?|likelihood(?:\s+of)?|\bprob\.?|"
                                 r"score(?:\s+of)?|confidence(?:\s+of)?)\s*(?:=|:|is|was|at|of)?\s*\(?\s*$", re.I)
_AFTER_COUNT = re.compile(r"\s*(?:-\s*)?(?:EEG\s+)?(?:channels?|electrodes?|leads?)\b", re.I)


def numbers(clause: str) -> list[Number]:
    out = []
    for match in _NUMBER.finditer(clause):
        sign, digits = match.group(1), match.group(2)
        value = float(sign + digits if digits[0] != "." else sign + "0" + digits)
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        before, after = clause[:match.start()], clause[match.end():]
        if _AFTER_PERCENT.match(after):
            kind = "percent"
        elif _BEFORE_Z.search(before) or _AFTER_SD.match(after):
            kind = "z"
        elif _AFTER_SECONDS.match(after):
            kind = "seconds"
        elif _AFTER_COUNT.match(after) and decimals == 0:
            kind = "count"
        elif _BEFORE_PROBABILITY.search(before) and 0 <= value <= 1:
            kind = "probability"
        else:
            kind = "plain"
        out.append(Number(match.start(), match.end(), value, decimals, kind, bool(sign)))
    return out


def stated_precision(number: Number) -> float:
    """Half a unit of the last digit written: "0.4" may stand for 0.35–0.45, "+0.23" for 0.225–0.235."""
    return 0.5 * 10.0 ** (-number.decimals) + 1e-9
