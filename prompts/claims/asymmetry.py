"""Frontal alpha asymmetry claims: its value, which side it favours, that it was not measured, and
what it is said to mean.

Sides are read the way the literature writes them: "favours the left", "left-dominant",
"left-lateralised", "(left)", "leftward", "relatively more left-frontal activity" all mean the
asymmetry is positive; "more alpha over the right" means the same (alpha is inversely related to
activity). A comparison of the two hemispheres is a statement of the side whether or not it names
the asymmetry: "right frontal alpha exceeds left" (more alpha on the right: favours the left), "left
activity is higher than right" (favours the left). Activation qualified by a side ("right-frontal
activation") says where, not how much: it is not a claim about arousal.
"""

from __future__ import annotations

import re

from .lexicon import BAND_RE, REGION_RE
from .model import Claim, meaning_after, span
from .text import BOUND_BEFORE, Clause, Number

# A number right after a band name is that band's ("theta (0.17)"), unless the band is the "alpha" of
# "alpha asymmetry".
_BAND_BEFORE = re.compile(r"(?:delta|theta|beta|gamma|alpha(?!\s*asymmetr)|[δθαβγ])\W{0,12}$", re.I)
# The asymmetry in lay words: "the front-of-head balance measure", "the measure comparing the two sides of
# the front of your head", "the front of the brain leaned to the left".
_LAY = (r"\bfront[- ]of[- ](?:the[- ])?head\s+balance\b|\b(?:two|both)\s+sides\s+of\s+the\s+front\s+of\s+(?:the|your|his|her|their)\s+"
        r"(?:head|brain)\b|\bfront\s+of\s+(?:the|your|his|her|their)\s+(?:brain|head)\s+(?=(?:leaned|leans|tilted|tilts|tipped|tips)\b)")
MENTION = re.compile(_LAY + r"|asymmetr\w*|\bFAA\b|\blateral(?:i[sz]ation|ity)\b|\bfrontal\s+alpha(?=\s+(?:index\s+|balance\s+)?"
                     r"(?:favou?r|lean|tilt|point|skew)\w*\s+(?:to(?:wards?)?\s+|toward\s+)?(?:the\s+)?(?:left|right)\b)", re.I)
_SIDE_ACTIVITY = re.compile(
    r"(?:favou?r\w*|toward\w*|tilt\w*|shift\w*|lateral\w*\s+to|(?:skew|lean|tip|bias|point)\w*(?:\s+to(?:wards?)?)?|"
    r"in favou?r of|dominan\w*\s+(?:of|on|over))(?:\s+(?:a\s+little|a\s+bit|slightly|somewhat|mildly|weakly|marginally|"
    r"clearly|strongly))?(?:\s+to(?:wards?)?|\s+toward)?\s+(?:the\s+)?(left|right)\b"  # "favours a little the left"
    r"|\b(left|right)(?:-| )(?:sided|dominant|lateral\w*|favou?ring|leaning|frontal\s+activ\w*|"
    r"hemisphere\s+(?:dominance|activ\w*)|(?:frontal\s+)?dominance|hemispheric)"
    r"|\b(left|right)[- ]?wards?\b|\b(?:is|was|lies|sits|leans?|goes)\s+(?:\w+ly\s+)?to\s+the\s+(left|right)\b"
    r"|(?:more|greater|higher|stronger|relatively\s+more)\s+(left|right)(?:-| )(?:frontal\s+)?"
    r"(?:activ\w*|hemisphere\s+activ\w*)"
    r"|[(,:]\s*(left|right)\b(?!-)(?!\s+(?:alpha|hemisphere\s+alpha))"
    # a notebook's letter: "FAA −0.08 → R", "FAA −.23 R |"
    r"|(?:→|->|=>)\s*((?-i:L|R))(?![\w'-])|(?<=\d)\s+((?-i:L|R))(?=\s*(?:$|[|,;.)(]))"
    r"|\b(left|right)(?:-| )(?:frontal\s+)?(?:region|cortex|side|hemisphere|lobe)?\s*(?:is|was|are|being)\s+(?:relatively\s+|"
    r"slightly\s+|more\s+)?(?:more\s+|most\s+)active", re.I)
