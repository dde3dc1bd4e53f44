"""Claims about the encoder's valence or arousal read-out: its pattern match summed by the classes'
place on a dimension (`prompts.evidence_text.class_readout`).

    "negative valence 62%", "negative valence (62%)", "high arousal at 0.58", "negative-valence
    emotions hold 62%", "62% on negative valence", "58 percent for high arousal"   → readout

A share is read beside its class, with no other number, emotion or statement between them: "sad
(45%), an emotion with negative valence" gives sad's probability, not a share of negative valence,
"40% of windows" is a share of something else, and a signed number ("asymmetry of -0.14, a sign of
negative valence") is never one. "Just under 30%" is a bound; "about 62%" is held at its precision.
In a label set of valence/arousal classes the words name a class, and its probability is read instead.
"""

from __future__ import annotations

import re

from .lexicon import class_re, class_space
from .model import Claim, span
from .probabilities import emotion_mentions
from .text import QUALIFIERS, Clause, Number

# "negative valence", "the negative classes", "positive emotions", "high-arousal ones", "positive_total".
_GROUP = r"(?:\s+(?:classes|emotions|ones|labels)\b|[_ ](?:total|share|sum|mass)\b)"  # underscores read as spaces
_CLASS = re.compile(r"\b(?:(positive|neutral|negative)(?:[- ]valence\b(?:" + _GROUP + r")?|" + _GROUP + r")|"
                    r"(high|low)[- ]arousal\b(?:" + _GROUP + r")?)", re.I)
MAX_GAP = 60  # characters between a class and its share: a phrase ("as a whole carried"), not a sentence
# Words that end one statement and start another, or a bracket that closes one ("fear (negative valence,
# high arousal) is second at 24%"): a share after them is not the class's before them.
_BREAK = re.compile(r",|\)|\band\b|\bbut\b|\byet\b|\bwhile\b|\bwhereas\b|\balthough\b", re.I)
# A class said of an emotion ("fear at 12%, an emotion with negative valence"), not a share of it.
_OF_A_CLASS = re.compile(r"\b(?:emotions?|class(?:es)?|labels?)\s+(?:with|of)\b", re.I)
# A share of something else: "40% of windows", "12% of the channels".
_OTHER_WHOLE = re.compile(r"^\s*(?:%|percent|per cent)?\s*of\s+(?:the\s+|all\s+)?(?:[\w-]+\s+){0,2}?(?:windows?|epochs?|"
                          r"channels?|segments?|trials?|data|recording|time|signal|seconds?)\b", re.I)
# A number right after another quantity is that quantity's ("alpha asymmetry 0.08 (mild positive valence)").
_OWNED = re.compile(r"\b(?:asymmetry|FAA|z(?:-?scores?)?|ratio|power|amplitude|index)\b\D{0,12}$", re.I)
_HEDGE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + r")\s*$", re.I)


def _is_share(number: Number) -> bool:
    if number.signed:
        return False
    if number.kind == "percent":
        return 0 <= number.value <= 100
    return number.kind in ("plain", "probability") and 0 <= number.value <= 1 and number.decimals >= 1


def _class_of(match: re.Match) -> tuple[str, str]:
    valence, arousal = match.group(1), match.group(2)
    return (valence.lower(), "valence") if valence else (arousal.lower(), "arousal")


def _free_gap(gap: str) -> bool:
    return len(gap) <= MAX_GAP and not re.search(r"\d", gap) and not emotion_mentions(gap)


def readout_claims(clause: Clause, nums: list[Number]) -> list[Claim]:
    """Each valence or arousal class written with its share of the pattern match: the class right before
    the share ("negative valence as a whole carried 57%") or right after it ("62% of the probability
    mass is assigned to negative valence"), with no other number, emotion or statement between them."""
    text = clause.text
    classes = list(_CLASS.finditer(text))
    space = class_space()
    if space is not None and not space.emotions:
        # Where the classes are valence/arousal classes ("low valence, low arousal"), such words name a
        # class, whose probability the pattern match gives: a probability claim, not a read-out.
        named = [(m.start(), m.end()) for m in class_re().finditer(text)]
        classes = [m for m in classes if not any(s < m.end() and m.start() < e for s, e in named)]
    if not classes:
        return []
    emotions = emotion_mentions(text)
    out: list[Claim] = []
    taken: set[int] = set()
    for number in (n for n in nums if _is_share(n)):
        if _OTHER_WHOLE.match(text[number.end:]):
            continue
        # A number right after an emotion is that emotion's probability ("anger alone reached 14%").
        owner = [e for e in emotions if e[1] <= number.start and number.start - e[1] <= 25
                 and not re.search(r"\d", text[e[1]:number.start])
                 and not any(e[1] <= m.start() < number.start for m in classes)]
        if owner or _OWNED.search(text[max(0, number.start - 30):number.start]):
            continue
        before = [m for m in classes if m.end() <= number.start and m.start() not in taken
                  and _free_gap(text[m.end():number.start]) and not _BREAK.search(text[m.end():number.start])]
        after = [m for m in classes if m.start() >= number.end and m.start() not in taken
                 and _free_gap(text[number.end:m.start()]) and not _OF_A_CLASS.search(text[number.end:m.start()])
                 and not _BREAK.search(text[number.end:m.start()].lstrip("% ,"))]
        found = before[-1] if before else after[0] if after else None
        if found is None:
            continue
        taken.add(found.start())
        cls, dimension = _class_of(found)
        value = number.value / 100.0 if number.kind == "percent" else number.value
        hedge = _HEDGE.search(text, max(0, number.start - 25), number.start)
        relation = QUALIFIERS[hedge.group(1).lower()] if hedge else "about"
        start = min(found.start(), hedge.start() if hedge else number.start)
        end = max(found.end(), number.end)
        if number.kind == "percent" and text[end:end + 1] == "%":
            end += 1
        stated = {"share": value, "class": cls, "dimension": dimension}
        if relation != "about":  # "just under 30%": a bound, not a value
            stated["relation"] = relation
        out.append(Claim("readout", span(clause, start, end), f"{cls} {dimension}", stated, {"share": number}))
    return out


__all__ = ["readout_claims"]
