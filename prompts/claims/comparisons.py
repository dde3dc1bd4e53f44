"""Claims that compare band powers with each other rather than with the reference:

    "central alpha exceeds occipital alpha", "frontal theta is lower than central theta"  → one above the other
    "parietal alpha (1.18) is the higher of the two posterior alpha values",
    "frontal theta is the lowest of the theta values", "alpha is highest in occipital",
    "occipital has the highest delta", "…, and the lowest is temporal alpha"             → the top (or bottom) of a group
    "occipital alpha is the strongest deviation anywhere", "the largest deviation is
    temporal theta", "parietal gamma has the highest z in the file"                       → the top of the whole record
    "alpha is highest in occipital and parietal"                                          → the top two together

An exception sets items aside from the group ("apart from temporal, alpha is highest in occipital",
"excluding temporal alpha, the largest deviation is occipital delta"). An elliptic superlative ("the
lowest is temporal alpha") is of the named band's regions, or of the whole record after a superlative
of the record. Higher and lower compare the z-scores as signed; a deviation (departure, abnormality) is the
distance from the reference, |z|, whichever way it goes.
"""

from __future__ import annotations

import re

from .lexicon import BAND_WORDS, REGION_WORDS, REGIONS, alternation, unhyphenated
from .model import Claim, span
from .text import Clause

_R, _B = alternation(REGION_WORDS), alternation(BAND_WORDS)
# A region's band: "central alpha", "alpha over the occipital region", "occipital (2.04)" with the band
# known from the other side of the comparison.
_PAIR = re.compile(r"(?<![\w-])(?:(" + _R + r")\s+(" + _B + r")|(" + _B + r")\s+(?:power\s+)?(?:over|in|at)\s+(?:the\s+)?(" + _R +
                   r")(?:\s+(?:region|area|sites?|channels?))?)(?![\w-])(?:\s*\([^)]*\))?", re.I)
_OTHER = re.compile(r"\s*(?:that\s+(?:of|in|over|at)\s+|in\s+|over\s+|at\s+)?(?:the\s+)?(?:(" + _R + r")(?:\s+(" + _B + r"))?|(" +
                    _B + r"))(?![\w-])", re.I)
_ABOVE = r"(?:higher|greater|larger|stronger|bigger|more (?:elevated|raised|positive))\s+than|above|exceeds?|outstrips|surpasses|tops"
_BELOW = (r"(?:lower|smaller|weaker|less (?:elevated|raised)|more (?:reduced|suppressed|negative))\s+than|below|under|trails|"
          r"falls short of")
# The comparison may follow a statement against the reference about the same item ("frontal theta is
# elevated (z 1.2) and exceeds parietal theta", "parietal alpha is raised, though it remains lower
# than frontal alpha") and may be hedged ("may be somewhat greater than").
_AFTER_REFERENCE = r"(?:(?:is|was)\s+(?:\w+\s+){0,2}?\w+\s*(?:\([^)]*\)\s*)?,?\s*(?:and|but|though|although|yet|while)\s+(?:it\s+)?)?"
_COMPARE = re.compile(r"^\s*,?\s*(?:which\s+)?" + _AFTER_REFERENCE + r"(?:(?:may|might|could|would|appears?\s+to|seems?\s+to|"
                      r"tends?\s+to)\s+(?:be\s+)?|is|was|are|sits|lies|runs|stays|remains)?\s*(?:(?:\w+ly|still|even|somewhat|much|far|"
                      r"a\s+little|a\s+bit)\s+){0,2}(?:(" + _ABOVE + r")|(" + _BELOW + r"))(?![\w-])", re.I)