_SIDE_ALPHA = re.compile(r"(?:more|greater|higher|stronger|larger)\s+(left|right)(?:-| )?(?:frontal\s+|hemisphere\s+)?"
                         r"alpha|alpha\s+(?:power\s+)?(?:is\s+|was\s+)?(?:higher|greater|stronger|larger)\s+"
                         r"(?:on|over|in)\s+the\s+(left|right)", re.I)
_BALANCED = re.compile(r"\b(?:balanced|symmetric\w*|no (?:clear |marked |meaningful |notable )?(?:hemispheric )?"
                       r"(?:lean|difference|lateral\w*|side)|essentially zero|near(?:ly)? zero|negligible|"
                       r"close to zero)\b", re.I)
_SIGN_WORD = re.compile(r"\b(positive|negative)\s+(?:frontal\s+)?(?:alpha\s+)?(?:asymmetr|FAA)|(?:asymmetr\w*|\bFAA\b)\s+"
                        r"(?:(?:score|value|index)\s+)?(?:is|was|:|comes out|(?:has|had|takes|carries)\s+an?)\s+(?:\w+ly\s+)?"
                        r"(positive|negative)\b(?:\s+(?:value|sign|score))?"
                        r"(?!\s*[-/]?\s*(?:valence|emotion|affect|mood|feelings?|states?|approach|withdrawal))", re.I)
_TRAILING = re.compile(r"(?:[\s,;:—–-]|\b(?:and|but|while|whereas|with|so|the|its|in|of|plus)\b)*$", re.I)
_NAMED_BEFORE = re.compile(r"(?:(?<![\w-])(?:the|an?|frontal|prefrontal|alpha|hemispheric)\s+)*(?<![\w-])\w*$", re.I)
_NOT_MEASURED = re.compile(r"(?:could not|cannot|can't|couldn't|was not|wasn't|is not|isn't|not)\s+(?:be\s+)?"
                           r"(?:computed|measured|calculated|available|assessed|determined|estimated|reported)"
                           r"|\bno (?:frontal )?(?:alpha )?(?:left/right |left-right |homologous )?(?:pair|asymmetry"
                           r"(?: value)?\s+(?:was |is |could be |can be )?(?:measured|available|computed|to report|"
                           r"reported))|\bunavailable\b|\bmissing\b|not applicable|\bn/a\b|\bno frontal (?:electrodes|"
                           r"channels|pair)|\bFAA\W{0,3}[:=]\s*(?:null|none|nan)\b", re.I)
# One hemisphere compared with the other, or one said to be more (less) active: "right frontal alpha
# exceeds left", "left-hemisphere activity is lower than the right", "the left frontal region is more
# active than the right", "alpha is weaker over the left than over the right", "more alpha on the
# right", "reduced right-frontal activation". More alpha on a side is less activity there.
_SIDE = r"(?P<side>left|right)"
_OTHER = r"(?:\s+than\s+(?:(?:that|those)\s+(?:of\s+|on\s+|over\s+)?)?(?:on\s+|over\s+|in\s+|at\s+)?(?:the\s+)?" \
         r"(?P<other>left|right)\b)?"
_QUANTITY = r"(?P<quantity>alpha|activ\w*)(?:\s+(?:power|levels?|band))?"
_MORE = r"(?:(?P<up>higher|greater|larger|stronger|bigger|more|exceeds?|outweighs?|surpass(?:es)?|outstrips?|tops|above|" \
        r"dominates?|elevated|raised|" \
        r"increased|enhanced)|(?P<down>lower|smaller|weaker|less|below|trails?|reduced|decreased|suppressed|diminished))"
