"""Frontal alpha asymmetry claims: its value, which side it favours, that it was not measured, and
what it is said to mean.

Sides are read the way the literature writes them: "favours the left", "left-dominant",
"left-lateralised", "(left)", "relatively more left-frontal activity" all mean the asymmetry is
positive; "more alpha over the right" means the same (alpha is inversely related to activity).
"""

from __future__ import annotations

import re

from .lexicon import BAND_RE, REGION_RE
from .model import Claim, meaning_after, span
from .text import Clause, Number

# A number right after a band name is that band's ("theta (0.17)"), unless the band is the "alpha" of
# "alpha asymmetry".
_BAND_BEFORE = re.compile(r"(?:delta|theta|beta|gamma|alpha(?!\s*asymmetr))\W{0,12}$", re.I)
MENTION = re.compile(r"asymmetr\w*|\bFAA\b|\blateral(?:i[sz]ation|ity)\b", re.I)
_SIDE_ACTIVITY = re.compile(
    r"(?:favou?r\w*|toward\w*|tilt\w*|shift\w*|lateral\w*\s+to|(?:skew|lean|tip|bias|point)\w*(?:\s+to(?:wards?)?)?|"
    r"in favou?r of|dominan\w*\s+(?:of|on|over))\s+(?:the\s+)?(left|right)\b"
    r"|\b(left|right)(?:-| )(?:sided|dominant|lateral\w*|favou?ring|leaning|frontal\s+activ\w*|"
    r"hemisphere\s+(?:dominance|activ\w*)|(?:frontal\s+)?dominance|hemispheric)"
    r"|(?:more|greater|higher|stronger|relatively\s+more)\s+(left|right)(?:-| )(?:frontal\s+)?"
    r"(?:activ\w*|hemisphere\s+activ\w*)"
    r"|[(,:]\s*(left|right)\b(?!-)(?!\s+(?:alpha|hemisphere\s+alpha))"
    r"|\b(left|right)(?:-| )(?:frontal\s+)?(?:region|cortex|side|hemisphere|lobe)?\s*(?:is|was|are|being)\s+(?:relatively\s+|"
    r"slightly\s+|more\s+)?(?:more\s+|most\s+)active", re.I)
_SIDE_ALPHA = re.compile(r"(?:more|greater|higher|stronger|larger)\s+(left|right)(?:-| )?(?:frontal\s+|hemisphere\s+)?"
                         r"alpha|alpha\s+(?:power\s+)?(?:is\s+|was\s+)?(?:higher|greater|stronger|larger)\s+"
                         r"(?:on|over|in)\s+the\s+(left|right)", re.I)
_BALANCED = re.compile(r"\b(?:balanced|symmetric\w*|no (?:clear |marked |meaningful |notable )?(?:hemispheric )?"
                       r"(?:lean|difference|lateral\w*|side)|essentially zero|near(?:ly)? zero|negligible|"
                       r"close to zero)\b", re.I)
_SIGN_WORD = re.compile(r"\b(positive|negative)\s+(?:frontal\s+)?(?:alpha\s+)?(?:asymmetr|FAA)", re.I)
_NOT_MEASURED = re.compile(r"(?:could not|cannot|can't|couldn't|was not|wasn't|is not|isn't|not)\s+(?:be\s+)?"
                           r"(?:computed|measured|calculated|available|assessed|determined|estimated|reported)"
                           r"|\bno (?:frontal )?(?:alpha )?(?:left/right |left-right |homologous )?(?:pair|asymmetry"
                           r"(?: value)?\s+(?:was |is |could be |can be )?(?:measured|available|computed|to report|"
                           r"reported))|\bunavailable\b|\bmissing\b|not applicable|\bn/a\b|\bno frontal (?:electrodes|"
                           r"channels|pair)|\bFAA\W{0,3}[:=]\s*(?:null|none|nan)\b", re.I)
# "more alpha at F3 than at F4": more alpha at the left electrode = more right activity.
_ELECTRODES = re.compile(r"(?:more|higher|greater|stronger|larger)\s+alpha(?:\s+power)?\s+(?:at|over|on)\s+"
                         r"(?:Fp|AF|F)(\d+)\s+than\s+(?:at\s+|over\s+|on\s+)?(?:Fp|AF|F)(\d+)", re.I)


def faa_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    text = clause.text
    m = MENTION.search(text)
    if not m:
        return []
    if _NOT_MEASURED.search(text):
        return [Claim("faa", span(clause, m.start(), len(text)), "faa", {"measured": False})]
    stated: dict = {}
    used: dict = {}
    candidates = [n for n in numbers if n.kind == "plain" and (n.decimals >= 1 or n.value == 0) and abs(n.value) < 5
                  and n.start >= max(0, m.start() - 40) and not _BAND_BEFORE.search(text[max(0, n.start - 20):n.start])]
    if candidates:
        number = min(candidates, key=lambda n: abs(n.start - m.end()))
        stated["value"], used["value"] = number.value, number
    side = _SIDE_ACTIVITY.search(text)
    alpha_side = _SIDE_ALPHA.search(text)
    electrodes = _ELECTRODES.search(text)
    if electrodes:
        stated["side"] = "right" if int(electrodes.group(1)) % 2 else "left"
    elif alpha_side:  # more alpha on one side = less activity there: the asymmetry favours the other
        stated["side"] = {"left": "right", "right": "left"}[next(g for g in alpha_side.groups() if g).lower()]
    elif side:
        stated["side"] = next(g for g in side.groups() if g).lower()
    elif _BALANCED.search(text):
        stated["side"] = "balanced"
    sign = _SIGN_WORD.search(text)
    if sign and "side" not in stated:
        stated["side"] = "left" if sign.group(1).lower() == "positive" else "right"
    if not stated:
        return []
    out = [Claim("faa", span(clause, max(0, m.start() - 25), len(text)), "faa", stated, used)]
    # Its meaning may come later in the sentence ("…right-sided, but weakly; taken alone it would mean
    # a positive state"), but never past the next band or region a meaning could belong to.
    sentence = clause.sentence
    offset = sentence.find(text) + m.end() if text in sentence else 0
    stop = [x.start() + offset for x in (BAND_RE.search(sentence[offset:]), REGION_RE.search(sentence[offset:])) if x]
    meaning = meaning_after(sentence, offset, min(stop) if stop else None)
    if meaning:
        out.append(Claim("association", meaning[1], "faa", {"side": stated.get("side"), "meaning": meaning[0]}))
    return out