_HIGH_WORDS = r"higher|highest|larger|largest|greater|greatest|stronger|strongest|bigger|biggest|most elevated|most raised"
_LOW_WORDS = r"lower|lowest|smaller|smallest|weaker|weakest|most reduced|most suppressed"
_GROUP_WORDS = {"posterior": ("parietal", "occipital"), "anterior": ("frontal",), **{r: (r,) for r in REGIONS}}
# "… is the higher of the two posterior alpha values", "… is the lowest theta value", "… the highest alpha".
_OF_GROUP = re.compile(r"^\s*(?:\([^)]*\)\s*)?,?\s*(?:is|was|has|shows|remains|stays)\s+the\s+(?:(" + _HIGH_WORDS + r")|(" +
                       _LOW_WORDS + r"))\s+(?:of\s+the\s+(?:two|three|four|five|\d)?\s*)?((?:(?:posterior|anterior|" + _R +
                       r")(?:\s*(?:,|and|&)\s*)?)*)\s*(" + _B + r")?\s*(?:values?|z-?scores?|readings?|measures?|regions?|"
                       r"powers?)?\b", re.I)
# The whole record: "… is the strongest deviation anywhere", "the largest deviation is X", "X has the highest z".
_DEVIATION = r"(?:single\s+)?(?:band\s+)?(?:deviation|departure|abnormality|outlier|finding)s?"
_RECORD = re.compile(r"\bthe\s+(?:(largest|strongest|biggest|greatest|most extreme|most marked|most prominent|"
                     r"most pronounced|most striking|most notable)\s+" + _DEVIATION +
                     r"|(highest|largest|biggest)\s+(?:z-?(?:score|value)?|value)|(lowest|most negative)\s+(?:z-?(?:score|value)?|"
                     r"value)|(most (?:raised|elevated))\s+band)\b(?:\s+(?:anywhere|overall))?(?:\s+(?:in|of)\s+(?:the|this)\s+"
                     r"(?:record(?:ing)?|file|profile|montage|table))?", re.I)


