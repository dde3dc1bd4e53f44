"""Band power said of many items at once: "every region is typical (apart from …)", which regions
were measured ("no central row", "only for the parietal and occipital regions"), and band power
written as a table with a header row of bands."""

from __future__ import annotations

import re

from .bands import GROUPS, Item, items_of
from .lexicon import BAND_RE, BAND_WORDS, NEGATION, REGION_WORDS, alternation
from .model import Claim, span
from .text import Clause, normalise, numbers

_ALL_TYPICAL = re.compile(r"(?:all|every|each)\s+(?:\w+\s+){0,2}(?:regions?|bands?|areas?|values?|z-?scores?)\b"
                          r"[^.;]{0,40}?\b(?:typical|normal|within|unremarkable)\b|\bno (?:notable |clear |marked |)"
                          r"(?:band[- ]power )?(?:deviations?|abnormalit\w*)\b|\bnothing\b[^.;]{0,40}\bstands? out\b",
                          re.I)
_EXCEPT = re.compile(r"\b(?:apart from|except(?: for)?|other than|besides|aside from|but for)\b", re.I)


def all_typical_claims(clause: Clause) -> list[Claim]:
    m = _ALL_TYPICAL.search(clause.text)
    if not m or NEGATION.search(clause.text[max(0, m.start() - 10):m.start()]):
        return []
    exempt = []
    before = clause.text[:m.start()]
    exception = _EXCEPT.search(before)
    if exception:
        named = items_of(before[exception.end():]) or [Item(0, 0, "*", BAND_WORDS[b.group(0).lower()])
                                                     for b in BAND_RE.finditer(before[exception.end():])]
        exempt = [f"{region} {i.band}" for i in named for region in GROUPS.get(i.region or "*", (i.region,))]
    elif BAND_RE.search(before):
        return []  # "theta: all regions typical" is a band claim per region, read elsewhere
    band = BAND_RE.search(clause.text[m.start():m.end()])
    return [Claim("all_typical", span(clause, m.start(), m.end()), "band power",
                  {"except": exempt, **({"band": BAND_WORDS[band.group(0).lower()]} if band else {})})]


_R = alternation(REGION_WORDS)
_ABSENT = re.compile(r"\b(?:no|without(?: any)?|lacks?(?: any)?|missing)\s+(" + _R + r")\s+(?:row|rows|band[- ]power|"
                     r"measurements?|channels?|electrodes?|z-?scores?|values?|data|coverage|sites?|leads?)", re.I)
_ONLY = re.compile(r"\bonly\s+(?:for|in|over|from)\s+(?:the\s+)?((?:" + _R + r")(?:\s*(?:,|and|&)\s*(?:and\s+)?(?:the\s+)?(?:"
                   + _R + r"))*)\s+(?:regions?|areas?|rows?)", re.I)


_AVAILABLE = re.compile(r"\bregions?\s+(?:are\s+|were\s+|is\s+)?(?:available|measured|covered|present|represented)\s*"
                        r"(?:\(|:)\s*((?:" + _R + r")(?:\s*(?:,|and|&)\s*(?:and\s+)?(?:" + _R + r"))*)", re.I)


def coverage_claims(clause: Clause) -> list[Claim]:
    """Which regions have band-power measurements: "no central row", "only for the central, parietal
    and occipital regions", "without frontal electrodes"."""
    out = []
    for m in _ABSENT.finditer(clause.text):
        out.append(Claim("coverage", span(clause, m.start(), m.end()), REGION_WORDS[m.group(1).lower()],
                         {"measured": False}))
    for m in [*_ONLY.finditer(clause.text), *_AVAILABLE.finditer(clause.text)]:
        regions = sorted({REGION_WORDS[w.lower()] for w in re.findall(_R, m.group(1), re.I)})
        out.append(Claim("coverage", span(clause, m.start(), m.end()), "regions", {"regions": regions}))
    return out


def table_claims(text: str) -> list[Claim]:
    """Band power written as a table: a header row of bands ("region | delta | theta | …") and one row
    per region of numbers. (Rows that name region and band themselves are read as clauses.)"""
    out: list[Claim] = []
    header: list[str | None] | None = None
    for line in normalise(text, rows_as_statements=False).splitlines():  # its cells, split at the bars
        cells = [c.strip() for c in re.split(r"\s*\|\s*|\t+", line.strip().strip("|"))]
        lower = [c.lower() for c in cells]
        if len(cells) < 3:
            header = None
            continue
        bands = [BAND_WORDS.get(c) for c in lower]
        if lower[0] in ("region", "regions", "") and sum(b is not None for b in bands[1:]) >= 2:
            header = bands
            continue
        if header is None or lower[0] not in REGION_WORDS:
            continue
        for band, cell in zip(header[1:], cells[1:]):
            found = numbers(cell)
            if band and found:
                out.append(Claim("band", line.strip(), f"{REGION_WORDS[lower[0]]} {band}",
                                 {"z": found[0].value, "z_signed": True}, {"z": found[0]}))
    return out