_AT = r"(?:on|over|in|at)\s+(?:the\s+)?"
_HEMISPHERE = r"(?:[- ](?:frontal|prefrontal|hemisphere|hemispheric|front|sided?|region|cortex|lobe))*"
_IS = r"\s+(?:is\s+|was\s+|are\s+|were\s+|looks\s+|appears\s+)?(?:\w+ly\s+|still\s+|much\s+|somewhat\s+)?"
_HEMISPHERES = [re.compile(pattern, re.I) for pattern in (
    # "right frontal alpha exceeds left", "left activity is higher than that on the right", "… elevated relative to the left"
    r"\b" + _SIDE + _HEMISPHERE + r"[- ]" + _QUANTITY + _IS + _MORE + r"\s+(?:than\s+|over\s+|(?:relative|compared)\s+"
    r"(?:to|with)\s+)?(?:(?:that|those)\s+(?:of\s+|on\s+|over\s+)?)?(?:on\s+|over\s+|in\s+|at\s+)?(?:the\s+)?"
    r"(?P<other>left|right)\b" + _HEMISPHERE + r"(?:[- ]alpha\b)?",
    # "the left frontal region is more active than the right"
    r"\b" + _SIDE + _HEMISPHERE + _IS + _MORE + r"\s+(?P<quantity>active)" + _OTHER,
    # "alpha is higher on the right (than on the left)", "activity is greater over the left hemisphere"
    r"\b" + _QUANTITY + _IS + _MORE + r"\s+" + _AT + _SIDE + _HEMISPHERE + _OTHER,
    # "the right hemisphere carries more frontal alpha than the left"
    r"\b" + _SIDE + _HEMISPHERE + r"\s+(?:has|had|carries|carried|shows|showed|holds|held)\s+" + _MORE +
    r"\s+(?:frontal\s+)?" + _QUANTITY + _OTHER,
    # "more alpha over the right (than the left)", "less activity on the left"
    r"\b" + _MORE + r"\s+" + _QUANTITY + r"\s+" + _AT + _SIDE + _HEMISPHERE + _OTHER,
    # "relatively more left-frontal activity", "reduced right-frontal activation", "right-hemisphere activation"
    r"(?:\b" + _MORE + r"\s+(?:relative\s+)?)?\b" + _SIDE + r"(?:[- ](?:frontal|prefrontal|hemisphere|hemispheric))+[- ]"
    r"(?P<quantity>activ\w*)" + _OTHER)]


def hemisphere_spans(text: str) -> list[tuple[int, int]]:
    """Where `text` speaks of one hemisphere against the other: band words there are not band power."""
    return [m.span() for pattern in _HEMISPHERES for m in pattern.finditer(text)]


def _hemispheres(text: str) -> tuple[re.Match, str] | None:
    """The first statement about one hemisphere against the other in `text`, and the side the asymmetry
    favours by it."""
    found = [m for pattern in _HEMISPHERES for m in [pattern.search(text)] if m]
    for m in sorted(found, key=lambda m: (m.start(), -m.end())):
        side, other = m.group("side").lower(), (m.group("other") or "").lower()
        if side == other:
            continue
        more = not m.group("down")
        active = m.group("quantity").lower().startswith("activ")
        return m, side if more == active else {"left": "right", "right": "left"}[side]
    return None


# "more alpha at F3 than at F4": more alpha at the left electrode = more right activity.
_ELECTRODES = re.compile(r"(?:more|higher|greater|stronger|larger)\s+alpha(?:\s+power)?\s+(?:at|over|on)\s+"
                         r"(?:Fp|AF|F)(\d+)\s+than\s+(?:at\s+|over\s+|on\s+)?(?:Fp|AF|F)(\d+)", re.I)