# Superlatives that name the band and the region apart: "alpha is highest in occipital", "alpha peaks
# over the occipital region", "the lowest alpha is in the temporal region", "occipital has the highest
# alpha", and elliptic ones ("…, and the lowest is temporal alpha": of the same band, or of the whole
# record after a superlative of the record).
_SUP = r"(?:(?P<high>" + _HIGH_WORDS + r"|peaks?|peaking|tops out)|(?P<low>" + _LOW_WORDS + r"|bottoms out))"
_WHERE = r"(?:(?:in|over|at|across)\s+(?:the\s+)?)?(?P<region>" + _R + r")(?![\w-])(?:\s+(?:region|area|sites?|channels?|lobe))?"
_MOST = r"most\s+(?:strongly|markedly|clearly|prominently|so)"
_SUPERLATIVES = [re.compile(pattern, re.I) for pattern in (
    r"(?<![\w-])(?P<band>" + _B + r")(?:\s+power)?\s+(?:is\s+|was\s+|are\s+)?(?:the\s+)?(?:\w+ly\s+)?" + _SUP + r"\s+" + _WHERE,
    r"\bthe\s+" + _SUP + r"\s+(?P<band>" + _B + r")(?:\s+(?:power|values?|z-?scores?|readings?))?\s+(?:is|was|:|=|sits|lies|comes)"
    r"\s+" + _WHERE + r"(?:\s+" + _B + r")?",
    r"(?<![\w-])(?P<region>" + _R + r")(?:\s+(?:region|area|sites?))?\s+(?:has|had|shows|showed|carries|holds)\s+the\s+" + _SUP +
    r"\s+(?P<band>" + _B + r")",
    r"\bthe\s+" + _SUP + r"(?:\s+one)?\s*(?:is|was|:|=)\s+(?:the\s+)?(?P<region>" + _R + r")\s+(?P<band>" + _B + r")(?P<elliptic>)",
    # "of the alpha values, frontal is the highest"; "the alpha maximum lies over parietal regions"
    # "among the alpha values, occipital alpha is the largest"
    r"\b(?:of|among)\s+(?:the\s+|all\s+(?:the\s+)?)?(?P<band>" + _B + r")\s+(?:values?|z-?scores?|powers?|readings?)\s*,\s*"
    r"(?:the\s+)?(?P<region>" + _R + r")(?:\s+(?:region|area|sites?))?(?:\s+" + _B + r")?\s+(?:is|was|has|shows)\s+(?:the\s+)?" +
    _SUP + r"\b",
    r"\bthe\s+(?P<band>" + _B + r")\s+(?:power\s+)?(?:(?P<high>maximum|peak)|(?P<low>minimum))\s+(?:is|was|lies|sits|falls)\s+" +
    _WHERE,
    r"(?<![\w-])(?P<band>" + _B + r")(?:\s+power)?\s+(?:reaches|hits|has|attains)\s+its\s+(?:(?P<high>maximum|peak)|"
    r"(?P<low>minimum))\s+" + _WHERE,
    r"(?<![\w-])(?P<band>" + _B + r")(?:\s+power)?\s+(?:is\s+|was\s+)?(?:(?P<high>maximal|maximum|highest|greatest)|"
    r"(?P<low>minimal|minimum|lowest))\s+(?P<region>" + _R + r")ly\b",
    # "beta seems broadly elevated, most strongly over the frontal region" (the highest); "theta is reduced
    # throughout, most markedly over the temporal region" (the lowest)
    r"(?<![\w-])(?P<band>" + _B + r")(?:\s+power)?\s+(?:[\w-]+\s+){0,3}?(?:elevated|raised|increased|high)\b[^.;]{0,20}?,\s*"
    r"(?:and\s+)?(?:(?P<high>" + _MOST + r"|strongest|highest|maximal(?:ly)?)|(?P<low>(?!x)x))\s+(?:over|in|at)\s+(?:the\s+)?"
    r"(?P<region>" + _R + r")(?![\w-])(?:\s+(?:region|area|sites?|channels?|lobe))?",
    r"(?<![\w-])(?P<band>" + _B + r")(?:\s+power)?\s+(?:[\w-]+\s+){0,3}?(?:reduced|suppressed|decreased|low)\b[^.;]{0,20}?,\s*"
    r"(?:and\s+)?(?:(?P<low>" + _MOST + r"|strongest|lowest|deepest)|(?P<high>(?!x)x))\s+(?:over|in|at)\s+(?:the\s+)?"
    r"(?P<region>" + _R + r")(?![\w-])(?:\s+(?:region|area|sites?|channels?|lobe))?")]
# "apart from temporal, alpha is highest in occipital": the items set aside are not in the group.
_ASIDE = r"(?:" + _R + r")(?:\s+(?:" + _B + r"))?(?:\s+(?:region|area)s?)?"
_EXCEPT = re.compile(r"\b(?:apart from|except(?:\s+for)?|with the exception of|other than|besides|aside from|but for|"
                     r"excluding|leaving aside|save for|"
                     r"outside(?:\s+of)?)\s+(?:the\s+)?(" + _ASIDE + r"(?:\s*(?:,\s*|\s)(?:and\s+|or\s+|&\s*)?(?:the\s+)?" + _ASIDE +
                     r")*)", re.I)


def _set_aside(text: str, band: str) -> list[str]:
    """The region-band items an exception in `text` sets aside from a group of `band` values."""
    out = []
    for m in _EXCEPT.finditer(text):
        named = re.findall(r"(" + _R + r")(?:\s+(" + _B + r"))?", m.group(1), re.I)
        out += [f"{REGION_WORDS[r.lower()]} {BAND_WORDS[b.lower()] if b else band}" for r, b in named]
    return out


# "alpha is highest in occipital and parietal": more regions listed after the first are the top k
# together; a region with its own band or verb after it starts another statement ("…, frontal theta is lowest").
_LISTED = re.compile(r"(?:\s*(?:,\s*|\s)(?:and\s+|or\s+|&\s*)?(?:the\s+)?(?:" + _R + r")(?![\w-])(?!\s+(?:" + _B +
                     r"|is|was|are|has|had|shows|sits|lies|comes)\b))+(?:\s+(?:regions?|areas?|sites?))?", re.I)


def superlative_claims(clause: Clause, text: str, records: list[tuple[int, int]]) -> list[Claim]:
    out = []
    for pattern in _SUPERLATIVES:
        for m in pattern.finditer(text):
            region, band = REGION_WORDS[m.group("region").lower()], BAND_WORDS[m.group("band").lower()]
            subject, lowest = f"{region} {band}", bool(m.group("low"))
            stated: dict = {"top": subject, "among": [f"{r} {band}" for r in REGIONS], "lowest": lowest,
                            "except": _set_aside(text, band)}
            if "elliptic" in m.groupdict() and any(end <= m.start() for _, end in records):
                stated.update(among="*", by="low" if lowest else "high")  # "the largest z is X, and the lowest is Y"
            ends_with_region = re.fullmatch(r"(?:\s+(?:region|area|sites?|channels?|lobe))?", text[m.end("region"):m.end()], re.I)
            listed = _LISTED.match(text[m.end():]) if ends_with_region and "elliptic" not in m.groupdict() else None
            if listed:  # "alpha is highest in occipital and parietal": the two highest
                stated["joint"] = [f"{REGION_WORDS[r.lower()]} {band}" for r in re.findall(_R, listed.group(0), re.I)]
            end = m.end() + (listed.end() if listed else 0)
            out.append(Claim("comparison", span(clause, *_with_exception(text, m.start(), end)), subject, stated))
    return out