# A threshold, not the value: "|faa| < 0.10 -> balanced", "FAA below 0.10, balanced", "beyond ±0.10"
# (BOUND_BEFORE, and the words of a threshold)
_THRESHOLD_BEFORE = re.compile(r"\b(?:within|beyond|exceeds?|threshold(?:\s+of)?|cut-?off(?:\s+of)?)\s*±?\s*$", re.I)


def faa_claims(clause: Clause, numbers: list[Number]) -> list[Claim]:
    text = clause.text
    hemispheres = _hemispheres(text)
    m = MENTION.search(text) or (hemispheres[0] if hemispheres else None)
    if not m:
        return []
    if _NOT_MEASURED.search(text):
        return [Claim("faa", span(clause, m.start(), len(text)), "faa", {"measured": False})]
    stated: dict = {}
    used: dict = {}
    # (a signed value is no probability, whatever word came before it: "the balance score was +0.50")
    candidates = [n for n in numbers if (n.kind == "plain" or n.kind == "probability" and n.signed)
                  and (n.decimals >= 1 or n.value == 0) and abs(n.value) < 5
                  and n.start >= max(0, m.start() - 40) and not _BAND_BEFORE.search(text[max(0, n.start - 20):n.start])
                  and not (BOUND_BEFORE.search(text[max(0, n.start - 24):n.start]) or
                           _THRESHOLD_BEFORE.search(text[max(0, n.start - 24):n.start]))]
    if candidates:
        number = min(candidates, key=lambda n: abs(n.start - m.end()))
        stated["value"], used["value"] = number.value, number
    said = [m.span(), *((n.start, n.end) for n in used.values())]  # where the claim's words are
    electrodes, alpha_side = _ELECTRODES.search(text), _SIDE_ALPHA.search(text)
    side, balanced, sign = _SIDE_ACTIVITY.search(text), _BALANCED.search(text), _SIGN_WORD.search(text)
    side_words = electrodes or (hemispheres[0] if hemispheres else None) or alpha_side or side or balanced or sign
    if electrodes:
        stated["side"] = "right" if int(electrodes.group(1)) % 2 else "left"
    elif hemispheres:
        stated["side"] = hemispheres[1]
    elif alpha_side:  # more alpha on one side = less activity there: the asymmetry favours the other
        stated["side"] = {"left": "right", "right": "left"}[next(g for g in alpha_side.groups() if g).lower()]
    elif side:
        word = next(g for g in side.groups() if g).lower()
        stated["side"] = {"l": "left", "r": "right"}.get(word, word)
    elif balanced:
        stated["side"] = "balanced"
    elif sign:
        stated["side"] = "left" if next(g for g in sign.groups() if g).lower() == "positive" else "right"
    if not stated:
        return []
    if side_words is not None:
        said.append(side_words.span())
    # The claim is quoted from the first of its words, with the words that name the asymmetry before
    # it ("frontal alpha asymmetry"), up to the next statement about a band or region.
    first = _NAMED_BEFORE.search(text[:min(a for a, _ in said)]).start()
    after = max(b for _, b in said)
    nxt = [x.start() + after for x in (BAND_RE.search(text[after:]), REGION_RE.search(text[after:])) if x]
    last = len(text.rstrip()) if not nxt else len(_TRAILING.sub("", text[:min(nxt)]))
    out = [Claim("faa", span(clause, first, last), "faa", stated, used)]
    # Its meaning may come later in the sentence ("…right-sided, but weakly; taken alone it would mean
    # a positive state"), but never past the next band or region a meaning could belong to.
    sentence = clause.sentence
    offset = sentence.find(text) + m.end() if text in sentence else 0
    stop = [x.start() + offset for x in (BAND_RE.search(sentence[offset:]), REGION_RE.search(sentence[offset:])) if x]
    meaning = meaning_after(sentence, offset, min(stop) if stop else None)
    if meaning:
        out.append(Claim("association", meaning[1], "faa", {"side": stated.get("side"), "meaning": meaning[0]}))
    return out