def _pair(match: re.Match) -> str:
    region, band = (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
    return f"{REGION_WORDS[region.lower()]} {BAND_WORDS[band.lower()]}"


def comparison_claims(clause: Clause) -> list[Claim]:
    text = unhyphenated(clause.text)
    out: list[Claim] = []
    pairs = list(_PAIR.finditer(text))
    records = [m.span() for m in _RECORD.finditer(text)]
    for m in pairs:
        subject = _pair(m)
        region, band = subject.split()
        rest = text[m.end():]
        compare = _COMPARE.match(rest)
        other = _OTHER.match(rest[compare.end():]) if compare else None
        if compare and other and not re.match(r"\s*(?:reference|norm|average|mean|threshold|cut-?off)", rest[compare.end():]):
            other_region = REGION_WORDS[other.group(1).lower()] if other.group(1) else region
            other_band = BAND_WORDS[(other.group(2) or other.group(3) or band).lower()]
            higher, lower = (subject, f"{other_region} {other_band}")
            if compare.group(2):
                higher, lower = lower, higher
            if higher != lower:
                out.append(Claim("comparison", span(clause, m.start(), m.end() + compare.end() + other.end()),
                                 f"{higher} over {lower}", {"higher": higher, "lower": lower}))
            continue
        group = _OF_GROUP.match(rest)
        word = m.end() + (group.start(1) if group and group.group(1) else group.start(2) if group else 0)
        if group and not any(a <= word < b for a, b in records):  # "the strongest deviation" is the whole record's
            named = re.findall(r"posterior|anterior|" + _R, group.group(3) or "", re.I)
            regions = sorted({r for w in named for r in _GROUP_WORDS.get(w.lower(), (REGION_WORDS.get(w.lower()),)) if r})
            of_band = BAND_WORDS[(group.group(4) or band).lower()]
            if of_band == band and (not regions or region in regions):
                out.append(Claim("comparison", span(clause, m.start(), m.end() + group.end()), subject,
                                 {"top": subject, "among": [f"{r} {band}" for r in (regions or REGIONS)],
                                  "lowest": bool(group.group(2))}))
                continue
    out += superlative_claims(clause, text, records)
    aside = [m.span() for m in _EXCEPT.finditer(text)]
    for m in _RECORD.finditer(text):
        before = [p for p in pairs if p.end() <= m.start() and not any(a <= p.start() < b for a, b in aside) and re.fullmatch(
            r"\s*(?:\([^)]*\)\s*)?(?:,\s*(?:at|with)\s+(?:a\s+)?(?:z\s*[=:]?\s*)?[-+]?\d+(?:\.\d+)?\s*)?,?\s*"  # ", at z 1.07,"
            r"(?:is|was|has|had|shows|showed|carries|holds|displays|remains|reaches[^,;]{0,40},|"
            r"(?:stands out|emerges|appears|is seen)\s+as)?\s*", text[p.end():m.start()])]
        after = [p for p in pairs if p.start() >= m.end() and re.fullmatch(
            r"\s*(?:(?:is|was)(?:\s+(?:seen|found|observed|located))?(?:\s+(?:in|over|at))?|:|=|-)\s*(?:(?:reduced|elevated|raised|"
            r"increased|decreased|suppressed|low|high)\s+)?(?:the\s+)?", text[m.end():p.start()])]
        owner = before[-1] if before else after[0] if after else None
        if owner is None:
            continue
        by = "abs" if m.group(1) else "low" if m.group(3) else "high"
        start, end = min(owner.start(), m.start()), max(owner.end(), m.end())
        out.append(Claim("comparison", span(clause, *_with_exception(text, start, end)), _pair(owner),
                         {"top": _pair(owner), "among": "*", "by": by, "except": _set_aside(text, _pair(owner).split()[1])}))
    return out


def _with_exception(text: str, start: int, end: int) -> tuple[int, int]:
    """A superlative's words, with the exception that sets items aside from its group."""
    for m in _EXCEPT.finditer(text):
        if m.end() <= start and re.fullmatch(r"[\s,]*", text[m.end():start]) or 0 <= m.start() - end <= 2:
            return min(start, m.start()), max(end, m.end())
    return start, end


def check_comparison(claim: Claim, band_z: dict[str, dict[str, float]]) -> tuple[bool, str, str]:
    """(holds, what was measured, why) for a comparison claim."""
    def z(subject: str) -> float | None:
        region, band = subject.split()
        return band_z.get(region, {}).get(band)

    s = claim.stated
    if "higher" in s:
        high, low = z(s["higher"]), z(s["lower"])
        if high is None or low is None:
            missing = s["higher"] if high is None else s["lower"]
            return False, "not measured", f"no {missing} measurement to compare"
        measured = f"{s['higher']} z {high:+.2f}, {s['lower']} z {low:+.2f}"
        return (high > low, measured, "matches the measured band power" if high > low else
                f"{s['higher']} ({high:+.2f}) is not above {s['lower']} ({low:+.2f})")
    top = z(s["top"])
    if top is None:
        return False, "not measured", f"no {s['top']} measurement"
    among = [f"{r} {b}" for r, bands in band_z.items() for b in bands] if s["among"] == "*" else s["among"]
    among = [name for name in among if name not in s.get("except", ())]
    by = s.get("by", "low" if s.get("lowest") else "high")
    key = {"abs": abs, "high": lambda v: v, "low": lambda v: -v}[by]
    values = {name: z(name) for name in among if z(name) is not None}
    if s.get("joint"):  # the top k together
        named = [s["top"], *s["joint"]]
        leaders = sorted(values, key=lambda name: -key(values[name]))[:len(named)]
        ok = set(leaders) == set(named)
        measured = ", ".join(f"{name} z {values[name]:+.2f}" for name in leaders)
        return ok, measured, "matches the measured band power" if ok else f"the {len(named)} " \
            f"{'lowest' if by == 'low' else 'highest'} are {', '.join(leaders)}"
    best = max(values, key=lambda name: key(values[name]))
    ok = key(top) >= key(values[best]) - 1e-9
    measured = f"{s['top']} z {top:+.2f}; {'largest |z|' if by == 'abs' else 'lowest' if by == 'low' else 'highest'}: " \
               f"{best} z {values[best]:+.2f}"
    return ok, measured, "matches the measured band power" if ok else f"{best} ({values[best]:+.2f}) goes further"
